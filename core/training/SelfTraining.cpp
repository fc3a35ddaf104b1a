#include "SelfTraining.h"

#include "EmbeddingSet.h"
#include "Familiarity.h"
#include "Feedback.h"
#include "Rejection.h"

#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace exemplar {

std::vector<bool> photosLikeThePool(const EmbeddingSet& pool, const Matrix& unlabeled, int folds, quint64 seed)
{
    std::vector<bool> like(size_t(unlabeled.rows()), true);
    if (unlabeled.rows() == 0 || pool.size() == 0) return like;
    const Matrix photos = familiarPhotos(pool.vectors);
    const RejectionCalibration calibration =
        calibrateRejection(pool, photos, std::max(2, folds), seed, kPseudoLabelKnownRejectRate);
    if (!std::isfinite(calibration.threshold)) return like;  // a pool too small to tell: all of them
    const Vector cosines = nearestPhotoCosines(photos, unlabeled);
    for (Eigen::Index i = 0; i < unlabeled.rows(); ++i) like[size_t(i)] = cosines(i) >= calibration.threshold;
    return like;
}

EmbeddingSet withPseudoLabels(const EmbeddingSet& pool, const ReferenceHead& head, const Matrix& unlabeled,
                              const std::vector<bool>& eligible)
{
    // Per predicted class, the unlabeled photos by margin; the upper half (rounded up) is kept,
    // so that a class the method predicts rarely still gets its share and no class is flooded.
    std::vector<std::vector<std::pair<float, int>>> byClass(size_t(pool.classCount()));
    for (Eigen::Index i = 0; i < unlabeled.rows(); ++i) {
        if (!eligible.empty() && !eligible[size_t(i)]) continue;
        const Prediction prediction = head.predict(unlabeled.row(i).transpose());
        const int c = prediction.bestClass();
        if (c >= 0 && c < pool.classCount()) byClass[size_t(c)].push_back({prediction.margin, int(i)});
    }
    std::vector<std::pair<int, int>> added;  // (unlabeled row, class)
    for (size_t c = 0; c < byClass.size(); ++c) {
        auto& candidates = byClass[c];
        std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        const size_t keep = (candidates.size() + 1) / 2;
        for (size_t k = 0; k < keep; ++k) added.push_back({candidates[k].second, int(c)});
    }
    EmbeddingSet extended = pool;
    const Eigen::Index n = pool.vectors.rows();
    extended.vectors.conservativeResize(n + Eigen::Index(added.size()), pool.vectors.cols());
    int group = pool.groups.empty() ? 0 : *std::max_element(pool.groups.begin(), pool.groups.end()) + 1;
    if (extended.groups.empty() && !added.empty()) {  // every photo alone, numbered
        extended.groups.resize(size_t(n));
        std::iota(extended.groups.begin(), extended.groups.end(), 0);
        group = int(n);
    }
    for (size_t k = 0; k < added.size(); ++k) {
        extended.vectors.row(n + Eigen::Index(k)) = unlabeled.row(added[k].first);
        extended.labels.push_back(added[k].second);
        if (!extended.paths.isEmpty()) extended.paths << QStringLiteral("(unlabeled photo %1)").arg(added[k].first + 1);
        if (!extended.contentHashes.isEmpty()) extended.contentHashes << QString();
        if (!extended.fingerprints.empty()) extended.fingerprints.emplace_back();
        extended.groups.push_back(group++);
    }
    return extended;
}

