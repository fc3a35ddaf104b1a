#include "ConfusedPairs.h"

#include "ClassPairSimilarity.h"
#include "DuplicateGroups.h"
#include "EmbeddingSet.h"
#include "Feedback.h"
#include "Metrics.h"
#include "TrainingMethods.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace exemplar {

namespace {

// The confusion matrix of OPTIONS.training's method over stratified, group-keeping folds of DATA:
// every photo that some fold holds out is predicted by a head that never saw it nor its copies.
Metrics crossValidatedConfusion(const EmbeddingSet& data, const std::vector<int>& groups,
                                const ConfusionOptions& options, Feedback* feedback)
{
    const std::vector<std::vector<int>> folds =
        stratifiedFolds(data.labels, groups, data.classCount(), options.folds, options.seed);
    std::vector<int> truth, predicted;
    for (size_t f = 0; f < folds.size(); ++f) {
        throwIfCanceled(feedback);
        reportProgress(feedback, qint64(f), qint64(folds.size()),
                       QStringLiteral("fold %1/%2: training %3").arg(f + 1).arg(folds.size()).arg(options.training.method));
        if (folds[f].empty()) continue;
        std::vector<bool> heldOut(size_t(data.size()), false);
        for (int row : folds[f]) heldOut[size_t(row)] = true;
        std::vector<int> trainRows;
        for (int row = 0; row < data.size(); ++row)
            if (!heldOut[size_t(row)]) trainRows.push_back(row);
        EmbeddingSet part = data.subset(trainRows);
        if (!groups.empty()) {  // the method's own cross-validation (C, "auto") keeps copies together too
            part.groups.clear();
            for (int row : trainRows) part.groups.push_back(groups[size_t(row)]);
        }
        const EmbeddingSet test = data.subset(folds[f]);
        const Feedback nested(feedback);  // cancelable; its progress stays inside the fold
        const TrainingResult trained = train(part, options.training, &nested);
        throwIfCanceled(feedback);
        const std::vector<int> answers = trained.head.predictClasses(test.vectors);
        truth.insert(truth.end(), test.labels.begin(), test.labels.end());
        predicted.insert(predicted.end(), answers.begin(), answers.end());
    }
    reportProgress(feedback, qint64(folds.size()), qint64(folds.size()), QStringLiteral("ranking pairs"));
    return Metrics::compute(truth, predicted, data.classCount());
}

bool moreSimilar(const ConfusedPair& x, const ConfusedPair& y)
{
    // NaN (an empty class) sorts last.
    const double cx = std::isnan(x.centroidCosine) ? -2 : x.centroidCosine;
    const double cy = std::isnan(y.centroidCosine) ? -2 : y.centroidCosine;
    if (cx != cy) return cx > cy;
    return std::make_pair(x.a, x.b) < std::make_pair(y.a, y.b);
}

QJsonObject pairJson(const ConfusedPair& pair, const QStringList& classNames)
{
    auto number = [](double value) { return std::isnan(value) ? QJsonValue() : QJsonValue(value); };
    return QJsonObject{{QStringLiteral("a"), classNames.value(pair.a)},
                       {QStringLiteral("b"), classNames.value(pair.b)},
                       {QStringLiteral("a_as_b"), pair.aAsB},
                       {QStringLiteral("b_as_a"), pair.bAsA},
                       {QStringLiteral("errors"), pair.errors()},
                       {QStringLiteral("held_out"), pair.heldOut},
                       {QStringLiteral("error_rate"), pair.errorRate()},
                       {QStringLiteral("centroid_cosine"), number(pair.centroidCosine)},
                       {QStringLiteral("closest_cosine"), number(pair.closestCosine)}};
}

} // namespace

std::vector<int> ConfusedPairsReport::byConfusion() const
{
    std::vector<int> order;
    for (int i = 0; i < int(pairs.size()); ++i)
        if (pairs[size_t(i)].errors() > 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](int i, int j) {
        const ConfusedPair &x = pairs[size_t(i)], &y = pairs[size_t(j)];
        if (x.errors() != y.errors()) return x.errors() > y.errors();
        if (x.errorRate() != y.errorRate()) return x.errorRate() > y.errorRate();
        return moreSimilar(x, y);
    });
    return order;
}

