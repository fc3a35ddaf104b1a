#pragma once
// Embedded photos with their labels and provenance: the input of every method.
#include "Dataset.h"
#include "Types.h"

#include <QByteArray>
#include <QStringList>
#include <functional>
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
    int hashed = 0;     // photos read and hashed (the others were trusted from the project index)
    std::vector<SkippedFile> skipped;  // unreadable or undecodable photos
    QStringList warnings;              // e.g. the same photo filed under two classes
};

// One photo's outcome, streamed while a dataset is embedded (see EmbedOptions::onPhoto).
struct EmbeddedPhoto {
    int photoIndex = -1;     // into Dataset::photos
    bool ok = false;         // false: skipped, see skipReason
    bool fromCache = false;
    Vector embedding;        // L2-normalized when ok
    QByteArray sha256Hex;    // content hash when ok
    QString skipReason;
};

struct EmbedOptions {
    // Networks run side by side, one thread each (0: one per core, at most 4). The caller's
    // Embedder is the first; the others are loaded from its spec once there is a backlog, and
    // kept for the next call (see releaseSpareEmbedders in EmbeddingPipeline.h).
    int inferenceThreads = 0;
    // Threads that stat, read, hash, look up the cache and decode photos ahead of inference.
    int decodeThreads = 1;
    // Decode JPEGs much larger than the network input at reduced size (decodePhoto with a target).
    bool reducedDecoding = true;
    // Use and update the project's index (EmbeddingIndex.h) when there is a cache.
    bool useIndex = true;
    // Called on the calling thread, in dataset order, as soon as each photo is settled: lets a
    // view fill in while a large project is embedded.
    std::function<void(const EmbeddedPhoto&)> onPhoto;
};

// Embeds every photo of DATASET (index and cache first, network otherwise), decoding ahead of
// inference on other threads. The result is in dataset order whatever the threading. Bad photos
// are skipped and listed in REPORT. Throws OperationCanceled when FEEDBACK is canceled (after the
// threads have stopped), and Error when the model fails.
EmbeddingSet embedDataset(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache,
                          Feedback* feedback, EmbedReport* report, const EmbedOptions& options = {});

} // namespace exemplar
