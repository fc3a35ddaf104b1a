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
    const SelectionObjective objective(pool.vectors, pool.labels, classCount, ranking, pool.groups);

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
    std::vector<int> counts = optimum.best.empty() ? box.upper : optimum.best;
    // The leave-one-out objective is optimistic for small subsets: on held-out photos a selection
    // that merely ties or narrowly beats "keep all" did worse than keeping all (measured on both
    // shared sets). So a reduced selection must win by a clear margin, else every photo is kept,
    // which makes the method at least as good as 1-NN over all references.
    const double keepAll = objective.accuracy(box.upper);
    const double margin = options.selectionMargin * (1.0 / std::max(1, pool.size()));
    bool guarded = objective.accuracy(counts) < keepAll + margin;
    // On fine-grained sets the objective can promise several points that never appear on new
    // photos. So the whole procedure is also cross-validated inside the pool: unless its
    // selections beat keeping every photo on the held-out folds by the same margin, every photo
    // is kept.
    int selectionCorrect = 0, keepAllCorrect = 0;
    if (!guarded && options.validateSelection && !optimum.canceled) {
        TrainingOptions inner = options;
        inner.validateSelection = false;
        inner.pinnedCounts.clear();
        const auto folds = stratifiedFolds(pool.labels, pool.groups, classCount, options.crossValidationFolds, options.optimizer.seed);
        for (const std::vector<int>& fold : folds) {
            if (fold.empty()) continue;
            std::vector<bool> heldOut(size_t(pool.size()), false);
            for (int row : fold) heldOut[size_t(row)] = true;
            std::vector<int> rest;
            for (int row = 0; row < pool.size(); ++row)
                if (!heldOut[size_t(row)]) rest.push_back(row);
            const EmbeddingSet part = pool.subset(rest);
            const EmbeddingSet test = pool.subset(fold);
            const std::vector<int> selected = trainCentralitySelection(part, inner, feedback).head.predictClasses(test.vectors);
            const std::vector<int> all = trainAllReferences(part).head.predictClasses(test.vectors);
            for (size_t i = 0; i < fold.size(); ++i) {
                selectionCorrect += selected[i] == test.labels[i];
                keepAllCorrect += all[i] == test.labels[i];
            }
        }
        guarded = selectionCorrect < keepAllCorrect + std::max(1.0, options.selectionMargin);
    }
    if (guarded) counts = box.upper;

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
        {QStringLiteral("keep_all_leave_one_out_accuracy"), keepAll},
        {QStringLiteral("kept_all_because_no_clear_gain"), guarded},
        {QStringLiteral("validation_correct_selection_vs_keep_all"), QJsonArray{selectionCorrect, keepAllCorrect}},
    };
    return result;
}

} // namespace exemplar
