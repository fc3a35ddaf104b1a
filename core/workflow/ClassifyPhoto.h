#pragma once
// One photo file through a trained classifier, the same way in exemplar-cli classify and in the
// window's Classify tab: a bounded read of a regular file, a decode at the size the network needs
// (a 14000² JPEG is decoded at 1/8 scale, not into 600 MB), the embedding, the prediction.
#include "ReferenceHead.h"

#include <QString>

namespace exemplar {

class Embedder;

struct PhotoVerdict {
    QString error;          // why the photo could not be classified; empty when it was
    Prediction prediction;  // the head's answer (its own threshold decides "unknown")
    bool ok() const { return error.isEmpty(); }
};

// Never throws for a bad photo (the verdict says why); throws Error when the model fails.
PhotoVerdict classifyPhotoFile(const QString& path, const ReferenceHead& head, Embedder& embedder);

} // namespace exemplar
