#pragma once
// Maximizes a noisy black-box objective over a box of integer vectors (one count per class).
// Strategies: Bayesian optimization (Gaussian process surrogate + expected improvement), coordinate
// ascent, and random search. Deterministic for a given seed. Cancellation returns the best point
// found so far instead of throwing, so an interrupted search still leaves a usable selection.
#include <QString>
#include <QtGlobal>
#include <functional>
#include <vector>

namespace exemplar {

class Feedback;

enum class OptimizerStrategy { Bayesian, CoordinateAscent, Random };

QString optimizerStrategyName(OptimizerStrategy strategy);            // "bayes", "coordinate", "random"
bool parseOptimizerStrategy(const QString& name, OptimizerStrategy* out);

struct IntegerBox {
    std::vector<int> lower;  // inclusive; lower[i] == upper[i] pins coordinate i
    std::vector<int> upper;  // inclusive
    int dimensions() const { return int(lower.size()); }
};

struct OptimizerOptions {
    OptimizerStrategy strategy = OptimizerStrategy::Bayesian;
    int budget = 60;          // objective evaluations at most
    int initialPoints = 10;   // random points before the surrogate is trusted (Bayesian)
    quint64 seed = 1;
};

struct OptimizerStep {
    int evaluation = 0;       // 1-based
    std::vector<int> point;
    double value = 0;
    double bestValue = 0;     // best so far, including this step
};

struct OptimizerResult {
    std::vector<int> best;
    double bestValue = 0;
    std::vector<OptimizerStep> trace;
    bool canceled = false;
};

using IntegerObjective = std::function<double(const std::vector<int>&)>;
using OptimizerObserver = std::function<void(const OptimizerStep&)>;

OptimizerResult maximize(const IntegerObjective& objective, const IntegerBox& box,
                         const OptimizerOptions& options, const Feedback* feedback = nullptr,
                         const OptimizerObserver& observer = {});

} // namespace exemplar
