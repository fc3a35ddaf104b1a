#include "HonestEvaluation.h"

#include "DuplicateGroups.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "Metrics.h"
#include "NearDuplicatePairs.h"
#include "Random.h"
#include "SelfTraining.h"
#include "WeightedF1Interval.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace exemplar {

namespace {

void summarize(const std::vector<double>& values, double* mean, double* stddev)
{
    *mean = 0;
    *stddev = 0;
    if (values.empty()) return;
    *mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    if (values.size() < 2) return;
    double squares = 0;
    for (double v : values) squares += (v - *mean) * (v - *mean);
    *stddev = std::sqrt(squares / double(values.size() - 1));  // sample standard deviation
}

QJsonArray toJsonArray(const std::vector<double>& values)
{
    QJsonArray array;
    for (double v : values) array.append(v);
    return array;
}

// Repetition r's split seed: distinct per repetition, reproducible from the user's --seed.
quint64 splitSeed(quint64 seed, int repetition)
{
    std::seed_seq sequence{quint32(seed), quint32(seed >> 32), quint32(repetition)};
    std::mt19937_64 generator(sequence);
    return generator();
}

} // namespace

namespace {

// Shuffles each class's duplicate groups and moves them, in that order, to the pool whenever that
// brings the class's pool nearer to TAKE(photos of the class); the rest are tested. With one photo
// per group this is exactly "the first TAKE photos of the shuffle". A class keeps some photos in the
// pool, and keeps a group on the test side whenever TAKE leaves one there and it has two groups.
template <typename PoolSize>
void splitPerClass(const std::vector<int>& labels, const std::vector<int>& groups, int classCount, quint64 seed,
                   PoolSize take, std::vector<int>* poolRows, std::vector<int>* testRows)
{
    poolRows->clear();
    testRows->clear();
    Random random(seed);
    for (std::vector<std::vector<int>>& classGroups : groupsPerClass(labels, groups, classCount)) {
        random.shuffle(classGroups);
        int photos = 0;
        for (const std::vector<int>& group : classGroups) photos += int(group.size());
        const int target = take(photos);
        std::vector<bool> inPool(classGroups.size(), false);
        int pooled = 0, last = -1;
        for (size_t g = 0; g < classGroups.size(); ++g) {
            const int size = int(classGroups[g].size());
            if (std::abs(pooled + size - target) >= std::abs(pooled - target)) continue;
            inPool[g] = true;
            pooled += size;
            last = int(g);
        }
        if (target > 0 && pooled == 0 && !classGroups.empty()) inPool[0] = true;
        if (target < photos && pooled == photos && classGroups.size() > 1) inPool[size_t(last)] = false;
        for (size_t g = 0; g < classGroups.size(); ++g) {
            std::vector<int>* side = inPool[g] ? poolRows : testRows;
            side->insert(side->end(), classGroups[g].begin(), classGroups[g].end());
        }
    }
    std::sort(poolRows->begin(), poolRows->end());
    std::sort(testRows->begin(), testRows->end());
}

// What the work inside one step says (auto's candidates, "unknown"'s calibration, self-training's
// folds) is told after the step's own words, at the step's place on the bar: a step of minutes (a
// method at 200 classes) shows that it moves, while the bar still counts steps. Only the inner
// words: its counts may be a slice's thousandths, not steps a user counts. Displays shorten the
// middle of a long message (shortenedProgressText), keeping both ends.
void sayWithinStep(Feedback* nested, const Feedback* parent, qint64 step, qint64 steps, const QString& stepWhat)
{
    if (!parent) return;
    nested->setProgressHandler([parent, step, steps, stepWhat](qint64, qint64 total, const QString& what) {
        if (what.isEmpty() || total <= 0) return;
        parent->report(step, steps, QStringLiteral("%1 — %2").arg(stepWhat, what));
    });
}

} // namespace

ClassesShortOfPool classesShortOfPool(const std::vector<int>& counts, int poolPerClass)
{
    ClassesShortOfPool short_;
    for (size_t c = 0; c < counts.size(); ++c)
        if (counts[c] <= poolPerClass) {
            short_.fewest = short_.classes.empty() ? counts[c] : std::min(short_.fewest, counts[c]);
            short_.classes.push_back(int(c));
        }
    return short_;
}

void drawPoolSplit(const std::vector<int>& labels, const std::vector<int>& groups, int classCount, int poolPerClass,
                   quint64 seed, std::vector<int>* poolRows, std::vector<int>* testRows)
{
    // A class with too few photos still keeps one test photo, so it is measured at all.
    splitPerClass(labels, groups, classCount, seed,
                  [&](int n) { return n <= 1 ? n : std::min(poolPerClass, n - 1); }, poolRows, testRows);
}

