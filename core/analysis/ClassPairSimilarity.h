#pragma once
// How alike two classes look before any training: the cosine between their mean embeddings, and
// the photo pairs across the two classes that are most alike. The confused-pairs ranking, the
// class-level graph and the side-by-side gallery of two classes all read these.
#include "SimilarityAnalysis.h"

#include <vector>

namespace exemplar {

struct EmbeddingSet;

// Classes × classes cosine between the classes' mean embeddings (O(N·d)). Unlike the mean cosine
// of photo pairs (classMeanSimilarity), it divides out each class's spread, so a loose class is
// not "similar to everything" merely because its photos scatter. NaN where a class has no photos;
// the diagonal is 1.
Matrix classCentroidCosines(const EmbeddingSet& set);

// The K classes most similar to CLASSINDEX by SIMILARITY (a classes × classes matrix, e.g.
// classCentroidCosines), best first; NaN entries and the class itself are skipped.
std::vector<int> nearestClasses(const Matrix& similarity, int classIndex, int k);

// The COUNT most similar photo pairs (a of CLASSA, b of CLASSB), best first. Classes of more than
// PERCLASSLIMIT photos are represented by an even sample of that many (the block is |A|·|B|·d).
std::vector<SimilarityEdge> closestCrossClassPairs(const EmbeddingSet& set, int classA, int classB, int count,
                                                   int perClassLimit = 400);

// The mean cosine of the K most similar photo pairs across CLASSA and CLASSB: high when some photos
// of the two classes look alike, even if the classes' means differ (NaN when either is empty).
double closestPairsCosine(const EmbeddingSet& set, int classA, int classB, int k, int perClassLimit = 200);

// Embedding rows of each class, ascending.
std::vector<std::vector<int>> rowsPerClass(const EmbeddingSet& set);

} // namespace exemplar
