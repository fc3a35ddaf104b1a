// "auto": cross-validates every method inside the pool only and trains the winner on the whole
// pool. The cross-validated figures of every candidate are kept, so the user sees why.
#include "Error.h"
#include "Feedback.h"
#include "TrainingSupport.h"

#include <algorithm>
#include <map>

namespace exemplar {

using namespace detail;

namespace {

struct Candidate {
    QString label;
    TrainingOptions options;
};

std::vector<Candidate> candidatesFor(const TrainingOptions& base)
{
    std::vector<Candidate> candidates;
    auto add = [&](const QString& method, double C = 0) {
        Candidate candidate{method, base};
        candidate.options.method = method;
        candidate.options.linearC = C;
        // auto's own cross-validation already judges whether selecting beats keeping all.
        candidate.options.validateSelection = false;
        if (C > 0) candidate.label = QStringLiteral("%1 (C=%2)").arg(method).arg(C);
        candidates.push_back(candidate);
    };
    // Simplest first: on a tie the earlier, cheaper candidate wins.
    add(QStringLiteral("centroid"));
    add(QStringLiteral("whitened-centroid"));
    add(QStringLiteral("all"));
    add(QStringLiteral("whitened-all"));
    for (double C : base.linearCGrid) add(QStringLiteral("linear"), C);
    for (double C : base.linearCGrid) add(QStringLiteral("whitened-linear"), C);
    add(QStringLiteral("least-central"));
    return candidates;
}

} // namespace

TrainingResult trainAuto(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback)
{
    requireNonEmpty(pool);
    const auto folds = stratifiedFolds(pool.labels, pool.groups, pool.classCount(), options.crossValidationFolds, options.optimizer.seed);
    const std::vector<Candidate> candidates = candidatesFor(options);

    // The linear candidates of one method share a regularization path: all of its C values are
    // cross-validated together when the first of them comes up (see crossValidateLinearPath).
    std::map<QString, std::vector<CrossValidationScore>> linearPaths;
    auto scoreOf = [&](const Candidate& candidate) {
        const QString& method = candidate.options.method;
        const bool linear = method == QStringLiteral("linear") || method == QStringLiteral("whitened-linear");
        const std::vector<double>& grid = options.linearCGrid;
        const auto at = std::find(grid.begin(), grid.end(), candidate.options.linearC);
        if (!linear || at == grid.end()) return crossValidate(pool, candidate.options, folds, feedback);
        auto path = linearPaths.find(method);
        if (path == linearPaths.end())
            path = linearPaths.emplace(method, crossValidateLinearPath(pool, candidate.options,
                                                                       method == QStringLiteral("whitened-linear"),
                                                                       grid, folds, feedback)).first;
        return path->second[size_t(at - grid.begin())];
    };

    QJsonArray table;
    int bestIndex = 0;
    double bestAccuracy = -1;
    for (size_t i = 0; i < candidates.size(); ++i) {
        throwIfCanceled(feedback);
        reportProgress(feedback, qint64(i), qint64(candidates.size()),
                       QStringLiteral("cross-validating %1").arg(candidates[i].label));
        const CrossValidationScore score = scoreOf(candidates[i]);
        if (score.skipped) {
            table.append(QJsonObject{{QStringLiteral("method"), candidates[i].label},
                                     {QStringLiteral("skipped"), kSkippedAfterPeak}});
            continue;
        }
        table.append(QJsonObject{{QStringLiteral("method"), candidates[i].label},
                                 {QStringLiteral("cv_accuracy"), score.accuracy},
                                 {QStringLiteral("cv_weighted_f1"), score.weightedF1}});
        if (score.accuracy > bestAccuracy + 1e-12) {
            bestAccuracy = score.accuracy;
            bestIndex = int(i);
        }
    }
    reportProgress(feedback, qint64(candidates.size()), qint64(candidates.size()), QString());

    const Candidate& chosen = candidates[size_t(bestIndex)];
    TrainingResult result = train(pool, chosen.options, feedback);  // sets effectiveOptions
    QJsonObject details = result.details;
    details.insert(QStringLiteral("auto"),
                   QJsonObject{{QStringLiteral("chosen"), chosen.label},
                               {QStringLiteral("chosen_method"), chosen.options.method},
                               {QStringLiteral("protocol"),
                                QStringLiteral("%1-fold stratified cross-validation inside the training photos only; "
                                               "these figures chose the method and are not a held-out estimate")
                                    .arg(folds.size())},
                               {QStringLiteral("candidates"), table}});
    result.details = details;
    return result;
}

} // namespace exemplar
