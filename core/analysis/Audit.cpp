#include "Audit.h"

#include "EmbeddingSet.h"
#include "Feedback.h"
#include "Random.h"

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

// For each photo, its most similar photo of another class at or above a cosine (-1: none).
struct Duplicates {
    std::vector<int> of;
    std::vector<double> cosine;

    explicit Duplicates(int n) : of(size_t(n), -1), cosine(size_t(n), 0) {}
    void consider(int i, int j, double similarity)
    {
        if (similarity > cosine[size_t(i)]) {
            cosine[size_t(i)] = similarity;
            of[size_t(i)] = j;
        }
    }
};

// Each duplicate group's photos of one class, where there are two or more, with how close each
// is to its nearest copy (groups are small: all their pairs are compared).
std::vector<WithinClassDuplicates> withinClassDuplicates(const EmbeddingSet& set, const DuplicateGroups& groups)
{
    std::vector<WithinClassDuplicates> result;
    for (const std::vector<int>& members : groups.members()) {
        if (members.size() < 2) continue;
        for (int c = 0; c < set.classCount(); ++c) {
            WithinClassDuplicates entry;
            entry.classIndex = c;
            for (int row : members)
                if (set.labels[size_t(row)] == c) entry.rows.push_back(row);
            if (entry.rows.size() < 2) continue;
            for (int row : entry.rows) {
                double best = -1;
                for (int other : entry.rows)
                    if (other != row) best = std::max(best, double(set.vectors.row(row).dot(set.vectors.row(other))));
                entry.cosines.push_back(std::min(best, 1.0));
            }
            result.push_back(std::move(entry));
        }
    }
    std::sort(result.begin(), result.end(), [](const WithinClassDuplicates& a, const WithinClassDuplicates& b) {
        return a.rows.front() < b.rows.front();
    });
    return result;
}

