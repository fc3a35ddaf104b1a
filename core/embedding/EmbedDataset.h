#pragma once
// The embedding stage's entry point: every photo of a Dataset → one L2-normalized row of an
// EmbeddingSet, through the project index, the cache and the network (EmbeddingPipeline.h says how).
#include "Dataset.h"
#include "EmbeddingSet.h"
#include "PictureFingerprint.h"
#include "Types.h"

#include <QByteArray>
#include <QStringList>
#include <functional>
#include <vector>

namespace exemplar {

class Embedder;
class EmbeddingCache;
class Feedback;

struct EmbedReport {
    int computed = 0;   // photos run through the network
    int fromCache = 0;  // photos whose embedding came from the cache
    int hashed = 0;     // photos read and hashed (the others were trusted from the project index)
    int damagedCacheEntries = 0;  // cache entries that failed their checks and were recomputed
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
    PictureFingerprint fingerprint;  // what it shows (unknown when it could not be measured)
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
