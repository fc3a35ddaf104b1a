// "Unknown": the threshold calibrated inside the pool rejects about the requested share of
// photos of known classes and most photos of things that belong to none of them.
#include "EmbeddingSet.h"
#include "Rejection.h"
#include "SyntheticEmbeddings.h"
#include "TrainingMethod.h"

#include <QtTest>

using namespace exemplar;

class TestRejection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rejectsForeignPhotosMoreThanKnownOnes_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("centroid") << "centroid";
        QTest::newRow("whitened-linear") << "whitened-linear";
        QTest::newRow("all") << "all";
    }

    void rejectsForeignPhotosMoreThanKnownOnes()
    {
        QFETCH(QString, method);
        // Classes share one direction (as real photos do); foreign photos come from elsewhere.
        const EmbeddingSet everything = test::makeClusteredSet({{20, 20, 20, 20, 20, 20, 20, 20}, 64, 0.8f, 1.0f, 4});
        std::vector<int> knownRows, foreignRows;
        for (int i = 0; i < everything.size(); ++i) (everything.labels[size_t(i)] < 5 ? knownRows : foreignRows).push_back(i);
        EmbeddingSet known = everything.subset(knownRows);
        known.classNames = known.classNames.mid(0, 5);
        std::vector<int> poolRows, testRows;
        for (int i = 0; i < known.size(); ++i) (i % 20 < 12 ? poolRows : testRows).push_back(i);
        const EmbeddingSet pool = known.subset(poolRows);
        const EmbeddingSet test = known.subset(testRows);
        const EmbeddingSet foreign = everything.subset(foreignRows);

        TrainingOptions options;
        options.method = method;
        TrainingResult trained = train(pool, options);
        const RejectionCalibration calibration = calibrateRejection(pool, trained.effectiveOptions, 0.1);
        QVERIFY(std::isfinite(calibration.threshold));
        QCOMPARE(calibration.heldOutPhotos, pool.size());
        trained.head.rejectBelow = calibration.threshold;

        auto rejectedShare = [&](const EmbeddingSet& photos) {
            int rejected = 0;
            for (int i = 0; i < photos.size(); ++i)
                rejected += trained.head.predict(photos.vectors.row(i).transpose()).unknown;
            return double(rejected) / photos.size();
        };
        const double knownRejected = rejectedShare(test);
        const double foreignRejected = rejectedShare(foreign);
        qInfo("%s: known rejected %.2f, foreign rejected %.2f", qPrintable(method), knownRejected, foreignRejected);
        QVERIFY(knownRejected < 0.35);
        QVERIFY(foreignRejected > knownRejected + 0.3);
    }

    void noCalibrationWhenDisabledOrTooSmall()
    {
        const EmbeddingSet pool = test::makeClusteredSet({{2, 2}, 16, 0.5f, 1.0f, 1});
        TrainingOptions options;
        options.method = QStringLiteral("centroid");
        QVERIFY(std::isinf(calibrateRejection(pool, options, 0.0).threshold));
        QVERIFY(std::isinf(calibrateRejection(pool, options, 0.05).threshold));  // 4 photos: too few
    }
};

QTEST_APPLESS_MAIN(TestRejection)
#include "tst_rejection.moc"
