#include "SimilarityStatistics.h"

#include "SyntheticEmbeddings.h"
#include "TestSupport.h"

#include <QtTest>
#include <cmath>

using namespace exemplar;

namespace {

// The full N×N similarity matrix: what the blockwise functions must agree with.
Matrix fullSimilarity(const Matrix& A) { return A * A.transpose(); }

} // namespace

class TestSimilarityStatistics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void classMeansMatchTheFullMatrix_data();
    void classMeansMatchTheFullMatrix();
    void blockIsTheMatrixRestricted();
    void histogramCountsEveryPairOnce_data();
    void histogramCountsEveryPairOnce();
    void largeProjectsAreSampledReproducibly();
    void mismatchedLabelsAreRefused();
};

void TestSimilarityStatistics::classMeansMatchTheFullMatrix_data()
{
    QTest::addColumn<std::vector<int>>("counts");
    QTest::newRow("balanced") << std::vector<int>{10, 10, 10};
    QTest::newRow("unbalanced") << std::vector<int>{3, 17, 8, 1};
    QTest::newRow("with an empty class") << std::vector<int>{5, 0, 6};
}

void TestSimilarityStatistics::classMeansMatchTheFullMatrix()
{
    QFETCH(std::vector<int>, counts);
    const EmbeddingSet set = test::makeClusteredSet(counts, 32, 0.8f, 5);
    const int classes = int(counts.size());
    const Matrix means = classMeanSimilarity(set.vectors, set.labels, classes);
    QCOMPARE(means.rows(), Eigen::Index(classes));
    QCOMPARE(means.cols(), Eigen::Index(classes));

    const Matrix S = fullSimilarity(set.vectors);
    for (int a = 0; a < classes; ++a)
        for (int b = 0; b < classes; ++b) {
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < set.size(); ++i)
                for (int j = 0; j < set.size(); ++j)
                    if (set.labels[size_t(i)] == a && set.labels[size_t(j)] == b && i != j) {
                        sum += S(i, j);
                        ++pairs;
                    }
            if (pairs == 0) {
                QVERIFY2(std::isnan(means(a, b)), qPrintable(QStringLiteral("(%1,%2)").arg(a).arg(b)));
            } else {
                QVERIFY2(std::abs(means(a, b) - sum / pairs) < 1e-5,
                         qPrintable(QStringLiteral("(%1,%2): %3 vs %4").arg(a).arg(b).arg(means(a, b)).arg(sum / pairs)));
            }
        }
    QVERIFY((means - means.transpose()).cwiseAbs().maxCoeff() < 1e-6 || !means.allFinite());
}

void TestSimilarityStatistics::blockIsTheMatrixRestricted()
{
    const EmbeddingSet set = test::makeClusteredSet({6, 7}, 16, 0.5f, 2);
    const Matrix S = fullSimilarity(set.vectors);
    const std::vector<int> rows{0, 5, 2}, columns{12, 6, 8, 0};
    const Matrix block = similarityBlock(set.vectors, rows, columns);
    QCOMPARE(block.rows(), Eigen::Index(3));
    QCOMPARE(block.cols(), Eigen::Index(4));
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < columns.size(); ++j)
            QVERIFY(std::abs(block(Eigen::Index(i), Eigen::Index(j)) - S(rows[i], columns[j])) < 1e-6);
}

void TestSimilarityStatistics::histogramCountsEveryPairOnce_data()
{
    QTest::addColumn<int>("blockRows");
    QTest::addColumn<int>("bins");
    QTest::newRow("one row at a time") << 1 << 20;
    QTest::newRow("uneven blocks") << 7 << 50;
    QTest::newRow("one block") << 1000 << 100;
}

void TestSimilarityStatistics::histogramCountsEveryPairOnce()
{
    QFETCH(int, blockRows);
    QFETCH(int, bins);
    const EmbeddingSet set = test::makeClusteredSet({9, 12, 4}, 24, 0.9f, 3);
    SimilarityHistogramOptions options;
    options.blockRows = blockRows;
    options.bins = bins;
    const SimilarityHistogram histogram = similarityHistogram(set.vectors, set.labels, options);
    QVERIFY(!histogram.sampled);

    // Brute force over S with the same binning.
    std::vector<qint64> within(size_t(bins), 0), cross(size_t(bins), 0);
    const Matrix S = fullSimilarity(set.vectors);
    for (int i = 0; i < set.size(); ++i)
        for (int j = i + 1; j < set.size(); ++j) {
            const int bin = std::clamp(int((S(i, j) + 1.0f) * (float(bins) / 2.0f)), 0, bins - 1);
            ++(set.labels[size_t(i)] == set.labels[size_t(j)] ? within : cross)[size_t(bin)];
        }
    const qint64 n = set.size();
    QCOMPARE(histogram.pairsCounted(), n * (n - 1) / 2);
    // The blocked product may round a value across a bin edge: allow a pair or two to move.
    qint64 moved = 0;
    for (int b = 0; b < bins; ++b)
        moved += std::abs(histogram.withinClass[size_t(b)] - within[size_t(b)]) +
                 std::abs(histogram.crossClass[size_t(b)] - cross[size_t(b)]);
    QVERIFY2(moved <= 4, qPrintable(QStringLiteral("%1 pairs in other bins").arg(moved)));
    qint64 withinTotal = 0;
    for (qint64 c : histogram.withinClass) withinTotal += c;
    QCOMPARE(withinTotal, qint64(9 * 8 / 2 + 12 * 11 / 2 + 4 * 3 / 2));
}

void TestSimilarityStatistics::largeProjectsAreSampledReproducibly()
{
    const EmbeddingSet set = test::makeClusteredSet({40, 40}, 16, 0.4f, 9);
    SimilarityHistogramOptions options;
    options.maxPairs = 500;  // fewer than the 3160 pairs: the pairs of 31 random photos
    const SimilarityHistogram first = similarityHistogram(set.vectors, set.labels, options);
    QVERIFY(first.sampled);
    QCOMPARE(first.pairsCounted(), qint64(31 * 30 / 2));
    const SimilarityHistogram again = similarityHistogram(set.vectors, set.labels, options);
    QVERIFY(again.withinClass == first.withinClass && again.crossClass == first.crossClass);
    // Well-separated classes: within-class pairs sit higher than cross-class ones.
    auto meanBin = [](const std::vector<qint64>& h) {
        double sum = 0, count = 0;
        for (size_t b = 0; b < h.size(); ++b) {
            sum += double(b) * double(h[b]);
            count += double(h[b]);
        }
        return sum / count;
    };
    QVERIFY(meanBin(first.withinClass) > meanBin(first.crossClass));
}

void TestSimilarityStatistics::mismatchedLabelsAreRefused()
{
    const EmbeddingSet set = test::makeClusteredSet({3, 3}, 8, 0.4f, 1);
    std::vector<int> labels = set.labels;
    labels.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::exception, classMeanSimilarity(set.vectors, labels, 2));
    QVERIFY_THROWS_EXCEPTION(std::exception, similarityHistogram(set.vectors, labels));
}

QTEST_GUILESS_MAIN(TestSimilarityStatistics)
#include "tst_similaritystatistics.moc"
