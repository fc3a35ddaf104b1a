#pragma once
// How well "unknown" tells photos of the classes from photos of foreign things, measured with the
// honest protocol: in each repetition "unknown" is calibrated inside the pool only (Rejection.h,
// as training does) and then applied to the test photos (of known classes: each one answered
// "unknown" is a mistake) and to foreign photos (each one answered "unknown" is right).
#include "EmbeddingSet.h"
#include "Metrics.h"

#include <QJsonObject>
#include <vector>

namespace exemplar {

class Feedback;

// A share of photos answered "unknown", over the repetitions.
struct UnknownRate {
    std::vector<double> perRepeat;
    int photos = 0;  // photos scored in one repetition (the last; test photos vary a little)
    double mean = 0;
    // 95% Wilson interval of the mean share, counting each distinct photo once: the repetitions
    // score the same foreign photos again (and overlapping test photos), so pooling their
    // answers as independent trials would overstate the certainty.
    ProportionInterval interval;
    QJsonObject toJson() const;
};

struct UnknownEvaluation {
    double knownRejectRate = 0;  // the share of known photos the calibration was asked to reject
    int foreignPhotos = 0;
    UnknownRate known;           // test photos of the classes answered "unknown"
    UnknownRate foreign;         // foreign photos answered "unknown"
    int calibratedRepeats = 0;   // repetitions whose pool was large enough to calibrate
    bool measured() const { return foreignPhotos > 0; }

    // One repetition: calibrate on POOL (its vectors, labels and groups), score TEST and FOREIGN
    // (raw embeddings, one per row). FOLDS and SEED: the pool's cross-validation.
    void addRepetition(const EmbeddingSet& pool, const Matrix& test, const Matrix& foreign, int folds, quint64 seed,
                       const Feedback* feedback);
    // Means and intervals from the repetitions added.
    void finish();
    QJsonObject toJson() const;
};

} // namespace exemplar