// How many of the K nearest photos (among BASE, ascending rows of A; the photo itself left out)
// of each of ROWS belong to the class in TARGETS (one per row).
std::vector<int> neighbourVotes(const Matrix& A, const std::vector<int>& labels, const std::vector<int>& rows,
                                const std::vector<int>& targets, const std::vector<int>& base, int k,
                                const Feedback* feedback)
{
    std::vector<int> votes(rows.size(), 0);
    if (rows.empty() || k <= 0) return votes;
    const bool all = Eigen::Index(base.size()) == A.rows();
    Matrix sample;
    if (!all) {
        sample.resize(Eigen::Index(base.size()), A.cols());
        for (size_t b = 0; b < base.size(); ++b) sample.row(Eigen::Index(b)) = A.row(base[b]);
    }
    const Matrix& columns = all ? A : sample;
    const int m = int(base.size());
    const int take = std::min(k + 1, m);  // one more: the photo itself may be among them
    Matrix queries, block;
    std::vector<int> order(static_cast<size_t>(m));
    for (size_t start = 0; start < rows.size(); start += size_t(kRowsPerBlock)) {
        throwIfCanceled(feedback);
        reportProgress(feedback, qint64(start), qint64(rows.size()), QStringLiteral("nearest neighbours of suspects"));
        const size_t count = std::min(size_t(kRowsPerBlock), rows.size() - start);
        queries.resize(Eigen::Index(count), A.cols());
        for (size_t r = 0; r < count; ++r) queries.row(Eigen::Index(r)) = A.row(rows[start + r]);
        block.noalias() = queries * columns.transpose();
        for (size_t r = 0; r < count; ++r) {
            const int i = rows[start + r];
            std::iota(order.begin(), order.end(), 0);
            std::partial_sort(order.begin(), order.begin() + take, order.end(), [&](int a, int b) {
                return block(Eigen::Index(r), a) > block(Eigen::Index(r), b);
            });
            int taken = 0;
            for (int position = 0; position < take && taken < k; ++position) {
                const int j = base[size_t(order[size_t(position)])];
                if (j == i) continue;
                ++taken;
                if (labels[size_t(j)] == targets[start + r]) ++votes[start + r];
            }
        }
    }
    return votes;
}

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
    // Outliers are judged in the raw embedding: centered, a photo of another kind altogether (a
    // daisy among near-identical car models) scores about as low as an ordinary car, since what
    // is left after the shared direction is mostly each photo's own detail (a review: robust z
    // −1.8 centered, −15 raw).
    Matrix rawClassSums = Matrix::Zero(classes, set.dim());
    for (int i = 0; i < n; ++i) rawClassSums.row(set.labels[size_t(i)]) += set.vectors.row(i);

    std::vector<double> ownSimilarity(size_t(n), 0), rawOwnSimilarity(size_t(n), 0), margin(size_t(n), 0);
    std::vector<int> nearestOther(size_t(n), -1);
    for (int i = 0; i < n; ++i) {
        const int own = set.labels[size_t(i)];
        const double self = centered.row(i).squaredNorm();
        ownSimilarity[size_t(i)] = counts[size_t(own)] > 1 ? (toSums(i, own) - self) / (counts[size_t(own)] - 1) : 0;
        rawOwnSimilarity[size_t(i)] =
            counts[size_t(own)] > 1
                ? (double(set.vectors.row(i).dot(rawClassSums.row(own))) - set.vectors.row(i).squaredNorm()) /
                      (counts[size_t(own)] - 1)
                : 0;
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
    const double outlierCutoff = lowCutoff(rawOwnSimilarity, options.robustZ);

    // Neighbours and duplicates need photo-to-photo similarities, computed a block of rows at a
    // time so that large projects never hold N×N numbers. Votes matter only for the photos the
    // class means already point elsewhere (mislabel candidates): only those look for neighbours.
    const int k = std::min(options.neighbours, n - 1);
    std::vector<int> candidates, targets;
    for (int i = 0; i < n; ++i)
        if (nearestOther[size_t(i)] >= 0 && margin[size_t(i)] < 0 && margin[size_t(i)] < marginCutoff) {
            candidates.push_back(i);
            targets.push_back(nearestOther[size_t(i)]);
        }
    std::vector<int> base(static_cast<size_t>(n));
    std::iota(base.begin(), base.end(), 0);
    if (!candidates.empty() && qint64(candidates.size()) * n > options.maxNeighbourPairs) {
        const int m = int(std::clamp<qint64>(options.maxNeighbourPairs / qint64(candidates.size()), k + 1, n));
        Random random(options.seed);
        random.shuffle(base);
        base.resize(size_t(m));
        std::sort(base.begin(), base.end());
        report.neighbourSample = m;
    }
    const std::vector<int> votes = neighbourVotes(set.vectors, set.labels, candidates, targets, base, k, feedback);
    std::vector<int> votesOf(size_t(n), 0);
    for (size_t c = 0; c < candidates.size(); ++c) votesOf[size_t(candidates[c])] = votes[c];

    Duplicates duplicates(n);
    const NearDuplicateSearch search{options.duplicateCosine, options.exactPairsUpTo, options.seed};
    report.groups = findDuplicateGroups(set, search, feedback, [&](int i, int j, double similarity) {
        if (set.labels[size_t(i)] == set.labels[size_t(j)]) return;
        duplicates.consider(i, j, similarity);
        duplicates.consider(j, i, similarity);
    });
    report.duplicatesHashed = report.groups.search.hashed;
    report.duplicateRecall = report.groups.search.recall;
    report.withinClassDuplicates = withinClassDuplicates(set, report.groups);
    const std::vector<int>& duplicateOf = duplicates.of;
    const std::vector<double>& duplicateCosine = duplicates.cosine;
    reportProgress(feedback, n, n, QString());

    for (int i = 0; i < n; ++i) {
        SuspectPhoto suspect;
        suspect.row = i;
        suspect.mislabelScore = margin[size_t(i)];
        suspect.outlierScore = rawOwnSimilarity[size_t(i)];
        const QString own = set.classNames[set.labels[size_t(i)]];
        QStringList sentences;
        const int other = nearestOther[size_t(i)];
        if (other >= 0 && margin[size_t(i)] < 0 && margin[size_t(i)] < marginCutoff && 2 * votesOf[size_t(i)] > k) {
            suspect.reasons << QStringLiteral("likely mislabeled");
            suspect.likelyClass = other;
            sentences << QStringLiteral("looks like \"%1\" rather than \"%2\" (class-mean margin %3; %4 of its %5 nearest photos are \"%1\")")
                             .arg(set.classNames[other], own).arg(margin[size_t(i)], 0, 'f', 3)
                             .arg(votesOf[size_t(i)]).arg(k);
        }
        if (counts[size_t(set.labels[size_t(i)])] > 2 && rawOwnSimilarity[size_t(i)] < outlierCutoff) {
            suspect.reasons << QStringLiteral("outlier");
            sentences << QStringLiteral("unusually unlike the rest of \"%1\" (similarity %2)").arg(own).arg(rawOwnSimilarity[size_t(i)], 0, 'f', 3);
        }
        if (duplicateOf[size_t(i)] >= 0) {
            suspect.reasons << QStringLiteral("cross-class duplicate");
            suspect.duplicateOf = duplicateOf[size_t(i)];
            suspect.duplicateCosine = duplicateCosine[size_t(i)];
            // Below the threshold, the pair was joined by its fingerprints: a copy resized or re-encoded.
            const bool resized = duplicateCosine[size_t(i)] < report.groups.cosine;
            sentences << (resized ? QStringLiteral("the same picture, resized or re-encoded (cosine %1), as %2 in \"%3\"")
                                  : QStringLiteral("nearly identical (cosine %1) to %2 in \"%3\""))
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

QString AuditReport::searchNote() const
{
    QStringList parts;
    if (duplicatesHashed)
        parts << QStringLiteral("duplicates were sought by locality-sensitive hashing, not among all "
                                "pairs (about %1% of duplicate pairs are expected to be found)")
                     .arg(100 * duplicateRecall, 0, 'f', 1);
    if (neighbourSample > 0)
        parts << QStringLiteral("nearest neighbours were sought among a seeded sample of %1 photos").arg(neighbourSample);
    if (parts.isEmpty()) return QString();
    return QStringLiteral("Large project: %1.").arg(parts.join(QStringLiteral("; ")));
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
    QJsonObject search{{QStringLiteral("sampled"), sampled()},
                       {QStringLiteral("duplicates"), duplicatesHashed ? QStringLiteral("locality-sensitive hashing")
                                                                       : QStringLiteral("all pairs")},
                       {QStringLiteral("neighbours"), neighbourSample > 0 ? QStringLiteral("seeded sample")
                                                                          : QStringLiteral("all photos")}};
    if (duplicatesHashed) search.insert(QStringLiteral("expected_duplicate_recall"), duplicateRecall);
    if (neighbourSample > 0) search.insert(QStringLiteral("neighbour_sample"), neighbourSample);
    QJsonArray withinClass;
    for (const WithinClassDuplicates& group : withinClassDuplicates) {
        QJsonArray files, cosines;
        for (size_t k = 0; k < group.rows.size(); ++k) {
            files.append(set.paths.value(group.rows[k]));
            cosines.append(group.cosines[k]);
        }
        withinClass.append(QJsonObject{{QStringLiteral("class"), set.classNames.value(group.classIndex)},
                                       {QStringLiteral("files"), files},
                                       {QStringLiteral("cosines"), cosines}});
    }
    return QJsonObject{{QStringLiteral("photos"), set.size()},
                       {QStringLiteral("suspects"), list},
                       {QStringLiteral("within_class_duplicates"), withinClass},
                       {QStringLiteral("duplicate_groups"), groups.toJson()},
                       {QStringLiteral("search"), search},
                       {QStringLiteral("note"), searchNote()},
                       {QStringLiteral("method"),
                        QStringLiteral("leave-one-out class-mean margin on centered embeddings with a robust "
                                       "(median − 2·MAD) cutoff, nearest-neighbour vote, within-class similarity, "
                                       "and near-duplicate cosine (duplicate groups: same content or cosine at the threshold, connected)")}};
}

} // namespace exemplar