void drawHoldoutSplit(const std::vector<int>& labels, const std::vector<int>& groups, int classCount, double fraction,
                      quint64 seed, std::vector<int>* poolRows, std::vector<int>* heldOutRows)
{
    splitPerClass(labels, groups, classCount, seed, [&](int n) {
        if (n <= 1 || fraction <= 0) return n;
        const int held = std::clamp(int(std::lround(fraction * n)), 1, n - 1);
        return n - held;
    }, poolRows, heldOutRows);
}

void leaveOutBackgroundNearIdenticalTo(TrainingOptions* options, const Matrix& photos, double cosine, int* leftOut)
{
    if (leftOut) *leftOut = 0;
    if (!options->whiteningBackground) return;
    std::vector<int> kept;
    options->whiteningBackground =
        std::make_shared<const Matrix>(rowsNotNearIdenticalTo(*options->whiteningBackground, photos, cosine, leftOut, &kept));
    if (!options->whiteningBackgroundKinds) return;
    auto kinds = std::make_shared<std::vector<int>>();
    kinds->reserve(kept.size());
    for (int row : kept) kinds->push_back(options->whiteningBackgroundKinds->at(size_t(row)));
    options->whiteningBackgroundKinds = std::move(kinds);
}

EvaluationReport evaluateHonestly(const EmbeddingSet& data, const EvaluationOptions& asked, Feedback* feedback,
                                  const MethodFinishedObserver& observer)
{
    // Any photo of the dataset is a test photo in some repetition: background photos near-identical
    // to one of them are left out, so that no test photo's pixels reach a whitening.
    EvaluationOptions options = asked;
    // Unlabeled photos likewise: a copy of a test photo among them is transductive learning, which
    // --transductive asks for by name. Both at the model's own threshold, the one the splits use.
    const double nearIdentical = data.nearIdenticalCosineOrDefault();
    int backgroundLikeDataset = 0, unlabeledLikeDataset = 0;
    leaveOutBackgroundNearIdenticalTo(&options.training, data.vectors, nearIdentical, &backgroundLikeDataset);
    options.unlabeled = photosNotNearIdenticalTo(options.unlabeled, data, nearIdentical, &unlabeledLikeDataset);
    if (options.pool < 1) throw Error(QStringLiteral("the pool must hold at least 1 photo per class"));
    if (options.repeats < 1) throw Error(QStringLiteral("at least 1 repetition is needed"));
    if (options.methods.isEmpty()) throw Error(QStringLiteral("no methods to evaluate"));
    for (const QString& method : options.methods)
        if (!isTrainingMethod(method))
            throw Error(QStringLiteral("unknown method \"%1\" (known: %2)")
                            .arg(method, trainingMethodNames().join(QStringLiteral(", "))));
    if (!options.learningCurveMethod.isEmpty() && !isTrainingMethod(options.learningCurveMethod))
        throw Error(QStringLiteral("unknown method \"%1\" for the learning curve").arg(options.learningCurveMethod));
    if (data.size() == 0) throw Error(QStringLiteral("no photos could be read: nothing to evaluate"));
    if (options.foreign.rows() > 0) {
        if (options.foreign.cols() != data.vectors.cols())
            throw Error(QStringLiteral("the foreign photos' embeddings (%1 numbers) do not match the photos' (%2)")
                            .arg(options.foreign.cols())
                            .arg(data.vectors.cols()));
        // !(x > lo && x <= hi) also refuses NaN.
        if (!(options.knownRejectRate > 0 && options.knownRejectRate <= 0.5))
            throw Error(QStringLiteral("the share of known photos answered \"unknown\" must be above 0 and at most 0.5"));
    }

    EvaluationReport report;
    report.classes = data.classCount();
    report.photos = data.size();
    report.pool = options.pool;
    report.repeats = options.repeats;
    if (options.transductive) report.unlabeled = QStringLiteral("transductive");
    else if (options.unlabeled.vectors.rows() > 0)
        report.unlabeled = QStringLiteral("folder (%1 photos)").arg(options.unlabeled.vectors.rows());
    report.seed = options.seed;
    if (options.training.whiteningBackground) report.backgroundPhotos = int(options.training.whiteningBackground->rows());
    if (backgroundLikeDataset > 0)
        report.warnings << QStringLiteral("%1 background photo(s) were left out: each is near-identical to a photo of the "
                                          "dataset, which may be a test photo").arg(backgroundLikeDataset);
    if (unlabeledLikeDataset > 0)
        report.warnings << QStringLiteral("%1 unlabeled photo(s) were left out: each is near-identical to a photo of the "
                                          "dataset, which may be a test photo").arg(unlabeledLikeDataset);
    if (data.classCount() == 1)
        report.warnings << QStringLiteral("there is only one class (\"%1\"), so every method answers every photo with it: "
                                          "the figures mean nothing until a second class is added")
                               .arg(data.classNames.value(0));
    report.unknown.knownRejectRate = options.knownRejectRate;
    const std::vector<int> counts = data.countsPerClass();
    const ClassesShortOfPool short_ = classesShortOfPool(counts, options.pool);
    QStringList smallClasses;
    for (int c : short_.classes) smallClasses << data.classNames.value(c);
    const int fewest = short_.fewest;
    // One line for many: at 200 classes of 6 photos, 200 sentences filled the Methods tab.
    // A class of one photo (or none) has nothing to spare: it trains and is never tested (a review
    // read "so that at least one photo is tested" for it).
    const QString untested = fewest <= 1 ? QStringLiteral("; a class of one photo trains on it and is not tested") : QString();
    if (smallClasses.size() == 1)
        report.warnings << (fewest <= 1 ? QStringLiteral("class \"%1\" has %2 photo(s), not more than the pool of %3: it "
                                                         "trains on them and is not tested")
                                        : QStringLiteral("class \"%1\" has %2 photos, not more than the pool of %3: "
                                                         "its pool is smaller so that at least one photo is tested"))
                               .arg(smallClasses.first(), QString::number(fewest), QString::number(options.pool));
    else if (!smallClasses.isEmpty())
        report.warnings << QStringLiteral("%1 classes have no more photos than the pool of %2 (\"%3\"%4; the smallest "
                                          "has %5): their pools are smaller so that photos are left to test%6")
                               // At once: a class name holding "%5" is not filled in by a later arg().
                               .arg(QString::number(smallClasses.size()), QString::number(options.pool),
                                    smallClasses.mid(0, 3).join(QStringLiteral("\", \"")),
                                    smallClasses.size() > 3 ? QStringLiteral(", …") : QString(), QString::number(fewest),
                                    untested);
    const Feedback searching(feedback);  // cancelable; quick next to the training below
    const DuplicateGroups groups = findDuplicateGroups(data, {}, &searching);
    report.duplicateGroups = groups.sharedGroups();
    report.groupedPhotos = groups.groupedPhotos();
    const auto classGroups = groupsPerClass(data.labels, groups.groupOf, data.classCount());
    // A class left with one group: its photos are copies of one picture, or some of them are
    // copies of another class's photos (a photo filed under two classes) and go where those go.
    std::vector<QSet<int>> picturesOfClass(size_t(data.classCount()));
    std::vector<int> sharedWithOthers(size_t(data.classCount()), 0);
    for (int row = 0; row < data.size(); ++row) picturesOfClass[size_t(data.labels[size_t(row)])].insert(groups.groupOf[size_t(row)]);
    for (int c = 0; c < data.classCount(); ++c)
        for (const std::vector<int>& group : classGroups[size_t(c)])
            for (int row : group)
                if (data.labels[size_t(row)] != c) ++sharedWithOthers[size_t(data.labels[size_t(row)])];
    for (int c = 0; c < data.classCount(); ++c) {
        if (counts[size_t(c)] <= 1 || classGroups[size_t(c)].size() > 1) continue;
        if (picturesOfClass[size_t(c)].size() == 1)
            report.warnings << QStringLiteral("class \"%1\": its %2 photos are near-identical copies of one picture, "
                                              "so none of them can be tested on photos unlike the pool")
                                   .arg(data.classNames[c]).arg(counts[size_t(c)]);
        else if (sharedWithOthers[size_t(c)] > 0)
            report.warnings << QStringLiteral("class \"%1\": %2 of its %3 photos are near-identical to photos of another "
                                              "class (a photo filed under two classes?) and are split with those, so too "
                                              "few of its own are left to test it")
                                   .arg(data.classNames[c]).arg(sharedWithOthers[size_t(c)]).arg(counts[size_t(c)]);
    }

    // Every repetition's split, drawn once (row lists: the subsets themselves are made per use).
    std::vector<std::vector<int>> poolRowsOf(size_t(options.repeats)), testRowsOf(size_t(options.repeats));
    for (int r = 0; r < options.repeats; ++r)
        drawPoolSplit(data.labels, groups.groupOf, data.classCount(), options.pool, splitSeed(options.seed, r),
                      &poolRowsOf[size_t(r)], &testRowsOf[size_t(r)]);
    report.testPhotosPerRepeat = int(testRowsOf.back().size());
    report.testGroupsPerRepeat = picturesAmong(testRowsOf.back(), groups.groupOf);
    // Without test photos every method would score 0%, a figure that means nothing.
    for (const std::vector<int>& test : testRowsOf)
        if (test.empty())
            throw Error(*std::max_element(counts.begin(), counts.end()) <= 1
                            ? QStringLiteral("no photo is left to test: every class has a single photo, which is its "
                                             "pool; add photos (at least two per class)")
                            : QStringLiteral("no photo is left to test: every photo is in the pool or a near-identical "
                                             "copy of one in it; use a smaller pool or add photos"));
    // Repetition r's pool, with its duplicate groups: the methods' own cross-validation keeps them together too.
    const auto poolOf = [&](int r) {
        EmbeddingSet pool = data.subset(poolRowsOf[size_t(r)]);
        pool.groups = groups.forRows(poolRowsOf[size_t(r)]);
        return pool;
    };

    // "Unknown" on foreign photos: calibrated inside each pool, scored on its test and the foreign photos.
    if (options.foreign.rows() > 0)
        for (int r = 0; r < options.repeats; ++r) {
            const EmbeddingSet pool = poolOf(r);
            report.unknown.addRepetition(pool, data.subset(testRowsOf[size_t(r)]).vectors, options.foreign,
                                         options.training.crossValidationFolds,
                                         options.training.optimizer.seed + quint64(r), feedback);
        }

    const QString curveMethod = canonicalTrainingMethod(options.learningCurveMethod);
    const bool measureCurve = !options.learningCurveMethod.isEmpty();
    // The curve method as trained on each pool ("auto": what it chose there), and its held-out accuracy.
    std::vector<TrainingOptions> curveTrainingOf(size_t(options.repeats));
    std::vector<double> curveAccuracyOf(size_t(options.repeats), -1);
    const qint64 steps = qint64(options.repeats) * (options.methods.size() + (measureCurve ? 1 : 0));
    for (int m = 0; m < options.methods.size(); ++m) {
        MethodSummary summary;
        summary.name = canonicalTrainingMethod(options.methods[m]);
        std::vector<double> referenceCounts, seconds, pictures;
        for (int r = 0; r < options.repeats; ++r) {
            throwIfCanceled(feedback);
            const qint64 step = qint64(m) * options.repeats + r;
            const QString stepWhat =
                QStringLiteral("%1: repetition %2/%3").arg(options.methods[m]).arg(r + 1).arg(options.repeats);
            reportProgress(feedback, step, steps, stepWhat);
            const EmbeddingSet pool = poolOf(r);
            const EmbeddingSet test = data.subset(testRowsOf[size_t(r)]);
            TrainingOptions training = options.training;
            training.method = options.methods[m];
            training.optimizer.seed = options.training.optimizer.seed + quint64(r);
            QElapsedTimer timer;
            timer.start();
            Feedback nested(feedback);
            sayWithinStep(&nested, feedback, step, steps, stepWhat);
            const bool selfTraining = options.transductive || options.unlabeled.vectors.rows() > 0;
            ReferenceHead plainHead;
            const Matrix& unlabeled = options.transductive ? test.vectors : options.unlabeled.vectors;
            const TrainingResult trained = selfTraining ? trainWithUnlabeled(pool, unlabeled, training, &nested, &plainHead)
                                                        : train(pool, training, &nested);
            if (selfTraining)
                summary.selfTrainingUsed = std::max(summary.selfTrainingUsed, 0) +
                                           trained.details.value(QStringLiteral("self_training")).toObject().value(QStringLiteral("used")).toBool();
            seconds.push_back(timer.nsecsElapsed() / 1e9);
            throwIfCanceled(feedback);

            const std::vector<int> predicted = trained.head.predictClasses(test.vectors);
            const Metrics metrics = Metrics::compute(test.labels, predicted, data.classCount());
            pictures.push_back(weightedF1EffectivePictures(test.labels, predicted, data.classCount(),
                                                           groups.forRows(testRowsOf[size_t(r)])));
            if (selfTraining)
                summary.plainAccuracies.push_back(
                    Metrics::compute(test.labels, plainHead.predictClasses(test.vectors), data.classCount()).accuracy);
            summary.accuracies.push_back(metrics.accuracy);
            summary.weightedF1s.push_back(metrics.weightedF1);
            const std::vector<int> perClass = trained.head.referencesPerClass();
            referenceCounts.push_back(std::accumulate(perClass.begin(), perClass.end(), 0.0) /
                                      std::max(1, data.classCount()));
            if (measureCurve && summary.name == curveMethod) {
                curveTrainingOf[size_t(r)] = trained.effectiveOptions;
                curveAccuracyOf[size_t(r)] = metrics.accuracy;
            }
        }
        summarize(summary.accuracies, &summary.accuracyMean, &summary.accuracyStd);
        summarize(summary.weightedF1s, &summary.weightedF1Mean, &summary.weightedF1Std);
        if (!summary.plainAccuracies.empty())
            summarize(summary.plainAccuracies, &summary.plainAccuracyMean, &summary.plainAccuracyStd);
        double unused = 0;
        summarize(referenceCounts, &summary.referencesPerClass, &unused);
        summarize(seconds, &summary.seconds, &unused);
        summarize(pictures, &summary.weightedF1Pictures, &unused);
        report.methods.push_back(std::move(summary));
        if (observer && m + 1 < options.methods.size()) observer(report);
    }

    if (measureCurve) {
        report.learningCurve.method = curveMethod;
        report.learningCurve.pool = options.pool;
        report.learningCurve.extraPhotos = options.learningCurveExtra;
        for (int r = 0; r < options.repeats; ++r) {
            throwIfCanceled(feedback);
            const qint64 step = qint64(options.methods.size()) * options.repeats + r;
            const QString stepWhat =
                QStringLiteral("learning curve of %1: repetition %2/%3").arg(curveMethod).arg(r + 1).arg(options.repeats);
            reportProgress(feedback, step, steps, stepWhat);
            const EmbeddingSet pool = poolOf(r);
            if (curveAccuracyOf[size_t(r)] < 0) {  // not among the compared methods: trained for its figure
                const EmbeddingSet test = data.subset(testRowsOf[size_t(r)]);
                TrainingOptions training = options.training;
                training.method = curveMethod;
                training.optimizer.seed = options.training.optimizer.seed + quint64(r);
                Feedback nested(feedback);
                sayWithinStep(&nested, feedback, step, steps, stepWhat);
                const TrainingResult trained = train(pool, training, &nested);
                curveTrainingOf[size_t(r)] = trained.effectiveOptions;
                curveAccuracyOf[size_t(r)] = Metrics::compute(test.labels, trained.head.predictClasses(test.vectors),
                                                              data.classCount()).accuracy;
            }
            LearningCurveOptions curveOptions;
            curveOptions.training = curveTrainingOf[size_t(r)];
            curveOptions.extraPhotos = options.learningCurveExtra;
            curveOptions.seed = splitSeed(options.seed, r) ^ 0xc0ffeeULL;
            Feedback nested(feedback);
            sayWithinStep(&nested, feedback, step, steps, stepWhat);
            report.learningCurve.curves.push_back(measureLearningCurve(pool, curveOptions, &nested));
            if (curveMethod == QLatin1String("auto"))  // the method auto chose on this pool, as the GUI says
                report.learningCurve.curves.back().chosenBy = QStringLiteral("auto");
            report.learningCurve.actualAtPool.push_back(curveAccuracyOf[size_t(r)]);
        }
    }
    reportProgress(feedback, steps, steps, QString());
    report.unknown.finish();

    report.recommended = recommendedMethod(report.methods);
    return report;
}

