#pragma once
// Pairs of photos whose embeddings are nearly the same picture (cosine at or above a threshold).
// The audit's duplicate checks and the duplicate groups every split respects both come from this
// one search, so they agree on what a near-duplicate is.
#include "EmbeddingSet.h"
#include "NearDuplicateThreshold.h"
#include "PictureFingerprint.h"
#include "Types.h"

#include <QtGlobal>
#include <functional>
#include <vector>

namespace exemplar {

class Feedback;

struct NearDuplicateSearch {
    // 0: the embeddings' own threshold (findDuplicateGroups: EmbeddingSet::nearIdenticalCosine, the
    // model's), else kNearDuplicateCosine.
    double cosine = 0;
    // Every pair is compared (blockwise, O(N²·d)) up to this many photos; above, candidate pairs
    // come from locality-sensitive hashing (random-hyperplane signatures, O(N·d) plus the
    // colliding pairs) and are then checked exactly, so a few pairs may be missed.
    int exactPairsUpTo = 10000;
    quint64 seed = 1;  // the hashing's hyperplanes
};

struct NearDuplicateSearchResult {
    bool hashed = false;  // locality-sensitive hashing instead of all pairs
    double recall = 1.0;  // expected share of pairs at the threshold that were found
};

// Calls VISIT(i, j, cosine) for pairs of rows i < j of A (L2-normalized) at or above the
// threshold; with hashing a pair may be visited more than once. Throws OperationCanceled.
using NearPairVisitor = std::function<void(int i, int j, double cosine)>;
NearDuplicateSearchResult findNearDuplicatePairs(const Matrix& A, const NearDuplicateSearch& search,
                                                 const NearPairVisitor& visit, const Feedback* feedback = nullptr);

// The rows of CANDIDATES (L2-normalized) near-identical to no row of OTHERS (a cosine at or above
// COSINE, the embeddings' own threshold: EmbeddingSet::nearIdenticalCosineOrDefault), in their
// order; *LEFT_OUT, if given, is set to how many were dropped. Photos that only support training
// (unlabeled, background) pass through this against the photos a figure is measured on, so that
// no measured photo's pixels reach training. *KEPT_ROWS, if given: the kept rows' indices.
Matrix rowsNotNearIdenticalTo(const Matrix& candidates, const Matrix& others, double cosine, int* leftOut = nullptr,
                              std::vector<int>* keptRows = nullptr);

// The same for photos: the subset of CANDIDATES near-identical to none of OTHERS, their paths and
// fingerprints kept with their rows. Where both sets carry fingerprints, a candidate showing the
// same picture as one of OTHERS at another size is dropped too (PictureFingerprint.h), as the
// duplicate groups do.
EmbeddingSet photosNotNearIdenticalTo(const EmbeddingSet& candidates, const EmbeddingSet& others, double cosine,
                                      int* leftOut = nullptr);

} // namespace exemplar
