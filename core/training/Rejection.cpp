#include "Rejection.h"

#include "EmbeddingSet.h"
#include "Familiarity.h"
#include "Feedback.h"

#include <algorithm>
#include <cmath>

namespace exemplar {

namespace {
constexpr int kMinimumCalibrationPhotos = 5;  // fewer cannot say where "known" ends
}

QJsonObject RejectionCalibration::toJson() const
{
    return QJsonObject{
        {QStringLiteral("reject_below"), std::isfinite(threshold) ? QJsonValue(double(threshold)) : QJsonValue()},
        {QStringLiteral("score"), QStringLiteral("cosine to the nearest training photo in the raw embedding")},
        {QStringLiteral("calibration_photos"), heldOutPhotos},
        {QStringLiteral("known_reject_rate"), knownRejectRate},
        {QStringLiteral("expected_known_reject_rate"), expectedKnownRejectRate},
        {QStringLiteral("protocol"),
         QStringLiteral("cross-validation inside the training photos: each photo scored against the other folds' "
                        "photos only; the threshold leaves the chosen share of these known photos below it")},
    };
}

RejectionCalibration calibrateRejection(const EmbeddingSet& pool, const Matrix& photos, int folds, quint64 seed,
                                        double knownRejectRate, const Feedback* feedback)
{
    RejectionCalibration calibration;
    if (!(knownRejectRate > 0 && knownRejectRate < 1) || pool.size() < kMinimumCalibrationPhotos ||
        photos.rows() != pool.size())
        return calibration;
    const auto foldRows = stratifiedFolds(pool.labels, pool.groups, pool.classCount(), folds, seed);

    std::vector<float> scores;
    std::vector<bool> inFold(size_t(pool.size()));
    for (size_t f = 0; f < foldRows.size(); ++f) {
        throwIfCanceled(feedback);
        reportProgress(feedback, qint64(f), qint64(foldRows.size()), QStringLiteral("calibrating \"unknown\""));
        std::fill(inFold.begin(), inFold.end(), false);
        for (int row : foldRows[f]) inFold[size_t(row)] = true;
        std::vector<int> otherRows;
        for (int row = 0; row < pool.size(); ++row)
            if (!inFold[size_t(row)]) otherRows.push_back(row);
        if (otherRows.empty() || foldRows[f].empty()) continue;  // a photo needs others to be compared with
        const Vector best = nearestPhotoCosines(photos(otherRows, Eigen::all), photos(foldRows[f], Eigen::all));
        scores.insert(scores.end(), best.data(), best.data() + best.size());
    }
    const size_t n = scores.size();
    if (n < size_t(kMinimumCalibrationPhotos)) return calibration;
    std::sort(scores.begin(), scores.end());
    // The k-th lowest score: a new known photo falls below it with probability k/(n+1).
    const size_t k = std::max<size_t>(1, size_t(std::floor(knownRejectRate * double(n + 1))));
    calibration.threshold = scores[k - 1];
    calibration.heldOutPhotos = int(n);
    const auto rejected = std::count_if(scores.begin(), scores.end(), [&](float s) { return s < calibration.threshold; });
    calibration.knownRejectRate = double(rejected) / double(n);
    calibration.expectedKnownRejectRate = double(k) / double(n + 1);
    return calibration;
}

} // namespace exemplar
