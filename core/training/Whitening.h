#pragma once
// PCA whitening fitted on the training pool: center on the pool mean, rotate onto the pool's
// principal axes, divide each axis by sqrt(eigenvalue + ε), L2-normalize. It equalizes the
// directions in which photos of *these* classes vary, so the few directions that separate
// near-identical classes are no longer drowned by the dominant ones. Linear, so the classifier
// stays an argmax of dot products: the center and projection go into the ReferenceHead.
//
// Measured (pool 10, 5 splits, EfficientNet-B0): nearest class mean 39 → 48.5% on cars24 and
// 85 → 90% on flowers17. ε is relative to the mean eigenvalue; 1.0 was the best default.
#include "Types.h"

#include <memory>
#include <vector>

namespace exemplar {

class Feedback;
struct BackgroundSpread;

struct WhiteningOptions {
    bool scale = true;          // false: rotation only (lossless for L2-regularized linear models)
    double shrinkage = 1.0;     // ε relative to the mean of the nonzero eigenvalues
};

struct Whitening {
    Vector center;       // d
    Matrix projection;   // r×d, r = rank of the centered pool (≤ N−1)

    // BACKGROUND (optional, raw embeddings; BACKGROUND_KINDS optional, as in fitWithinClass): photos
    // of other things of the same kind, fitted with the pool: center and axes are those of all of
    // them together. Read through BackgroundSpread (weighted places and at most a few hundred axes),
    // so the projection has at most about 770 rows beyond the pool's however many photos the
    // background holds; exactly the fit on every photo while the summary holds all of their spread
    // (ε assumes the photos in general position: duplicates among them would lower the rank the
    // fit on every photo divides by).
    static Whitening fit(const Matrix& pool, const WhiteningOptions& options = {}, const Matrix* background = nullptr,
                         const std::vector<int>* backgroundKinds = nullptr);
    // Whitens the spread of the photos *within their class* instead (shrinkage LDA): inside the
    // pool's span, each axis of the within-class scatter is divided by sqrt(its variance + ε), ε
    // relative to the mean eigenvalue of the pool's covariance (with a background, of the pool's
    // and the background's together), as in fit(). The directions in
    // which the class means differ but a class's own photos hardly do get the largest weights;
    // fit() instead shrinks them, because the pool as a whole varies most along them. LABELS:
    // one class index (≥ 0) per row of POOL.
    //
    // BACKGROUND (optional, raw embeddings) with BACKGROUND_KINDS (one per row: the photo's kind, ≥ 0,
    // or −1 for none): photos of other classes of the same kind of object (other car models). A
    // background photo with a kind adds its offset from its kind's mean to the within-class
    // scatter, and every background photo widens the span: what varies within a car model is
    // learned from many models, not from the pool's ten photos each (docs/accuracy.md, "Background
    // photos sorted by kind"). The center stays the pool's mean. The background is read through
    // BackgroundSpread, which bounds what it adds to its kinds' means and 256 axes of the spread
    // within them, however many photos it holds.
    static Whitening fitWithinClass(const Matrix& pool, const std::vector<int>& labels, double shrinkage,
                                    const Matrix* background = nullptr, const std::vector<int>* backgroundKinds = nullptr);
    // Rows of X transformed and L2-normalized: the same map ReferenceHead::transform applies.
    Matrix apply(const Matrix& X) const;
};

// The summary through which Whitening::fit and fitWithinClass read BACKGROUND and its KINDS
// (null: every photo without a kind), computed once per background and kept (BackgroundSpread::
// reused). Asked for ahead of a training, with FEEDBACK, its long part can be canceled and shown;
// the fits then find it ready.
std::shared_ptr<const BackgroundSpread> backgroundSummary(const Matrix& background, const std::vector<int>* kinds,
                                                         const Feedback* feedback = nullptr);

} // namespace exemplar
