#pragma once
// Which cross-validated candidate "auto" trains: the preferred one (the method that measured best
// across photo sets: AutoMethod.cpp says which) unless the best candidate beats it by more than one
// standard error of their difference; then the best. A one-standard-error rule (Breiman et al., "Classification and
// Regression Trees") with the measured favourite in place of the simplest model.
//
// Why not simply the best: with a dozen candidates scored on the same 100-odd pool photos, the top
// cross-validated figure is partly luck. Measured through the product (bench/accuracy, 10 splits,
// both shared sets, pools 5/10/15), "auto" taking the plain maximum scored 0.1–0.8 below its own
// whitened-centroid candidate in 5 of 6 cells; this rule took it within 0.2 of that candidate in
// every cell (+0.4 on average). The simplest-first order of the textbook rule did worse than the
// maximum (it takes the raw class mean on a lucky fold: −0.5 to −1.7), see docs/accuracy.md.
#include "TrainingSupport.h"

#include <QString>
#include <vector>

namespace exemplar::detail {

inline const QString kOneStandardErrorRule = QStringLiteral(
    "the favourite (discriminant-centroid) unless the best candidate's "
    "cross-validated accuracy is ahead of it by more than one standard error of their difference (photo by "
    "photo); then the best");

struct OneStandardErrorChoice {
    size_t best = 0;    // the highest cross-validated accuracy (the first of equals)
    size_t chosen = 0;  // PREFERRED when within one standard error of BEST, else BEST
};

// SCORES: one per candidate, all over the same held-out photos in the same order (the same
// folds). Skipped candidates are never chosen; nor is a PREFERRED whose per-photo record is
// missing or of another length (then BEST). Throws Error without an unskipped score.
OneStandardErrorChoice chooseWithinOneStandardError(const std::vector<CrossValidationScore>& scores, size_t preferred);

} // namespace exemplar::detail
