// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_trainingmethod : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_trainingmethod)
#include "tst_trainingmethod.moc"
