// The linear head and the whitened methods as TrainingMethods: class weight vectors become the
// references (one per class, with a bias), whitening travels in the head as its query transform,
// and C is chosen by cross-validation inside the pool unless fixed.
#include "EmbeddingSet.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"
#include "TrainingSupport.h"

#include <cmath>

#include <QJsonArray>
#include <QtTest>

using namespace exemplar;

class TestLinearMethod : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void methodsSeparateClusters_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("projected");
        QTest::newRow("linear") << "linear" << false;
        QTest::newRow("whitened-linear") << "whitened-linear" << true;
        QTest::newRow("whitened-centroid") << "whitened-centroid" << true;
        QTest::newRow("whitened-all") << "whitened-all" << true;
    }

    void methodsSeparateClusters()
    {
        QFETCH(QString, method);
        QFETCH(bool, projected);
        const EmbeddingSet pool = test::makeClusteredSet({{8, 8, 8, 8}, 96, 0.6f, 1.0f, 21});
        const EmbeddingSet test = test::makeClusteredSet({{8, 8, 8, 8}, 96, 0.6f, 1.0f, 21});
        TrainingOptions options;
        options.method = method;
        const TrainingResult trained = train(pool, options);
        QCOMPARE(trained.head.inputDim(), 96);
        QCOMPARE(trained.head.projection.size() > 0, projected);
        QCOMPARE(trained.head.predictClasses(test.vectors), test.labels);
        QCOMPARE(trained.effectiveOptions.method, method);
    }

    void linearHeadHasOneWeightedReferencePerClass()
    {
        const EmbeddingSet pool = test::makeClusteredSet({{6, 6, 6}, 64, 1.0f, 1.0f, 5});
        TrainingOptions options;
        options.method = QStringLiteral("linear");
        const TrainingResult trained = train(pool, options);
        QCOMPARE(trained.head.referenceCount(), 3);
        QCOMPARE(trained.head.referencesPerClass(), (std::vector<int>{1, 1, 1}));
        QVERIFY(trained.head.bias.cwiseAbs().maxCoeff() > 0);
        // C came from the grid by cross-validation, and is recorded and reused.
        const double C = trained.details.value(QStringLiteral("C")).toDouble();
        QVERIFY(std::find(options.linearCGrid.begin(), options.linearCGrid.end(), C) != options.linearCGrid.end());
        QCOMPARE(trained.details.value(QStringLiteral("C_cross_validation")).toArray().size(),
                 int(options.linearCGrid.size()));
        QCOMPARE(trained.effectiveOptions.linearC, C);
    }

    void fixedCSkipsTheSearch()
    {
        const EmbeddingSet pool = test::makeClusteredSet({{6, 6}, 32, 1.0f, 1.0f, 2});
        TrainingOptions options;
        options.method = QStringLiteral("linear");
        options.linearC = 3.5;
        const TrainingResult trained = train(pool, options);
        QCOMPARE(trained.details.value(QStringLiteral("C")).toDouble(), 3.5);
        QVERIFY(!trained.details.contains(QStringLiteral("C_cross_validation")));
    }

    void classWithoutPhotosGetsNoReference()
    {
        EmbeddingSet pool = test::makeClusteredSet({{6, 6, 6}, 32, 0.5f, 1.0f, 2});
        pool = pool.subset({0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17});  // class 1 left empty
        TrainingOptions options;
        options.method = QStringLiteral("whitened-linear");
        const TrainingResult trained = train(pool, options);
        QCOMPARE(trained.head.referencesPerClass(), (std::vector<int>{1, 0, 1}));
    }

    // The regularization path (one problem per fold, each C warm-started from the smaller C's
    // solution) must give the cross-validation that separate cold fits at each C give, up to the
    // solver's tolerance: same held-out verdicts, nearly the same held-out scores.
    void pathMatchesColdFits_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("classes");
        QTest::addColumn<int>("perClass");
        QTest::addColumn<int>("dim");
        QTest::newRow("linear, fewer photos than dims (row-span basis)") << "linear" << 8 << 8 << 96;
        QTest::newRow("linear, more photos than dims") << "linear" << 6 << 24 << 16;
        QTest::newRow("whitened-linear, fewer photos than dims") << "whitened-linear" << 8 << 8 << 96;
        QTest::newRow("whitened-linear, more photos than dims") << "whitened-linear" << 6 << 24 << 16;
    }

    void pathMatchesColdFits()
    {
        QFETCH(QString, method);
        QFETCH(int, classes);
        QFETCH(int, perClass);
        QFETCH(int, dim);
        // Noisy enough that held-out photos are not all right: the verdicts can disagree.
        const EmbeddingSet pool = test::makeClusteredSet({std::vector<int>(size_t(classes), perClass), dim, 2.5f, 1.0f, 21});
        TrainingOptions options;
        options.linearPathStopsAtPeak = false;  // every C, to compare each with its cold fit
        const auto folds = stratifiedFolds(pool.labels, pool.groups, pool.classCount(), 5, 7);
        const std::vector<detail::CrossValidationScore> path = detail::crossValidateLinearPath(
            pool, options, method == QLatin1String("whitened-linear"), options.linearCGrid, folds, nullptr);
        QCOMPARE(path.size(), options.linearCGrid.size());
        for (size_t i = 0; i < path.size(); ++i) {
            TrainingOptions cold = options;
            cold.method = method;
            cold.linearC = options.linearCGrid[i];
            const detail::CrossValidationScore separate = detail::crossValidate(pool, cold, folds, nullptr);
            QVERIFY(!path[i].skipped);
            QCOMPARE(path[i].correct.size(), separate.correct.size());
            int agree = 0;
            double difference = 0, magnitude = 0;
            for (size_t j = 0; j < separate.correct.size(); ++j) {
                agree += path[i].correct[j] == separate.correct[j];
                difference += std::abs(double(path[i].bestScores[j]) - double(separate.bestScores[j]));
                magnitude += std::abs(double(separate.bestScores[j]));
            }
            const QString where = QStringLiteral("C=%1: %2 of %3 verdicts agree, score difference %4 of %5")
                                      .arg(cold.linearC).arg(agree).arg(separate.correct.size())
                                      .arg(difference).arg(magnitude);
            QVERIFY2(agree >= int(separate.correct.size()) - 2, qPrintable(where));
            QVERIFY2(difference <= 0.05 * magnitude, qPrintable(where));
            QVERIFY2(std::abs(path[i].accuracy - separate.accuracy) <= 2.0 / double(separate.correct.size()), qPrintable(where));
        }
    }

    void pathStopsAfterItsPeak()
    {
        // Well-separated clusters: every C scores 100%, so the second C is no better than the
        // first and the third is not fitted; without the stop it is.
        const EmbeddingSet pool = test::makeClusteredSet({{8, 8, 8}, 32, 0.3f, 1.0f, 3});
        const auto folds = stratifiedFolds(pool.labels, pool.groups, pool.classCount(), 5, 1);
        TrainingOptions options;
        const auto stopped = detail::crossValidateLinearPath(pool, options, false, {10, 100, 1000}, folds, nullptr);
        QCOMPARE(stopped[0].accuracy, 1.0);
        QCOMPARE(stopped[1].accuracy, 1.0);
        QVERIFY(!stopped[1].skipped);
        QVERIFY(stopped[2].skipped);
        options.linearPathStopsAtPeak = false;
        const auto full = detail::crossValidateLinearPath(pool, options, false, {10, 100, 1000}, folds, nullptr);
        QVERIFY(!full[2].skipped);
        QCOMPARE(full[2].accuracy, 1.0);

        // The linear method records the skipped C with the reason and never chooses it.
        options = TrainingOptions();
        options.method = QStringLiteral("linear");
        const TrainingResult trained = train(pool, options);
        const QJsonArray table = trained.details.value(QStringLiteral("C_cross_validation")).toArray();
        QCOMPARE(table.size(), 3);
        QVERIFY(table[2].toObject().contains(QStringLiteral("skipped")));
        QVERIFY(!table[2].toObject().contains(QStringLiteral("cv_accuracy")));
        QCOMPARE(trained.details.value(QStringLiteral("C")).toDouble(), 10.0);
    }
};

QTEST_APPLESS_MAIN(TestLinearMethod)
#include "tst_linearmethod.moc"
