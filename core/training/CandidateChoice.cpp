#include "CandidateChoice.h"

#include "Error.h"

#include <cmath>

namespace exemplar::detail {

namespace {

// Whether OTHER is within one standard error of BEST: per held-out photo, +1 where only BEST was
// right and −1 where only OTHER was; the mean of that is at most its standard error. Paired, as
// both candidates saw the same photos: far tighter than comparing two independent accuracies.
bool withinOneStandardError(const CrossValidationScore& best, const CrossValidationScore& other)
{
    const size_t n = best.correct.size();
    if (n < 2 || other.correct.size() != n) return false;
    double sum = 0, sumOfSquares = 0;
    for (size_t i = 0; i < n; ++i) {
        const double d = double(best.correct[i]) - double(other.correct[i]);
        sum += d;
        sumOfSquares += d * d;
    }
    const double mean = sum / double(n);
    const double variance = std::max(0.0, (sumOfSquares - double(n) * mean * mean) / double(n - 1));
    return mean <= std::sqrt(variance / double(n)) + 1e-12;
}

} // namespace

OneStandardErrorChoice chooseWithinOneStandardError(const std::vector<CrossValidationScore>& scores, size_t preferred)
{
    OneStandardErrorChoice choice;
    bool found = false;
    for (size_t i = 0; i < scores.size(); ++i) {
        if (scores[i].skipped) continue;
        if (!found || scores[i].accuracy > scores[choice.best].accuracy + 1e-12) choice.best = i;
        found = true;
    }
    if (!found) throw Error(QStringLiteral("auto: no candidate was cross-validated"));
    choice.chosen = choice.best;
    if (preferred < scores.size() && !scores[preferred].skipped && withinOneStandardError(scores[choice.best], scores[preferred]))
        choice.chosen = preferred;
    return choice;
}

} // namespace exemplar::detail
