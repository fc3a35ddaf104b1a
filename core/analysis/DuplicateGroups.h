#pragma once
// Near-identical photos grouped, so that every split (held-out, pool/test, cross-validation
// folds) can keep a group on one side: a test photo whose re-encoded or re-cropped copy trained
// the method measures memory, not accuracy. A group is a connected component of "same file
// content (SHA-256), embedding cosine ≥ kNearDuplicateCosine, or the same picture at another size
// (PictureFingerprint.h, when the set has fingerprints)" over all photos, across classes
// too: a picture filed under two classes is still one picture, and splitting it would score a
// test photo against its own copy (the audit flags it as a cross-class duplicate besides).
#include "NearDuplicatePairs.h"

#include <QJsonObject>
#include <QString>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct DuplicateGroups {
    std::vector<int> groupOf;  // per photo: its group, 0…count−1, numbered in order of first photo
    int count = 0;             // groups, lone photos included
    double cosine = kNearDuplicateCosine;  // the threshold they were grouped at
    NearDuplicateSearchResult search;

    // Every photo on its own: what splits assume when no groups are given.
    static DuplicateGroups singletons(int photos);
    int photos() const { return int(groupOf.size()); }
    std::vector<int> sizes() const;  // photos per group
    int groupedPhotos() const;  // photos that share their group with another
    int sharedGroups() const;   // groups of two or more photos
    std::vector<std::vector<int>> members() const;  // rows of each group, ascending
    std::vector<int> forRows(const std::vector<int>& rows) const;  // groupOf of those rows
    // {"groups": groups of two or more, "photos": photos in them, "cosine": the threshold, …}
    QJsonObject toJson() const;
};

// "grouped N near-identical photos into G groups (kept on one side of every split)"
QString duplicateGroupsSummary(int groupedPhotos, int sharedGroups);

// VISIT, if given, also sees every near pair found (the audit uses them without a second search).
DuplicateGroups findDuplicateGroups(const EmbeddingSet& set, const NearDuplicateSearch& search = {},
                                    const Feedback* feedback = nullptr, const NearPairVisitor& visit = {});

// Each class's groups (rows ascending, groups in order of their first row), for stratified
// splits that move whole groups. GROUPS empty: every photo is its own group. A group whose
// photos carry several labels belongs to the class most of them carry (ties: the lower class).
std::vector<std::vector<std::vector<int>>> groupsPerClass(const std::vector<int>& labels, const std::vector<int>& groups,
                                                          int classCount);

// How many distinct pictures ROWS hold: near-identical photos (one group in GROUPS) count once,
// as they are answered alike and so are one trial of an accuracy, not several. GROUPS empty:
// every photo is its own picture.
int picturesAmong(const std::vector<int>& rows, const std::vector<int>& groups);

} // namespace exemplar