int LearningCurveCheck::coveredRepetitions() const
{
    int covered = 0;
    for (size_t r = 0; r < curves.size() && r < actualAtPool.size(); ++r)
        if (curves[r].fitted && actualAtPool[r] >= curves[r].expectedNowLow && actualAtPool[r] <= curves[r].expectedNowHigh)
            ++covered;
    return covered;
}

QJsonObject LearningCurveCheck::toJson() const
{
    std::vector<double> predictedNow, predictedMore, lowMore, highMore;
    QJsonArray perRepeat;
    for (size_t r = 0; r < curves.size(); ++r) {
        QJsonObject curve = curves[r].toJson();
        curve.insert(QStringLiteral("held_out_accuracy_at_pool"), actualAtPool[r]);
        perRepeat.append(curve);
        if (!curves[r].fitted) continue;
        predictedNow.push_back(curves[r].expectedNow);
        predictedMore.push_back(curves[r].expectedMore);
        lowMore.push_back(curves[r].expectedMoreLow);
        highMore.push_back(curves[r].expectedMoreHigh);
    }
    double mean = 0, unused = 0;
    const auto meanOf = [&](const std::vector<double>& v) {
        summarize(v, &mean, &unused);
        return mean;
    };
    QJsonObject json{
        {QStringLiteral("method"), method},
        {QStringLiteral("pool"), pool},
        {QStringLiteral("extra_photos"), extraPhotos},
        {QStringLiteral("protocol"),
         QStringLiteral("per repetition, the curve is measured on sub-pools of the pool only and read off at the pool "
                        "size and at pool + extra_photos; held_out_accuracy_at_pool is the method trained on the whole "
                        "pool and scored on the test photos; run eval with --pool pool+extra_photos for the truth there")},
        {QStringLiteral("predicted_at_pool"), meanOf(predictedNow)},
        {QStringLiteral("held_out_at_pool"), meanOf(actualAtPool)},
        {QStringLiteral("repetitions_inside_range_at_pool"), coveredRepetitions()},
        {QStringLiteral("predicted_at_pool_plus_extra"), meanOf(predictedMore)},
        {QStringLiteral("predicted_at_pool_plus_extra_range"), QJsonArray{meanOf(lowMore), meanOf(highMore)}},
        {QStringLiteral("per_repeat"), perRepeat},
    };
    if (predictedNow.empty()) {  // no pool could place a curve: no prediction, and why, rather than 0%
        for (const char* key : {"predicted_at_pool", "predicted_at_pool_plus_extra", "predicted_at_pool_plus_extra_range"})
            json.remove(QLatin1String(key));
        json.insert(QStringLiteral("reason"), curves.empty() ? QString() : curves.front().reason);
    }
    return json;
}

