// setTrainingBackground: the background photos a training learns from, the same for the CLI and
// the window. Each row is a background photo whose vector's first entry is its row number, so
// the rows kept can be read back from the options.
#include "TrainingBackground.h"

#include <QtTest>

using namespace exemplar;

class TestTrainingBackground : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsOtherKindsAndLeavesOutKindsNamedAsClasses_data()
    {
        QTest::addColumn<QList<int>>("kinds");        // per background photo; empty: no kinds
        QTest::addColumn<QStringList>("kindNames");
        QTest::addColumn<QStringList>("classes");
        QTest::addColumn<QList<int>>("candidates");   // {-2}: all rows
        QTest::addColumn<QList<int>>("keptRows");
        QTest::addColumn<QList<int>>("keptKinds");
        QTest::addColumn<QStringList>("leftOut");
        const QStringList pickups{"tundra", "Sierra"};
        QTest::newRow("no kinds: every photo, kind −1")
            << QList<int>{} << QStringList{} << pickups << QList<int>{-2} << QList<int>{0, 1, 2}
            << QList<int>{-1, -1, -1} << QStringList{};
        QTest::newRow("other kinds stay with their kinds")
            << QList<int>{0, 1, 0} << QStringList{"bg/f150", "bg/ram"} << pickups << QList<int>{-2}
            << QList<int>{0, 1, 2} << QList<int>{0, 1, 0} << QStringList{};
        QTest::newRow("a kind named as a class, in another case, is left out")
            << QList<int>{0, 1, 0, -1} << QStringList{"bg/f150", "bg/SIERRA"} << pickups << QList<int>{-2}
            << QList<int>{0, 2, 3} << QList<int>{0, 0, -1} << QStringList{"bg/SIERRA"};
        QTest::newRow("only the candidates, in their order")
            << QList<int>{0, 1, 0, 1} << QStringList{"bg/f150", "bg/ram"} << pickups << QList<int>{3, 0}
            << QList<int>{3, 0} << QList<int>{1, 0} << QStringList{};
        QTest::newRow("candidates of a kind named as a class are left out too")
            << QList<int>{0, 1, 0} << QStringList{"bg/tundra", "bg/ram"} << pickups << QList<int>{0, 1, 7, -1}
            << QList<int>{1} << QList<int>{1} << QStringList{"bg/tundra"};
        QTest::newRow("every kind named as a class: no background")
            << QList<int>{0, 1} << QStringList{"bg/tundra", "bg/sierra"} << pickups << QList<int>{-2}
            << QList<int>{} << QList<int>{} << QStringList{"bg/tundra", "bg/sierra"};
    }
    void keepsOtherKindsAndLeavesOutKindsNamedAsClasses()
    {
        QFETCH(QList<int>, kinds);
        QFETCH(QStringList, kindNames);
        QFETCH(QStringList, classes);
        QFETCH(QList<int>, candidates);
        QFETCH(QList<int>, keptRows);
        QFETCH(QList<int>, keptKinds);
        QFETCH(QStringList, leftOut);
        const int photos = kinds.isEmpty() ? 3 : int(kinds.size());
        EmbeddingSet background;
        background.vectors = Matrix::Zero(photos, 2);
        for (int row = 0; row < photos; ++row) {
            background.vectors(row, 0) = float(row);
            background.vectors(row, 1) = 1;
            background.labels.push_back(-1);
        }
        const SubfolderKinds subfolders{std::vector<int>(kinds.begin(), kinds.end()), kindNames};
        const std::vector<int> candidateRows(candidates.begin(), candidates.end());
        const bool all = candidates == QList<int>{-2};

        TrainingOptions options;
        QStringList named;
        setTrainingBackground(&options, background, subfolders, classes, all ? nullptr : &candidateRows, &named);

        QVERIFY(options.whiteningBackground);
        QVERIFY(options.whiteningBackgroundKinds);
        QList<int> rows;
        for (Eigen::Index i = 0; i < options.whiteningBackground->rows(); ++i)
            rows << int((*options.whiteningBackground)(i, 0));
        QCOMPARE(rows, keptRows);
        QCOMPARE(QList<int>(options.whiteningBackgroundKinds->begin(), options.whiteningBackgroundKinds->end()),
                 keptKinds);
        QCOMPARE(named, leftOut);
        QCOMPARE(backgroundKindsNamedAsClassesWarning(named).isEmpty(), leftOut.isEmpty());
    }

    void warningNamesAtMostThreeKinds()
    {
        const QString warning =
            backgroundKindsNamedAsClassesWarning({"bg/a", "bg/b", "bg/c", "bg/d"});
        QVERIFY2(warning.startsWith(QStringLiteral("4 of the background's subfolders")), qPrintable(warning));
        QVERIFY2(warning.contains(QStringLiteral("(bg/a, bg/b, bg/c, …)")), qPrintable(warning));
        QVERIFY(!warning.contains(QStringLiteral("bg/d")));
    }
};

QTEST_GUILESS_MAIN(TestTrainingBackground)
#include "tst_trainingbackground.moc"
