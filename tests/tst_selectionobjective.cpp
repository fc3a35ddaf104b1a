// PLACEHOLDER — to be written.
#include <QtTest>
class Tst_selectionobjective : public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(Tst_selectionobjective)
#include "tst_selectionobjective.moc"
