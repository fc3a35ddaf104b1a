#pragma once
// Everything the similarity views draw, computed from the embeddings on the worker thread: one
// pass over S = A·Aᵀ in row blocks (S is kept whole only for small projects) for the strongest
// edges, centrality in both scopes, a 2-D layout, and the cross-class similarity histogram (the
// core's SimilarityStatistics, which samples pairs in large projects).
#include "Types.h"

#include <algorithm>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

// Photo-level heatmaps need S whole; above this many photos the heatmap starts at class means and
// drills down into one class pair at a time.
constexpr int kFullSimilarityLimit = 2000;
// The graph draws at most this many photos (an evenly spaced sample of the class-ordered rows,
// so each class keeps its share): its edges need all pairs of the drawn photos, O(n²·d), and
// tens of thousands of nodes are neither fast to draw nor readable.
constexpr int kGraphNodeLimit = 3000;

// Cross-class similarity counts as the views plot them (a density over the cosine).
struct Histogram {
    double lo = -1.0;
    double hi = 1.0;
    std::vector<double> counts;
    double total = 0;
    bool sampled = false;  // from a random sample of the pairs (large projects)

    int bins() const { return int(counts.size()); }
    double binWidth() const { return (hi - lo) / std::max(1, bins()); }
    double center(int bin) const { return lo + (bin + 0.5) * binWidth(); }
    double density(int bin) const { return total > 0 ? counts[size_t(bin)] / (total * binWidth()) : 0.0; }
};

struct SimilarityEdge {
    int a = 0;
    int b = 0;
    float similarity = 0;
};

struct SimilarityAnalysis {
    int size = 0;
    Matrix similarity;                    // N×N when N <= kFullSimilarityLimit, else empty
    Vector centrality;                    // whole graph: the article's, sizes the graph's nodes
    Vector classCentrality;               // within each class block: spots outliers and mislabels
    Eigen::MatrixX2d layout;              // classical MDS of S (2 leading principal axes of A)
    std::vector<int> graphRows;           // the photos the graph draws: all, or a sample (ascending)
    std::vector<SimilarityEdge> edges;    // strongest pairs among graphRows (at most kMaxEdges), best first
    Histogram crossClass;                 // similarities of photo pairs from different classes
    Matrix classMeans;                    // classes × classes mean cosine (classMeanSimilarity)

    bool hasFullSimilarity() const { return size > 0 && similarity.rows() == size; }
    bool graphIsSampled() const { return int(graphRows.size()) < size; }
    static constexpr size_t kMaxEdges = 30000;
};

SimilarityAnalysis analyzeSimilarity(const EmbeddingSet& set, Feedback* feedback);

// LIMIT indices of 0…N−1 (all when N <= LIMIT), evenly spaced and ascending: a sample of a
// class-ordered set keeps each class's share (the graph and heatmap drill-downs of huge projects).
std::vector<int> evenSample(int n, int limit);

// Cross-class histogram over the photos ROWS only (e.g. the kept references; all when empty).
Histogram crossClassHistogram(const EmbeddingSet& set, const std::vector<int>& rows,
                              const Feedback* feedback = nullptr);

// Mean cosine between every pair of classes over ROWS only (all rows when empty): the core's
// O(N·d) class-sum computation (NaN where a class has too few photos).
Matrix classMeanSimilarity(const EmbeddingSet& set, const std::vector<int>& rows);

// Classical MDS of the Gram matrix S is PCA of the centered rows: the two leading principal axes
// by power iteration, O(N·d) per step.
Eigen::MatrixX2d classicalMds(const Matrix& vectors);

} // namespace exemplar
