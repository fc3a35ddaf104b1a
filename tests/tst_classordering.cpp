// The order of classes the similarity heatmap draws: average-linkage clustering with optimal leaf
// ordering puts similar classes side by side, and no less well than the plain dendrogram.
#include "ClassOrdering.h"
#include "SimilarityStatistics.h"

#include "SyntheticEmbeddings.h"
#include "TestSupport.h"

#include <QtTest>
#include <algorithm>
#include <numeric>
#include <random>

using namespace exemplar;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

bool isPermutation(std::vector<int> order, int n)
{
    std::sort(order.begin(), order.end());
    std::vector<int> identity(static_cast<size_t>(n));
    std::iota(identity.begin(), identity.end(), 0);
    return order == identity;
}

// Classes in blocks of BLOCKS sizes: similarity about 0.8 within a block and 0.1 across, with
// noise, and the classes dealt out in a shuffled order (block[c] says which block class c is in).
Matrix blockSimilarity(const std::vector<int>& blocks, quint64 seed, std::vector<int>* blockOf)
{
    std::vector<int> block;
    for (size_t b = 0; b < blocks.size(); ++b) block.insert(block.end(), size_t(blocks[b]), int(b));
    std::mt19937_64 generator(seed);
    std::shuffle(block.begin(), block.end(), generator);
    std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
    const int n = int(block.size());
    Matrix s(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = i; j < n; ++j) s(i, j) = s(j, i) = i == j ? 1.0f : (block[size_t(i)] == block[size_t(j)] ? 0.8f : 0.1f) + noise(generator);
    *blockOf = block;
    return s;
}

// Random symmetric similarities in [−1, 1].
Matrix randomSimilarity(int n, quint64 seed)
{
    std::mt19937_64 generator(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    Matrix s(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = i; j < n; ++j) s(i, j) = s(j, i) = i == j ? 1.0f : uniform(generator);
    return s;
}

} // namespace

class TestClassOrdering : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blocksComeBackContiguous_data();
    void blocksComeBackContiguous();
    void pointsOnALineComeBackSorted_data();
    void pointsOnALineComeBackSorted();
    void optimalOrderIsNoWorseThanTheDendrogram_data();
    void optimalOrderIsNoWorseThanTheDendrogram();
    void tinyInputs();
    void deterministicAndTolerant();
    void cosineOfClassMeansMatchesTheMeanVectors();
};

void TestClassOrdering::blocksComeBackContiguous_data()
{
    QTest::addColumn<std::vector<int>>("blocks");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("3 equal blocks") << std::vector<int>{4, 4, 4} << quint64(1);
    QTest::newRow("unequal blocks") << std::vector<int>{2, 7, 1, 5} << quint64(2);
    QTest::newRow("200 classes in 10 blocks") << std::vector<int>(10, 20) << quint64(3);
}

void TestClassOrdering::blocksComeBackContiguous()
{
    QFETCH(std::vector<int>, blocks);
    QFETCH(quint64, seed);
    std::vector<int> blockOf;
    const Matrix s = blockSimilarity(blocks, seed, &blockOf);
    const std::vector<int> order = similarityOrder(s);
    QVERIFY(isPermutation(order, int(s.rows())));
    // Contiguous: along the order the block changes exactly (number of blocks − 1) times.
    int changes = 0;
    for (size_t t = 1; t < order.size(); ++t) changes += blockOf[size_t(order[t])] != blockOf[size_t(order[t - 1])];
    QCOMPARE(changes, int(blocks.size()) - 1);
    // The input really was scattered (else the test would prove nothing).
    int inputChanges = 0;
    for (size_t c = 1; c < blockOf.size(); ++c) inputChanges += blockOf[c] != blockOf[c - 1];
    QVERIFY(inputChanges > int(blocks.size()) - 1);
}

void TestClassOrdering::pointsOnALineComeBackSorted_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<quint64>("seed");
    QTest::newRow("7 points") << 7 << quint64(11);
    QTest::newRow("40 points") << 40 << quint64(12);
}

// s = −|x_i − x_j| for points on a line: the best path through them is the sorted order (its
// length is the span, the least any path can have), and every cluster of the tree is an interval,
// so optimal leaf ordering must find it; the plain dendrogram order generally does not.
void TestClassOrdering::pointsOnALineComeBackSorted()
{
    QFETCH(int, n);
    QFETCH(quint64, seed);
    std::mt19937_64 generator(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<double> x(static_cast<size_t>(n));
    for (double& value : x) value = uniform(generator);
    Matrix s(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) s(i, j) = float(-std::abs(x[size_t(i)] - x[size_t(j)]));
    const std::vector<int> order = similarityOrder(s);
    QVERIFY(isPermutation(order, n));
    std::vector<double> along;
    for (int c : order) along.push_back(x[size_t(c)]);
    QVERIFY2(std::is_sorted(along.begin(), along.end()) || std::is_sorted(along.rbegin(), along.rend()),
             "the order is not the order of the points along the line");
}

void TestClassOrdering::optimalOrderIsNoWorseThanTheDendrogram_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<quint64>("seed");
    for (int n : {3, 5, 9, 30, 120})
        for (quint64 seed : {quint64(1), quint64(2), quint64(3)})
            QTest::addRow("n=%d seed=%llu", n, static_cast<unsigned long long>(seed)) << n << seed;
}

