#include "Optimizer.h"

#include "Error.h"
#include "Feedback.h"
#include "GaussianProcess.h"
#include "Random.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <random>

namespace exemplar {

QString optimizerStrategyName(OptimizerStrategy strategy)
{
    switch (strategy) {
    case OptimizerStrategy::Bayesian: return QStringLiteral("bayes");
    case OptimizerStrategy::CoordinateAscent: return QStringLiteral("coordinate");
    case OptimizerStrategy::Random: return QStringLiteral("random");
    }
    return QString();
}

bool parseOptimizerStrategy(const QString& name, OptimizerStrategy* out)
{
    for (OptimizerStrategy strategy : {OptimizerStrategy::Bayesian, OptimizerStrategy::CoordinateAscent,
                                       OptimizerStrategy::Random}) {
        if (name.trimmed().compare(optimizerStrategyName(strategy), Qt::CaseInsensitive) == 0) {
            if (out) *out = strategy;
            return true;
        }
    }
    return false;
}

namespace {

// At most this many evaluations inform the Bayesian surrogate (surrogatePoints): more than any
// default budget (60), so searches of an ordinary size are exactly what they were.
constexpr size_t kMaxSurrogatePoints = 200;

using Point = std::vector<int>;

// What every strategy shares: the budget, memoization (a point is never evaluated twice and a
// repeat costs nothing), cancellation between evaluations, the trace and the observer.
class Search {
public:
    Search(const IntegerObjective& objective, const IntegerBox& box, int budget,
           const Feedback* feedback, const OptimizerObserver& observer)
        : objective_(objective), box_(box), budget_(budget), feedback_(feedback), observer_(observer)
    {
        spaceSize_ = 1;
        for (int i = 0; i < box.dimensions(); ++i) {
            spaceSize_ *= double(box.upper[size_t(i)]) - double(box.lower[size_t(i)]) + 1;
            if (box.lower[size_t(i)] < box.upper[size_t(i)]) free_.push_back(i);
        }
    }

    const IntegerBox& box() const { return box_; }
    const std::vector<int>& freeCoordinates() const { return free_; }
    const OptimizerResult& result() const { return result_; }
    OptimizerResult takeResult() { return std::move(result_); }

    bool finished() const
    {
        return stopped_ || int(result_.trace.size()) >= budget_ || double(values_.size()) >= spaceSize_;
    }
    bool seen(const Point& point) const { return values_.count(point) > 0; }

    // For long computations between evaluations.
    bool canceled()
    {
        if (!stopped_ && isCanceled(feedback_)) result_.canceled = stopped_ = true;
        return result_.canceled;
    }

    // The objective at point (memoized); empty once the search has to stop.
    std::optional<double> evaluate(const Point& point)
    {
        if (const auto it = values_.find(point); it != values_.end()) return it->second;
        if (finished() || canceled()) return std::nullopt;
        const double value = objective_(point);
        // A NaN would silently poison every comparison and the surrogate; better to say so.
        if (!std::isfinite(value))
            throw Error(QStringLiteral("The optimizer's objective returned a non-finite value at "
                                       "evaluation %1.").arg(result_.trace.size() + 1));
        values_.emplace(point, value);
        if (result_.trace.empty() || value > result_.bestValue) {  // ties keep the earliest
            result_.best = point;
            result_.bestValue = value;
        }
        OptimizerStep step;
        step.evaluation = int(result_.trace.size()) + 1;
        step.point = point;
        step.value = value;
        step.bestValue = result_.bestValue;
        result_.trace.push_back(std::move(step));
        if (observer_) observer_(result_.trace.back());
        return value;
    }

    Point randomPoint(Random& random) const
    {
        Point point = box_.lower;
        for (int i : free_) point[size_t(i)] = random.between(box_.lower[size_t(i)], box_.upper[size_t(i)]);
        return point;
    }

