// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_honestevaluation : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_honestevaluation)
#include "tst_honestevaluation.moc"
