// The one train workflow on synthetic embeddings (no model, no photos): every field of the
// reference set is filled, the settings are checked, and the held-out figures follow the classes
// by name when the project's classes change after training.
#include "SyntheticEmbeddings.h"

#include "Error.h"
#include "Feedback.h"
#include "TrainWorkflow.h"
#include "WeightedF1Interval.h"

#include <QJsonArray>
#include <QSet>
#include <QtTest>
#include <cmath>
#include <limits>

using namespace exemplar;
using namespace exemplar::test;

namespace {

TrainRequest quickRequest(const QString& method = QStringLiteral("centroid"))
{
    TrainRequest request;
    request.training.method = method;
    request.training.optimizer.budget = 10;
    request.training.optimizer.seed = 3;
    request.model = {QStringLiteral("synthetic-net"), QString(64, QLatin1Char('a')), 24};
    request.preprocessing = {{QStringLiteral("width"), 224}};
    request.classFolders = {QStringLiteral("/photos/a"), QStringLiteral("/photos/b"), QStringLiteral("/photos/c")};
    request.skipped = {{QStringLiteral("/photos/a/broken.jpg"), QStringLiteral("not an image")}};
    return request;
}

// PHOTOS without class C, as a project shows them after that class folder was deleted.
EmbeddingSet withoutClass(const EmbeddingSet& photos, int c)
{
    std::vector<int> rows;
    for (int i = 0; i < photos.size(); ++i)
        if (photos.labels[size_t(i)] != c) rows.push_back(i);
    EmbeddingSet rest = photos.subset(rows);
    rest.classNames.removeAt(c);
    for (int& label : rest.labels)
        if (label > c) --label;
    return rest;
}

} // namespace

