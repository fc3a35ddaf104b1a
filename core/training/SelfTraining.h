#pragma once
// Self-training with unlabeled photos: the method is trained on the labeled pool, labels the
// unlabeled photos it is most sure of (per predicted class, the more confident half by margin),
// and is trained again on both. Pseudo-labels can also teach the method its own mistakes, so the
// second round is kept only when cross-validation inside the labeled pool says it helps: on each
// fold, the method trained on the rest with and without that fold's own pseudo-labels, both
// scored on the fold's (real) labels. The unlabeled photos' pixels are used, never their labels:
// they may be photos of the classes, of other things, or (eval --transductive) the test photos.
#include "TrainingMethod.h"

namespace exemplar {

// POOL extended by UNLABELED's confident half (per class predicted by HEAD, by margin), labeled
// as predicted; each added photo its own duplicate group.
EmbeddingSet withPseudoLabels(const EmbeddingSet& pool, const ReferenceHead& head, const Matrix& unlabeled);

// train(POOL, OPTIONS), then self-training with UNLABELED (raw embeddings, one per row) when the
// inner cross-validation favours it. details["self_training"] says what was measured and decided.
// PLAIN_HEAD, when given, receives the head trained on the pool alone: what the method gives
// without the unlabeled photos, which an evaluation reports beside the figure with them.
// OBSERVER sees the optimizer's steps of that first training (the window's plot). A cancel
// during the inner cross-validation returns the first training, marked canceled (the best found
// so far, as Stop promises), instead of nothing.
TrainingResult trainWithUnlabeled(const EmbeddingSet& pool, const Matrix& unlabeled, const TrainingOptions& options,
                                  const Feedback* feedback = nullptr, ReferenceHead* plainHead = nullptr,
                                  const OptimizerObserver& observer = {});

} // namespace exemplar
