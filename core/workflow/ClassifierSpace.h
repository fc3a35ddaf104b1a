#pragma once
// The photos as a trained classifier compares them. Raw cosine puts near-identical classes (twelve
// pickup models) all near 0.6 to each other, although the classifier separates them: it scores in
// its own space (the pool's whitening, see training/Whitening.h), where the directions that tell
// these classes apart are no longer drowned by the dominant ones. Mapping the embeddings through
// the head's transform lets every similarity view (analysis/SimilarityAnalysis.h) show that space
// unchanged: its rows are unit vectors again, so cosine stays a dot product.
#include "EmbeddingSet.h"
#include "ReferenceHead.h"

namespace exemplar {

// SET with every vector replaced by HEAD.transform(vector): labels, paths, hashes and groups stay.
// A head without a transform gives SET back unchanged. Throws Error when HEAD was made from
// embeddings of another size than SET's.
EmbeddingSet inClassifierSpace(const EmbeddingSet& set, const ReferenceHead& head);

} // namespace exemplar
