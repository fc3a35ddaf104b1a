#include "UnknownEvaluation.h"

#include "Familiarity.h"
#include "Rejection.h"

#include <QJsonArray>
#include <cmath>
#include <numeric>

namespace exemplar {

namespace {

double shareBelow(const Vector& scores, float threshold)
{
    if (scores.size() == 0) return 0;
    return double((scores.array() < threshold).count()) / double(scores.size());
}

void finishRate(UnknownRate* rate)
{
    if (rate->perRepeat.empty()) return;
    rate->mean = std::accumulate(rate->perRepeat.begin(), rate->perRepeat.end(), 0.0) / double(rate->perRepeat.size());
    rate->interval = wilsonInterval(int(std::lround(rate->mean * rate->photos)), rate->photos);
}

} // namespace

QJsonObject UnknownRate::toJson() const
{
    QJsonArray repeats;
    for (double share : perRepeat) repeats.append(share);
    return {{QStringLiteral("answered_unknown"), mean},
            {QStringLiteral("interval_95"), QJsonArray{interval.low, interval.high}},
            {QStringLiteral("photos"), photos},
            {QStringLiteral("per_repeat"), repeats}};
}

void UnknownEvaluation::addRepetition(const EmbeddingSet& pool, const Matrix& test, const Matrix& foreignVectors,
                                      int folds, quint64 seed, const Feedback* feedback)
{
    foreignPhotos = int(foreignVectors.rows());
    const Matrix photos = familiarPhotos(pool.vectors);
    const RejectionCalibration calibration =
        calibrateRejection(pool, photos, folds, seed, knownRejectRate, feedback);
    if (!std::isfinite(calibration.threshold)) return;  // too small a pool: "unknown" would be off
    ++calibratedRepeats;
    known.photos = int(test.rows());
    foreign.photos = foreignPhotos;
    known.perRepeat.push_back(shareBelow(nearestPhotoCosines(photos, test), calibration.threshold));
    foreign.perRepeat.push_back(shareBelow(nearestPhotoCosines(photos, foreignVectors), calibration.threshold));
}

void UnknownEvaluation::finish()
{
    finishRate(&known);
    finishRate(&foreign);
}

QJsonObject UnknownEvaluation::toJson() const
{
    return {{QStringLiteral("score"), QStringLiteral("cosine to the nearest training photo in the raw embedding")},
            {QStringLiteral("known_reject_rate_asked"), knownRejectRate},
            {QStringLiteral("calibrated_repeats"), calibratedRepeats},
            {QStringLiteral("known_test_photos"), known.toJson()},
            {QStringLiteral("foreign_photos"), foreign.toJson()},
            {QStringLiteral("protocol"),
             QStringLiteral("per repetition, the threshold is calibrated by cross-validation inside the pool only, "
                            "then applied to the test photos of known classes and to the foreign photos; intervals "
                            "count each distinct photo once")}};
}

} // namespace exemplar
