#include "TrainingMethod.h"

#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "SelectionObjective.h"

#include <QFileInfo>
#include <QJsonArray>
#include <numeric>

namespace exemplar {

namespace {

QJsonArray toJsonArray(const std::vector<int>& values)
{
    QJsonArray array;
    for (int v : values) array.append(v);
    return array;
}

// A head whose references are the given pool rows, scored by plain cosine.
ReferenceHead headFromRows(const EmbeddingSet& pool, const std::vector<int>& rows)
{
    ReferenceHead head;
    head.classNames = pool.classNames;
    head.references.resize(Eigen::Index(rows.size()), pool.dim());
    head.bias = Vector::Zero(Eigen::Index(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        const int row = rows[i];
        head.references.row(Eigen::Index(i)) = pool.vectors.row(row);
        head.referenceClass.push_back(pool.labels[size_t(row)]);
        ReferenceInfo info;
        if (row < pool.paths.size()) info.file = QFileInfo(pool.paths[row]).fileName();
        if (row < pool.contentHashes.size()) info.contentHash = pool.contentHashes[row];
        head.referenceInfo.push_back(info);
    }
    return head;
}

void requireNonEmpty(const EmbeddingSet& pool)
{
    if (pool.size() == 0) throw Error(QStringLiteral("no photos to train on"));
    if (pool.classCount() == 0) throw Error(QStringLiteral("no classes to train on"));
}

} // namespace

QStringList trainingMethodNames()
{
    return {QStringLiteral("all"), QStringLiteral("centroid"), QStringLiteral("seed")};
}

bool isTrainingMethod(const QString& name) { return trainingMethodNames().contains(name); }

TrainingResult trainAllReferences(const EmbeddingSet& pool)
{
    requireNonEmpty(pool);
    std::vector<int> rows(size_t(pool.size()));
    std::iota(rows.begin(), rows.end(), 0);
    TrainingResult result;
    result.head = headFromRows(pool, rows);
    result.details = {{QStringLiteral("description"), QStringLiteral("1-NN over every training photo")},
                      {QStringLiteral("counts_per_class"), toJsonArray(result.head.referencesPerClass())}};
    return result;
}

TrainingResult trainCentroids(const EmbeddingSet& pool)
{
    requireNonEmpty(pool);
    // Subtracting the pool mean removes the direction every photo shares (the "photo-ness" of
    // the features), which makes class means far more distinct (the SimpleShot recipe).
    const Vector mean = pool.vectors.colwise().mean().transpose();
    Matrix centered = pool.vectors.rowwise() - mean.transpose();
    // Row by row: rowwise().normalize() divides a zero row (a photo equal to the pool mean, as in
    // a one-photo pool) by zero and would fill the head with NaN; normalize() leaves it zero.
    for (Eigen::Index i = 0; i < centered.rows(); ++i) centered.row(i).normalize();

    const std::vector<int> counts = pool.countsPerClass();
    TrainingResult result;
    ReferenceHead& head = result.head;
    head.classNames = pool.classNames;
    head.center = mean;
    for (int c = 0; c < pool.classCount(); ++c) {
        if (counts[size_t(c)] == 0) continue;
        Vector sum = Vector::Zero(pool.dim());
        for (int i = 0; i < pool.size(); ++i)
            if (pool.labels[size_t(i)] == c) sum += centered.row(i).transpose();
        const float norm = sum.norm();
        if (norm > 0) sum /= norm;
        head.references.conservativeResize(head.references.rows() + 1, pool.dim());
        head.references.row(head.references.rows() - 1) = sum.transpose();
        head.referenceClass.push_back(c);
        head.referenceInfo.push_back({QStringLiteral("mean of %1 photos").arg(counts[size_t(c)]), QString()});
    }
    head.bias = Vector::Zero(head.references.rows());
    result.details = {{QStringLiteral("description"),
                       QStringLiteral("nearest class mean after subtracting the pool mean and L2-normalizing")}};
    return result;
}

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
    result.head = headFromRows(pool, keepLeastCentral(ranking, counts));
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

TrainingResult train(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                     const OptimizerObserver& observer)
{
    if (options.method == QLatin1String("all")) return trainAllReferences(pool);
    if (options.method == QLatin1String("centroid")) return trainCentroids(pool);
    if (options.method == QLatin1String("seed")) return trainCentralitySelection(pool, options, feedback, observer);
    throw Error(QStringLiteral("unknown method \"%1\" (known: %2)")
                    .arg(options.method, trainingMethodNames().join(QStringLiteral(", "))));
}

} // namespace exemplar
