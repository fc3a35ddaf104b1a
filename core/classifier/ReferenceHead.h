#pragma once
// The classifier every method produces: an optional linear transform of the query embedding
// (centering, then a projection such as PCA whitening, then L2 normalization) followed by an
// argmax of dot products with reference vectors (plus a per-reference bias, zero for
// nearest-neighbour methods). A class's score is its best reference's score.
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
    bool unknown = false;            // best score below the head's rejection threshold
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
    // A photo whose best class score is below this is answered "unknown" (a photo of none of the
    // classes). −∞: never. Calibrated on the training photos (see Rejection.h).
    float rejectBelow = -std::numeric_limits<float>::infinity();

    int referenceCount() const { return int(references.rows()); }
    int dim() const { return int(references.cols()); }  // of references (after the transform)
    int inputDim() const;                                // of query embeddings
    bool hasTransform() const { return center.size() > 0 || projection.size() > 0; }
    std::vector<int> referencesPerClass() const;

    Vector transform(const Vector& embedding) const;
    Prediction predict(const Vector& embedding) const;
    std::vector<int> predictClasses(const Matrix& embeddings) const;  // one best class per row
};

} // namespace exemplar
