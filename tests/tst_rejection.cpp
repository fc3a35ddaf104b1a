// "Unknown": the threshold on the nearest training photo's cosine, calibrated inside the pool,
// rejects about the requested share of photos of known classes and most photos of things that
// belong to none of them — on synthetic clusters, and on real photos when the shared sets and the
// model are there.
#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingSet.h"
#include "Familiarity.h"
#include "ModelSpec.h"
#include "ReferenceHead.h"
#include "Rejection.h"
#include "SyntheticEmbeddings.h"
#include "TestSupport.h"
#include "TrainingMethod.h"

#include <QtTest>
#include <algorithm>
#include <cmath>

using namespace exemplar;

namespace {

double shareUnknown(const ReferenceHead& head, const Matrix& photos)
{
    int rejected = 0;
    for (Eigen::Index i = 0; i < photos.rows(); ++i) rejected += head.predict(photos.row(i).transpose()).unknown;
    return photos.rows() ? double(rejected) / double(photos.rows()) : 0;
}

// The first COUNT photos of each of the first CLASSES classes of a shared set, embedded with the
// default model through the tests' cache.
EmbeddingSet embedShared(const QString& name, int classes, int count, Embedder& embedder)
{
    Dataset dataset = Dataset::scan(test::sharedDataSet(name));
    std::vector<Photo> kept;
    std::vector<int> taken(size_t(dataset.classCount()), 0);
    for (const Photo& photo : dataset.photos)
        if (photo.classIndex < classes && taken[size_t(photo.classIndex)]++ < count) kept.push_back(photo);
    dataset.photos = kept;
    dataset.classNames = dataset.classNames.mid(0, classes);
    dataset.classFolders = dataset.classFolders.mid(0, classes);
    const EmbeddingCache cache(embedder.identity(), embedder.dim(), EmbeddingCache::defaultRootDir());
    return embedDataset(dataset, embedder, &cache, nullptr, nullptr);
}

// Splits each class of SET: its first POOL photos train, the rest test.
void splitPerClass(const EmbeddingSet& set, int pool, EmbeddingSet* train, EmbeddingSet* test)
{
    std::vector<int> seen(size_t(set.classCount()), 0), trainRows, testRows;
    for (int i = 0; i < set.size(); ++i) (seen[size_t(set.labels[size_t(i)])]++ < pool ? trainRows : testRows).push_back(i);
    *train = set.subset(trainRows);
    *test = set.subset(testRows);
}

// The head a trained set would carry: any classifier, plus the pool's photos and the threshold.
ReferenceHead calibratedHead(const EmbeddingSet& pool, double rate, RejectionCalibration* calibration)
{
    TrainingOptions options;
    options.method = QStringLiteral("whitened-linear");
    ReferenceHead head = train(pool, options).head;
    head.trainingPhotos = familiarPhotos(pool.vectors);
    *calibration = calibrateRejection(pool, head.trainingPhotos, options.crossValidationFolds, 1, rate);
    head.rejectBelow = calibration->threshold;
    return head;
}

} // namespace

