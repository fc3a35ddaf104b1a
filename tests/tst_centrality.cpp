// Eigenvector centrality (the article's step 2) against a dense eigen-decomposition, plus the
// ranking and selection helpers built on it.
#include "Centrality.h"
#include "SyntheticEmbeddings.h"

#include <Eigen/Eigenvalues>
#include <QtTest>

#include <cmath>

using namespace exemplar;
using namespace exemplar::test;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

// The reference answer: S formed explicitly in double precision and fully decomposed.
// Eigenvalues come out ascending, so the leading eigenvector is the last column.
Eigen::VectorXd denseLeadingEigenvector(const Matrix& A, double* gapRatio = nullptr)
{
    const Eigen::MatrixXd a = A.cast<double>();
    const Eigen::MatrixXd S = a * a.transpose();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(S);
    const Eigen::Index n = S.rows();
    if (gapRatio) *gapRatio = n > 1 ? solver.eigenvalues()[n - 2] / solver.eigenvalues()[n - 1] : 0;
    return solver.eigenvectors().col(n - 1);
}

double absCosine(const Vector& x, const Eigen::VectorXd& y)
{
    return std::abs(x.cast<double>().dot(y)) / (x.cast<double>().norm() * y.norm());
}

std::vector<int> toStd(const std::vector<int>& v) { return v; }

} // namespace

