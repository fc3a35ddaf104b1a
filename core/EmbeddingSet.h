#pragma once
// Embedded photos with their labels and provenance: the input of every method.
#include "Dataset.h"
#include "Types.h"

#include <QStringList>
#include <vector>

namespace exemplar {

class Embedder;
class EmbeddingCache;
class Feedback;

struct EmbeddingSet {
    QStringList classNames;
    Matrix vectors;                 // N×d, rows L2-normalized
    std::vector<int> labels;        // N
    QStringList paths;              // N
    QStringList contentHashes;      // N, SHA-256 hex of the file bytes

    int size() const { return int(labels.size()); }
    int dim() const { return int(vectors.cols()); }
    int classCount() const { return classNames.size(); }
    std::vector<int> countsPerClass() const;
    EmbeddingSet subset(const std::vector<int>& rows) const;
};

struct EmbedReport {
    int computed = 0;   // photos run through the network
    int fromCache = 0;  // photos whose embedding came from the cache
    std::vector<SkippedFile> skipped;  // unreadable or undecodable photos
};

// Embeds every photo of DATASET (cache first, network otherwise). Bad photos are skipped and
// listed in REPORT. Throws OperationCanceled when FEEDBACK is canceled.
EmbeddingSet embedDataset(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache,
                          Feedback* feedback, EmbedReport* report);

} // namespace exemplar
