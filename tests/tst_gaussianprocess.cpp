#include "GaussianProcess.h"

#include <QtTest>

#include <cmath>

using exemplar::GaussianProcess;

namespace {

// Deterministic, well-spread points in [0, extent]^D (a Kronecker sequence).
Eigen::MatrixXd spreadPoints(int count, int dimensions, double extent)
{
    static const double steps[] = {0.6180339887, 0.4142135624, 0.7320508076, 0.2360679775};
    Eigen::MatrixXd X(count, dimensions);
    for (int i = 0; i < count; ++i)
        for (int d = 0; d < dimensions; ++d) {
            const double v = double(i + 1) * steps[d % 4] + 0.1 * d;
            X(i, d) = extent * (v - std::floor(v));
        }
    return X;
}

double testFunction(const Eigen::RowVectorXd& x, int kind)
{
    switch (kind) {
    case 0: return std::sin(6.0 * x[0]);
    case 1: return -(x.array() - 0.3).square().sum();
    default: return 1000.0 + 50.0 * std::cos(4.0 * x.sum());  // far from zero mean, large scale
    }
}

} // namespace

class TestGaussianProcess : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void interpolatesTrainingPoints_data();
    void interpolatesTrainingPoints();
    void flatDataPredictsTheConstant();
    void expectedImprovement_data();
    void expectedImprovement();
    void expectedImprovementIncreasesWithMean();
};

void TestGaussianProcess::interpolatesTrainingPoints_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("dimensions");
    QTest::addColumn<int>("count");

    QTest::newRow("sine, 1-d") << 0 << 1 << 8;
    QTest::newRow("quadratic, 3-d") << 1 << 3 << 20;
    QTest::newRow("offset and scaled, 2-d") << 2 << 2 << 15;
}

void TestGaussianProcess::interpolatesTrainingPoints()
{
    QFETCH(int, kind);
    QFETCH(int, dimensions);
    QFETCH(int, count);

    // Training points fill half of the cube, so its far corner is away from all of them.
    const Eigen::MatrixXd X = spreadPoints(count, dimensions, 0.5);
    Eigen::VectorXd y(count);
    for (int i = 0; i < count; ++i) y[i] = testFunction(X.row(i), kind);
    const double spread = y.maxCoeff() - y.minCoeff();

    GaussianProcess gp;
    gp.fit(X, y);
    QVERIFY(gp.lengthScale() > 0);

    double largestAtData = 0;
    for (int i = 0; i < count; ++i) {
        double mean = 0, stddev = -1;
        gp.predict(X.row(i), &mean, &stddev);
        QVERIFY2(std::abs(mean - y[i]) < 0.02 * spread,
                 qPrintable(QStringLiteral("point %1: mean %2, y %3").arg(i).arg(mean).arg(y[i])));
        QVERIFY(stddev >= 0);
        QVERIFY2(stddev < 0.05 * spread, qPrintable(QStringLiteral("stddev %1").arg(stddev)));
        largestAtData = std::max(largestAtData, stddev);
    }

    double meanFar = 0, stddevFar = 0;
    gp.predict(Eigen::RowVectorXd::Ones(dimensions), &meanFar, &stddevFar);
    QVERIFY(std::isfinite(meanFar));
    QVERIFY2(stddevFar > 3 * largestAtData,
             qPrintable(QStringLiteral("far %1, at data %2").arg(stddevFar).arg(largestAtData)));
}

void TestGaussianProcess::flatDataPredictsTheConstant()
{
    const Eigen::MatrixXd X = spreadPoints(6, 2, 1.0);
    GaussianProcess gp;
    gp.fit(X, Eigen::VectorXd::Constant(6, 0.75));
    double mean = 0, stddev = 0;
    gp.predict(Eigen::RowVectorXd::Constant(2, 0.4), &mean, &stddev);
    QCOMPARE(mean, 0.75);
    QVERIFY(std::isfinite(stddev));
}

void TestGaussianProcess::expectedImprovement_data()
{
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("stddev");
    QTest::addColumn<double>("best");
    QTest::addColumn<double>("expected");

    // Uncertain rows: z = ±2 and 0 in the closed form (m−b)·Φ(z) + σ·φ(z).
    QTest::newRow("certain, below best") << 0.3 << 0.0 << 0.5 << 0.0;
    QTest::newRow("certain, at best") << 0.5 << 0.0 << 0.5 << 0.0;
    QTest::newRow("certain, above best") << 0.7 << 0.0 << 0.5 << 0.2;
    QTest::newRow("uncertain, below best") << 0.3 << 0.1 << 0.5 << 0.00084907027;
    QTest::newRow("uncertain, at best") << 0.5 << 0.1 << 0.5 << 0.039894228040;
    QTest::newRow("uncertain, above best") << 0.7 << 0.1 << 0.5 << 0.20084907027;
}

void TestGaussianProcess::expectedImprovement()
{
    QFETCH(double, mean);
    QFETCH(double, stddev);
    QFETCH(double, best);
    QFETCH(double, expected);

    const double ei = exemplar::expectedImprovement(mean, stddev, best);
    if (expected == 0) {
        QCOMPARE(ei, 0.0);
    } else {
        QVERIFY(ei > 0);
        QVERIFY2(std::abs(ei - expected) < 1e-9, qPrintable(QString::number(ei, 'g', 12)));
    }
}

void TestGaussianProcess::expectedImprovementIncreasesWithMean()
{
    double previous = 0;
    for (double mean = -1.0; mean <= 1.0; mean += 0.05) {
        const double ei = exemplar::expectedImprovement(mean, 0.2, 0.0);
        QVERIFY2(ei > previous,
                 qPrintable(QStringLiteral("mean %1: %2 after %3").arg(mean).arg(ei).arg(previous)));
        previous = ei;
    }
}

QTEST_APPLESS_MAIN(TestGaussianProcess)
#include "tst_gaussianprocess.moc"
