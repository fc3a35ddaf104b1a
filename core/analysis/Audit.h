#pragma once
// Suspect training photos, so the user can look before trusting them as references:
//   likely mislabeled   — it sits closer to another class than to its own: its similarity to its
//                         own class mean (leave-one-out) is far below the others' and below that
//                         to another class's mean, and most of its nearest neighbours agree
//   outlier             — unusually dissimilar to the rest of its own class
//   cross-class duplicate — nearly the same picture as a photo of another class
// and lists within-class duplicate groups: copies of one picture in one class (re-encoded,
// re-cropped, or the same file twice). Those are not wrong, but they add no information, and
// every split keeps them on one side (DuplicateGroups.h) so that they cannot inflate a figure.
// "Far below" is relative to the collection (median − 2·MAD of the score), so a hard
// fine-grained set does not flag half its photos. Photos are flagged, never dropped: the design
// notes found that dropping flagged photos automatically helps some sets and hurts others.
#include "DuplicateGroups.h"
#include "Types.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct AuditOptions {
    int neighbours = 5;
    double duplicateCosine = 0;  // cosine of the raw embeddings; 0: the model's (EmbeddingSet::nearIdenticalCosine)
    double robustZ = 2.0;           // how many MADs below the median counts as unusual (≈1% of clean photos)
    // Duplicates: all pairs up to this many photos, locality-sensitive hashing above (see
    // NearDuplicatePairs.h; the report says how many pairs are expected to be found).
    int exactPairsUpTo = 10000;
    // Nearest-neighbour votes are needed only for mislabel candidates and are exact while
    // candidates × N stays below this; above, neighbours are sought among a seeded sample.
    qint64 maxNeighbourPairs = 250'000'000;
    quint64 seed = 1;               // the hashing and the neighbour sample
};

struct SuspectPhoto {
    int row = -1;
    QStringList reasons;           // "likely mislabeled", "outlier", "cross-class duplicate"
    QString explanation;           // one readable sentence with the numbers
    int likelyClass = -1;          // for mislabels: the class it resembles most
    int duplicateOf = -1;          // for duplicates: the row of the other photo
    double mislabelScore = 0;      // own-class margin (negative: closer to likelyClass)
    double outlierScore = 0;       // leave-one-out similarity to its own class mean
    double duplicateCosine = 0;
};

// Photos of one class that are near-identical (one group of DuplicateGroups, within its class).
struct WithinClassDuplicates {
    int classIndex = -1;
    std::vector<int> rows;        // ascending
    std::vector<double> cosines;  // per row: its highest cosine to another photo of the group
};

struct AuditReport {
    std::vector<SuspectPhoto> suspects;  // sorted: mislabels first, then by score
    std::vector<WithinClassDuplicates> withinClassDuplicates;  // in order of their first photo
    DuplicateGroups groups;              // every near-duplicate group, across classes too
    // How exhaustive the pair searches were (large projects: not every pair is compared).
    bool duplicatesHashed = false;       // locality-sensitive hashing instead of all pairs
    double duplicateRecall = 1.0;        // expected share of duplicate pairs found (at duplicateCosine)
    int neighbourSample = 0;             // neighbours among this many sampled photos (0: all photos)
    bool sampled() const { return duplicatesHashed || neighbourSample > 0; }
    QString searchNote() const;          // one sentence for the UI and the CLI; empty when exhaustive
    QJsonObject toJson(const EmbeddingSet& set) const;
};

AuditReport auditPhotos(const EmbeddingSet& set, const AuditOptions& options = {}, const Feedback* feedback = nullptr);

} // namespace exemplar
