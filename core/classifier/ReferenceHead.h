#pragma once
// The classifier every method produces: an optional linear transform of the query embedding
// (centering, then a projection such as PCA whitening, then L2 normalization) followed by an
// argmax of dot products with reference vectors (plus a per-reference bias, zero for
// nearest-neighbour methods). A class's score is its best reference's score. Whether the photo
// shows any of the classes at all ("unknown") is decided apart from the class, in the raw
// embedding space (Familiarity.h).
#include "Types.h"

#include <QString>
#include <QStringList>
#include <limits>
#include <vector>

namespace exemplar {

struct ReferenceInfo {
    QString file;         // source file name (or a description, e.g. "mean of 12 photos")
    QString contentHash;  // SHA-256 hex of the source file; empty for synthetic references
};

struct ClassScore {
    int classIndex = -1;
    float score = 0;
    int referenceIndex = -1;  // the reference that gave this class its score
};

struct Prediction {
    std::vector<ClassScore> ranked;  // every class with references, best first
    float margin = 0;                // best score minus second best (0 with one class)
    // What the head's rejection threshold is compared with: the cosine to the nearest training
    // photo in the raw embedding, or (heads without training photos: reference sets of format 1)
    // the best class score.
    float unknownScore = 0;
    bool unknown = false;            // unknownScore below the head's rejection threshold
    int bestClass() const { return ranked.empty() ? -1 : ranked.front().classIndex; }
    // The answer to show: the best class, or −1 for "unknown".
    int answer() const { return unknown ? -1 : bestClass(); }
};

struct ReferenceHead {
    QStringList classNames;
    // Query transform: y = P·(x − center), then y/|y|. Both parts are optional; with neither, the
    // query is used as it is (embeddings are already unit length).
    Vector center;                    // empty, or inputDim()
    Matrix projection;                // empty, or dim()×inputDim()
    Matrix references;                // R×dim()
    Vector bias;                      // R (zeros for nearest-neighbour heads)
    std::vector<int> referenceClass;  // R
    std::vector<ReferenceInfo> referenceInfo;  // R
    // The training photos' raw embeddings (familiarPhotos(), N×inputDim()). With them, a photo is
    // "unknown" when its cosine to the nearest of them is below rejectBelow. Without them (sets
    // written before format 2 keep their old rule) when its best class score is.
    Matrix trainingPhotos;
    // A photo whose unknownScore is below this is answered "unknown" (a photo of none of the
    // classes). −∞: never. Calibrated on the training photos (see Rejection.h).
    float rejectBelow = -std::numeric_limits<float>::infinity();

    int referenceCount() const { return int(references.rows()); }
    int dim() const { return int(references.cols()); }  // of references (after the transform)
    int inputDim() const;                                // of query embeddings
    bool judgesUnknownByTrainingPhotos() const { return trainingPhotos.rows() > 0; }
    bool hasTransform() const { return center.size() > 0 || projection.size() > 0; }
    std::vector<int> referencesPerClass() const;

    // In words, for the CLI and the window alike: when this head answers "unknown".
    QString unknownRule() const;
    // Why PREDICTION (made by this head) was answered "unknown": its score against the threshold.
    // A score that is not a number (a result saved before it was recorded) is left out.
    QString unknownReason(const Prediction& prediction) const;

    Vector transform(const Vector& embedding) const;
    // The same transform applied to every row of EMBEDDINGS (N×inputDim() → N×dim()): the space
    // the references live in, where the head scores by dot products.
    Matrix transformRows(const Matrix& embeddings) const;
    Prediction predict(const Vector& embedding) const;
    std::vector<int> predictClasses(const Matrix& embeddings) const;  // one best class per row
};

} // namespace exemplar
