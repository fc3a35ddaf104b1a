// PCA whitening fitted on a pool: centered, rotated, scaled per axis, L2-normalized — and the
// same map as a ReferenceHead's query transform, so training and classifying agree.
#include "ReferenceHead.h"
#include "SyntheticEmbeddings.h"
#include "Whitening.h"
#include "Error.h"

#include <QtTest>

using namespace exemplar;

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
    }
};

QTEST_APPLESS_MAIN(TestWhitening)
#include "tst_whitening.moc"
