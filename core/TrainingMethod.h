#pragma once
// The methods that turn a pool of labeled embeddings into a ReferenceHead:
//   all      — 1-NN over every pool photo (the article's baseline)
//   centroid — nearest class mean after subtracting the pool mean and L2-normalizing
//   seed     — the article: keep the least central photos of each class, counts chosen by
//              optimizing leave-one-out accuracy inside the pool
#include "Centrality.h"
#include "Optimizer.h"
#include "ReferenceHead.h"

#include <QJsonObject>
#include <QStringList>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct TrainingOptions {
    QString method = QStringLiteral("seed");
    OptimizerOptions optimizer;
    CentralityScope centralityScope = CentralityScope::WholeGraph;
    std::vector<int> pinnedCounts;  // per class; 0 = free, >0 = fixed count (GUI pinning)
};

struct TrainingResult {
    ReferenceHead head;
    QJsonObject details;             // method-specific: counts, optimizer, objective, …
    std::vector<OptimizerStep> trace;  // seed only
    bool canceled = false;           // seed only: optimizer stopped early, best so far kept
};

QStringList trainingMethodNames();  // all, centroid, seed
bool isTrainingMethod(const QString& name);

TrainingResult trainAllReferences(const EmbeddingSet& pool);
TrainingResult trainCentroids(const EmbeddingSet& pool);
TrainingResult trainCentralitySelection(const EmbeddingSet& pool, const TrainingOptions& options,
                                        const Feedback* feedback = nullptr,
                                        const OptimizerObserver& observer = {});
// Dispatches on options.method. Throws Error on an unknown method or an empty pool.
TrainingResult train(const EmbeddingSet& pool, const TrainingOptions& options,
                     const Feedback* feedback = nullptr, const OptimizerObserver& observer = {});

} // namespace exemplar
