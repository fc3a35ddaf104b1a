#pragma once
// Similarity statistics of a whole project without the N×N similarity matrix S = A·Aᵀ (50,000
// photos would need 10 GB for it). What a heatmap and a histogram need:
//   - class-by-class mean similarity: the mean of S over a class block is the dot product of the
//     two class sums divided by the block size, so the C×C table costs O(N·d), not O(N²·d);
//   - one class-pair block of S for drill-down (small: two classes' photos);
//   - histograms of within-class and cross-class similarities, accumulated over row blocks of S
//     (O(block·N) memory), over every pair or, for large projects, over the pairs of a seeded
//     random subset of photos.
// Rows of A are L2-normalized embeddings, so similarities are cosines in [-1, 1].
#include "Types.h"

#include <QtGlobal>
#include <vector>

namespace exemplar {

class Feedback;

// C×C: entry (a, b) is the mean similarity between photos of class a and photos of class b. On the
// diagonal the pairs of a photo with itself are left out (NaN for a class of one photo); a class
// without photos has NaN entries.
Matrix classMeanSimilarity(const Matrix& A, const std::vector<int>& labels, int classCount);

// The block of S for the photos ROWS × COLUMNS (row indices into A), for drilling into one cell.
Matrix similarityBlock(const Matrix& A, const std::vector<int>& rows, const std::vector<int>& columns);

struct SimilarityHistogram {
    float low = -1, high = 1;             // bins split [low, high] evenly; values outside are clamped
    std::vector<qint64> withinClass;      // pairs i < j with the same label
    std::vector<qint64> crossClass;       // pairs with different labels
    bool sampled = false;                 // from a random sample of pairs, not all of them
    qint64 pairsCounted() const;
};

struct SimilarityHistogramOptions {
    int bins = 100;
    // Above this many pairs (i < j), only the pairs within a seeded random subset of about
    // sqrt(2·maxPairs) photos are counted (about maxPairs pairs): 5·10^6 pairs (3,162 photos) take
    // a fraction of a second on two cores, whatever the project size.
    qint64 maxPairs = 5'000'000;
    quint64 seed = 1;
    int blockRows = 512;                  // rows of S formed at a time
};

// Throws OperationCanceled when FEEDBACK is canceled (checked once per block).
SimilarityHistogram similarityHistogram(const Matrix& A, const std::vector<int>& labels,
                                        const SimilarityHistogramOptions& options = {},
                                        const Feedback* feedback = nullptr);

} // namespace exemplar