    std::optional<Point> randomUnseen(Random& random)
    {
        if (finished()) return std::nullopt;
        for (int attempt = 0; attempt < 100; ++attempt) {
            Point point = randomPoint(random);
            if (!seen(point)) return point;
        }
        // Only a nearly exhausted space gets here, and such a space is small enough to list.
        if (spaceSize_ > 1e6) return std::nullopt;
        std::vector<Point> unseen;
        Point point = box_.lower;
        for (;;) {
            if (!seen(point)) unseen.push_back(point);
            size_t i = 0;
            for (; i < point.size(); ++i) {
                if (point[i] < box_.upper[i]) { ++point[i]; break; }
                point[i] = box_.lower[i];
            }
            if (i == point.size()) break;
        }
        if (unseen.empty()) return std::nullopt;
        return unseen[random.below(unseen.size())];
    }

private:
    const IntegerObjective& objective_;
    const IntegerBox& box_;
    int budget_;
    const Feedback* feedback_;
    const OptimizerObserver& observer_;
    std::vector<int> free_;
    double spaceSize_;
    std::map<Point, double> values_;
    OptimizerResult result_;
    bool stopped_ = false;
};

void randomSearch(Search& search, Random& random)
{
    while (const auto point = search.randomUnseen(random))
        if (!search.evaluate(*point)) return;
}

// Moves coordinate i of current to the best value on its line; true if that improved it.
bool lineSearch(Search& search, int i, Point& current, double& currentValue)
{
    const int lo = search.box().lower[size_t(i)], hi = search.box().upper[size_t(i)];
    const int start = current[size_t(i)];
    int bestK = start;
    double best = currentValue;
    Point trial = current;
    const auto improves = [&](int v) {
        trial[size_t(i)] = v;
        const auto value = search.evaluate(trial);
        if (!value || !(*value > best)) return false;
        best = *value;
        bestK = v;
        return true;
    };

    // A coarse scan first, because the objective has plateaus that ±1 steps cannot see across.
    const int steps = std::min(hi - lo, 4);
    std::vector<int> candidates = {start - 1, start + 1};
    for (int j = 0; j <= steps; ++j)
        candidates.push_back(lo + int(std::lround(double(j) * double(hi - lo) / double(steps))));
    for (int v : candidates)
        if (v >= lo && v <= hi && v != start) improves(v);
    // Then climb ±1 from the best value found while that still helps.
    for (int direction : {-1, +1})
        for (int v = bestK + direction; v >= lo && v <= hi && improves(v); v += direction) {}

    if (bestK == start) return false;
    current[size_t(i)] = bestK;
    currentValue = best;
    return true;
}

// Starts from the upper corner ("keep all"): it is the baseline the user would otherwise get, so
// the result is never worse than it, and the objective's small penalty on reference count then
// walks each class down for as long as accuracy holds.
void coordinateAscent(Search& search, Random& random)
{
    Point current = search.box().upper;
    auto value = search.evaluate(current);
    if (!value) return;
    double currentValue = *value;
    std::vector<int> order = search.freeCoordinates();
    while (!search.finished()) {
        bool improved = false;
        random.shuffle(order);
        for (int i : order) {
            improved = lineSearch(search, i, current, currentValue) || improved;
            if (search.finished()) return;
        }
        if (improved) continue;
        // A local optimum; spend what is left of the budget climbing from elsewhere.
        const auto restart = search.randomUnseen(random);
        if (!restart || !(value = search.evaluate(*restart))) return;
        current = *restart;
        currentValue = *value;
    }
}

// The evaluations the surrogate is fitted on: all of them up to MAX, else the best half of MAX and
// the most recent rest. A Gaussian process costs the cube of its points to fit and their square per
// prediction, so a search over all evaluations slowed with every step (budget 300: 8 s; 1000: not
// done after 5 minutes); bounded, each step costs the same, and the surrogate still knows the
// best region and where the search went last.
std::vector<size_t> surrogatePoints(const std::vector<OptimizerStep>& trace, size_t max)
{
    std::vector<size_t> chosen(trace.size());
    std::iota(chosen.begin(), chosen.end(), size_t(0));
    if (trace.size() <= max) return chosen;
    std::stable_sort(chosen.begin(), chosen.end(), [&](size_t a, size_t b) { return trace[a].value > trace[b].value; });
    chosen.resize(max / 2);
    std::vector<bool> taken(trace.size(), false);
    for (size_t i : chosen) taken[i] = true;
    for (size_t i = trace.size(); i-- > 0 && chosen.size() < max;)
        if (!taken[i]) chosen.push_back(i);
    return chosen;
}

void bayesian(Search& search, Random& random, int initialPoints)
{
    const IntegerBox& box = search.box();
    const std::vector<int>& free = search.freeCoordinates();
    if (!search.evaluate(box.upper)) return;  // "keep all" is the natural baseline
    for (int i = 1; i < initialPoints; ++i) {
        const auto point = search.randomUnseen(random);
        if (!point || !search.evaluate(*point)) return;
    }

    // Pinned coordinates are left out of the surrogate's inputs: they are constant anyway.
    const auto scaled = [&](const Point& point) {
        Eigen::RowVectorXd x(Eigen::Index(free.size()));
        for (size_t j = 0; j < free.size(); ++j) {
            const size_t c = size_t(free[j]);
            x[Eigen::Index(j)] = double(point[c] - box.lower[c]) / double(box.upper[c] - box.lower[c]);
        }
        return x;
    };

    GaussianProcess surrogate;
    while (!search.finished()) {
        const std::vector<OptimizerStep>& trace = search.result().trace;
        const std::vector<size_t> fitted = surrogatePoints(trace, kMaxSurrogatePoints);
        Eigen::MatrixXd X(Eigen::Index(fitted.size()), Eigen::Index(free.size()));
        Eigen::VectorXd y(Eigen::Index(fitted.size()));
        for (size_t s = 0; s < fitted.size(); ++s) {
            X.row(Eigen::Index(s)) = scaled(trace[fitted[s]].point);
            y[Eigen::Index(s)] = trace[fitted[s]].value;
        }
        surrogate.fit(X, y);

        const double incumbent = search.result().bestValue;
        std::optional<Point> chosen;
        double chosenImprovement = -1;
        int scored = 0;
        // False when canceled: scoring a few thousand candidates can take a while in 25 dimensions.
        const auto consider = [&](const Point& point) {
            if (++scored % 64 == 0 && search.canceled()) return false;
            if (search.seen(point)) return true;
            double mean = 0, stddev = 0;
            surrogate.predict(scaled(point), &mean, &stddev);
            const double improvement = expectedImprovement(mean, stddev, incumbent);
            if (improvement > chosenImprovement) {
                chosenImprovement = improvement;
                chosen = point;
            }
            return true;
        };
        const auto considerNeighbours = [&](const Point& centre) {
            for (int c : free)
                for (int step : {-1, +1}) {
                    const int value = centre[size_t(c)] + step;
                    if (value < box.lower[size_t(c)] || value > box.upper[size_t(c)]) continue;
                    Point neighbour = centre;
                    neighbour[size_t(c)] = value;
                    if (!consider(neighbour)) return false;
                }
            return true;
        };

        // Candidates: global random points for exploration, and single steps and small random
        // mutations around the best few points, where EI is usually highest late in the search.
        std::vector<size_t> ranked(trace.size());
        std::iota(ranked.begin(), ranked.end(), size_t(0));
        std::stable_sort(ranked.begin(), ranked.end(),
                         [&](size_t a, size_t b) { return trace[a].value > trace[b].value; });
        ranked.resize(std::min<size_t>(ranked.size(), 5));
        bool ok = true;
        for (size_t r = 0; ok && r < ranked.size(); ++r) {
            const Point& centre = trace[ranked[r]].point;
            ok = considerNeighbours(centre);
            for (int m = 0; ok && m < 20; ++m) {
                Point mutant = centre;
                for (size_t changes = 1 + random.below(3); changes > 0; --changes) {
                    const size_t c = size_t(free[random.below(free.size())]);
                    const int lo = box.lower[c], hi = box.upper[c];
                    mutant[c] = random.below(2) ? random.between(lo, hi)
                                                : std::clamp(mutant[c] + random.between(-3, 3), lo, hi);
                }
                ok = consider(mutant);
            }
        }
        for (int r = 0; ok && r < 300; ++r) ok = consider(search.randomPoint(random));
        // Polish the winner by hill climbing on EI over its integer neighbours.
        for (int polish = 0; ok && chosen && polish < 10; ++polish) {
            const Point before = *chosen;
            ok = considerNeighbours(before);
            if (*chosen == before) break;
        }
        if (!ok) return;  // canceled

        if (!chosen) chosen = search.randomUnseen(random);  // every candidate already seen
        if (!chosen || !search.evaluate(*chosen)) return;
    }
}

void validate(const IntegerObjective& objective, const IntegerBox& box, const OptimizerOptions& options)
{
    if (!objective) throw Error(QStringLiteral("internal: the optimizer was given no objective."));
    if (box.lower.size() != box.upper.size())
        throw Error(QStringLiteral("The optimizer's search box has %1 lower bounds but %2 upper bounds.")
                        .arg(box.lower.size()).arg(box.upper.size()));
    for (size_t i = 0; i < box.lower.size(); ++i)
        if (box.lower[i] > box.upper[i])
            throw Error(QStringLiteral("The optimizer's search box is empty in coordinate %1: the lower "
                                       "bound %2 exceeds the upper bound %3.")
                            .arg(i + 1).arg(box.lower[i]).arg(box.upper[i]));
    if (options.budget < 1)
        throw Error(QStringLiteral("The optimizer needs a budget of at least one evaluation (got %1).")
                        .arg(options.budget));
}

} // namespace

OptimizerResult maximize(const IntegerObjective& objective, const IntegerBox& box,
                         const OptimizerOptions& options, const Feedback* feedback,
                         const OptimizerObserver& observer)
{
    validate(objective, box, options);
    Search search(objective, box, options.budget, feedback, observer);
    Random random(options.seed);
    switch (options.strategy) {
    case OptimizerStrategy::Bayesian: bayesian(search, random, options.initialPoints); break;
    case OptimizerStrategy::CoordinateAscent: coordinateAscent(search, random); break;
    case OptimizerStrategy::Random: randomSearch(search, random); break;
    }
    return search.takeResult();
}

} // namespace exemplar
