// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_referencehead : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_referencehead)
#include "tst_referencehead.moc"
