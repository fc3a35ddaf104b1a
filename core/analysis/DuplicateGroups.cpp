#include "DuplicateGroups.h"

#include "EmbeddingSet.h"
#include "Feedback.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <numeric>

namespace exemplar {

namespace {

// Union–find with path halving: groups are merged pair by pair as the search finds them.
class Components {
public:
    explicit Components(int n) : parent_(size_t(n)) { std::iota(parent_.begin(), parent_.end(), 0); }
    int root(int i)
    {
        while (parent_[size_t(i)] != i) i = parent_[size_t(i)] = parent_[size_t(parent_[size_t(i)])];
        return i;
    }
    void join(int a, int b)
    {
        a = root(a);
        b = root(b);
        if (a != b) parent_[size_t(std::max(a, b))] = std::min(a, b);  // the lower row is the root
    }

private:
    std::vector<int> parent_;
};

// Joins the photos whose fingerprints show the same picture (PictureFingerprint.h) and whose
// embeddings are at least kSamePictureMinCosine alike, and shows VISIT each such pair once with its
// cosine. Two hashes at most 7 bits apart agree on at least one of their 8 bytes, so only photos
// that share a byte at some position are compared: a pair is taken up at the first position
// where its bytes agree. Not all pairs (20,000 photos of one shape took 1.3 s that way).
void joinSamePictures(const EmbeddingSet& set, Components& components, const NearPairVisitor& visit,
                      const Feedback* feedback)
{
    static_assert(kSamePictureHashBits < 8, "the buckets below assume some byte of two hashes agrees");
    const std::vector<PictureFingerprint>& fingerprints = set.fingerprints;
    if (fingerprints.size() != size_t(set.size())) return;
    const auto byteOf = [&](int row, int position) { return int((fingerprints[size_t(row)].hash >> (8 * position)) & 0xFF); };
    std::vector<std::vector<int>> bucket(256);
    for (int position = 0; position < 8; ++position) {
        throwIfCanceled(feedback);
        for (std::vector<int>& rows : bucket) rows.clear();
        for (int row = 0; row < set.size(); ++row)
            if (fingerprints[size_t(row)].known()) bucket[size_t(byteOf(row, position))].push_back(row);
        for (const std::vector<int>& rows : bucket) {
            for (size_t a = 0; a < rows.size(); ++a) {
                if (a % 256 == 255) throwIfCanceled(feedback);
                for (size_t b = a + 1; b < rows.size(); ++b) {
                    const int i = rows[a], j = rows[b];  // i < j: rows were added in order
                    bool seenBefore = false;
                    for (int earlier = 0; earlier < position && !seenBefore; ++earlier)
                        seenBefore = byteOf(i, earlier) == byteOf(j, earlier);
                    if (seenBefore || !samePicture(fingerprints[size_t(i)], fingerprints[size_t(j)])) continue;
                    const double cosine = double(set.vectors.row(i).dot(set.vectors.row(j)));
                    if (cosine < kSamePictureMinCosine) continue;
                    components.join(i, j);
                    if (visit) visit(i, j, cosine);
                }
            }
        }
    }
}

} // namespace

DuplicateGroups DuplicateGroups::singletons(int photos)
{
    DuplicateGroups groups;
    groups.groupOf.resize(size_t(photos));
    std::iota(groups.groupOf.begin(), groups.groupOf.end(), 0);
    groups.count = photos;
    return groups;
}

std::vector<int> DuplicateGroups::sizes() const
{
    std::vector<int> result(static_cast<size_t>(count), 0);
    for (int g : groupOf) ++result[size_t(g)];
    return result;
}

int DuplicateGroups::groupedPhotos() const
{
    int photos = 0;
    for (int size : sizes()) photos += size > 1 ? size : 0;
    return photos;
}

int DuplicateGroups::sharedGroups() const
{
    const std::vector<int> all = sizes();
    return int(std::count_if(all.begin(), all.end(), [](int size) { return size > 1; }));
}

std::vector<std::vector<int>> DuplicateGroups::members() const
{
    std::vector<std::vector<int>> result(static_cast<size_t>(count));
    for (size_t row = 0; row < groupOf.size(); ++row) result[size_t(groupOf[row])].push_back(int(row));
    return result;
}

std::vector<int> DuplicateGroups::forRows(const std::vector<int>& rows) const
{
    std::vector<int> result;
    result.reserve(rows.size());
    for (int row : rows) result.push_back(groupOf[size_t(row)]);
    return result;
}

QJsonObject DuplicateGroups::toJson() const
{
    QJsonObject json{{QStringLiteral("groups"), sharedGroups()},
                     {QStringLiteral("photos"), groupedPhotos()},
                     {QStringLiteral("cosine"), cosine},
                     {QStringLiteral("rule"), QStringLiteral("same file content, embedding cosine at or above the "
                                                             "threshold, or the same picture at another size "
                                                             "(perceptual hash and shape; connected, across classes)")}};
    if (search.hashed) json.insert(QStringLiteral("expected_pair_recall"), search.recall);
    return json;
}

QString duplicateGroupsSummary(int groupedPhotos, int sharedGroups)
{
    return QStringLiteral("grouped %1 near-identical photos into %2 groups (kept on one side of every split)")
        .arg(groupedPhotos)
        .arg(sharedGroups);
}

DuplicateGroups findDuplicateGroups(const EmbeddingSet& set, const NearDuplicateSearch& search,
                                    const Feedback* feedback, const NearPairVisitor& visit)
{
    const int n = set.size();
    Components components(n);
    // Byte-identical files first: they are one picture whatever the threshold.
    QHash<QString, int> firstWithContent;
    for (int row = 0; row < n && row < set.contentHashes.size(); ++row) {
        const QString& hash = set.contentHashes[row];
        if (hash.isEmpty()) continue;
        const auto found = firstWithContent.constFind(hash);
        if (found == firstWithContent.constEnd()) firstWithContent.insert(hash, row);
        else components.join(*found, row);
    }
    DuplicateGroups groups;
    NearDuplicateSearch resolved = search;
    if (!(resolved.cosine > 0)) resolved.cosine = set.nearIdenticalCosineOrDefault();
    groups.cosine = resolved.cosine;
    groups.search = findNearDuplicatePairs(set.vectors, resolved, [&](int i, int j, double cosine) {
        components.join(i, j);
        if (visit) visit(i, j, cosine);
    }, feedback);
    joinSamePictures(set, components, visit, feedback);

    // Number the groups in order of their first photo (roots are the lowest row of each group).
    groups.groupOf.assign(size_t(n), -1);
    for (int row = 0; row < n; ++row) {
        const int root = components.root(row);
        if (root == row) groups.groupOf[size_t(row)] = groups.count++;
        else groups.groupOf[size_t(row)] = groups.groupOf[size_t(root)];
    }
    return groups;
}

std::vector<std::vector<std::vector<int>>> groupsPerClass(const std::vector<int>& labels, const std::vector<int>& groups,
                                                          int classCount)
{
    std::vector<std::vector<std::vector<int>>> result(size_t(std::max(0, classCount)));
    if (groups.empty()) {
        for (size_t row = 0; row < labels.size(); ++row) result[size_t(labels[row])].push_back({int(row)});
        return result;
    }
    // Groups in order of first row; ids need not be dense (a subset's groups keep the whole set's).
    QHash<int, int> indexOfGroup;
    std::vector<std::vector<int>> rowsOfGroup;
    for (size_t row = 0; row < labels.size(); ++row) {
        const auto found = indexOfGroup.constFind(groups[row]);
        const int index = found != indexOfGroup.constEnd() ? *found : int(rowsOfGroup.size());
        if (found == indexOfGroup.constEnd()) {
            indexOfGroup.insert(groups[row], index);
            rowsOfGroup.emplace_back();
        }
        rowsOfGroup[size_t(index)].push_back(int(row));
    }
    std::vector<int> votes(size_t(std::max(0, classCount)));
    for (std::vector<int>& rows : rowsOfGroup) {
        std::fill(votes.begin(), votes.end(), 0);
        for (int row : rows) ++votes[size_t(labels[size_t(row)])];
        const auto owner = std::max_element(votes.begin(), votes.end()) - votes.begin();  // first of the ties
        result[size_t(owner)].push_back(std::move(rows));
    }
    return result;
}

int picturesAmong(const std::vector<int>& rows, const std::vector<int>& groups)
{
    if (groups.empty()) return int(rows.size());
    QSet<int> pictures;
    for (int row : rows) pictures.insert(groups[size_t(row)]);
    return int(pictures.size());
}

} // namespace exemplar
