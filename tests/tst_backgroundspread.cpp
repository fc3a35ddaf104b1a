// BackgroundSpread: a background's spread within its kinds, bounded to a fixed number of axes,
// and leadingAxes, the randomized range finder behind it.
#include "BackgroundSpread.h"
#include "Error.h"
#include "Feedback.h"
#include "SyntheticEmbeddings.h"
#include "Whitening.h"

#include <QtTest>

#include <Eigen/SVD>

#include <limits>

using namespace exemplar;

namespace {

// N rows in D dimensions whose spread falls off along the axes (axis j has scale 1/(1 + j/10)),
// rotated by a random orthonormal map so that the axes are not the coordinate ones.
Matrix decayingSpread(int n, int d, quint64 seed)
{
    Matrix X = test::gaussianMatrix(n, d, seed);
    for (int j = 0; j < d; ++j) X.col(j) *= 1.0f / (1.0f + float(j) / 10.0f);
    const Eigen::HouseholderQR<Eigen::MatrixXf> qr(test::gaussianMatrix(d, d, seed + 1));
    const Eigen::MatrixXf rotation = qr.householderQ();
    return X * rotation;
}

// The squared singular values of X, descending.
Eigen::VectorXd squaredSingularValues(const Matrix& X)
{
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(X.cast<double>());
    return svd.singularValues().array().square();
}

} // namespace

