#include "Rejection.h"

#include "TrainingSupport.h"

#include <algorithm>
#include <cmath>

namespace exemplar {

using namespace detail;

QJsonObject RejectionCalibration::toJson() const
{
    return QJsonObject{
        {QStringLiteral("reject_below"), std::isfinite(threshold) ? QJsonValue(double(threshold)) : QJsonValue()},
        {QStringLiteral("calibration_photos"), heldOutPhotos},
        {QStringLiteral("known_reject_rate"), knownRejectRate},
        {QStringLiteral("protocol"),
         QStringLiteral("cross-validation inside the training photos: the threshold is the best-class score below "
                        "which the chosen share of correctly classified held-out photos falls")},
    };
}

RejectionCalibration calibrateRejection(const EmbeddingSet& pool, const TrainingOptions& options,
                                        double knownRejectRate, const Feedback* feedback)
{
    RejectionCalibration calibration;
    if (knownRejectRate <= 0 || knownRejectRate >= 1) return calibration;
    const auto folds = stratifiedFolds(pool.labels, pool.groups, pool.classCount(), options.crossValidationFolds,
                                       options.optimizer.seed);
    const CrossValidationScore score = crossValidate(pool, options, folds, feedback);

    std::vector<float> correctScores;
    for (size_t i = 0; i < score.bestScores.size(); ++i)
        if (score.correct[i] && std::isfinite(score.bestScores[i])) correctScores.push_back(score.bestScores[i]);
    if (correctScores.size() < 5) return calibration;  // too few to say where "known" ends
    std::sort(correctScores.begin(), correctScores.end());
    const size_t index = std::min(correctScores.size() - 1, size_t(std::floor(knownRejectRate * correctScores.size())));
    calibration.threshold = correctScores[index];
    calibration.heldOutPhotos = int(score.bestScores.size());
    const auto rejected = std::count_if(score.bestScores.begin(), score.bestScores.end(),
                                        [&](float s) { return s < calibration.threshold; });
    calibration.knownRejectRate = double(rejected) / std::max<size_t>(1, score.bestScores.size());
    return calibration;
}

} // namespace exemplar