void TestClassOrdering::optimalOrderIsNoWorseThanTheDendrogram()
{
    QFETCH(int, n);
    QFETCH(quint64, seed);
    const Matrix s = randomSimilarity(n, seed);
    const std::vector<int> plain = dendrogramOrder(s), optimal = similarityOrder(s);
    QVERIFY(isPermutation(plain, n));
    QVERIFY(isPermutation(optimal, n));
    QVERIFY2(adjacentSimilarity(s, optimal) >= adjacentSimilarity(s, plain) - 1e-9,
             qPrintable(QStringLiteral("%1 < %2").arg(adjacentSimilarity(s, optimal)).arg(adjacentSimilarity(s, plain))));
    // On dozens of random classes the plain order is never the best: optimal leaf ordering must
    // have flipped something (a pass-through of the dendrogram order would fail here).
    if (n >= 30) QVERIFY(adjacentSimilarity(s, optimal) > adjacentSimilarity(s, plain) + 1e-6);
    // Reversing the whole order is one of the flips: it can never beat the optimum either.
    std::vector<int> reversed(plain.rbegin(), plain.rend());
    QVERIFY(adjacentSimilarity(s, optimal) >= adjacentSimilarity(s, reversed) - 1e-9);
}

void TestClassOrdering::tinyInputs()
{
    QVERIFY(similarityOrder(Matrix(0, 0)).empty());
    QVERIFY(dendrogramOrder(Matrix(0, 0)).empty());
    QCOMPARE(similarityOrder(Matrix::Ones(1, 1)), std::vector<int>{0});
    Matrix two(2, 2);
    two << 1.0f, 0.3f, 0.3f, 1.0f;
    const std::vector<int> order = similarityOrder(two);
    QVERIFY(isPermutation(order, 2));
    QCOMPARE(adjacentSimilarity(two, order), double(0.3f));
    QVERIFY_THROWS_EXCEPTION(std::exception, similarityOrder(Matrix(2, 3)));
}

void TestClassOrdering::deterministicAndTolerant()
{
    // All pairs equally similar: every order is optimal; the same one must come back every time.
    const Matrix flat = Matrix::Constant(12, 12, 0.5f);
    const std::vector<int> first = similarityOrder(flat);
    QVERIFY(isPermutation(first, 12));
    for (int run = 0; run < 3; ++run) QCOMPARE(similarityOrder(flat), first);
    const Matrix random = randomSimilarity(50, 7);
    QCOMPARE(similarityOrder(random), similarityOrder(random));
    // A class with no pairs (NaN row, as classMeanSimilarity gives an empty class) is still placed.
    Matrix withNan = randomSimilarity(6, 8);
    for (int k = 0; k < 6; ++k) withNan(2, k) = withNan(k, 2) = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(isPermutation(similarityOrder(withNan), 6));
}

void TestClassOrdering::cosineOfClassMeansMatchesTheMeanVectors()
{
    const std::vector<int> counts{5, 1, 8, 3};
    const EmbeddingSet set = test::makeClusteredSet(counts, 16, 0.8f, 4);
    const Matrix cosines = cosineOfClassMeans(classMeanSimilarity(set.vectors, set.labels, set.classCount()), counts);
    Matrix meanVectors = Matrix::Zero(set.classCount(), set.vectors.cols());
    for (int i = 0; i < set.size(); ++i) meanVectors.row(set.labels[size_t(i)]) += set.vectors.row(i);
    meanVectors.rowwise().normalize();
    const Matrix expected = meanVectors * meanVectors.transpose();
    for (int a = 0; a < set.classCount(); ++a)
        for (int b = 0; b < set.classCount(); ++b)
            QVERIFY2(std::abs(cosines(a, b) - expected(a, b)) < 1e-4f,
                     qPrintable(QStringLiteral("(%1, %2): %3 vs %4").arg(a).arg(b).arg(cosines(a, b)).arg(expected(a, b))));
}

QTEST_GUILESS_MAIN(TestClassOrdering)
#include "tst_classordering.moc"
