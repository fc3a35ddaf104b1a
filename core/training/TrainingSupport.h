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
    // BACKGROUND (rows of raw embeddings, may be null) with its KINDS (may be null): fitted into the
    // whitening with the pool (Whitening::fit).
    static FeatureSpace of(const EmbeddingSet& pool, bool whitened, double shrinkage, const Matrix* background = nullptr,
                           const std::vector<int>* backgroundKinds = nullptr);
    ReferenceHead emptyHead(const QStringList& classNames) const;
};

// A head whose references are the given rows of SPACE, with their provenance from POOL.
ReferenceHead headFromRows(const EmbeddingSet& pool, const FeatureSpace& space, const std::vector<int>& rows);

struct CrossValidationScore {
    double accuracy = 0;
    double weightedF1 = 0;
    // Per held-out photo, for comparing fits (tst_linearmethod: the path against cold fits).
    std::vector<float> bestScores;  // its best class score
    std::vector<bool> correct;      // was the best class right
    bool skipped = false;           // not cross-validated (see crossValidateLinearPath)
};

// Why a C of the grid has no cross-validated figures (recorded in the training's details).
inline const QString kSkippedAfterPeak =
    QStringLiteral("not fitted: a smaller C already scored as well, so the path stopped");

// The held-out predictions of all folds, pooled: each fold's head scores its held-out photos.
class HeldOutPredictions {
public:
    void add(const ReferenceHead& head, const EmbeddingSet& heldOut);
    CrossValidationScore score(int classCount) const;

private:
    std::vector<int> truth_, predicted_;
    std::vector<float> bestScores_;
    std::vector<bool> correct_;
};

// The train/held-out split of POOL for one fold.
struct FoldSplit {
    EmbeddingSet train;
    EmbeddingSet heldOut;
    static FoldSplit of(const EmbeddingSet& pool, const std::vector<int>& heldOutRows);
};

// Trains with OPTIONS on all folds but one and scores the held-out fold, for every fold; the
// predictions of all folds are pooled into one accuracy and weighted F1.
CrossValidationScore crossValidate(const EmbeddingSet& pool, const TrainingOptions& options,
                                   const std::vector<std::vector<int>>& folds, const Feedback* feedback);

// The linear head's cross-validation at every C of GRID at once (one score per C, in GRID's
// order). Per fold the feature space and its row-span basis are computed once, and each C's fit
// starts from the previous, smaller C's solution: the same optima as separate runs (up to the
// solver's tolerance), reached in far fewer iterations (bench/auto_training). With
// options.linearPathStopsAtPeak, the Cs after the first one that scores no better than a smaller
// C are not fitted and come back with skipped set.
std::vector<CrossValidationScore> crossValidateLinearPath(const EmbeddingSet& pool, const TrainingOptions& options,
                                                          bool whitened, const std::vector<double>& grid,
                                                          const std::vector<std::vector<int>>& folds,
                                                          const Feedback* feedback);

} // namespace exemplar::detail
