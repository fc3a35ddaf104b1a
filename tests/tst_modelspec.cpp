// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_modelspec : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_modelspec)
#include "tst_modelspec.moc"