LearningCurveCheck LearningCurveCheck::fromJson(const QJsonObject& json)
{
    LearningCurveCheck check;
    check.method = json.value(QStringLiteral("method")).toString();
    check.pool = json.value(QStringLiteral("pool")).toInt();
    check.extraPhotos = json.value(QStringLiteral("extra_photos")).toInt();
    for (const QJsonValue& v : json.value(QStringLiteral("per_repeat")).toArray()) {
        check.curves.push_back(LearningCurve::fromJson(v.toObject()));
        check.actualAtPool.push_back(v.toObject().value(QStringLiteral("held_out_accuracy_at_pool")).toDouble());
    }
    return check;
}

int recommendedMethod(const std::vector<MethodSummary>& methods)
{
    int best = -1;
    for (size_t i = 0; i < methods.size(); ++i) {
        const MethodSummary& m = methods[i];
        const MethodSummary* leader = best >= 0 ? &methods[size_t(best)] : nullptr;
        if (!leader || m.accuracyMean > leader->accuracyMean ||
            (m.accuracyMean == leader->accuracyMean && m.weightedF1Mean > leader->weightedF1Mean))
            best = int(i);
    }
    return best;
}

QJsonObject MethodSummary::toJson() const
{
    QJsonObject json{{QStringLiteral("name"), name},
            {QStringLiteral("accuracy"), accuracyMean},
            {QStringLiteral("accuracy_std"), accuracyStd},
            {QStringLiteral("weighted_f1"), weightedF1Mean},
            {QStringLiteral("weighted_f1_std"), weightedF1Std},
            {QStringLiteral("weighted_f1_effective_pictures"), weightedF1Pictures},
            {QStringLiteral("references_per_class"), referencesPerClass},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("accuracy_per_repeat"), toJsonArray(accuracies)},
            {QStringLiteral("weighted_f1_per_repeat"), toJsonArray(weightedF1s)},
            {QStringLiteral("self_training_used"), selfTrainingUsed >= 0 ? QJsonValue(selfTrainingUsed) : QJsonValue()}};
    if (plainAccuracies.empty()) return json;
    json.insert(QStringLiteral("accuracy_without_unlabeled"), plainAccuracyMean);
    json.insert(QStringLiteral("accuracy_without_unlabeled_std"), plainAccuracyStd);
    json.insert(QStringLiteral("accuracy_without_unlabeled_per_repeat"), toJsonArray(plainAccuracies));
    return json;
}

