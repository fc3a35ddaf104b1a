// The linear head and the whitened methods as TrainingMethods: class weight vectors become the
// references (one per class, with a bias), whitening travels in the head as its query transform,
// and C is chosen by cross-validation inside the pool unless fixed.
#include "EmbeddingSet.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"

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
};

QTEST_APPLESS_MAIN(TestLinearMethod)
#include "tst_linearmethod.moc"