class TestCentrality : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesDenseEigenvector_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<bool>("clustered");  // clustered unit rows, else raw Gaussian entries
        QTest::newRow("5x3 gaussian") << 5 << 3 << false;
        QTest::newRow("50x16 clustered") << 50 << 16 << true;
        QTest::newRow("200x64 clustered") << 200 << 64 << true;
        QTest::newRow("40x8 gaussian, negative entries") << 40 << 8 << false;
        QTest::newRow("3x10 gaussian, wide") << 3 << 10 << false;
    }
    void matchesDenseEigenvector()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(bool, clustered);
        const Matrix A = clustered ? makeClusteredSet({rows / 2, rows - rows / 2}, cols, 0.5f, 7).vectors
                                   : gaussianMatrix(rows, cols, 11);
        if (!clustered) QVERIFY((A.array() < 0).any());

        double gapRatio = 1;
        const Eigen::VectorXd expected = denseLeadingEigenvector(A, &gapRatio);
        // Otherwise the leading eigenvector is ill-defined and the comparison would mean nothing.
        QVERIFY2(gapRatio < 0.95, qPrintable(QStringLiteral("eigen-gap too small: %1").arg(gapRatio)));

        const Vector x = eigenvectorCentrality(A);
        QCOMPARE(x.size(), Eigen::Index(rows));
        QVERIFY(x.allFinite());
        QVERIFY2(absCosine(x, expected) > 0.9999, qPrintable(QString::number(absCosine(x, expected), 'g', 10)));
        QVERIFY(std::abs(x.norm() - 1.0f) < 1e-5f);
        QVERIFY(x.sum() > 0);  // the sign convention
        // Real-feature-like data (every pair positively correlated): Perron–Frobenius applies.
        if (clustered) QVERIFY((x.array() > 0).all());
    }

    void edgeCases()
    {
        QCOMPARE(eigenvectorCentrality(Matrix(0, 8)).size(), Eigen::Index(0));

        const Vector one = eigenvectorCentrality(gaussianMatrix(1, 8, 3));
        QCOMPARE(one.size(), Eigen::Index(1));
        QCOMPARE(one[0], 1.0f);

        // S = 0: no node is more important than another, and nothing must become NaN.
        const Vector zeros = eigenvectorCentrality(Matrix::Zero(6, 4));
        QCOMPARE(zeros.size(), Eigen::Index(6));
        QVERIFY(zeros.allFinite());
        QVERIFY(std::abs(zeros.norm() - 1.0f) < 1e-5f);
        QVERIFY((zeros.array() > 0).all());
    }

    // A sign flip of the input must not flip the answer: S, and so the centrality, is unchanged.
    void signOfInputIrrelevant()
    {
        const Matrix A = makeClusteredSet({20}, 16, 0.5f, 5).vectors;
        const Matrix negated = -A;
        QVERIFY((eigenvectorCentrality(A) - eigenvectorCentrality(negated)).norm() < 1e-5f);
    }

    void wholeGraphVersusWithinClass()
    {
        const EmbeddingSet set = makeClusteredSet({12, 20, 8}, 32, 0.6f, 21);
        const int classes = set.classCount();

        const Vector whole = centralityScores(set.vectors, set.labels, classes, CentralityScope::WholeGraph);
        QVERIFY((whole - eigenvectorCentrality(set.vectors)).norm() < 1e-6f);

        const Vector within = centralityScores(set.vectors, set.labels, classes, CentralityScope::WithinClass);
        QCOMPARE(within.size(), Eigen::Index(set.size()));
        int start = 0;
        for (int c = 0; c < classes; ++c) {
            const int n = set.countsPerClass()[size_t(c)];
            const Matrix block = set.vectors.middleRows(start, n);
            const Eigen::VectorXd expected = denseLeadingEigenvector(block);
            const Vector got = within.segment(start, n);
            // Each class block is its own graph, normalized on its own.
            QVERIFY(absCosine(got, expected) > 0.9999);
            QVERIFY(std::abs(got.norm() - 1.0f) < 1e-5f);
            QVERIFY((got.array() > 0).all());
            start += n;
        }
        // With several classes the scopes really differ (whole-graph blocks are not unit vectors).
        QVERIFY((whole - within).norm() > 0.1f);

        // Labels need not be grouped: interleaving rows must give the same per-row scores.
        std::vector<int> order;
        for (int i = 0; i < set.size(); ++i) order.push_back(i % 2 == 0 ? i / 2 : set.size() - 1 - i / 2);
        const EmbeddingSet shuffled = set.subset(order);
        const Vector withinShuffled =
            centralityScores(shuffled.vectors, shuffled.labels, classes, CentralityScope::WithinClass);
        for (int i = 0; i < set.size(); ++i) QVERIFY(std::abs(withinShuffled[i] - within[order[size_t(i)]]) < 1e-5f);
    }

    void labelCountMismatchThrows()
    {
        QVERIFY_THROWS_EXCEPTION(std::exception, centralityScores(Matrix::Identity(3, 3), {0, 0}, 1,
                                                                  CentralityScope::WholeGraph));
    }

    void rankLeastCentralFirstOrdersByClass()
    {
        Vector centrality(7);
        centrality << 0.5f, 0.1f, 0.5f, 0.3f, 0.1f, 0.2f, 0.05f;
        const std::vector<int> labels{0, 1, 0, 1, 0, 1, 2};
        const auto ranking = rankLeastCentralFirst(centrality, labels, 4);
        QCOMPARE(ranking.size(), size_t(4));
        // Class 0 = rows 0 (0.5), 2 (0.5), 4 (0.1): ascending, the tie 0/2 by row index.
        QCOMPARE(ranking[0], toStd({4, 0, 2}));
        QCOMPARE(ranking[1], toStd({1, 5, 3}));
        QCOMPARE(ranking[2], toStd({6}));
        QVERIFY(ranking[3].empty());  // a class without photos
    }

    void keepLeastCentral_data()
    {
        QTest::addColumn<std::vector<int>>("k");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("some of each") << std::vector<int>{2, 1} << std::vector<int>{4, 0, 1};
        QTest::newRow("k = 0 keeps none") << std::vector<int>{0, 2} << std::vector<int>{1, 5};
        QTest::newRow("k beyond class size clamps") << std::vector<int>{9, 1} << std::vector<int>{4, 0, 2, 1};
        QTest::newRow("negative k clamps to 0") << std::vector<int>{-3, 3} << std::vector<int>{1, 5, 3};
        QTest::newRow("missing counts mean 0") << std::vector<int>{1} << std::vector<int>{4};
        QTest::newRow("no counts") << std::vector<int>{} << std::vector<int>{};
    }
    void keepLeastCentral()
    {
        QFETCH(std::vector<int>, k);
        QFETCH(std::vector<int>, expected);
        const std::vector<std::vector<int>> ranking{{4, 0, 2}, {1, 5, 3}};
        QCOMPARE(exemplar::keepLeastCentral(ranking, k), expected);
    }

    // The reason the article keeps the least central photos: an atypical photo (here one pointing
    // away from its class) must come first in its class's ranking.
    void outlierIsLeastCentralInItsClass()
    {
        EmbeddingSet set = makeClusteredSet({10, 10}, 48, 0.4f, 99);
        const int outlier = 13;  // in class 1
        std::mt19937_64 generator(1234);
        const Vector away = (unitGaussian(48, generator) - set.vectors.row(15).transpose()).normalized();
        set.vectors.row(outlier) = away.transpose();

        const Vector within = centralityScores(set.vectors, set.labels, 2, CentralityScope::WithinClass);
        for (int i = 10; i < 20; ++i)
            if (i != outlier) QVERIFY(within[outlier] < within[i]);
        QCOMPARE(rankLeastCentralFirst(within, set.labels, 2)[1].front(), outlier);
    }
};

QTEST_APPLESS_MAIN(TestCentrality)
#include "tst_centrality.moc"