MethodSummary MethodSummary::fromJson(const QString& name, const QJsonObject& json)
{
    // Earlier project files wrote the means as accuracy_mean and weighted_f1_mean.
    const auto mean = [&](const char* key, const char* olderKey) {
        const QJsonValue value = json.value(QLatin1String(key));
        return (value.isUndefined() ? json.value(QLatin1String(olderKey)) : value).toDouble();
    };
    const auto doubles = [&](const char* key) {
        std::vector<double> values;
        for (const QJsonValue& v : json.value(QLatin1String(key)).toArray()) values.push_back(v.toDouble());
        return values;
    };
    MethodSummary summary;
    summary.name = canonicalTrainingMethod(name);
    summary.accuracyMean = mean("accuracy", "accuracy_mean");
    summary.accuracyStd = json.value(QStringLiteral("accuracy_std")).toDouble();
    summary.weightedF1Mean = mean("weighted_f1", "weighted_f1_mean");
    summary.weightedF1Std = json.value(QStringLiteral("weighted_f1_std")).toDouble();
    summary.weightedF1Pictures = json.value(QStringLiteral("weighted_f1_effective_pictures")).toDouble();
    summary.referencesPerClass = json.value(QStringLiteral("references_per_class")).toDouble();
    summary.seconds = json.value(QStringLiteral("seconds")).toDouble();
    summary.accuracies = doubles("accuracy_per_repeat");
    summary.weightedF1s = doubles("weighted_f1_per_repeat");
    summary.selfTrainingUsed = json.value(QStringLiteral("self_training_used")).toInt(-1);
    summary.plainAccuracies = doubles("accuracy_without_unlabeled_per_repeat");
    summary.plainAccuracyMean = json.value(QStringLiteral("accuracy_without_unlabeled")).toDouble();
    summary.plainAccuracyStd = json.value(QStringLiteral("accuracy_without_unlabeled_std")).toDouble();
    return summary;
}

