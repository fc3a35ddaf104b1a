#include "Metrics.h"

#include "Error.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace exemplar {

ProportionInterval wilsonInterval(int successes, int trials, double z)
{
    if (trials <= 0) return {};
    return wilsonIntervalOfShare(double(successes) / trials, trials, z);
}

ProportionInterval wilsonIntervalOfShare(double share, double trials, double z)
{
    if (!(trials > 0)) return {};
    const double n = trials, p = share, z2 = z * z;
    const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

Metrics Metrics::compute(const std::vector<int>& truth, const std::vector<int>& predicted,
                         int classCount)
{
    if (classCount < 0)
        throw Error(QStringLiteral("cannot compute metrics for %1 classes").arg(classCount));
    if (truth.size() != predicted.size())
        throw Error(QStringLiteral("cannot compute metrics: %1 true labels but %2 predictions")
                        .arg(truth.size())
                        .arg(predicted.size()));

    Metrics m;
    m.confusion.assign(size_t(classCount), std::vector<int>(size_t(classCount), 0));
    m.perClass.resize(size_t(classCount));
    std::vector<int> predictedCount(size_t(classCount), 0);
    for (size_t i = 0; i < truth.size(); ++i) {
        const int t = truth[i];
        const int p = predicted[i];
        if (t < 0 || t >= classCount)
            throw Error(QStringLiteral("cannot compute metrics: true label %1 is not a class "
                                       "index (0 to %2)")
                            .arg(t)
                            .arg(classCount - 1));
        if (p < -1 || p >= classCount)
            throw Error(QStringLiteral("cannot compute metrics: predicted label %1 is neither a "
                                       "class index (0 to %2) nor -1")
                            .arg(p)
                            .arg(classCount - 1));
        // A "no answer" photo still counts in its class's support: it is a missed photo.
        ++m.perClass[size_t(t)].support;
        if (p == t) ++m.correct;
        if (p >= 0) {
            ++m.confusion[size_t(t)][size_t(p)];
            ++predictedCount[size_t(p)];
        }
    }

    m.total = int(truth.size());
    m.accuracy = m.total > 0 ? double(m.correct) / m.total : 0.0;
    m.accuracyInterval = wilsonInterval(m.correct, m.total);
    double weightedSum = 0;
    for (size_t c = 0; c < size_t(classCount); ++c) {
        ClassMetrics& cm = m.perClass[c];
        const int truePositives = m.confusion[c][c];
        cm.precision = predictedCount[c] > 0 ? double(truePositives) / predictedCount[c] : 0.0;
        cm.recall = cm.support > 0 ? double(truePositives) / cm.support : 0.0;
        const double pr = cm.precision + cm.recall;
        cm.f1 = pr > 0 ? 2 * cm.precision * cm.recall / pr : 0.0;
        weightedSum += cm.support * cm.f1;
    }
    m.weightedF1 = m.total > 0 ? weightedSum / m.total : 0.0;
    return m;
}

QJsonObject Metrics::toJson(const QStringList& classNames) const
{
    // Tolerate a short name list rather than lose a report over it: unnamed classes show their index.
    const auto name = [&](size_t c) {
        return c < size_t(classNames.size()) ? classNames[qsizetype(c)] : QString::number(c);
    };

    QJsonArray perClassJson;
    QJsonArray order;
    for (size_t c = 0; c < perClass.size(); ++c) {
        const ClassMetrics& cm = perClass[c];
        perClassJson.append(QJsonObject{{QStringLiteral("class"), name(c)},
                                        {QStringLiteral("precision"), cm.precision},
                                        {QStringLiteral("recall"), cm.recall},
                                        {QStringLiteral("f1"), cm.f1},
                                        {QStringLiteral("support"), cm.support}});
        order.append(name(c));
    }
    QJsonArray confusionJson;
    for (const std::vector<int>& row : confusion) {
        QJsonArray r;
        for (int v : row) r.append(v);
        confusionJson.append(r);
    }
    QJsonObject json{{QStringLiteral("accuracy"), accuracy},
                     {QStringLiteral("accuracy_interval_95"), QJsonArray{accuracyInterval.low, accuracyInterval.high}},
                     {QStringLiteral("accuracy_interval_method"), QStringLiteral("Wilson score, 95%")},
                     {QStringLiteral("weighted_f1"), weightedF1},
                     {QStringLiteral("total"), total},
                     {QStringLiteral("correct"), correct},
                     {QStringLiteral("per_class"), perClassJson},
                     {QStringLiteral("confusion"), confusionJson},
                     {QStringLiteral("confusion_order"), order}};
    if (weightedF1Interval) {
        json.insert(QStringLiteral("weighted_f1_interval_95"), QJsonArray{weightedF1Interval->low, weightedF1Interval->high});
        json.insert(QStringLiteral("weighted_f1_interval_method"),
                    QStringLiteral("Wilson score at the bootstrap's effective number of pictures, 95%"));
    }
    return json;
}

} // namespace exemplar
