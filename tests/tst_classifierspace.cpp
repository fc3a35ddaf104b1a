// The photos as a trained classifier compares them (workflow/ClassifierSpace.h): the mapped
// vectors must be exactly what the head scores with, for every kind of head.
#include "ClassifierSpace.h"
#include "Error.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"

#include <QtTest>

using namespace exemplar;

class TestClassifierSpace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mappedRowsAreWhatTheHeadScores_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("transformed");
        QTest::newRow("whitened-all") << QStringLiteral("whitened-all") << true;
        QTest::newRow("whitened-centroid") << QStringLiteral("whitened-centroid") << true;
        QTest::newRow("whitened-linear") << QStringLiteral("whitened-linear") << true;
        QTest::newRow("centroid (centered only)") << QStringLiteral("centroid") << true;
        QTest::newRow("all (raw space)") << QStringLiteral("all") << false;
    }

    void mappedRowsAreWhatTheHeadScores()
    {
        QFETCH(QString, method);
        QFETCH(bool, transformed);
        test::ClusterSpec spec;
        spec.counts = {12, 12, 12, 12};
        spec.dim = 48;
        spec.noise = 1.2f;
        const EmbeddingSet set = test::makeClusteredSet(spec);
        TrainingOptions options;
        options.method = method;
        options.linearC = 10;
        const ReferenceHead head = train(set, options).head;
        QCOMPARE(head.hasTransform(), transformed);

        const EmbeddingSet mapped = inClassifierSpace(set, head);
        QCOMPARE(mapped.size(), set.size());
        QCOMPARE(mapped.dim(), head.dim());
        QCOMPARE(mapped.labels, set.labels);
        QCOMPARE(mapped.paths, set.paths);
        if (!transformed) QCOMPARE(mapped.vectors, set.vectors);
        for (int i = 0; i < set.size(); ++i) {
            // Unit rows: cosine in this space is a dot product, as the views assume.
            QVERIFY(std::abs(mapped.vectors.row(i).norm() - 1.0f) < 1e-4f);
            // Every class score of the head's prediction, recomputed from the mapped row alone.
            const Prediction prediction = head.predict(set.vectors.row(i).transpose());
            const Vector scores = head.references * mapped.vectors.row(i).transpose() + head.bias;
            for (const ClassScore& score : prediction.ranked)
                QVERIFY2(std::abs(scores[score.referenceIndex] - score.score) < 1e-4f,
                         qPrintable(QStringLiteral("photo %1, class %2").arg(i).arg(score.classIndex)));
        }
        if (method == QLatin1String("whitened-all")) {
            // Its references are the training photos themselves, in the trained space.
            QCOMPARE(head.referenceCount(), set.size());
            const float error = (head.references - mapped.vectors).cwiseAbs().maxCoeff();
            QVERIFY2(error < 1e-4f, qPrintable(QString::number(error)));
        }
    }

    void whiteningSeparatesNearIdenticalClasses()
    {
        // Classes that raw cosine hardly tells apart must separate in the trained space: the point.
        const EmbeddingSet set = test::nearIdenticalClasses(3, 20, 32, 11);
        TrainingOptions options;
        options.method = QStringLiteral("whitened-centroid");
        const EmbeddingSet mapped = inClassifierSpace(set, train(set, options).head);
        const auto separation = [](const EmbeddingSet& s) {
            const Matrix S = s.vectors * s.vectors.transpose();
            double within = 0, across = 0;
            int nWithin = 0, nAcross = 0;
            for (int i = 0; i < s.size(); ++i)
                for (int j = i + 1; j < s.size(); ++j) {
                    if (s.labels[size_t(i)] == s.labels[size_t(j)]) within += S(i, j), ++nWithin;
                    else across += S(i, j), ++nAcross;
                }
            const double spread = std::sqrt((S.array() - S.mean()).square().mean());
            return (within / nWithin - across / nAcross) / spread;  // in units of the spread of S
        };
        const double raw = separation(set), trained = separation(mapped);
        QVERIFY2(trained > 2 * raw, qPrintable(QStringLiteral("raw %1, trained %2").arg(raw).arg(trained)));
    }

    void embeddingsOfAnotherSizeAreRefused()
    {
        test::ClusterSpec spec;
        spec.dim = 16;
        const EmbeddingSet set = test::makeClusteredSet(spec);
        TrainingOptions options;
        options.method = QStringLiteral("whitened-centroid");
        const ReferenceHead head = train(set, options).head;
        spec.dim = 24;
        QVERIFY_THROWS_EXCEPTION(Error, inClassifierSpace(test::makeClusteredSet(spec), head));
    }
};

QTEST_GUILESS_MAIN(TestClassifierSpace)
#include "tst_classifierspace.moc"
