// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_embeddingcache : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_embeddingcache)
#include "tst_embeddingcache.moc"
