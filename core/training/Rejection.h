#pragma once
// The "unknown" answer: a threshold on the best class score below which a photo is taken to show
// none of the classes. It is calibrated on the training photos only, by cross-validation: the
// threshold is the score that the given fraction of correctly classified held-out photos fall
// below, so about that fraction of photos of known classes is (wrongly) rejected, and photos of
// foreign things, which score lower, are rejected far more often.
#include "TrainingMethod.h"

#include <QJsonObject>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct RejectionCalibration {
    float threshold = -std::numeric_limits<float>::infinity();
    int heldOutPhotos = 0;      // cross-validated photos the threshold was fitted on
    double knownRejectRate = 0; // fraction of them (correct or not) the threshold rejects
    QJsonObject toJson() const;
};

// KNOWN_REJECT_RATE in (0, 1): the share of correctly classified known photos allowed to be
// rejected. OPTIONS should be a trained result's effectiveOptions (for "auto": the method it
// chose, not a new choice per fold). Returns no threshold (−∞) when the pool is too small.
RejectionCalibration calibrateRejection(const EmbeddingSet& pool, const TrainingOptions& options,
                                        double knownRejectRate, const Feedback* feedback = nullptr);

} // namespace exemplar
