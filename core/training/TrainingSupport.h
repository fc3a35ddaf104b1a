#pragma once
// Pieces the training methods share (internal to core/).
#include "EmbeddingSet.h"
#include "Metrics.h"
#include "ReferenceHead.h"
#include "TrainingMethod.h"
#include "Whitening.h"

#include <QJsonArray>

namespace exemplar::detail {

QJsonArray toJsonArray(const std::vector<int>& values);
void requireNonEmpty(const EmbeddingSet& pool);

// The pool's features in the space a head works in: the embeddings themselves, or their
// whitened version (the head then carries the whitening as its query transform).
struct FeatureSpace {
    Matrix features;  // N×dim
    Vector center;
    Matrix projection;
    static FeatureSpace of(const EmbeddingSet& pool, bool whitened, double shrinkage);
    ReferenceHead emptyHead(const QStringList& classNames) const;
};

// A head whose references are the given rows of SPACE, with their provenance from POOL.
ReferenceHead headFromRows(const EmbeddingSet& pool, const FeatureSpace& space, const std::vector<int>& rows);

struct CrossValidationScore {
    double accuracy = 0;
    double weightedF1 = 0;
    std::vector<float> bestScores;  // per held-out photo: its best class score
    std::vector<bool> correct;      // per held-out photo: was the best class right
};

// Trains with OPTIONS on all folds but one and scores the held-out fold, for every fold; the
// predictions of all folds are pooled into one accuracy and weighted F1.
CrossValidationScore crossValidate(const EmbeddingSet& pool, const TrainingOptions& options,
                                   const std::vector<std::vector<int>>& folds, const Feedback* feedback);

} // namespace exemplar::detail
