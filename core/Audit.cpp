#include "Audit.h"

#include "EmbeddingSet.h"
#include "Feedback.h"

#include <QFileInfo>
#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace exemplar {

namespace {

double median(std::vector<double> values)
{
    if (values.empty()) return 0;
    const size_t middle = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + long(middle), values.end());
    return values[middle];
}

// The value below which a score counts as unusual: median − z·MAD (scaled to a standard deviation).
double lowCutoff(const std::vector<double>& values, double z)
{
    const double center = median(values);
    std::vector<double> deviations;
    deviations.reserve(values.size());
    for (double v : values) deviations.push_back(std::abs(v - center));
    return center - z * 1.4826 * median(deviations);
}

constexpr Eigen::Index kRowsPerBlock = 256;  // similarity rows held at once: O(256·N) memory

} // namespace

AuditReport auditPhotos(const EmbeddingSet& set, const AuditOptions& options, const Feedback* feedback)
{
    AuditReport report;
    const int n = set.size();
    const int classes = set.classCount();
    if (n < 3 || classes < 1) return report;
    const std::vector<int> counts = set.countsPerClass();

    // Class-mean similarities need only the class sums: x·mean_c = x·sum_c / n_c, and the
    // leave-one-out own-class mean drops x's own term. Features are centered on the collection
    // mean first, so the direction every photo shares does not hide the differences.
    const Vector mean = set.vectors.colwise().mean().transpose();
    Matrix centered = set.vectors.rowwise() - mean.transpose();
    for (Eigen::Index i = 0; i < centered.rows(); ++i) centered.row(i).normalize();
    Matrix classSums = Matrix::Zero(classes, set.dim());
    for (int i = 0; i < n; ++i) classSums.row(set.labels[size_t(i)]) += centered.row(i);
    const Matrix toSums = centered * classSums.transpose();  // n × classes

    std::vector<double> ownSimilarity(size_t(n), 0), margin(size_t(n), 0);
    std::vector<int> nearestOther(size_t(n), -1);
    for (int i = 0; i < n; ++i) {
        const int own = set.labels[size_t(i)];
        const double self = centered.row(i).squaredNorm();
        ownSimilarity[size_t(i)] = counts[size_t(own)] > 1 ? (toSums(i, own) - self) / (counts[size_t(own)] - 1) : 0;
        double best = -1e30;
        for (int c = 0; c < classes; ++c) {
            if (c == own || counts[size_t(c)] == 0) continue;
            const double similarity = toSums(i, c) / counts[size_t(c)];
            if (similarity > best) {
                best = similarity;
                nearestOther[size_t(i)] = c;
            }
        }
        margin[size_t(i)] = nearestOther[size_t(i)] >= 0 ? ownSimilarity[size_t(i)] - best : 1;
    }
    const double marginCutoff = lowCutoff(margin, options.robustZ);
    const double outlierCutoff = lowCutoff(ownSimilarity, options.robustZ);

    // Neighbours and duplicates need photo-to-photo similarities: computed a block of rows at a
    // time so that large projects never hold N×N numbers.
    std::vector<int> neighbourVotes(size_t(n), 0), duplicateOf(size_t(n), -1);
    std::vector<double> duplicateCosine(size_t(n), 0);
    const int k = std::min(options.neighbours, n - 1);
    for (Eigen::Index start = 0; start < n; start += kRowsPerBlock) {
        throwIfCanceled(feedback);
        reportProgress(feedback, start, n, QStringLiteral("auditing photos"));
        const Eigen::Index rows = std::min<Eigen::Index>(kRowsPerBlock, n - start);
        const Matrix block = set.vectors.middleRows(start, rows) * set.vectors.transpose();
        std::vector<int> order(static_cast<size_t>(n));
        for (Eigen::Index r = 0; r < rows; ++r) {
            const int i = int(start + r);
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(order.begin(), order.begin() + k + 1, order.end(),
                              [&](int a, int b) { return block(r, a) > block(r, b); });
            const int suspectClass = nearestOther[size_t(i)];
            int taken = 0;
            for (int j : order) {
                if (j == i) continue;
                if (taken++ == k) break;
                if (set.labels[size_t(j)] == suspectClass) ++neighbourVotes[size_t(i)];
            }
            for (int j = 0; j < n; ++j) {
                if (set.labels[size_t(j)] == set.labels[size_t(i)] || block(r, j) < options.duplicateCosine) continue;
                if (block(r, j) > duplicateCosine[size_t(i)]) {
                    duplicateCosine[size_t(i)] = block(r, j);
                    duplicateOf[size_t(i)] = j;
                }
            }
        }
    }
    reportProgress(feedback, n, n, QString());

    for (int i = 0; i < n; ++i) {
        SuspectPhoto suspect;
        suspect.row = i;
        suspect.mislabelScore = margin[size_t(i)];
        suspect.outlierScore = ownSimilarity[size_t(i)];
        const QString own = set.classNames[set.labels[size_t(i)]];
        QStringList sentences;
        const int other = nearestOther[size_t(i)];
        if (other >= 0 && margin[size_t(i)] < 0 && margin[size_t(i)] < marginCutoff && 2 * neighbourVotes[size_t(i)] > k) {
            suspect.reasons << QStringLiteral("likely mislabeled");
            suspect.likelyClass = other;
            sentences << QStringLiteral("looks like \"%1\" rather than \"%2\" (class-mean margin %3; %4 of its %5 nearest photos are \"%1\")")
                             .arg(set.classNames[other], own).arg(margin[size_t(i)], 0, 'f', 3)
                             .arg(neighbourVotes[size_t(i)]).arg(k);
        }
        if (counts[size_t(set.labels[size_t(i)])] > 2 && ownSimilarity[size_t(i)] < outlierCutoff) {
            suspect.reasons << QStringLiteral("outlier");
            sentences << QStringLiteral("unusually unlike the rest of \"%1\" (similarity %2)").arg(own).arg(ownSimilarity[size_t(i)], 0, 'f', 3);
        }
        if (duplicateOf[size_t(i)] >= 0) {
            suspect.reasons << QStringLiteral("cross-class duplicate");
            suspect.duplicateOf = duplicateOf[size_t(i)];
            suspect.duplicateCosine = duplicateCosine[size_t(i)];
            sentences << QStringLiteral("nearly identical (cosine %1) to %2 in \"%3\"")
                             .arg(duplicateCosine[size_t(i)], 0, 'f', 3)
                             .arg(set.paths.value(duplicateOf[size_t(i)]))
                             .arg(set.classNames[set.labels[size_t(duplicateOf[size_t(i)])]]);
        }
        if (suspect.reasons.isEmpty()) continue;
        suspect.explanation = sentences.join(QStringLiteral("; "));
        report.suspects.push_back(suspect);
    }
    std::stable_sort(report.suspects.begin(), report.suspects.end(), [](const SuspectPhoto& a, const SuspectPhoto& b) {
        const bool aMislabel = a.likelyClass >= 0, bMislabel = b.likelyClass >= 0;
        if (aMislabel != bMislabel) return aMislabel;
        return a.mislabelScore < b.mislabelScore;
    });
    return report;
}