TrainingResult trainWithUnlabeled(const EmbeddingSet& pool, const Matrix& unlabeled, const TrainingOptions& options,
                                  const Feedback* feedback, ReferenceHead* plainHead, const OptimizerObserver& observer)
{
    const Feedback first(feedback, 0.0, 0.2);
    TrainingResult plain = train(pool, options, &first, observer);
    if (plainHead) *plainHead = plain.head;
    if (unlabeled.rows() == 0 || plain.canceled) return plain;
    const quint64 foldSeed = options.optimizer.seed ^ 0xfa111ULL;  // the familiarity check's own folds
    const std::vector<bool> likeThePool = photosLikeThePool(pool, unlabeled, options.crossValidationFolds, foldSeed);
    const int unlikeThePool = int(std::count(likeThePool.begin(), likeThePool.end(), false));
    const auto stoppedDuringTheCheck = [&] {
        plain.canceled = true;
        plain.details.insert(QStringLiteral("self_training"),
                             QJsonObject{{QStringLiteral("unlabeled_photos"), int(unlabeled.rows())},
                                         {QStringLiteral("unlike_the_training_photos"), unlikeThePool},
                                         {QStringLiteral("used"), false},
                                         {QStringLiteral("stopped"), true}});
        return plain;
    };

    // The inner folds repeat the method as chosen on the whole pool ("auto": its choice), so
    // that both sides of the comparison differ only by the pseudo-labels.
    TrainingOptions inner = plain.effectiveOptions;
    const std::vector<std::vector<int>> folds =
        stratifiedFolds(pool.labels, pool.groups, pool.classCount(), std::max(2, options.crossValidationFolds),
                        options.optimizer.seed ^ 0x5e1f7ULL);
    int correctWithout = 0, correctWith = 0, scored = 0;
    bool helps = false;
    TrainingResult result = plain;
    EmbeddingSet extended;
    try {
        for (size_t f = 0; f < folds.size(); ++f) {
            if (isCanceled(feedback)) return stoppedDuringTheCheck();
            reportProgress(feedback, qint64(200 + 700 * f / folds.size()), 1000,
                           QStringLiteral("self-training: fold %1").arg(f + 1));
            std::vector<bool> held(size_t(pool.size()), false);
            for (int row : folds[f]) held[size_t(row)] = true;
            std::vector<int> rest;
            for (int row = 0; row < pool.size(); ++row)
                if (!held[size_t(row)]) rest.push_back(row);
            if (folds[f].empty() || rest.empty()) continue;
            const EmbeddingSet part = pool.subset(rest);
            const EmbeddingSet test = pool.subset(folds[f]);
            const Feedback nested(feedback);
            const TrainingResult without = train(part, inner, &nested);
            const std::vector<bool> eligible = photosLikeThePool(part, unlabeled, options.crossValidationFolds, foldSeed);
            const TrainingResult with = train(withPseudoLabels(part, without.head, unlabeled, eligible), inner, &nested);
            const std::vector<int> a = without.head.predictClasses(test.vectors), b = with.head.predictClasses(test.vectors);
            for (size_t i = 0; i < test.labels.size(); ++i) {
                correctWithout += a[i] == test.labels[i];
                correctWith += b[i] == test.labels[i];
            }
            scored += int(test.labels.size());
        }
        if (isCanceled(feedback)) return stoppedDuringTheCheck();  // the last fold's trainings were cut short
        helps = correctWith > correctWithout;
        if (helps) {
            extended = withPseudoLabels(pool, plain.head, unlabeled, likeThePool);
            const Feedback last(feedback, 0.9, 1.0);
            result = train(extended, inner, &last);
        }
    } catch (const OperationCanceled&) {
        // The linear methods throw when stopped, where least-central returns its best so far.
        return stoppedDuringTheCheck();
    }
    result.details.insert(QStringLiteral("self_training"),
                          QJsonObject{{QStringLiteral("unlabeled_photos"), int(unlabeled.rows())},
                                      {QStringLiteral("cv_photos"), scored},
                                      {QStringLiteral("cv_correct_without"), correctWithout},
                                      {QStringLiteral("cv_correct_with"), correctWith},
                                      {QStringLiteral("unlike_the_training_photos"), unlikeThePool},
                                      {QStringLiteral("used"), helps},
                                      {QStringLiteral("pseudo_labeled"), helps ? extended.size() - pool.size() : 0}});
    reportProgress(feedback, 1000, 1000, QString());
    return result;
}

} // namespace exemplar
