// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_cli : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_cli)
#include "tst_cli.moc"