QJsonObject AuditReport::toJson(const EmbeddingSet& set) const
{
    QJsonArray list;
    for (const SuspectPhoto& s : suspects) {
        QJsonObject entry{{QStringLiteral("file"), set.paths.value(s.row)},
                          {QStringLiteral("class"), set.classNames.value(set.labels[size_t(s.row)])},
                          {QStringLiteral("reasons"), QJsonArray::fromStringList(s.reasons)},
                          {QStringLiteral("explanation"), s.explanation},
                          {QStringLiteral("mislabel_margin"), s.mislabelScore},
                          {QStringLiteral("own_class_similarity"), s.outlierScore}};
        if (s.likelyClass >= 0) entry.insert(QStringLiteral("likely_class"), set.classNames[s.likelyClass]);
        if (s.duplicateOf >= 0) {
            entry.insert(QStringLiteral("duplicate_of"), set.paths.value(s.duplicateOf));
            entry.insert(QStringLiteral("duplicate_cosine"), s.duplicateCosine);
        }
        list.append(entry);
    }
    return QJsonObject{{QStringLiteral("photos"), set.size()},
                       {QStringLiteral("suspects"), list},
                       {QStringLiteral("method"),
                        QStringLiteral("leave-one-out class-mean margin on centered embeddings with a robust "
                                       "(median − 2·MAD) cutoff, nearest-neighbour vote, within-class similarity, "
                                       "and cross-class cosine")}};
}

} // namespace exemplar
