#pragma once
// Self-training with unlabeled photos: the method is trained on the labeled pool, labels the
// unlabeled photos that look like the pool's and that it is most sure of (per predicted class,
// the more confident half by margin), and is trained again on both. Pseudo-labels can also teach the method its own mistakes, so the
// second round is kept only when cross-validation inside the labeled pool says it helps: on each
// fold, the method trained on the rest with and without that fold's own pseudo-labels, both
// scored on the fold's (real) labels. The unlabeled photos' pixels are used, never their labels:
// they may be photos of the classes, of other things, or (eval --transductive) the test photos.
#include "TrainingMethod.h"

#include <vector>

namespace exemplar {

// The share of the pool's own (held-out) photos that the familiarity check below refuses. Lower
// than the 5% "unknown" is calibrated at by default: photos of other things lie far below either
// threshold, and at 5% the transductive figure lost 0.4 points on cars24 (pool 10, 4 splits of
// seed 7: 65.1% → 64.7%; at 1%, 65.1%) where photos of the classes themselves were left out.
constexpr double kPseudoLabelKnownRejectRate = 0.01;

// Which rows of UNLABELED (raw embeddings) look like POOL's photos: the cosine to the nearest pool
// photo in the raw embedding is at least the threshold that refuses kPseudoLabelKnownRejectRate
// of the pool's own photos held out by cross-validation (FOLDS, SEED), as "unknown" is decided
// (Rejection.h). Only these are given a class: a flower among unlabeled car photos was labeled
// as a car model and joined the references (a GUI review), since a head's margin is no measure
// of familiarity. All of them when the pool is too small to calibrate.
std::vector<bool> photosLikeThePool(const EmbeddingSet& pool, const Matrix& unlabeled, int folds, quint64 seed);

// POOL extended by the confident half of UNLABELED's ELIGIBLE rows (all when empty; per class
// predicted by HEAD, by margin), labeled as predicted; each added photo its own duplicate group.
EmbeddingSet withPseudoLabels(const EmbeddingSet& pool, const ReferenceHead& head, const Matrix& unlabeled,
                              const std::vector<bool>& eligible = {});

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
