// The article's method: eigenvector centrality of S = A·Aᵀ, keep each class's least central
// photos, and choose how many per class by maximizing leave-one-out accuracy inside the pool.
#include "Error.h"
#include "Feedback.h"
#include "SelectionObjective.h"
#include "TrainingSupport.h"

namespace exemplar {

using namespace detail;

TrainingResult trainCentralitySelection(const EmbeddingSet& pool, const TrainingOptions& options,
                                        const Feedback* feedback, const OptimizerObserver& observer)
{
    requireNonEmpty(pool);
    const int classCount = pool.classCount();
    const Vector centrality = centralityScores(pool.vectors, pool.labels, classCount, options.centralityScope);
    std::vector<std::vector<int>> ranking = rankLeastCentralFirst(centrality, pool.labels, classCount);
    const SelectionObjective objective(pool.vectors, pool.labels, classCount, ranking);

    IntegerBox box;
    for (int c = 0; c < classCount; ++c) {
        const int available = int(ranking[size_t(c)].size());
        const int pinned = size_t(c) < options.pinnedCounts.size() ? options.pinnedCounts[size_t(c)] : 0;
        if (available == 0) {
            box.lower.push_back(0);
            box.upper.push_back(0);
        } else if (pinned > 0) {
            box.lower.push_back(std::min(pinned, available));
            box.upper.push_back(std::min(pinned, available));
        } else {
            box.lower.push_back(1);
            box.upper.push_back(available);
        }
    }
    const OptimizerResult optimum =
        maximize([&](const std::vector<int>& k) { return objective(k); }, box, options.optimizer, feedback, observer);

    // Canceled before its first evaluation the optimizer has no best point: fall back to the
    // corner every search starts from ("keep all", pins respected) so the head is still usable.
    const std::vector<int>& counts = optimum.best.empty() ? box.upper : optimum.best;

    TrainingResult result;
    result.head = headFromRows(pool, FeatureSpace::of(pool, false, 0), keepLeastCentral(ranking, counts));
    result.trace = optimum.trace;
    result.canceled = optimum.canceled;
    result.details = {
        {QStringLiteral("description"),
         QStringLiteral("the article's method: keep each class's least central photos (eigenvector centrality of "
                        "S = A·Aᵀ); counts chosen by maximizing leave-one-out accuracy inside the training photos")},
        {QStringLiteral("centrality_scope"), options.centralityScope == CentralityScope::WholeGraph
                                                 ? QStringLiteral("whole-graph")
                                                 : QStringLiteral("within-class")},
        {QStringLiteral("optimizer"), optimizerStrategyName(options.optimizer.strategy)},
        {QStringLiteral("budget"), options.optimizer.budget},
        {QStringLiteral("seed"), QString::number(options.optimizer.seed)},
        {QStringLiteral("evaluations"), int(optimum.trace.size())},
        {QStringLiteral("counts_per_class"), toJsonArray(counts)},
        {QStringLiteral("available_per_class"), toJsonArray(box.upper)},
        {QStringLiteral("pinned_counts"), toJsonArray(options.pinnedCounts)},
        {QStringLiteral("objective"), QStringLiteral("leave-one-out accuracy on the training photos (optimistic)")},
        {QStringLiteral("objective_leave_one_out_accuracy"), objective.accuracy(counts)},
        {QStringLiteral("canceled"), optimum.canceled},
    };
    return result;
}

} // namespace exemplar
