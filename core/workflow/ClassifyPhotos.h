#pragma once
// Photo files through a trained classifier, the same way in exemplar-cli classify and in the
// window's Classify tab: through the embedding pipeline (bounded reads of regular files, decoding at
// the size the network needs, ahead of inference, one network per core, the cache), then the head.
#include "ReferenceHead.h"

#include <QStringList>
#include <functional>

namespace exemplar {

class Embedder;
class EmbeddingCache;
class Feedback;

struct PhotoVerdict {
    QString error;          // why the photo could not be classified; empty when it was
    Prediction prediction;  // the head's answer (its own threshold decides "unknown")
    bool ok() const { return error.isEmpty(); }
};

// Classifies the photo files PATHS and hands each verdict to ON_VERDICT (with its index into PATHS)
// on the calling thread, in PATHS' order, as soon as it is known. A bad photo gets a verdict that
// says why; CACHE may be null. Throws OperationCanceled when FEEDBACK is canceled, Error when the
// model fails; what ON_VERDICT throws ends the call too, after the pipeline's threads have stopped.
void classifyPhotoFiles(const QStringList& paths, const ReferenceHead& head, Embedder& embedder,
                        const EmbeddingCache* cache, Feedback* feedback,
                        const std::function<void(int index, const PhotoVerdict& verdict)>& onVerdict);

} // namespace exemplar