class TestBackgroundSpread : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The axes' Gram matrix holds as much of XᵀX as the best rank-k approximation does (the sum of
    // the k largest squared singular values), within a small tolerance; with no more rows than the
    // sketch is wide the result is exact.
    void leadingAxesHoldTheLargestSpread_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("dim");
        QTest::addColumn<int>("axes");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("fewer rows than the sketch: exact") << 30 << 80 << 40 << 1e-5;
        QTest::newRow("more rows than axes") << 300 << 200 << 40 << 1e-2;
        QTest::newRow("more dimensions than rows") << 120 << 500 << 64 << 1e-2;
        QTest::newRow("one axis") << 50 << 20 << 1 << 1e-2;
    }
    void leadingAxesHoldTheLargestSpread()
    {
        QFETCH(int, rows);
        QFETCH(int, dim);
        QFETCH(int, axes);
        QFETCH(double, tolerance);
        const Matrix X = decayingSpread(rows, dim, 7);
        const Matrix found = leadingAxes(X, axes);
        QCOMPARE(found.cols(), X.cols());
        const Eigen::Index expectedRows = std::min<Eigen::Index>({axes, rows, dim});
        QCOMPARE(found.rows(), expectedRows);
        const Eigen::VectorXd best = squaredSingularValues(X);
        const double bestHeld = best.head(expectedRows).sum();
        const double held = found.cast<double>().squaredNorm();
        QVERIFY2(std::abs(held - bestHeld) <= tolerance * bestHeld,
                 qPrintable(QStringLiteral("held %1 of the best %2").arg(held).arg(bestHeld)));
        // The axes are orthogonal: their Gram matrix is diagonal.
        const Eigen::MatrixXd gram = found.cast<double>() * found.cast<double>().transpose();
        const double offDiagonal = (gram - Eigen::MatrixXd(gram.diagonal().asDiagonal())).cwiseAbs().maxCoeff();
        QVERIFY2(offDiagonal <= 1e-3 * gram.diagonal().maxCoeff(), qPrintable(QString::number(offDiagonal)));
        if (rows <= axes) {  // the sketch held every row: XᵀX itself
            const Eigen::MatrixXd full = X.cast<double>().transpose() * X.cast<double>();
            const Eigen::MatrixXd fromAxes = found.cast<double>().transpose() * found.cast<double>();
            QVERIFY((full - fromAxes).cwiseAbs().maxCoeff() <= 1e-3 * full.cwiseAbs().maxCoeff());
        }
    }

    void leadingAxesOfNothingAreNone()
    {
        QCOMPARE(leadingAxes(Matrix(0, 5), 3).rows(), Eigen::Index(0));
        QCOMPARE(leadingAxes(Matrix::Zero(4, 5), 3).rows(), Eigen::Index(0));  // no spread at all
        QCOMPARE(leadingAxes(test::gaussianMatrix(4, 5, 1), 0).rows(), Eigen::Index(0));
    }

    // The summary's counts and sums are exact whatever it compresses; its offsets are within each
    // kind; a photo without a kind is a place of its own; more kinds than axes leave one place (the
    // mean) and the kinds' axes around it.
    void summaryKeepsExactSums_data()
    {
        QTest::addColumn<int>("kinds");
        QTest::addColumn<int>("perKind");
        QTest::addColumn<int>("loose");
        QTest::addColumn<int>("maxAxes");
        QTest::newRow("few kinds, every axis kept") << 3 << 5 << 0 << 256;
        QTest::newRow("photos without a kind") << 3 << 5 << 4 << 256;
        QTest::newRow("offsets compressed") << 4 << 30 << 0 << 8;
        QTest::newRow("more kinds than axes") << 20 << 3 << 2 << 8;
        QTest::newRow("more photos without a kind than axes") << 3 << 4 << 12 << 8;
    }
    void summaryKeepsExactSums()
    {
        QFETCH(int, kinds);
        QFETCH(int, perKind);
        QFETCH(int, loose);
        QFETCH(int, maxAxes);
        const int n = kinds * perKind + loose, d = 40;
        const Matrix X = decayingSpread(n, d, 11);
        std::vector<int> labels;
        for (int i = 0; i < n; ++i) labels.push_back(i < kinds * perKind ? i % kinds : -1);
        const BackgroundSpread spread = BackgroundSpread::of(X, labels, maxAxes);
        QCOMPARE(spread.photos, n);
        QCOMPARE(spread.photosWithKind, kinds * perKind);
        const Vector mean = X.colwise().mean().transpose();
        QVERIFY((spread.mean - mean).cwiseAbs().maxCoeff() < 1e-5f);
        const double sumOfSquares = (X.rowwise() - mean.transpose()).cast<double>().squaredNorm();
        QVERIFY(std::abs(spread.sumOfSquares - sumOfSquares) < 1e-6 * sumOfSquares);
        QVERIFY(spread.withinAxes.rows() <= maxAxes);
        QVERIFY(spread.betweenAxes.rows() <= maxAxes);
        const auto placesOf = [&](int rows) { return rows <= maxAxes ? rows : 1; };
        QCOMPARE(spread.positions.rows(), Eigen::Index(placesOf(kinds) + (loose > 0 ? placesOf(loose) : 0)));
        QCOMPARE(spread.betweenAxes.rows() > 0, kinds > maxAxes || loose > maxAxes);
        QCOMPARE(spread.positions.cols(), Eigen::Index(d));
        QCOMPARE(spread.betweenAxes.cols(), Eigen::Index(d));
        // The within axes lie in the span of the offsets from each kind's mean: nothing of the
        // between-kind direction a constant shift per kind would add.
        Matrix shifted = X;
        for (int i = 0; i < kinds * perKind; ++i) shifted.row(i).array() += 3.0f * float(i % kinds);
        const BackgroundSpread same = BackgroundSpread::of(shifted, labels, maxAxes);
        QVERIFY(std::abs(same.withinAxes.squaredNorm() - spread.withinAxes.squaredNorm())
                <= 1e-3 * spread.withinAxes.squaredNorm());
    }

    void summaryNeedsOneKindPerPhoto()
    {
        const Matrix X = test::gaussianMatrix(5, 4, 2);
        QVERIFY_THROWS_EXCEPTION(Error, BackgroundSpread::of(X, std::vector<int>(4, 0)));
        QVERIFY_THROWS_EXCEPTION(Error, BackgroundSpread::of(X, std::vector<int>(5, 0), 0));
        Matrix broken = X;
        broken(2, 1) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(Error, BackgroundSpread::of(broken, std::vector<int>(5, 0)));
    }

    void reusedSpreadIsTheSameForTheSamePhotosOnly()
    {
        const Matrix X = decayingSpread(20, 10, 3);
        const std::vector<int> kinds{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
        const auto first = BackgroundSpread::reused(X, kinds);
        QCOMPARE(BackgroundSpread::reused(X, kinds).get(), first.get());
        Matrix changed = X;
        changed(4, 4) += 1.0f;
        QVERIFY(BackgroundSpread::reused(changed, kinds).get() != first.get());
        std::vector<int> otherKinds = kinds;
        otherKinds[0] = 1;
        QVERIFY(BackgroundSpread::reused(changed, otherKinds).get() != BackgroundSpread::reused(changed, kinds).get());
    }

    // A summary can take long (linear in the photos), so it reports its steps and stops when
    // canceled; a canceled one is not kept, and the next caller computes it whole.
    void summaryReportsItsStepsAndStopsWhenCanceled()
    {
        const Matrix X = decayingSpread(20, 10, 5);
        const std::vector<int> kinds{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 2, 2, 2, -1, -1, -1, -1, -1, -1};
        Feedback watched;
        QList<qint64> steps;
        QString said;
        watched.setProgressHandler([&](qint64 done, qint64 total, const QString& what) {
            QCOMPARE(total, qint64(3));
            steps << done;
            said = what;
        });
        const BackgroundSpread whole = BackgroundSpread::of(X, kinds, 4, &watched);
        QCOMPARE(steps, (QList<qint64>{0, 1, 2, 3}));
        QVERIFY2(said.contains(QStringLiteral("20 background photos")), qPrintable(said));

        Feedback canceled;
        canceled.cancel();
        QVERIFY_THROWS_EXCEPTION(OperationCanceled, BackgroundSpread::of(X, kinds, 4, &canceled));
        QVERIFY_THROWS_EXCEPTION(OperationCanceled, leadingAxes(X, 4, &canceled));
        // Canceled once the first step has begun: inside the range finder's products.
        Feedback cancelingOnStart;
        cancelingOnStart.setProgressHandler([&](qint64, qint64, const QString&) { cancelingOnStart.cancel(); });
        QVERIFY_THROWS_EXCEPTION(OperationCanceled, BackgroundSpread::reused(X, kinds, 4, &cancelingOnStart));
        const auto after = BackgroundSpread::reused(X, kinds, 4);
        QVERIFY(after);
        QCOMPARE(after->photos, 20);
        QVERIFY((after->withinAxes - whole.withinAxes).norm() < 1e-5f);
        QVERIFY((after->positions - whole.positions).norm() < 1e-5f);
        QVERIFY((after->betweenAxes - whole.betweenAxes).norm() < 1e-5f);
    }

    // However many background photos, the whitening gains at most the summary's axes: the
    // projection (a row per axis of the embedding's length, stored in the reference set) stays
    // bounded. 600 photos of 12 kinds in 400 dimensions add at most 12 places and 256 axes.
    void aLargeBackgroundAddsBoundedAxes()
    {
        const int d = 400;
        const Matrix pool = decayingSpread(12, d, 21);
        const std::vector<int> labels{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
        const Matrix background = decayingSpread(600, d, 22);
        std::vector<int> kinds;
        for (int i = 0; i < 600; ++i) kinds.push_back(i % 12);
        const Whitening w = Whitening::fitWithinClass(pool, labels, 0.02, &background, &kinds);
        QCOMPARE(w.projection.cols(), Eigen::Index(d));
        QVERIFY2(w.projection.rows() <= 12 + 12 + 256, qPrintable(QString::number(w.projection.rows())));
        QVERIFY(w.projection.rows() > 12);  // the background did widen the span
        QVERIFY(w.projection.allFinite());
    }
};

QTEST_APPLESS_MAIN(TestBackgroundSpread)
#include "tst_backgroundspread.moc"