QJsonObject EvaluationReport::toJson() const
{
    // Methods keyed by name (what scripts read); their order and the recommendation beside them.
    QJsonObject methodsJson;
    QJsonArray order;
    for (const MethodSummary& m : methods) {
        QJsonObject method = m.toJson();
        const ProportionInterval interval = accuracyInterval(m);
        method.insert(QStringLiteral("accuracy_interval_95"), QJsonArray{interval.low, interval.high});
        if (const auto f1 = weightedF1Interval(m))
            method.insert(QStringLiteral("weighted_f1_interval_95"), QJsonArray{f1->low, f1->high});
        methodsJson.insert(m.name, method);
        order.append(m.name);
    }
    QJsonObject json{
        {QStringLiteral("dataset"), dataset},
        {QStringLiteral("classes"), classes},
        {QStringLiteral("photos"), photos},
        {QStringLiteral("pool"), pool},
        {QStringLiteral("repeats"), repeats},
        {QStringLiteral("seed"), QString::number(seed)},
        {QStringLiteral("test_photos_per_repeat"), testPhotosPerRepeat},
        {QStringLiteral("test_pictures_per_repeat"), testGroupsPerRepeat},
        {QStringLiteral("duplicate_groups"),
         QJsonObject{{QStringLiteral("groups"), duplicateGroups}, {QStringLiteral("photos"), groupedPhotos}}},
        {QStringLiteral("protocol"),
         QStringLiteral("per repetition and class, the pool is drawn at random and every other photo is a test photo; "
                        "near-identical photos are drawn together, never split between pool and test; "
                        "each method is trained on the pool only and scored on the test photos only")},
        {QStringLiteral("methods"), methodsJson},
        {QStringLiteral("method_order"), order},
        // Which unlabeled photos the methods self-trained with (absent: none; the figures are
        // then the plain supervised ones).
        {QStringLiteral("unlabeled"), unlabeled.isEmpty() ? QJsonValue() : QJsonValue(unlabeled)},
        // How many background photos the whitened methods' whitening was fitted with (0: the pool alone).
        {QStringLiteral("background_photos"), backgroundPhotos},
        {QStringLiteral("recommended"), recommended >= 0 ? QJsonValue(methods[size_t(recommended)].name) : QJsonValue()},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
    };
    if (!learningCurve.empty()) json.insert(QStringLiteral("learning_curve"), learningCurve.toJson());
    if (unknown.measured()) json.insert(QStringLiteral("unknown"), unknown.toJson());
    return json;
}

