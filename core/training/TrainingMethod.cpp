#include "TrainingMethod.h"

#include "DuplicateGroups.h"
#include "Error.h"
#include "Feedback.h"
#include "Random.h"
#include "TrainingMethods.h"
#include "TrainingSupport.h"
#include "Whitening.h"

#include <QFileInfo>
#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

namespace exemplar {

double classMeanShrinkageFor(const EmbeddingSet& pool, const TrainingOptions& options)
{
    if (options.classMeanWhiteningShrinkage > 0) return options.classMeanWhiteningShrinkage;
    return pool.classMeanShrinkage > 0 ? pool.classMeanShrinkage : kDefaultClassMeanShrinkage;
}

double discriminantShrinkageFor(const EmbeddingSet& pool, const TrainingOptions& options)
{
    if (options.discriminantShrinkage > 0) return options.discriminantShrinkage;
    return pool.discriminantShrinkage > 0 ? pool.discriminantShrinkage : kDefaultDiscriminantShrinkage;
}

namespace detail {

QJsonArray toJsonArray(const std::vector<int>& values)
{
    QJsonArray array;
    for (int v : values) array.append(v);
    return array;
}

void requireNonEmpty(const EmbeddingSet& pool)
{
    if (pool.size() == 0) throw Error(QStringLiteral("no photos to train on"));
    if (pool.classCount() == 0) throw Error(QStringLiteral("no classes to train on"));
}

FeatureSpace FeatureSpace::of(const EmbeddingSet& pool, bool whitened, double shrinkage, const Matrix* background,
                              const std::vector<int>* backgroundKinds)
{
    FeatureSpace space;
    if (!whitened || pool.size() < 2) {
        space.features = pool.vectors;
        return space;
    }
    const bool withBackground = background && background->rows() > 0;
    if (withBackground && background->cols() != pool.vectors.cols())
        throw Error(QStringLiteral("the background photos were embedded by another model (%1 numbers per photo, the "
                                   "training photos have %2)").arg(background->cols()).arg(pool.vectors.cols()));
    const Whitening whitening = Whitening::fit(pool.vectors, WhiteningOptions{true, shrinkage},
                                               withBackground ? background : nullptr, backgroundKinds);
    space.features = whitening.apply(pool.vectors);
    space.center = whitening.center;
    space.projection = whitening.projection;
    return space;
}

ReferenceHead FeatureSpace::emptyHead(const QStringList& classNames) const
{
    ReferenceHead head;
    head.classNames = classNames;
    head.center = center;
    head.projection = projection;
    head.references.resize(0, features.cols());
    return head;
}

ReferenceHead headFromRows(const EmbeddingSet& pool, const FeatureSpace& space, const std::vector<int>& rows)
{
    ReferenceHead head = space.emptyHead(pool.classNames);
    head.references.resize(Eigen::Index(rows.size()), space.features.cols());
    head.bias = Vector::Zero(Eigen::Index(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        const int row = rows[i];
        head.references.row(Eigen::Index(i)) = space.features.row(row);
        head.referenceClass.push_back(pool.labels[size_t(row)]);
        ReferenceInfo info;
        if (row < pool.paths.size()) info.file = QFileInfo(pool.paths[row]).fileName();
        if (row < pool.contentHashes.size()) info.contentHash = pool.contentHashes[row];
        head.referenceInfo.push_back(info);
    }
    return head;
}

void HeldOutPredictions::add(const ReferenceHead& head, const EmbeddingSet& heldOut)
{
    for (int i = 0; i < heldOut.size(); ++i) {
        const Prediction prediction = head.predict(heldOut.vectors.row(i).transpose());
        truth_.push_back(heldOut.labels[size_t(i)]);
        predicted_.push_back(prediction.bestClass());
        bestScores_.push_back(prediction.ranked.empty() ? -std::numeric_limits<float>::infinity()
                                                        : prediction.ranked.front().score);
        correct_.push_back(predicted_.back() == truth_.back());
    }
}

CrossValidationScore HeldOutPredictions::score(int classCount) const
{
    CrossValidationScore score;
    const Metrics metrics = Metrics::compute(truth_, predicted_, classCount);
    score.accuracy = metrics.accuracy;
    score.weightedF1 = metrics.weightedF1;
    score.bestScores = bestScores_;
    score.correct = correct_;
    return score;
}

FoldSplit FoldSplit::of(const EmbeddingSet& pool, const std::vector<int>& heldOutRows)
{
    std::vector<bool> heldOut(size_t(pool.size()), false);
    for (int row : heldOutRows) heldOut[size_t(row)] = true;
    std::vector<int> trainRows;
    for (int row = 0; row < pool.size(); ++row)
        if (!heldOut[size_t(row)]) trainRows.push_back(row);
    return {pool.subset(trainRows), pool.subset(heldOutRows)};
}

CrossValidationScore crossValidate(const EmbeddingSet& pool, const TrainingOptions& options,
                                   const std::vector<std::vector<int>>& folds, const Feedback* feedback)
{
    HeldOutPredictions predictions;
    for (const std::vector<int>& fold : folds) {
        if (fold.empty()) continue;
        const FoldSplit split = FoldSplit::of(pool, fold);
        const TrainingResult trained = train(split.train, options, feedback);
        throwIfCanceled(feedback);
        predictions.add(trained.head, split.heldOut);
    }
    return predictions.score(pool.classCount());
}

} // namespace detail

using namespace detail;

std::vector<std::vector<int>> stratifiedFolds(const std::vector<int>& labels, const std::vector<int>& groups,
                                              int classCount, int folds, quint64 seed)
{
    std::vector<std::vector<int>> result(static_cast<size_t>(std::max(1, folds)));
    const size_t count = result.size();
    Random random(seed);
    for (std::vector<std::vector<int>>& classGroups : groupsPerClass(labels, groups, classCount)) {
        if (classGroups.size() < 2) continue;  // the class's only picture: never held out
        random.shuffle(classGroups);
        // Start each class at another fold so that small classes do not all land in fold 0; with
        // one photo per group the fewest-photos rule is plain round-robin from there.
        const size_t offset = random.below(count);
        std::vector<int> filled(count, 0);
        for (size_t g = 0; g < classGroups.size(); ++g) {
            size_t fold = (g + offset) % count;
            for (size_t step = 1; step < count; ++step) {
                const size_t candidate = (g + offset + step) % count;
                if (filled[candidate] < filled[fold]) fold = candidate;
            }
            filled[fold] += int(classGroups[g].size());
            result[fold].insert(result[fold].end(), classGroups[g].begin(), classGroups[g].end());
        }
    }
    for (auto& fold : result) std::sort(fold.begin(), fold.end());
    return result;
}

TrainingResult trainAllReferences(const EmbeddingSet& pool, bool whitened, double shrinkage, const Matrix* background,
                                  const std::vector<int>* backgroundKinds)
{
    requireNonEmpty(pool);
    std::vector<int> rows(static_cast<size_t>(pool.size()));
    std::iota(rows.begin(), rows.end(), 0);
    TrainingResult result;
    result.head = headFromRows(pool, FeatureSpace::of(pool, whitened, shrinkage, background, backgroundKinds), rows);
    result.details = {{QStringLiteral("description"), whitened ? QStringLiteral("1-NN over every training photo, whitened")
                                                               : QStringLiteral("1-NN over every training photo")},
                      {QStringLiteral("counts_per_class"), toJsonArray(result.head.referencesPerClass())}};
    return result;
}

namespace {

// One reference per class: the L2-normalized mean of its photos in SPACE.
ReferenceHead classMeansIn(const EmbeddingSet& pool, const FeatureSpace& space)
{
    const std::vector<int> counts = pool.countsPerClass();
    ReferenceHead head = space.emptyHead(pool.classNames);
    for (int c = 0; c < pool.classCount(); ++c) {
        if (counts[size_t(c)] == 0) continue;
        Vector sum = Vector::Zero(space.features.cols());
        for (int i = 0; i < pool.size(); ++i)
            if (pool.labels[size_t(i)] == c) sum += space.features.row(i).transpose();
        const float norm = sum.norm();
        if (norm > 0) sum /= norm;
        head.references.conservativeResize(head.references.rows() + 1, Eigen::NoChange);
        head.references.row(head.references.rows() - 1) = sum.transpose();
        head.referenceClass.push_back(c);
        head.referenceInfo.push_back({QStringLiteral("mean of %1 photos").arg(counts[size_t(c)]), QString()});
    }
    head.bias = Vector::Zero(head.references.rows());
    return head;
}

} // namespace

TrainingResult trainCentroids(const EmbeddingSet& pool, bool whitened, double shrinkage, const Matrix* background,
                              const std::vector<int>* backgroundKinds)
{
    requireNonEmpty(pool);
    FeatureSpace space;
    if (whitened && pool.size() >= 2) {
        space = FeatureSpace::of(pool, true, shrinkage, background, backgroundKinds);
    } else {
        // Subtracting the pool mean removes the direction every photo shares (the "photo-ness"
        // of the features), which makes class means far more distinct (the SimpleShot recipe).
        space.center = pool.vectors.colwise().mean().transpose();
        space.features = pool.vectors.rowwise() - space.center.transpose();
        // Row by row: a row equal to the mean stays zero instead of becoming NaN.
        for (Eigen::Index i = 0; i < space.features.rows(); ++i) space.features.row(i).normalize();
    }

    TrainingResult result;
    result.head = classMeansIn(pool, space);
    result.details = {{QStringLiteral("description"),
                       whitened ? QStringLiteral("nearest class mean in the pool's whitened space")
                                : QStringLiteral("nearest class mean after subtracting the pool mean and L2-normalizing")}};
    // ε depends on the model (ModelSpec::classMeanShrinkage): recorded so that a set says which.
    if (whitened) result.details.insert(QStringLiteral("whitening_shrinkage"), shrinkage);
    return result;
}

int backgroundKindsWithSpread(const std::vector<int>* kinds)
{
    if (!kinds) return 0;
    std::map<int, int> counts;
    for (int kind : *kinds)
        if (kind >= 0) ++counts[kind];
    return int(std::count_if(counts.begin(), counts.end(), [](const auto& count) { return count.second >= 2; }));
}

TrainingResult trainDiscriminantCentroids(const EmbeddingSet& pool, double shrinkage, const Matrix* background,
                                          const std::vector<int>* kinds)
{
    requireNonEmpty(pool);
    if (pool.size() < 2) return trainCentroids(pool);  // one photo has no spread to whiten
    // Background photos without kinds would only widen the span, which measured nothing
    // (docs/accuracy.md, "Background photos sorted by kind"): they are left out.
    const int kindCount = background && background->rows() > 0 ? backgroundKindsWithSpread(kinds) : 0;
    const Whitening whitening = Whitening::fitWithinClass(pool.vectors, pool.labels, shrinkage,
                                                          kindCount > 0 ? background : nullptr, kinds);
    FeatureSpace space;
    space.features = whitening.apply(pool.vectors);
    space.center = whitening.center;
    space.projection = whitening.projection;
    TrainingResult result;
    result.head = classMeansIn(pool, space);
    result.details = {{QStringLiteral("description"),
                       QStringLiteral("nearest class mean after whitening the photos' spread within their class "
                                      "(shrinkage LDA)")},
                      {QStringLiteral("whitening_shrinkage"), shrinkage}};
    if (kindCount > 0) {
        result.details.insert(QStringLiteral("background_kinds"), kindCount);
        result.details.insert(QStringLiteral("background_photos"), int(background->rows()));
    }
    return result;
}

TrainingResult train(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                     const OptimizerObserver& observer)
{
    const TrainingMethodInfo* method = findTrainingMethod(options.method);
    if (!method)
        throw Error(QStringLiteral("unknown method \"%1\" (known: %2)")
                        .arg(options.method, trainingMethodNames().join(QStringLiteral(", "))));
    TrainingOptions canonical = options;
    canonical.method = method->id;  // an older name (e.g. "seed") trains and records as its current id
    // A background is summarized here, once, where its long part can still be canceled and shown;
    // the fits below (auto's parallel folds among them) find the summary ready.
    const Matrix* background = options.whiteningBackground.get();
    const bool readsBackground =
        method->backgroundUse == BackgroundUse::Any
        || (method->backgroundUse == BackgroundUse::SortedByKind
            && backgroundKindsWithSpread(options.whiteningBackgroundKinds.get()) > 0);
    if (background && background->rows() > 0 && readsBackground && background->cols() == pool.vectors.cols())
        backgroundSummary(*background, options.whiteningBackgroundKinds.get(), feedback);
    TrainingResult result = method->trainer(pool, canonical, feedback, observer);
    if (method->id != QLatin1String("auto")) {
        result.effectiveOptions = canonical;
        // A linear head that chose its C by cross-validation: repeating it needs no new choice.
        if (result.details.contains(QStringLiteral("C")))
            result.effectiveOptions.linearC = result.details.value(QStringLiteral("C")).toDouble();
    }
    return result;
}

} // namespace exemplar