std::vector<int> ConfusedPairsReport::bySimilarity() const
{
    std::vector<int> order(pairs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return moreSimilar(pairs[size_t(i)], pairs[size_t(j)]); });
    return order;
}

QJsonObject ConfusedPairsReport::toJson(int limit) const
{
    auto list = [&](const std::vector<int>& order) {
        QJsonArray array;
        for (size_t i = 0; i < order.size() && int(i) < limit; ++i) array.append(pairJson(pairs[size_t(order[i])], classNames));
        return array;
    };
    return QJsonObject{{QStringLiteral("method"), method},
                       {QStringLiteral("folds"), folds},
                       {QStringLiteral("held_out"), heldOut},
                       {QStringLiteral("accuracy"), accuracy},
                       {QStringLiteral("duplicate_groups"), duplicateGroups},
                       {QStringLiteral("by_confusion"), list(byConfusion())},
                       {QStringLiteral("by_similarity"), list(bySimilarity())}};
}

ConfusedPairsReport findConfusedPairs(const EmbeddingSet& data, const ConfusionOptions& options, Feedback* feedback)
{
    ConfusedPairsReport report;
    report.classNames = data.classNames;
    report.method = canonicalTrainingMethod(options.training.method);
    report.folds = std::max(2, options.folds);
    const int classes = data.classCount();
    if (data.size() == 0 || classes < 2) return report;

    // Near-identical photos found here unless the caller has them (the GUI's audit does).
    std::vector<int> groups = options.groups;
    if (int(groups.size()) != data.size()) {
        const Feedback searching(feedback);
        const DuplicateGroups found = findDuplicateGroups(data, {}, &searching);
        groups = found.groupOf;
    }
    {
        std::vector<int> sizes;
        for (int g : groups) {
            if (g >= int(sizes.size())) sizes.resize(size_t(g) + 1, 0);
            ++sizes[size_t(g)];
        }
        report.duplicateGroups = int(std::count_if(sizes.begin(), sizes.end(), [](int n) { return n > 1; }));
    }

    ConfusionOptions effective = options;
    effective.folds = report.folds;
    Feedback folding(feedback, 0.0, 0.95);  // the folds fill the bar; the ranking after is quick
    const Metrics metrics = crossValidatedConfusion(data, groups, effective, &folding);
    report.confusion = metrics.confusion;
    report.heldOut = metrics.total;
    report.accuracy = metrics.accuracy;
    std::vector<int> heldOutOf(size_t(classes), 0);
    for (int c = 0; c < classes; ++c) heldOutOf[size_t(c)] = metrics.perClass[size_t(c)].support;

    // Pairs: every one with an error, then the most similar ones up to similarPairs more.
    const Matrix centroid = classCentroidCosines(data);
    std::vector<ConfusedPair> all;
    all.reserve(size_t(classes) * size_t(classes - 1) / 2);
    for (int a = 0; a < classes; ++a)
        for (int b = a + 1; b < classes; ++b) {
            ConfusedPair pair;
            pair.a = a;
            pair.b = b;
            pair.aAsB = metrics.confusion[size_t(a)][size_t(b)];
            pair.bAsA = metrics.confusion[size_t(b)][size_t(a)];
            pair.heldOut = heldOutOf[size_t(a)] + heldOutOf[size_t(b)];
            pair.centroidCosine = centroid(a, b);
            all.push_back(pair);
        }
    std::stable_sort(all.begin(), all.end(), moreSimilar);
    int similarTaken = 0;
    for (const ConfusedPair& pair : all)
        if (pair.errors() > 0 || similarTaken++ < options.similarPairs) report.pairs.push_back(pair);

    for (size_t i = 0; i < report.pairs.size(); ++i) {
        if (i % 64 == 0) throwIfCanceled(feedback);
        ConfusedPair& pair = report.pairs[i];
        pair.closestCosine = closestPairsCosine(data, pair.a, pair.b, options.closestPairs);
    }
    reportProgress(feedback, 1, 1, QStringLiteral("ranking pairs"));
    return report;
}

} // namespace exemplar
