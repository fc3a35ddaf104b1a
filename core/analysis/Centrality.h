#pragma once
// Eigenvector centrality of the similarity graph S = A·Aᵀ (the article's step 2).
//
// S is positive semi-definite, so its leading eigenvector is A's leading left singular vector and
// power iteration x ← A(Aᵀx) finds it in O(N·d) per step without ever forming S. S has negative
// entries with real features, so Perron–Frobenius does not promise a positive vector; we fix the
// sign so that the entries sum to a positive number (in practice every entry is then positive).
#include "Types.h"

#include <vector>

namespace exemplar {

enum class CentralityScope {
    WholeGraph,   // the article: one graph over all references of all classes
    WithinClass,  // one graph per class block (label-aware; better at spotting mislabels)
};

struct CentralityOptions {
    int maxIterations = 1000;
    // On the change of the unit eigenvector between steps; float arithmetic resolves about 1e-7
    // per entry, so a smaller tolerance would only spend the iteration limit.
    double tolerance = 1e-6;
};

// Leading eigenvector of A·Aᵀ, unit L2 norm, sign fixed as above.
Vector eigenvectorCentrality(const Matrix& A, const CentralityOptions& options = {});

// Centrality of every row of A in the given scope; for WithinClass each class block is
// normalized on its own.
Vector centralityScores(const Matrix& A, const std::vector<int>& labels, int classCount,
                        CentralityScope scope, const CentralityOptions& options = {});

// For each class, its row indices ordered from least to most central (ties by row index).
std::vector<std::vector<int>> rankLeastCentralFirst(const Vector& centrality,
                                                    const std::vector<int>& labels, int classCount);

// Row indices kept when class c keeps its kPerClass[c] least central rows (clamped to the
// class size), in class order.
std::vector<int> keepLeastCentral(const std::vector<std::vector<int>>& ranking,
                                  const std::vector<int>& kPerClass);

} // namespace exemplar
