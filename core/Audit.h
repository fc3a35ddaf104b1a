#pragma once
// Suspect training photos, so the user can look before trusting them as references:
//   likely mislabeled   — it sits closer to another class than to its own: its similarity to its
//                         own class mean (leave-one-out) is far below the others' and below that
//                         to another class's mean, and most of its nearest neighbours agree
//   outlier             — unusually dissimilar to the rest of its own class
//   cross-class duplicate — nearly the same picture as a photo of another class
// "Far below" is relative to the collection (median − 2·MAD of the score), so a hard
// fine-grained set does not flag half its photos. Photos are flagged, never dropped: the design
// notes found that dropping flagged photos automatically helps some sets and hurts others.
#include "Types.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct AuditOptions {
    int neighbours = 5;
    double duplicateCosine = 0.95;  // cosine of the raw embeddings
    double robustZ = 2.0;           // how many MADs below the median counts as unusual (≈1% of clean photos)
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

struct AuditReport {
    std::vector<SuspectPhoto> suspects;  // sorted: mislabels first, then by score
    QJsonObject toJson(const EmbeddingSet& set) const;
};

AuditReport auditPhotos(const EmbeddingSet& set, const AuditOptions& options = {}, const Feedback* feedback = nullptr);

} // namespace exemplar