ProportionInterval EvaluationReport::accuracyInterval(const MethodSummary& method) const
{
    const int trials = std::max(0, testGroupsPerRepeat > 0 ? std::min(testGroupsPerRepeat, testPhotosPerRepeat)
                                                           : testPhotosPerRepeat);
    return wilsonInterval(int(std::lround(method.accuracyMean * trials)), trials);
}

std::optional<ProportionInterval> EvaluationReport::weightedF1Interval(const MethodSummary& method) const
{
    if (!(method.weightedF1Pictures > 0)) return std::nullopt;
    return weightedF1IntervalAt(method.weightedF1Mean, method.weightedF1Pictures);
}

QString EvaluationReport::implausibility() const
{
    // Far beyond any comparison Exemplar runs (eval --repeats takes at most 10,000), far below where
    // a view's loop over them hurts.
    constexpr int kMaxCount = 100000000, kMaxRepeats = 10000;
    const auto fraction = [](double v) { return std::isfinite(v) && v >= 0 && v <= 1; };
    const auto nonNegative = [](double v) { return std::isfinite(v) && v >= 0; };
    for (const auto& [count, what] : {std::pair<qint64, const char*>{classes, "classes"}, {photos, "photos"},
                                      {pool, "pool"}, {testPhotosPerRepeat, "test photos"},
                                      {duplicateGroups, "duplicate groups"}, {groupedPhotos, "grouped photos"},
                                      {backgroundPhotos, "background photos"}})
        if (count < 0 || count > kMaxCount) return QStringLiteral("%1 %2").arg(count).arg(QLatin1String(what));
    if (repeats < 0 || repeats > kMaxRepeats) return QStringLiteral("%1 repetitions").arg(repeats);
    if (methods.size() > 1000) return QStringLiteral("%1 methods").arg(methods.size());
    for (const MethodSummary& m : methods) {
        if (m.accuracies.size() > size_t(kMaxRepeats) || m.weightedF1s.size() > size_t(kMaxRepeats))
            return QStringLiteral("%1: %2 figures per repetition").arg(m.name).arg(m.accuracies.size());
        if (m.plainAccuracies.size() > size_t(kMaxRepeats))
            return QStringLiteral("%1: %2 figures per repetition").arg(m.name).arg(m.plainAccuracies.size());
        for (const std::vector<double>* figures : {&m.accuracies, &m.weightedF1s, &m.plainAccuracies})
            for (double v : *figures)
                if (!fraction(v)) return QStringLiteral("%1: an accuracy of %2").arg(m.name).arg(v);
        for (double v : {m.accuracyMean, m.weightedF1Mean, m.plainAccuracyMean})
            if (!fraction(v)) return QStringLiteral("%1: a mean accuracy of %2").arg(m.name).arg(v);
        for (double v : {m.accuracyStd, m.weightedF1Std, m.plainAccuracyStd, m.referencesPerClass, m.seconds,
                         m.weightedF1Pictures})
            if (!nonNegative(v)) return QStringLiteral("%1: a figure of %2").arg(m.name).arg(v);
        if (m.selfTrainingUsed < -1 || m.selfTrainingUsed > kMaxRepeats)
            return QStringLiteral("%1: self-training kept in %2 repetitions").arg(m.name).arg(m.selfTrainingUsed);
    }
    if (learningCurve.curves.size() > size_t(kMaxRepeats) || learningCurve.actualAtPool.size() > size_t(kMaxRepeats))
        return QStringLiteral("%1 learning curves").arg(learningCurve.curves.size());
    for (const LearningCurve& curve : learningCurve.curves)
        if (const QString problem = curve.implausibility(); !problem.isEmpty())
            return QStringLiteral("its learning curve check: %1").arg(problem);
    for (double v : learningCurve.actualAtPool)
        if (!fraction(v)) return QStringLiteral("a held-out accuracy of %1 in its learning curve check").arg(v);
    return QString();
}

