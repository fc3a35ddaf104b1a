#pragma once
// The "unknown" answer: a threshold on how familiar a photo looks (the cosine to the nearest
// training photo in the raw embedding, Familiarity.h) below which it is taken to show none of the
// classes. It is calibrated on the training photos only, by cross-validation: each photo is
// scored against the photos of the other folds only (never against itself or a near-identical
// copy), and the threshold is the score that leaves the requested share of these held-out
// photos of known classes below it. Photos of foreign things lie farther from every training
// photo and are rejected far more often.
#include "TrainingMethod.h"

#include <QJsonObject>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct RejectionCalibration {
    float threshold = -std::numeric_limits<float>::infinity();
    int heldOutPhotos = 0;       // cross-validated photos the threshold was fitted on
    double knownRejectRate = 0;  // share of them the threshold rejects
    // The share of a new photo of a known class expected below the threshold: k/(n+1) for the
    // k-th lowest of n held-out scores (a new photo is as likely to fall in any of the n+1 gaps).
    // At most the requested rate, except in a pool so small that even k = 1 exceeds it.
    double expectedKnownRejectRate = 0;
    QJsonObject toJson() const;
};

// PHOTOS: the pool's photos as the head keeps them (familiarPhotos(pool.vectors)); POOL gives
// their classes and duplicate groups. KNOWN_REJECT_RATE in (0, 1). FOLDS and SEED: the pool's
// stratified folds. Returns no threshold (−∞) when the pool is too small (under 5 photos) or the
// rate is out of range. Throws OperationCanceled when FEEDBACK is canceled.
RejectionCalibration calibrateRejection(const EmbeddingSet& pool, const Matrix& photos, int folds, quint64 seed,
                                        double knownRejectRate, const Feedback* feedback = nullptr);

} // namespace exemplar
