#pragma once
// The methods that turn a pool of labeled embeddings into a ReferenceHead. Every one of them ends
// in the same classifier: an argmax of dot products, after an optional linear transform. Which
// methods exist, and what each is called, is the table in TrainingMethods.h.
#include "Centrality.h"
#include "Optimizer.h"
#include "ReferenceHead.h"

#include <QJsonObject>
#include <QStringList>
#include <memory>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

// whitened-centroid's ε when neither the options nor the embeddings say (pooled embeddings'
// best, docs/accuracy.md "Whitening shrinkage per method").
constexpr double kDefaultClassMeanShrinkage = 0.3;
// discriminant-centroid's ε (relative to the pool covariance's mean eigenvalue) when neither the
// options nor the embeddings say: pooled embeddings' best (docs/accuracy.md, "Class means whitened
// within their class"; the bilinear default's spec says 0.02).
constexpr double kDefaultDiscriminantShrinkage = 0.1;

struct TrainingOptions {
    QString method = QStringLiteral("auto");  // see defaultTrainingMethod() in TrainingMethods.h
    OptimizerOptions optimizer;
    CentralityScope centralityScope = CentralityScope::WholeGraph;
    std::vector<int> pinnedCounts;  // per class; 0 = free, >0 = fixed count (GUI pinning)
    // least-central: a reduced selection is kept only if its leave-one-out accuracy beats keeping every
    // photo by this many photos; 0 = the article's plain maximum.
    double selectionMargin = 2;
    // least-central: also cross-validate the selection procedure inside the pool and keep every photo
    // unless selecting beat keeping all on the held-out folds.
    bool validateSelection = true;
    double whiteningShrinkage = 1.0;             // ε relative to the mean eigenvalue
    // whitened-centroid's own ε: a class mean averages each photo's noise away, so it affords a
    // sharper whitening than single photos do (1-NN loses with a small ε, the linear head gains
    // nothing). Measured on both shared sets and both models (docs/accuracy.md, "Whitening shrinkage").
    // 0: the embeddings' own (EmbeddingSet::classMeanShrinkage, from the model spec: a flatter
    // spectrum wants a smaller ε), or kDefaultClassMeanShrinkage when they have none.
    double classMeanWhiteningShrinkage = 0;
    // discriminant-centroid's ε; 0: the embeddings' own (EmbeddingSet::discriminantShrinkage), or
    // kDefaultDiscriminantShrinkage when they have none.
    double discriminantShrinkage = 0;
    // Background photos (raw embeddings, one per row): other things of the same kind as the classes
    // (other car models beside the user's car models), never a class. The whitened methods fit their
    // whitening on the pool and these together: the pool alone is too few photos to tell which
    // directions are the kind's ordinary variation (docs/accuracy.md, "Background photos"). Shared,
    // not copied, as options are copied into every fold and result.
    std::shared_ptr<const Matrix> whiteningBackground;
    // Each background photo's kind (≥ 0: its subfolder of the background folder, e.g. one car model
    // of many; −1: none), parallel to whiteningBackground's rows, or null: no kinds. With kinds,
    // discriminant-centroid learns the spread within a class from the background's kinds as well
    // (Whitening::fitWithinClass), and auto prefers it again.
    std::shared_ptr<const std::vector<int>> whiteningBackgroundKinds;
    double linearC = 0;                          // > 0: fixed; 0: chosen from linearCGrid by CV
    std::vector<double> linearCGrid{10, 100, 1000};
    // Choosing C: stop the path at the first C whose cross-validated accuracy is no better than a
    // smaller C's (the larger Cs are the slowest fits); false fits every C of the grid.
    bool linearPathStopsAtPeak = true;
    int crossValidationFolds = 5;                // for "auto" and for choosing linear's C
};

// The ε whitened-centroid uses on POOL with OPTIONS (see classMeanWhiteningShrinkage).
double classMeanShrinkageFor(const EmbeddingSet& pool, const TrainingOptions& options);
// The ε discriminant-centroid uses on POOL with OPTIONS (see discriminantShrinkage).
double discriminantShrinkageFor(const EmbeddingSet& pool, const TrainingOptions& options);

struct TrainingResult {
    ReferenceHead head;
    // The options that produced HEAD: for "auto", those of the method it chose, so that
    // follow-up work (e.g. calibrating "unknown") repeats exactly that method.
    TrainingOptions effectiveOptions;
    QJsonObject details;               // method-specific: counts, optimizer, objective, choice, …
    std::vector<OptimizerStep> trace;  // least-central only
    bool canceled = false;             // least-central only: optimizer stopped early, best so far kept
};

// BACKGROUND and its KINDS: see TrainingOptions::whiteningBackground (used only when WHITENED).
TrainingResult trainAllReferences(const EmbeddingSet& pool, bool whitened = false, double shrinkage = 1.0,
                                  const Matrix* background = nullptr, const std::vector<int>* backgroundKinds = nullptr);
TrainingResult trainCentroids(const EmbeddingSet& pool, bool whitened = false, double shrinkage = 1.0,
                              const Matrix* background = nullptr, const std::vector<int>* backgroundKinds = nullptr);
// The class means after whitening the photos' spread within their class (Whitening::fitWithinClass):
// shrinkage LDA's nearest class mean. BACKGROUND photos join the fit only with their KINDS (see
// TrainingOptions::whiteningBackgroundKinds): without kinds they have no spread within a class.
TrainingResult trainDiscriminantCentroids(const EmbeddingSet& pool, double shrinkage = kDefaultDiscriminantShrinkage,
                                          const Matrix* background = nullptr, const std::vector<int>* kinds = nullptr);
// How many kinds with at least two photos KINDS holds (what discriminant-centroid can learn from).
int backgroundKindsWithSpread(const std::vector<int>* kinds);
TrainingResult trainCentralitySelection(const EmbeddingSet& pool, const TrainingOptions& options,
                                        const Feedback* feedback = nullptr,
                                        const OptimizerObserver& observer = {});
TrainingResult trainLinear(const EmbeddingSet& pool, const TrainingOptions& options, bool whitened,
                           const Feedback* feedback = nullptr);
TrainingResult trainAuto(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback = nullptr);

// Trains with the method options.method names in the table (TrainingMethods.h); an older name
// is accepted and recorded as the current id. Throws Error on an unknown method or an empty pool.
TrainingResult train(const EmbeddingSet& pool, const TrainingOptions& options,
                     const Feedback* feedback = nullptr, const OptimizerObserver& observer = {});

// Stratified folds inside the pool: each class's duplicate groups (GROUPS, one number per photo;
// empty: every photo alone) are dealt, after a seeded shuffle, each to the fold holding the fewest
// photos of its class (ties: round-robin), so near-identical photos are never on both sides of a
// fold; a class of one group stays in every training part.
std::vector<std::vector<int>> stratifiedFolds(const std::vector<int>& labels, const std::vector<int>& groups,
                                              int classCount, int folds, quint64 seed);

} // namespace exemplar
