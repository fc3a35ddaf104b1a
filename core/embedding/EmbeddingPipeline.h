#pragma once
// The machinery behind embedDataset: photos are stat'ed, read, hashed, looked up (project index,
// then cache) and decoded by reader threads, and the ones still missing are embedded by one
// network per inference thread, so decoding overlaps inference and both cores stay busy. The
// calling thread only coordinates: it reports progress, streams outcomes in dataset order and
// notices cancellation, then stops and joins every thread before it returns or throws.
//
// Why several networks instead of one multi-threaded one: OpenCV DNN spreads a batch-1 forward
// pass of EfficientNet-B0 over two threads poorly (many small layers, a barrier after each), while
// two independent single-threaded passes keep both cores busy. While more than one network runs,
// the pipeline holds an OpenCV parallel region, which makes OpenCV 4.x run every other
// parallel_for_ of the process serially (its nesting guard is process-wide), so the networks do
// not also fight over OpenCV's thread pool. Only speed depends on this; results do not.
#include "EmbedDataset.h"

namespace exemplar {

class Embedder;
class EmbeddingCache;
class Feedback;

// The rows of the photos that could be embedded, in dataset order; skipped photos in REPORT.
EmbeddingSet runEmbeddingPipeline(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache,
                                  Feedback* feedback, EmbedReport* report, const EmbedOptions& options);

// Inference threads used when EmbedOptions::inferenceThreads is 0: one per core, at most 4, and at
// most OPENCV_FOR_THREADS_NUM when that is set (a process's share of the cores).
int defaultInferenceThreads();

// The extra networks are kept after a run, so that the next one (a GUI reopening or extending a
// project) starts at full speed; this frees them (and waits for any still loading).
void releaseSpareEmbedders();

} // namespace exemplar
