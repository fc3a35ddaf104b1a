#pragma once
// What the whitenings need from background photos (sorted by kind or not), in a size that does
// not grow with the background: the kinds' means and the photos without a kind, each weighted by
// the photos it stands for (the span they widen, and where the background lies), the leading axes
// of the photos' offsets from their kind's mean (the spread within a kind), plus the exact sums the
// shrinkage ε is relative to. Whitening::fit and Whitening::fitWithinClass read a background
// through it.
//
// Why bounded: every axis the background adds becomes a row of the reference set's projection
// (one row of the embedding's length, about 50 KB with the default model) and a dimension of every
// fit. 469 photos of 12 car models grew a reference set from 41.8 to 73.8 MB, and a few thousand
// would have made each fit take minutes. Measured on the Audi proxy (docs/accuracy.md, "Background
// photos sorted by kind"), 256 axes of the offsets score as all of them (128: −0.1, 64: −0.7, 32:
// −1.9 points): the spread within a car model lies in a few hundred directions.
#include "Types.h"

#include <memory>
#include <vector>

namespace exemplar {

class Feedback;

// How many axes each part of a background's spread keeps (the measurement above).
constexpr int kMaxBackgroundAxes = 256;

struct BackgroundSpread {
    // What the background adds to the span beyond its spread within a kind. POSITIONS are photos'
    // places (centered when fitted: on the pool's mean within a class, on the joint mean of pool
    // and background in the plain whitening, which also scales each by √ of its weight): the kinds'
    // means, and the photos without a kind. Each of the two, when it has more than MAX_AXES rows, is replaced by its mean (a place)
    // and the leading axes of its rows around it, which go to BETWEEN_AXES (offsets, not places).
    Matrix positions;
    Eigen::VectorXf positionWeights;  // how many background photos each position stands for
    Matrix betweenAxes;
    // The leading axes of the offsets within a kind, each scaled by its singular value, so that
    // withinAxesᵀ·withinAxes ≈ the sum over photos of offsetᵀ·offset (exact with no more offsets' rank
    // than MAX_AXES).
    Matrix withinAxes;
    Vector mean;                  // of all background photos
    double sumOfSquares = 0;      // Σ‖photo − mean‖² over all background photos, exact
    int photos = 0;               // all background photos
    int photosWithKind = 0;       // those with a kind (kind ≥ 0): the photos the within spread counts

    // BACKGROUND: one raw embedding per row; KINDS: one per row (≥ 0: the photo's kind, −1: none).
    // Linear in the photos, and long for a large background (about 12 s for 5,000 photos of the
    // default model's length on one core: bench/scale), so FEEDBACK may cancel it between its
    // products (OperationCanceled) and hears how far it got.
    static BackgroundSpread of(const Matrix& background, const std::vector<int>& kinds, int maxAxes = kMaxBackgroundAxes,
                               const Feedback* feedback = nullptr);
    // The same, kept for the next call with the same photos and kinds (compared by their bytes'
    // hash and sizes): auto's inner folds and eval's repetitions fit on one background many times,
    // and its spread costs more than the fit itself. Holds one background's spread; thread-safe: a
    // second caller waits for the first's summary, and a canceled one leaves nothing behind.
    static std::shared_ptr<const BackgroundSpread> reused(const Matrix& background, const std::vector<int>& kinds,
                                                         int maxAxes = kMaxBackgroundAxes, const Feedback* feedback = nullptr);
};

// The leading axes of the rows of X (n×d): at most AXES rows, each a right singular vector scaled
// by its singular value, so that their Gram matrix approximates XᵀX. A randomized range finder
// (Halko, Martinsson & Tropp 2011: a fixed-seed sketch of random signs, two power iterations), so the
// cost is linear in n·d; exact when X has no more rows than AXES plus the sketch's margin.
// FEEDBACK may cancel it before each of its six products with X (OperationCanceled).
Matrix leadingAxes(const Matrix& X, int axes, const Feedback* feedback = nullptr);

} // namespace exemplar
