// "Most confused pairs": the cross-validated ranking must name the pair that really overlaps, its
// counts must be the confusion matrix's off-diagonal cells, near-identical copies must never be on
// both sides of a fold, and the similarity ranking must see the overlap before any training.
#include "ClassPairSimilarity.h"
#include "ConfusedPairs.h"
#include "EmbeddingSet.h"
#include "Feedback.h"
#include "SyntheticEmbeddings.h"

#include <QJsonArray>
#include <QtTest>
#include <numeric>

using namespace exemplar;
using namespace exemplar::test;

namespace {

constexpr int kPerClass = 12;
constexpr float kNoise = 0.8f;  // photo–centre cosine about 0.78: apart, yet well inside their class

// CLASSES separated classes, except that class TWIN's photos are noisy copies of class
// ORIGINAL's: the one pair a classifier must confuse. The noise keeps every photo pair below the
// near-duplicate cosine: grouped photos would be held out together, and a class of one group never.
EmbeddingSet setWithOverlappingPair(int classes, int original, int twin, quint64 seed)
{
    EmbeddingSet set = makeClusteredSet(std::vector<int>(size_t(classes), kPerClass), 64, kNoise, seed);
    const Matrix noise = gaussianMatrix(kPerClass, set.dim(), seed + 7);
    for (int i = 0; i < kPerClass; ++i) {
        const RowVector near = set.vectors.row(original * kPerClass + i) + kNoise * noise.row(i) / std::sqrt(float(set.dim()));
        set.vectors.row(twin * kPerClass + i) = near.normalized();
    }
    return set;
}

ConfusionOptions optionsFor(const QString& method)
{
    ConfusionOptions options;
    options.training.method = method;
    options.training.linearC = 100;  // fixed: choosing C by an inner cross-validation only costs time here
    options.folds = 4;
    return options;
}

} // namespace

class TestConfusedPairs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void overlappingPairRanksFirst_data();
    void overlappingPairRanksFirst();
    void countsAreTheConfusionMatrixOffDiagonals_data();
    void countsAreTheConfusionMatrixOffDiagonals();
    void copiesStayOnOneSideOfEveryFold();
    void closestPairsAreTheBestCrossClassCosines();
    void cancelStops();
};

void TestConfusedPairs::overlappingPairRanksFirst_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("original");
    QTest::addColumn<int>("twin");
    QTest::newRow("class means, 6 classes, 1~4") << QStringLiteral("centroid") << 6 << 1 << 4;
    QTest::newRow("1-NN, 6 classes, 0~5") << QStringLiteral("all") << 6 << 0 << 5;
    QTest::newRow("linear, 8 classes, 2~3") << QStringLiteral("linear") << 8 << 2 << 3;
    QTest::newRow("class means, 12 classes, 7~10") << QStringLiteral("centroid") << 12 << 7 << 10;
}

void TestConfusedPairs::overlappingPairRanksFirst()
{
    QFETCH(QString, method);
    QFETCH(int, classes);
    QFETCH(int, original);
    QFETCH(int, twin);
    const EmbeddingSet set = setWithOverlappingPair(classes, original, twin, 11);
    const ConfusedPairsReport report = findConfusedPairs(set, optionsFor(method));
    QCOMPARE(report.method, method);
    const std::vector<int> byConfusion = report.byConfusion();
    QVERIFY(!byConfusion.empty());
    const ConfusedPair& top = report.pairs[size_t(byConfusion.front())];
    QCOMPARE(top.a, std::min(original, twin));
    QCOMPARE(top.b, std::max(original, twin));
    QVERIFY2(top.errors() >= kPerClass / 2, qPrintable(QString::number(top.errors())));  // near a coin toss
    if (byConfusion.size() > 1)
        QVERIFY(report.pairs[size_t(byConfusion[1])].errors() < top.errors());

    const ConfusedPair& similar = report.pairs[size_t(report.bySimilarity().front())];
    QCOMPARE(similar.a, top.a);
    QCOMPARE(similar.b, top.b);
    QVERIFY(similar.centroidCosine > 0.9);
    QCOMPARE(nearestClasses(classCentroidCosines(set), original, 1), std::vector<int>{twin});
}

void TestConfusedPairs::countsAreTheConfusionMatrixOffDiagonals_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<float>("noise");
    QTest::newRow("class means, overlapping classes") << QStringLiteral("centroid") << 1.6f;
    QTest::newRow("1-NN, overlapping classes") << QStringLiteral("all") << 1.6f;
    QTest::newRow("1-NN, separated classes") << QStringLiteral("all") << kNoise;
}