class TestTrainWorkflow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fillsEveryFieldOfTheSet_data()
    {
        QTest::addColumn<QString>("method");
        for (const QString& method : trainingMethodNames()) QTest::newRow(qPrintable(method)) << method;
    }

    void fillsEveryFieldOfTheSet()
    {
        QFETCH(QString, method);
        const EmbeddingSet photos = makeClusteredSet({12, 10, 14}, 64, 0.8f, 11);
        const TrainRequest request = quickRequest(method);
        const TrainedReferenceSet trained = trainReferenceSet(photos, request);
        const ReferenceSet& set = trained.set;

        QCOMPARE(set.method, method);
        QCOMPARE(set.modelName, QStringLiteral("synthetic-net"));
        QCOMPARE(set.modelSha256, request.model.sha256);
        QCOMPARE(set.preprocessing, request.preprocessing);
        QVERIFY(!set.createdAt.isEmpty());
        QCOMPARE(set.head.classNames, photos.classNames);
        // A fifth of each class held out (rounded): 2 + 2 + 3 photos, never in the pool. (The
        // photos are as far apart as real ones: no two are near-duplicates.)
        QCOMPARE(trained.heldOutPaths.size(), 7);
        QCOMPARE(trained.poolPaths.size() + trained.heldOutPaths.size(), qsizetype(photos.size()));
        for (const QString& path : trained.heldOutPaths) QVERIFY(!trained.poolPaths.contains(path));
        // "unknown" calibrated and recorded under one key, whichever program trains.
        QVERIFY(set.selection.contains(QStringLiteral("unknown")));
        QVERIFY(!set.selection.contains(QStringLiteral("rejection")));
        QVERIFY(std::isfinite(set.head.rejectBelow));
        QVERIFY(!trained.unknownNote.isEmpty());
        // ... on the training photos' raw embeddings, which the set keeps (and never a held-out one).
        QCOMPARE(int(set.head.trainingPhotos.rows()), int(trained.poolPaths.size()));
        QCOMPARE(int(set.head.trainingPhotos.cols()), int(photos.vectors.cols()));
        // Provenance and the audit.
        QCOMPARE(set.extra.value(QStringLiteral("class_folders")).toArray().size(), 3);
        QCOMPARE(set.extra.value(QStringLiteral("training_photos")).toInt(), int(trained.poolPaths.size()));
        QCOMPARE(set.extra.value(QStringLiteral("held_out_files")).toArray().size(), 7);
        QCOMPARE(set.extra.value(QStringLiteral("skipped")).toArray().size(), 1);
        QVERIFY(set.extra.value(QStringLiteral("audit")).isObject());
        // The honest figures, on the held-out photos only.
        QCOMPARE(set.evaluation.value(QStringLiteral("total")).toInt(), 7);
        QVERIFY(set.evaluation.value(QStringLiteral("accuracy")).toDouble() > 0.8);
        QVERIFY(set.evaluation.contains(QStringLiteral("held_out_answered_unknown")));
        QVERIFY(set.evaluation.value(QStringLiteral("protocol")).toString().contains(QStringLiteral("held-out")));
    }

    void sameInputSameSet()
    {
        const EmbeddingSet photos = makeClusteredSet({12, 10, 14}, 24, 0.8f, 5);
        const TrainedReferenceSet a = trainReferenceSet(photos, quickRequest(QStringLiteral("least-central")));
        const TrainedReferenceSet b = trainReferenceSet(photos, quickRequest(QStringLiteral("seed")));  // older name
        QCOMPARE(a.set.method, b.set.method);
        QCOMPARE(a.set.selection, b.set.selection);
        QCOMPARE(a.set.evaluation, b.set.evaluation);
        QCOMPARE(a.set.head.references, b.set.head.references);
        QCOMPARE(a.heldOutPaths, b.heldOutPaths);
    }

    // The defect: ten byte-identical copies of every photo gave "held-out accuracy 100%", each
    // held-out photo finding its copy among the references. The photos do not generalize, so an
    // honest figure is about chance, whichever method; copies are held out together or not at all.
    void identicalCopiesAreHeldOutTogether_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("all") << "all";
        QTest::newRow("least-central") << "least-central";
        QTest::newRow("linear") << "linear";
    }
    void identicalCopiesAreHeldOutTogether()
    {
        QFETCH(QString, method);
        const EmbeddingSet photos = withIdenticalCopies(unlearnableSet(3, 10, 32, 8), 10);
        TrainRequest request = quickRequest(method);
        request.knownRejectRate = 0;
        const TrainedReferenceSet trained = trainReferenceSet(photos, request);
        const double accuracy = trained.set.evaluation.value(QStringLiteral("accuracy")).toDouble();
        QVERIFY2(accuracy < 0.6, qPrintable(QString::number(accuracy)));
        QCOMPARE(trained.heldOutPaths.size(), 60);  // 0.2 of 100 photos per class: two whole groups
        QSet<QString> trainedContent;
        for (const QString& path : trained.poolPaths) trainedContent.insert(photos.contentHashes[photos.paths.indexOf(path)]);
        for (const QString& path : trained.heldOutPaths)
            QVERIFY2(!trainedContent.contains(photos.contentHashes[photos.paths.indexOf(path)]), qPrintable(path));
        const QJsonObject grouping = trained.set.extra.value(QStringLiteral("duplicate_groups")).toObject();
        QCOMPARE(grouping.value(QStringLiteral("groups")).toInt(), 30);
        QCOMPARE(grouping.value(QStringLiteral("photos")).toInt(), 300);
        QCOMPARE(trained.duplicateGroups.groupedPhotos(), 300);
        // The 95% interval counts the 6 held-out pictures, not their 60 copies.
        const QJsonArray interval = trained.set.evaluation.value(QStringLiteral("accuracy_interval_95")).toArray();
        const ProportionInterval byPictures = wilsonInterval(int(std::lround(accuracy * 6)), 6);
        QCOMPARE(interval.at(0).toDouble(), byPictures.low);
        QCOMPARE(interval.at(1).toDouble(), byPictures.high);

        // So do each class's counts (2 held-out pictures of 20 photos per class) and the weighted
        // F1's interval, which is wider than if the 60 copies were 60 pictures.
        const HeldOutResult scored = scoreOnHeldOut(trained, photos);
        QCOMPARE(scored.testPicturesOfClass, (std::vector<int>{2, 2, 2}));
        int answered = 0;
        for (int pictures : scored.picturesAnsweredAsClass) answered += pictures;
        QVERIFY2(answered >= 1 && answered <= 6, qPrintable(QString::number(answered)));
        QVERIFY(scored.metrics.weightedF1Interval.has_value());
        const ProportionInterval grouped = *scored.metrics.weightedF1Interval;
        std::vector<int> truth;
        for (int row : scored.heldOutRows) truth.push_back(photos.labels[size_t(row)]);
        const ProportionInterval asPhotos = weightedF1Interval(truth, scored.heldOutPredicted, photos.classCount());
        QVERIFY2(grouped.high - grouped.low > 1.5 * (asPhotos.high - asPhotos.low),
                 qPrintable(QStringLiteral("%1 against %2").arg(grouped.high - grouped.low).arg(asPhotos.high - asPhotos.low)));
        const QJsonArray stored = trained.set.evaluation.value(QStringLiteral("weighted_f1_interval_95")).toArray();
        QCOMPARE(stored.at(0).toDouble(), grouped.low);
        QCOMPARE(stored.at(1).toDouble(), grouped.high);
    }

    // Unlabeled photos: every one that is a copy of a held-out photo is left out (with a warning),
    // the others reach self-training, and the set records what it measured and decided.
    void unlabeledCopiesOfHeldOutPhotosAreLeftOut()
    {
        const EmbeddingSet photos = makeClusteredSet({12, 12, 12}, 16, 0.9f, 4);
        const EmbeddingSet others = makeClusteredSet({12, 12, 12}, 16, 0.9f, 4 + 100);
        TrainRequest request = quickRequest(QStringLiteral("centroid"));
        // First pass: which photos are held out (the split depends only on the photos and the seed).
        const TrainedReferenceSet split = trainReferenceSet(photos, request);
        QVERIFY(!split.heldOutPaths.isEmpty());
        std::vector<int> heldOutRows;
        for (int row = 0; row < photos.size(); ++row)
            if (split.heldOutPaths.contains(photos.paths[row])) heldOutRows.push_back(row);
        const Matrix copies = photos.subset(heldOutRows).vectors;
        Matrix unlabeled(copies.rows() + others.vectors.rows(), photos.dim());
        unlabeled << copies, others.vectors;
        request.unlabeled = photosWithoutClass(unlabeled);

        const TrainedReferenceSet trained = trainReferenceSet(photos, request);
        QCOMPARE(trained.heldOutPaths, split.heldOutPaths);
        const QString warning = trained.warnings.join(QLatin1Char('\n'));
        QVERIFY2(warning.contains(QStringLiteral("%1 unlabeled photo(s) were left out").arg(copies.rows())), qPrintable(warning));
        const QJsonObject self = trained.set.selection.value(QStringLiteral("self_training")).toObject();
        QCOMPARE(self.value(QStringLiteral("unlabeled_photos")).toInt(), int(others.vectors.rows()));
        QVERIFY(self.contains(QStringLiteral("used")));
    }

    // Background photos: copies of held-out photos are left out (with a warning), the rest join the
    // whitening of a whitened method, and the set records how many.
    void backgroundCopiesOfHeldOutPhotosAreLeftOut()
    {
        const EmbeddingSet photos = makeClusteredSet({12, 12, 12}, 16, 0.9f, 5);
        const EmbeddingSet others = makeClusteredSet({12, 12}, 16, 0.9f, 5 + 100);
        TrainRequest request = quickRequest(QStringLiteral("whitened-centroid"));
        const TrainedReferenceSet plain = trainReferenceSet(photos, request);
        std::vector<int> heldOutRows;
        for (int row = 0; row < photos.size(); ++row)
            if (plain.heldOutPaths.contains(photos.paths[row])) heldOutRows.push_back(row);
        const Matrix copies = photos.subset(heldOutRows).vectors;
        Matrix background(copies.rows() + others.vectors.rows(), photos.dim());
        background << copies, others.vectors;
        request.training.whiteningBackground = std::make_shared<const Matrix>(background);

        const TrainedReferenceSet trained = trainReferenceSet(photos, request);
        QCOMPARE(trained.heldOutPaths, plain.heldOutPaths);
        const QString warning = trained.warnings.join(QLatin1Char('\n'));
        QVERIFY2(warning.contains(QStringLiteral("%1 background photo(s) were left out").arg(copies.rows())), qPrintable(warning));
        QCOMPARE(trained.set.extra.value(QStringLiteral("background_photos")).toInt(), int(others.vectors.rows()));
        QVERIFY(!plain.set.extra.contains(QStringLiteral("background_photos")));
        // The whitening's center is the mean of the training photos and the background kept.
        const EmbeddingSet pool = photos.subset([&] {
            std::vector<int> rows;
            for (int row = 0; row < photos.size(); ++row)
                if (!plain.heldOutPaths.contains(photos.paths[row])) rows.push_back(row);
            return rows;
        }());
        Matrix both(pool.size() + others.size(), photos.dim());
        both << pool.vectors, others.vectors;
        QVERIFY((trained.set.head.center - Vector(both.colwise().mean().transpose())).norm() < 1e-5f);
        QVERIFY2(!warning.contains(QLatin1String("are training photos")), qPrintable(warning));

        // Background photos that are the training photos themselves (--background at a class
        // folder) are no background: kept, and said.
        request.training.whiteningBackground = std::make_shared<const Matrix>(pool.vectors.topRows(5));
        const TrainedReferenceSet own = trainReferenceSet(photos, request);
        const QString ownWarning = own.warnings.join(QLatin1Char('\n'));
        QVERIFY2(ownWarning.contains(QLatin1String("5 of the background photos are training photos of the dataset")),
                 qPrintable(ownWarning));
    }

    void nothingHeldOutMeansNoFigure()
    {
        const EmbeddingSet photos = makeClusteredSet({6, 6}, 16, 0.4f, 2);
        TrainRequest request = quickRequest();
        request.holdoutFraction = 0;
        const TrainedReferenceSet trained = trainReferenceSet(photos, request);
        QVERIFY(trained.heldOutPaths.isEmpty());
        QVERIFY(!trained.set.evaluation.contains(QStringLiteral("accuracy")));
        QVERIFY(trained.set.evaluation.value(QStringLiteral("protocol")).toString().startsWith(QStringLiteral("none")));
        // Core names no program's commands or flags.
        QVERIFY(!trained.set.evaluation.value(QStringLiteral("protocol")).toString().contains(QStringLiteral("exemplar-cli")));
    }

    // The article's method falls back to keeping every photo unless a selection wins clearly;
    // the set says so, or the optimizer's plot (selections scoring higher) and a set of every
    // photo contradicted each other unexplained.
    void keepingEveryPhotoIsSaid_data()
    {
        QTest::addColumn<double>("margin");
        QTest::addColumn<bool>("pinned");  // every class's count fixed by hand
        QTest::addColumn<bool>("said");
        QTest::newRow("no margin: the optimizer's selection") << 0.0 << false << false;
        QTest::newRow("a margin no selection can win by") << 1e6 << false << true;
        QTest::newRow("pinned counts, kept as pinned") << 1e6 << true << false;
    }

    void keepingEveryPhotoIsSaid()
    {
        QFETCH(double, margin);
        QFETCH(bool, pinned);
        QFETCH(bool, said);
        const EmbeddingSet photos = makeClusteredSet({12, 12, 12}, 16, 0.7f, 4);
        TrainRequest request = quickRequest(QStringLiteral("least-central"));
        request.training.selectionMargin = margin;
        request.training.validateSelection = false;
        if (pinned) request.training.pinnedCounts = {3, 3, 3};
        const TrainedReferenceSet trained = trainReferenceSet(photos, request);
        const bool keptAll = trained.set.selection.value(QStringLiteral("kept_all_because_no_clear_gain")).toBool();
        QCOMPARE(keptAll, margin > 0);
        if (keptAll && !pinned)
            QCOMPARE(trained.set.head.referenceCount(), trained.set.extra.value(QStringLiteral("training_photos")).toInt());
        if (pinned) QCOMPARE(trained.set.head.referenceCount(), 9);
        const bool saysSo = std::any_of(trained.warnings.begin(), trained.warnings.end(), [](const QString& w) {
            return w.startsWith(QStringLiteral("every training photo is kept:"));
        });
        QCOMPARE(saysSo, said);
    }

    void badSettingsAreRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("message");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("negative budget") << "budget" << -5.0 << "budget";
        QTest::newRow("zero budget") << "budget" << 0.0 << "budget";
        QTest::newRow("negative held-out") << "holdout" << -1.0 << "held-out";
        QTest::newRow("held-out above 0.9") << "holdout" << 5.0 << "held-out";
        QTest::newRow("NaN held-out") << "holdout" << nan << "held-out";
        QTest::newRow("NaN unknown rate") << "unknown" << nan << "unknown";
        QTest::newRow("unknown rate 0.6") << "unknown" << 0.6 << "unknown";
        QTest::newRow("negative pinned count") << "pinned" << -2.0 << "pinned";
    }

    void badSettingsAreRefused()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        QFETCH(QString, message);
        TrainRequest request = quickRequest();
        if (field == QLatin1String("budget")) request.training.optimizer.budget = int(value);
        if (field == QLatin1String("holdout")) request.holdoutFraction = value;
        if (field == QLatin1String("unknown")) request.knownRejectRate = value;
        if (field == QLatin1String("pinned")) request.training.pinnedCounts = {1, int(value), 0};
        try {
            trainReferenceSet(makeClusteredSet({6, 6, 6}, 16, 0.4f, 2), request);
            QFAIL("accepted");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(message), qPrintable(error.message()));
        }
    }

    void unknownMethodIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, trainReferenceSet(makeClusteredSet({6, 6}, 16, 0.4f, 2),
                                                          quickRequest(QStringLiteral("nonsense"))));
    }

    // The defect: a class folder deleted after training made the reopened project fail with
    // "predicted label 2 is neither a class index (0 to 1) nor -1" and lose its results.
    void heldOutFiguresSurviveADeletedClass()
    {
        const EmbeddingSet photos = makeClusteredSet({12, 10, 14}, 64, 0.8f, 11);
        const TrainedReferenceSet trained = trainReferenceSet(photos, quickRequest(QStringLiteral("all")));
        const HeldOutResult before = scoreOnHeldOut(trained, photos);
        QCOMPARE(int(before.heldOutRows.size()), 7);
        QCOMPARE(before.missingHeldOut, 0);

        const EmbeddingSet after = withoutClass(photos, 1);
        const HeldOutResult result = scoreOnHeldOut(trained, after);
        QCOMPARE(int(result.heldOutRows.size()), 7 - 2);  // class b's two held-out photos are gone
        QCOMPARE(result.metrics.total, 5);
        QCOMPARE(result.missingHeldOut, 2);  // and said: the figures are on the other five
        for (size_t i = 0; i < result.heldOutRows.size(); ++i) {
            const int predicted = result.heldOutPredicted[i];
            QVERIFY(predicted >= -1 && predicted < after.classCount());
        }
        QVERIFY(result.metrics.accuracy > 0.8);
        for (int row : result.keptRows) QVERIFY(row >= 0 && row < after.size());
    }

    void heldOutFiguresFollowClassesByName()
    {
        // The project lists the classes in another order than at training (renamed folders sort
        // differently): figures are per class name, not per index.
        const EmbeddingSet photos = makeClusteredSet({8, 8}, 16, 0.3f, 4);
        const TrainedReferenceSet trained = trainReferenceSet(photos, quickRequest(QStringLiteral("centroid")));
        EmbeddingSet swapped = photos;
        swapped.classNames = QStringList{photos.classNames[1], photos.classNames[0]};
        for (int& label : swapped.labels) label = 1 - label;
        const HeldOutResult a = scoreOnHeldOut(trained, photos), b = scoreOnHeldOut(trained, swapped);
        QCOMPARE(b.metrics.accuracy, a.metrics.accuracy);
        QCOMPARE(b.metrics.total, a.metrics.total);
    }

    void progressMovesOneBarOnce()
    {
        Feedback feedback;
        std::vector<double> fractions;
        feedback.setProgressHandler([&](qint64 done, qint64 total, const QString&) {
            if (total > 0) fractions.push_back(double(done) / double(total));
        });
        trainReferenceSet(makeClusteredSet({10, 10, 10}, 16, 0.6f, 9), quickRequest(QStringLiteral("least-central")),
                          &feedback);
        QVERIFY(!fractions.empty());
        for (size_t i = 1; i < fractions.size(); ++i)
            QVERIFY2(fractions[i] + 1e-9 >= fractions[i - 1],
                     qPrintable(QStringLiteral("progress went back from %1 to %2").arg(fractions[i - 1]).arg(fractions[i])));
        QVERIFY(fractions.back() <= 1.0);
    }
};

QTEST_APPLESS_MAIN(TestTrainWorkflow)
#include "tst_trainworkflow.moc"
