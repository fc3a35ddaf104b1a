#pragma once
// An order of classes that puts similar classes next to each other, so that a class-by-class
// heatmap of hundreds of classes shows its structure as blocks along the diagonal instead of
// noise: average-linkage hierarchical clustering on the distance 1 − s, whose dendrogram leaves
// are then flipped by optimal leaf ordering (Bar-Joseph, Gifford & Jaakkola 2001) to maximise the
// summed similarity of neighbours. O(n³) time and O(n²) memory: meant for n up to a few hundred.
#include "Types.h"

#include <vector>

namespace exemplar {

// The cosine between the class mean vectors, from MEANS = classMeanSimilarity (mean pairwise cosine
// of unit rows, own pairs excluded on the diagonal) and the number of photos per class: for unit
// rows |x̄_a|² = (n_a(n_a − 1)·M_aa + n_a)/n_a², so cos(x̄_a, x̄_b) = M_ab/(|x̄_a||x̄_b|). NaN where a
// class has no photos.
Matrix cosineOfClassMeans(const Matrix& means, const std::vector<int>& classSizes);

// The leaf order of the average-linkage dendrogram of SIMILARITY (n×n, symmetric; NaN counts as
// the least similar pair), children in merge order: the order before optimal leaf ordering.
std::vector<int> dendrogramOrder(const Matrix& similarity);

// The dendrogram's leaves flipped to the order with the largest adjacentSimilarity of all orders
// the tree allows: similar classes side by side. Deterministic (ties go to lower indices).
std::vector<int> similarityOrder(const Matrix& similarity);

// Σ similarity(order[t], order[t+1]): what optimal leaf ordering maximises.
double adjacentSimilarity(const Matrix& similarity, const std::vector<int>& order);

} // namespace exemplar