void TestConfusedPairs::countsAreTheConfusionMatrixOffDiagonals()
{
    QFETCH(QString, method);
    QFETCH(float, noise);
    const EmbeddingSet set = makeClusteredSet(std::vector<int>(7, 10), 32, noise, 5);
    ConfusionOptions options = optionsFor(method);
    options.similarPairs = 0;  // listed pairs are then exactly those with an error
    const ConfusedPairsReport report = findConfusedPairs(set, options);
    QCOMPARE(int(report.confusion.size()), set.classCount());
    QCOMPARE(report.heldOut, set.size());  // every photo is held out once (each is its own group)

    int offDiagonal = 0, correct = 0;
    for (int t = 0; t < set.classCount(); ++t)
        for (int p = 0; p < set.classCount(); ++p) (t == p ? correct : offDiagonal) += report.confusion[size_t(t)][size_t(p)];
    QCOMPARE(correct + offDiagonal, report.heldOut);
    QCOMPARE(report.accuracy, double(correct) / report.heldOut);

    int listedErrors = 0;
    for (const ConfusedPair& pair : report.pairs) {
        QVERIFY(pair.a < pair.b);
        QCOMPARE(pair.aAsB, report.confusion[size_t(pair.a)][size_t(pair.b)]);
        QCOMPARE(pair.bAsA, report.confusion[size_t(pair.b)][size_t(pair.a)]);
        QCOMPARE(pair.heldOut, 20);
        QVERIFY(pair.errors() > 0);
        listedErrors += pair.errors();
    }
    QCOMPARE(listedErrors, offDiagonal);  // no confused pair is left out
    QCOMPARE(report.byConfusion().size(), report.pairs.size());
    if (noise > 1) QVERIFY(offDiagonal > 0);  // the overlapping rows must give the checks something to check

    const QJsonObject json = report.toJson(3);
    QVERIFY(json.value(QStringLiteral("by_confusion")).toArray().size() <= 3);
    if (!report.pairs.empty())
        QCOMPARE(json.value(QStringLiteral("by_confusion")).toArray().first().toObject().value(QStringLiteral("errors")).toInt(),
                 report.pairs[size_t(report.byConfusion().front())].errors());
}

// Photos that do not generalize, each filed twice: were the copies split, 1-NN would find every
// held-out photo's twin and look perfect. Kept together, it is near chance.
void TestConfusedPairs::copiesStayOnOneSideOfEveryFold()
{
    const EmbeddingSet set = withIdenticalCopies(unlearnableSet(3, 12, 32, 3), 2);
    const ConfusedPairsReport report = findConfusedPairs(set, optionsFor(QStringLiteral("all")));
    QCOMPARE(report.duplicateGroups, set.size() / 2);
    QVERIFY2(report.accuracy < 0.55, qPrintable(QString::number(report.accuracy)));
    QVERIFY(!report.byConfusion().empty());

    // The same photos with every copy declared its own group: a copy lands in another fold than
    // its twin about three times in four (4 folds), and then answers it.
    ConfusionOptions splitCopies = optionsFor(QStringLiteral("all"));
    splitCopies.groups.resize(size_t(set.size()));
    std::iota(splitCopies.groups.begin(), splitCopies.groups.end(), 0);
    const double leaked = findConfusedPairs(set, splitCopies).accuracy;
    QVERIFY2(leaked > 0.65, qPrintable(QString::number(leaked)));
}

void TestConfusedPairs::closestPairsAreTheBestCrossClassCosines()
{
    const EmbeddingSet set = makeClusteredSet({6, 9, 4}, 16, 1.0f, 2);
    const std::vector<SimilarityEdge> best = closestCrossClassPairs(set, 0, 1, 5);
    QCOMPARE(int(best.size()), 5);
    float bruteBest = -2;
    for (int a = 0; a < 6; ++a)
        for (int b = 6; b < 15; ++b) bruteBest = std::max(bruteBest, set.vectors.row(a).dot(set.vectors.row(b)));
    QCOMPARE(best.front().similarity, bruteBest);
    for (size_t i = 0; i < best.size(); ++i) {
        QCOMPARE(set.labels[size_t(best[i].a)], 0);
        QCOMPARE(set.labels[size_t(best[i].b)], 1);
        QVERIFY(std::abs(best[i].similarity - set.vectors.row(best[i].a).dot(set.vectors.row(best[i].b))) < 1e-5f);
        if (i > 0) QVERIFY(best[i].similarity <= best[i - 1].similarity);
    }
    QVERIFY(std::abs(closestPairsCosine(set, 0, 1, 1) - bruteBest) < 1e-6);
}

void TestConfusedPairs::cancelStops()
{
    const EmbeddingSet set = makeClusteredSet(std::vector<int>(4, 10), 16, 0.5f, 1);
    Feedback feedback;
    feedback.cancel();
    QVERIFY_THROWS_EXCEPTION(OperationCanceled, findConfusedPairs(set, optionsFor(QStringLiteral("centroid")), &feedback));
}

QTEST_GUILESS_MAIN(TestConfusedPairs)
#include "tst_confusedpairs.moc"