EvaluationReport EvaluationReport::fromJson(const QJsonObject& json)
{
    EvaluationReport report;
    report.dataset = json.value(QStringLiteral("dataset")).toString();
    report.classes = json.value(QStringLiteral("classes")).toInt();
    report.photos = json.value(QStringLiteral("photos")).toInt();
    report.pool = json.value(QStringLiteral("pool")).toInt();
    report.repeats = json.value(QStringLiteral("repeats")).toInt();
    report.unlabeled = json.value(QStringLiteral("unlabeled")).toString();
    report.backgroundPhotos = std::max(0, json.value(QStringLiteral("background_photos")).toInt());
    report.seed = json.value(QStringLiteral("seed")).toString().toULongLong();
    report.testPhotosPerRepeat = json.value(QStringLiteral("test_photos_per_repeat")).toInt();
    report.testGroupsPerRepeat = json.value(QStringLiteral("test_pictures_per_repeat")).toInt();  // absent before
    const QJsonObject grouping = json.value(QStringLiteral("duplicate_groups")).toObject();  // absent in older files
    report.duplicateGroups = grouping.value(QStringLiteral("groups")).toInt();
    report.groupedPhotos = grouping.value(QStringLiteral("photos")).toInt();
    for (const QJsonValue& v : json.value(QStringLiteral("warnings")).toArray()) report.warnings << v.toString();
    const QJsonValue methods = json.value(QStringLiteral("methods"));
    if (methods.isArray()) {  // earlier project files: an array of objects with their names
        for (const QJsonValue& v : methods.toArray())
            report.methods.push_back(MethodSummary::fromJson(v.toObject().value(QStringLiteral("name")).toString(),
                                                             v.toObject()));
    } else {
        const QJsonObject byName = methods.toObject();
        QStringList order;
        for (const QJsonValue& v : json.value(QStringLiteral("method_order")).toArray())
            if (byName.contains(v.toString()) && !order.contains(v.toString())) order << v.toString();
        for (const QString& name : byName.keys())
            if (!order.contains(name)) order << name;
        for (const QString& name : order)
            report.methods.push_back(MethodSummary::fromJson(name, byName.value(name).toObject()));
    }
    const QJsonObject curve = json.value(QStringLiteral("learning_curve")).toObject();
    if (!curve.isEmpty()) report.learningCurve = LearningCurveCheck::fromJson(curve);
    // The recommendation follows from the figures; it is recomputed rather than trusted.
    report.recommended = recommendedMethod(report.methods);
    return report;
}

} // namespace exemplar
