// PCA whitening fitted on a pool: centered, rotated, scaled per axis, L2-normalized — and the
// same map as a ReferenceHead's query transform, so training and classifying agree.
#include "ReferenceHead.h"
#include "SyntheticEmbeddings.h"
#include "Whitening.h"
#include "Error.h"

#include <QtTest>

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

using namespace exemplar;

namespace {

// The share of FRESH photos whose nearest class mean of POOL, both whitened by W, is their class.
double nearestMeanAccuracy(const Whitening& w, const Matrix& pool, const std::vector<int>& poolLabels,
                           const Matrix& fresh, const std::vector<int>& freshLabels, int classes)
{
    const Matrix A = w.apply(pool), B = w.apply(fresh);
    Matrix means = Matrix::Zero(classes, A.cols());
    for (int i = 0; i < A.rows(); ++i) means.row(poolLabels[size_t(i)]) += A.row(i);
    int right = 0;
    for (int i = 0; i < B.rows(); ++i) {
        Eigen::Index best = 0;
        (means * B.row(i).transpose()).maxCoeff(&best);
        right += int(best) == freshLabels[size_t(i)];
    }
    return double(right) / double(B.rows());
}

} // namespace

class TestWhitening : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void whitenedPoolHasEqualizedCovariance_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("dim");
        QTest::newRow("fewer photos than dimensions") << 20 << 64;
        QTest::newRow("more photos than dimensions") << 200 << 16;
    }

    void whitenedPoolHasEqualizedCovariance()
    {
        QFETCH(int, rows);
        QFETCH(int, dim);
        // Strongly anisotropic data: axis j scaled by 1/(j+1).
        Matrix X = test::gaussianMatrix(rows, dim, 7);
        for (int j = 0; j < dim; ++j) X.col(j) *= 1.0f / float(j + 1);
        const Whitening w = Whitening::fit(X, WhiteningOptions{true, 1e-6});
        QCOMPARE(int(w.center.size()), dim);
        QCOMPARE(int(w.projection.cols()), dim);
        QVERIFY(w.projection.rows() <= std::min(rows - 1, dim));
        // Without normalization, the projected pool's covariance is close to the identity.
        const Matrix Y = (X.rowwise() - w.center.transpose()) * w.projection.transpose();
        const Eigen::MatrixXf covariance = (Y.transpose() * Y) / float(rows);
        const float error = (covariance - Eigen::MatrixXf::Identity(Y.cols(), Y.cols())).cwiseAbs().maxCoeff();
        QVERIFY2(error < 1e-2f, qPrintable(QString::number(error)));
    }

    void shrinkageLimitsTheGainOfTinyAxes()
    {
        Matrix X = test::gaussianMatrix(50, 8, 3);
        X.col(7) *= 1e-3f;  // an axis of almost no variance: noise, not signal
        const Whitening sharp = Whitening::fit(X, WhiteningOptions{true, 1e-9});
        const Whitening shrunk = Whitening::fit(X, WhiteningOptions{true, 1.0});
        QVERIFY(sharp.projection.rowwise().norm().maxCoeff() > 100 * shrunk.projection.rowwise().norm().maxCoeff());
    }

    void rotationOnlyPreservesDistances()
    {
        const Matrix X = test::gaussianMatrix(30, 10, 5);
        const Whitening w = Whitening::fit(X, WhiteningOptions{false, 1.0});
        const Matrix Y = (X.rowwise() - w.center.transpose()) * w.projection.transpose();
        const Matrix centered = X.rowwise() - w.center.transpose();
        QVERIFY(std::abs((Y.row(3) - Y.row(9)).norm() - (centered.row(3) - centered.row(9)).norm()) < 1e-4f);
    }

    void applyEqualsTheHeadTransform()
    {
        const EmbeddingSet pool = test::makeClusteredSet({{8, 8, 8}, 48, 0.8f, 1.0f, 11});
        const Whitening w = Whitening::fit(pool.vectors);
        ReferenceHead head;
        head.center = w.center;
        head.projection = w.projection;
        head.references = Matrix::Zero(1, w.projection.rows());
        const Matrix applied = w.apply(pool.vectors);
        for (int i = 0; i < pool.size(); ++i) {
            const Vector viaHead = head.transform(pool.vectors.row(i).transpose());
            QVERIFY((viaHead - applied.row(i).transpose()).norm() < 1e-5f);
            QVERIFY(std::abs(viaHead.norm() - 1.0f) < 1e-5f);
        }
    }

    void degeneratePoolsAreRefused_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<bool>("identical");
        QTest::newRow("one photo") << 1 << false;
        QTest::newRow("identical photos") << 5 << true;
    }

    void degeneratePoolsAreRefused()
    {
        QFETCH(int, rows);
        QFETCH(bool, identical);
        Matrix X = test::gaussianMatrix(rows, 6, 2);
        if (identical) X.rowwise() = X.row(0).eval();
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fit(X));
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fitWithinClass(X, std::vector<int>(size_t(rows), 0), 0.02));
    }

    // Within-class whitening: the photos' spread around their own class mean becomes the identity
    // (up to ε), wherever the classes lie, with fewer or more photos than dimensions.
    void withinClassSpreadBecomesTheIdentity_data()
    {
        QTest::addColumn<int>("perClass");
        QTest::addColumn<int>("dim");
        QTest::newRow("more photos than dimensions") << 60 << 12;
        QTest::newRow("fewer photos than dimensions") << 6 << 64;
    }
    void withinClassSpreadBecomesTheIdentity()
    {
        QFETCH(int, perClass);
        QFETCH(int, dim);
        const int classes = 4;
        Matrix X = test::gaussianMatrix(classes * perClass, dim, 21);
        for (int j = 0; j < dim; ++j) X.col(j) *= 1.0f / float(j + 1);  // anisotropic spread
        std::vector<int> labels;
        const Matrix offsets = 3 * test::gaussianMatrix(classes, dim, 22);
        for (int i = 0; i < X.rows(); ++i) {
            labels.push_back(i % classes);
            X.row(i) += offsets.row(i % classes);
        }
        const Whitening w = Whitening::fitWithinClass(X, labels, 1e-7);
        QCOMPARE(int(w.center.size()), dim);
        QVERIFY(w.projection.rows() <= std::min(int(X.rows()) - 1, dim));
        Matrix Y = (X.rowwise() - w.center.transpose()) * w.projection.transpose();
        for (int c = 0; c < classes; ++c) {
            RowVector mean = RowVector::Zero(Y.cols());
            for (int i = c; i < Y.rows(); i += classes) mean += Y.row(i);
            mean /= float(perClass);
            for (int i = c; i < Y.rows(); i += classes) Y.row(i) -= mean;
        }
        // Each axis's within-class variance is 1 where the classes' photos spread and 0 along the
        // directions where only the class means differ (within the pool's span there are
        // classes − 1 of those when there are fewer photos than dimensions).
        const Eigen::MatrixXf within = (Y.transpose() * Y) / float(Y.rows());
        int unit = 0, zero = 0;
        for (int k = 0; k < within.rows(); ++k) {
            const float v = within(k, k);
            if (std::abs(v - 1) < 1e-2f) ++unit;
            else if (std::abs(v) < 1e-2f) ++zero;
        }
        QCOMPARE(unit + zero, int(within.rows()));
        QCOMPARE(unit, std::min(int(X.rows()) - classes, dim));
        const Eigen::MatrixXf offDiagonal = within - Eigen::MatrixXf(within.diagonal().asDiagonal());
        QVERIFY2(offDiagonal.cwiseAbs().maxCoeff() < 1e-2f, qPrintable(QString::number(offDiagonal.cwiseAbs().maxCoeff())));
    }

    // What within-class whitening is for: classes that differ along a direction in which the photos
    // as a whole vary little, while a loud direction varies within every class. The pool's own
    // whitening shrinks the quiet direction with the rest; the within-class one gives it the most
    // weight. Measured on new photos of the same classes by the nearest class mean.
    void withinClassWhiteningFindsTheQuietDifference()
    {
        const int dim = 8, classes = 4;
        const auto photos = [&](int perClass, quint64 seed, std::vector<int>* labels) {
            Matrix X = test::gaussianMatrix(classes * perClass, dim, seed);
            X.col(0) *= 4.0f;  // loud, within every class
            for (int i = 0; i < X.rows(); ++i) {
                const int c = i % classes;
                labels->push_back(c);
                // Quiet axes 1–4: each class stands out on its own one, by little.
                for (int j = 1; j <= classes; ++j) X(i, j) = 0.05f * X(i, j) + (j == c + 1 ? 0.5f : 0.0f);
            }
            return X;
        };
        std::vector<int> trainLabels, testLabels;
        const Matrix pool = photos(8, 31, &trainLabels), fresh = photos(50, 32, &testLabels);
        const auto accuracy = [&](const Whitening& w) {
            return nearestMeanAccuracy(w, pool, trainLabels, fresh, testLabels, classes);
        };
        const double pooled = accuracy(Whitening::fit(pool, WhiteningOptions{true, 0.3}));
        const double within = accuracy(Whitening::fitWithinClass(pool, trainLabels, 0.02));
        QVERIFY2(within > 0.9 && within > pooled + 0.2, qPrintable(QStringLiteral("%1 vs %2").arg(within).arg(pooled)));
    }

    // Background photos sorted by kind (other car models): with three photos per class the pool
    // cannot tell which of many loud directions vary within a class, and its class means are
    // mostly that noise; ten other kinds of forty photos show it, and the quiet difference wins.
    // Without kinds the background adds no spread within a class and changes little.
    void backgroundKindsTeachTheSpreadWithinAClass()
    {
        const int dim = 40, classes = 4, kinds = 10;
        const auto photos = [&](int groups, int perGroup, bool ofTheClasses, quint64 seed, std::vector<int>* labels) {
            Matrix X = test::gaussianMatrix(groups * perGroup, dim, seed);  // loud everywhere …
            for (int i = 0; i < X.rows(); ++i) {
                const int g = i % groups;
                labels->push_back(g);
                for (int j = 0; j < classes; ++j) X(i, j) = 0.05f * X(i, j);  // … but on the first four axes,
                if (ofTheClasses) X(i, g) += 0.5f;  // where each class stands out on its own one
            }
            return X;
        };
        std::vector<int> trainLabels, testLabels, backgroundKinds;
        const Matrix pool = photos(classes, 3, true, 41, &trainLabels), fresh = photos(classes, 50, true, 42, &testLabels);
        const Matrix background = photos(kinds, 40, false, 43, &backgroundKinds);
        const auto accuracy = [&](const Whitening& w) {
            return nearestMeanAccuracy(w, pool, trainLabels, fresh, testLabels, classes);
        };
        const double alone = accuracy(Whitening::fitWithinClass(pool, trainLabels, 0.02));
        const double withKinds = accuracy(Whitening::fitWithinClass(pool, trainLabels, 0.02, &background, &backgroundKinds));
        const std::vector<int> none(backgroundKinds.size(), -1);
        const double withoutKinds = accuracy(Whitening::fitWithinClass(pool, trainLabels, 0.02, &background, &none));
        QVERIFY2(withKinds > 0.9 && withKinds > alone + 0.3,
                 qPrintable(QStringLiteral("with kinds %1, pool alone %2").arg(withKinds).arg(alone)));
        QVERIFY2(withoutKinds < alone + 0.15, qPrintable(QStringLiteral("without kinds %1, pool alone %2").arg(withoutKinds).arg(alone)));
        // Lengths must agree.
        const std::vector<int> tooFew(3, 0);
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fitWithinClass(pool, trainLabels, 0.02, &background, &tooFew));
        const Matrix shorter = background.leftCols(dim - 1);
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fitWithinClass(pool, trainLabels, 0.02, &shorter, &backgroundKinds));
    }

    // With a background small enough to keep whole (offsets of lower rank than the summary's 256
    // axes, few kinds), the fit through BackgroundSpread is the within-class whitening of its
    // definition, computed here directly: the span of pool and background around the pool's mean,
    // the offsets from each class's and each kind's mean (a photo without a kind: none), ε relative
    // to the mean nonzero eigenvalue of all rows. Compared as the metric PᵀP, which does not depend
    // on the basis chosen for the span.
    void backgroundFitIsTheDefinitionWhenItFitsWhole_data()
    {
        QTest::addColumn<int>("dim");
        QTest::newRow("more dimensions than photos") << 60;
        QTest::newRow("fewer dimensions than photos") << 24;
    }
    void backgroundFitIsTheDefinitionWhenItFitsWhole()
    {
        QFETCH(int, dim);
        const Matrix pool = test::gaussianMatrix(16, dim, 51), background = test::gaussianMatrix(19, dim, 52);
        std::vector<int> labels, kinds;
        for (int i = 0; i < 16; ++i) labels.push_back(i % 4);
        for (int i = 0; i < 19; ++i) kinds.push_back(i < 15 ? i % 3 : -1);
        const double shrinkage = 0.05;
        const Whitening w = Whitening::fitWithinClass(pool, labels, shrinkage, &background, &kinds);

        const Eigen::RowVectorXd center = pool.cast<double>().colwise().mean();
        Eigen::MatrixXd rows(35, dim);
        rows << pool.cast<double>(), background.cast<double>();
        rows.rowwise() -= center;
        const Eigen::BDCSVD<Eigen::MatrixXd> svd(rows, Eigen::ComputeThinV);
        const Eigen::VectorXd singular = svd.singularValues();
        Eigen::Index rank = 0;
        while (rank < singular.size() && singular[rank] > 1e-6 * singular[0]) ++rank;
        const Eigen::MatrixXd basis = svd.matrixV().leftCols(rank);
        const Eigen::MatrixXd Z = rows * basis;
        std::vector<int> groups = labels;
        for (int kind : kinds) groups.push_back(kind >= 0 ? 4 + kind : -1);
        Eigen::MatrixXd offsets = Eigen::MatrixXd::Zero(35, rank);
        int grouped = 0;
        for (int i = 0; i < 35; ++i) {
            if (groups[size_t(i)] < 0) continue;
            ++grouped;
            Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(rank);
            int count = 0;
            for (int j = 0; j < 35; ++j)
                if (groups[size_t(j)] == groups[size_t(i)]) mean += Z.row(j), ++count;
            offsets.row(i) = Z.row(i) - mean / count;
        }
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> within(offsets.transpose() * offsets / grouped);
        const double epsilon = shrinkage * singular.head(rank).squaredNorm() / 35.0 / double(rank);
        const Eigen::MatrixXd projection =
            (within.eigenvalues().array().max(0.0) + epsilon).rsqrt().matrix().asDiagonal()
            * within.eigenvectors().transpose() * basis.transpose();
        const Eigen::MatrixXd expected = projection.transpose() * projection;
        const Eigen::MatrixXd actual = w.projection.cast<double>().transpose() * w.projection.cast<double>();
        const double error = (actual - expected).cwiseAbs().maxCoeff() / expected.cwiseAbs().maxCoeff();
        QVERIFY2(error < 1e-3, qPrintable(QStringLiteral("relative difference %1").arg(error)));
        QVERIFY((w.center.cast<double>().transpose() - center).cwiseAbs().maxCoeff() < 1e-6);
    }

    // The plain whitening reads a background through its bounded summary (weighted places and
    // axes). While the summary holds all of the background's spread, the fit must be the one on
    // every photo together: the same center and the same PᵀP (the projection's rows may differ
    // by a rotation).
    void backgroundJoinsThePlainFitAsIfFittedTogether_data()
    {
        QTest::addColumn<int>("dim");
        QTest::addColumn<int>("backgroundPhotos");
        QTest::addColumn<int>("kindCount");  // 0: no kinds; kinds with −1 for every fifth photo
        QTest::newRow("no kinds, more dimensions than photos") << 60 << 19 << 0;
        QTest::newRow("kinds, more dimensions than photos") << 60 << 19 << 3;
        QTest::newRow("kinds, fewer dimensions than photos") << 24 << 40 << 4;
        QTest::newRow("more photos without a kind than axes kept") << 24 << 300 << 0;
        // 263 kinds of 2 to 4 photos: their means are replaced by the weighted mean and axes.
        QTest::newRow("more kinds than axes kept, of different sizes") << 24 << 900 << 263;
    }
    void backgroundJoinsThePlainFitAsIfFittedTogether()
    {
        QFETCH(int, dim);
        QFETCH(int, backgroundPhotos);
        QFETCH(int, kindCount);
        const Matrix pool = test::gaussianMatrix(16, dim, 61);
        Matrix background = test::gaussianMatrix(backgroundPhotos, dim, 62);
        std::vector<int> kinds;
        for (int i = 0; i < backgroundPhotos; ++i) {
            kinds.push_back(kindCount > 0 && i % 5 != 4 ? i % kindCount : -1);
            if (kinds.back() >= 0) background.row(i).array() += 0.5f * float(kinds.back() % 7);  // kinds apart
        }
        const WhiteningOptions options{true, 0.3};
        const Whitening bounded = Whitening::fit(pool, options, &background, kindCount > 0 ? &kinds : nullptr);
        Matrix together(pool.rows() + background.rows(), dim);
        together << pool, background;
        const Whitening expected = Whitening::fit(together, options);

        const Eigen::MatrixXd expectedGram = expected.projection.cast<double>().transpose() * expected.projection.cast<double>();
        const Eigen::MatrixXd actualGram = bounded.projection.cast<double>().transpose() * bounded.projection.cast<double>();
        const double error = (actualGram - expectedGram).cwiseAbs().maxCoeff() / expectedGram.cwiseAbs().maxCoeff();
        // Both are exact up to rounding (about 1e-7); a wrong weight on a summarized place is
        // about 5e-4 off.
        QVERIFY2(error < 1e-5, qPrintable(QStringLiteral("relative difference %1").arg(error)));
        QVERIFY((bounded.center - expected.center).cwiseAbs().maxCoeff() < 1e-5f);
        QVERIFY(bounded.projection.rows() <= expected.projection.rows());
    }

    // A background larger than the summary keeps: the projection no longer grows with it.
    void aLargeBackgroundAddsABoundedNumberOfAxes()
    {
        const int dim = 400;
        const Matrix pool = test::gaussianMatrix(20, dim, 71), background = test::gaussianMatrix(600, dim, 72);
        const Whitening w = Whitening::fit(pool, WhiteningOptions{true, 1.0}, &background);
        QVERIFY2(w.projection.rows() <= 20 + 1 + 256, qPrintable(QString::number(w.projection.rows())));
        QVERIFY(w.projection.allFinite());
    }

    void withinClassNeedsOneClassPerPhoto()
    {
        const Matrix X = test::gaussianMatrix(10, 6, 4);
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fitWithinClass(X, std::vector<int>(9, 0), 0.02));
        std::vector<int> labels(10, 0);
        labels[3] = -1;
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fitWithinClass(X, labels, 0.02));
        QVERIFY_THROWS_EXCEPTION(Error, Whitening::fitWithinClass(X, std::vector<int>(10, 0), 0.0));
        // A class of a single photo has no spread of its own, and that is fine.
        labels[3] = 1;
        const Whitening w = Whitening::fitWithinClass(X, labels, 0.02);
        QVERIFY(w.projection.allFinite());
    }
};

QTEST_APPLESS_MAIN(TestWhitening)
#include "tst_whitening.moc"