class TestRejection : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Classes share one direction (as real photos do); foreign photos are other clusters of the
    // same kind, FOREIGN_NOISE apart. The known test photos come from the same clusters as the pool.
    void syntheticForeignClusters_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<float>("noise");
        QTest::addColumn<double>("minForeignRejected");
        QTest::newRow("5%, tight classes") << 0.05 << 0.5f << 0.95;
        QTest::newRow("10%, tight classes") << 0.10 << 0.5f << 0.95;
        QTest::newRow("5%, loose classes") << 0.05 << 0.9f << 0.6;
    }

    void syntheticForeignClusters()
    {
        QFETCH(double, rate);
        QFETCH(float, noise);
        QFETCH(double, minForeignRejected);
        // 5 known classes of 12 pool photos + 200 test photos each; 3 foreign classes of 100.
        const EmbeddingSet everything =
            test::makeClusteredSet({{212, 212, 212, 212, 212, 100, 100, 100}, 64, noise, 1.0f, 4});
        std::vector<int> knownRows, foreignRows;
        for (int i = 0; i < everything.size(); ++i) (everything.labels[size_t(i)] < 5 ? knownRows : foreignRows).push_back(i);
        EmbeddingSet known = everything.subset(knownRows);
        known.classNames = known.classNames.mid(0, 5);
        EmbeddingSet pool, test;
        splitPerClass(known, 12, &pool, &test);
        const Matrix foreign = everything.subset(foreignRows).vectors;

        RejectionCalibration calibration;
        const ReferenceHead head = calibratedHead(pool, rate, &calibration);
        QVERIFY(std::isfinite(calibration.threshold));
        QCOMPARE(calibration.heldOutPhotos, pool.size());  // every pool photo held out once
        QVERIFY(calibration.expectedKnownRejectRate <= rate);
        QVERIFY(calibration.knownRejectRate < calibration.expectedKnownRejectRate);

        const double knownRejected = shareUnknown(head, test.vectors);
        const double foreignRejected = shareUnknown(head, foreign);
        qInfo("known rejected %.3f (asked %.2f), foreign rejected %.3f", knownRejected, rate, foreignRejected);
        // 1000 test photos: the share rejected stays near the asked one (the calibration itself
        // rests on 60 photos, hence the margin).
        QVERIFY2(knownRejected <= rate + 0.06, qPrintable(QString::number(knownRejected)));
        QVERIFY2(foreignRejected >= minForeignRejected, qPrintable(QString::number(foreignRejected)));
    }

    // The threshold is the k-th lowest held-out score with k = ⌊rate·(n+1)⌋ (at least 1): a new
    // known photo falls below it with probability k/(n+1).
    void thresholdIsAnOrderStatistic_data()
    {
        QTest::addColumn<int>("photos");
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("k");
        QTest::newRow("n=60, 5%") << 60 << 0.05 << 3;
        QTest::newRow("n=60, 10%") << 60 << 0.10 << 6;
        QTest::newRow("n=19, 5%") << 19 << 0.05 << 1;
        QTest::newRow("n=10, 5%: k=1 overshoots") << 10 << 0.05 << 1;
    }

    void thresholdIsAnOrderStatistic()
    {
        QFETCH(int, photos);
        QFETCH(double, rate);
        QFETCH(int, k);
        const EmbeddingSet pool = test::makeClusteredSet({std::vector<int>{photos / 2, photos - photos / 2}, 32, 0.8f, 7});
        const Matrix kept = familiarPhotos(pool.vectors);
        const RejectionCalibration calibration = calibrateRejection(pool, kept, 5, 3, rate);
        QCOMPARE(calibration.heldOutPhotos, photos);
        QCOMPARE(calibration.expectedKnownRejectRate, double(k) / double(photos + 1));
        // Exactly k − 1 held-out photos lie strictly below the threshold (the scores are distinct).
        QCOMPARE(calibration.knownRejectRate, double(k - 1) / double(photos));
    }

    void noCalibrationWhenDisabledOrTooSmall()
    {
        const EmbeddingSet pool = test::makeClusteredSet({{2, 2}, 16, 0.5f, 1.0f, 1});
        const Matrix kept = familiarPhotos(pool.vectors);
        QVERIFY(std::isinf(calibrateRejection(pool, kept, 5, 1, 0.0).threshold));
        QVERIFY(std::isinf(calibrateRejection(pool, kept, 5, 1, 1.0).threshold));
        QVERIFY(std::isinf(calibrateRejection(pool, kept, 5, 1, 0.05).threshold));  // 4 photos: too few
        const EmbeddingSet larger = test::makeClusteredSet({{6, 6}, 16, 0.5f, 1.0f, 1});
        QVERIFY(std::isinf(calibrateRejection(larger, kept, 5, 1, 0.05).threshold));  // photos of another pool
    }

    // Real photos: a flower set trained, cars as foreign photos, and back. At 5% of known photos
    // the raw nearest-photo cosine rejected every foreign photo in our measurements
    // (docs/accuracy.md); the test asks for 95%, the goal.
    void realForeignPhotos_data()
    {
        QTest::addColumn<QString>("knownSet");
        QTest::addColumn<QString>("foreignSet");
        QTest::newRow("flowers17 trained, cars24 foreign") << "flowers17" << "cars24";
        QTest::newRow("cars24 trained, flowers17 foreign") << "cars24" << "flowers17";
    }

    void realForeignPhotos()
    {
        QFETCH(QString, knownSet);
        QFETCH(QString, foreignSet);
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(knownSet);
        EXEMPLAR_REQUIRE_DATA(foreignSet);
        Embedder embedder(ModelSpec::load(test::defaultModelSpec()));
        const EmbeddingSet known = embedShared(knownSet, 6, 20, embedder);
        const EmbeddingSet foreign = embedShared(foreignSet, 8, 6, embedder);
        EmbeddingSet pool, test;
        splitPerClass(known, 10, &pool, &test);

        RejectionCalibration calibration;
        const ReferenceHead head = calibratedHead(pool, 0.05, &calibration);
        QVERIFY(std::isfinite(calibration.threshold));
        const double knownRejected = shareUnknown(head, test.vectors);
        const double foreignRejected = shareUnknown(head, foreign.vectors);
        qInfo("%s: known rejected %.3f of %d, %s rejected %.3f of %d", qPrintable(knownSet), knownRejected,
              test.size(), qPrintable(foreignSet), foreignRejected, foreign.size());
        QVERIFY2(foreignRejected >= 0.95, qPrintable(QString::number(foreignRejected)));
        // 60 test photos at about 5% expected: more than 9 would be far outside chance.
        QVERIFY2(knownRejected <= 0.15, qPrintable(QString::number(knownRejected)));

        // The whitened head's own best score, calibrated the same way, is what "unknown" used to
        // be (here even set on the test photos themselves): it must not do better.
        ReferenceHead byClassScore = head;
        byClassScore.trainingPhotos.resize(0, 0);
        std::vector<float> scores;
        for (int i = 0; i < test.size(); ++i) scores.push_back(head.predict(test.vectors.row(i).transpose()).ranked[0].score);
        std::sort(scores.begin(), scores.end());
        byClassScore.rejectBelow = scores[size_t(std::floor(0.05 * (scores.size() + 1))) - 1];
        const double oldForeignRejected = shareUnknown(byClassScore, foreign.vectors);
        qInfo("best class score, set on the test photos themselves: %s rejected %.3f", qPrintable(foreignSet),
              oldForeignRejected);
        QVERIFY(foreignRejected >= oldForeignRejected);
    }
};

QTEST_APPLESS_MAIN(TestRejection)
#include "tst_rejection.moc"
