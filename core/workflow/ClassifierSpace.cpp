#include "ClassifierSpace.h"

#include "Error.h"

namespace exemplar {

EmbeddingSet inClassifierSpace(const EmbeddingSet& set, const ReferenceHead& head)
{
    if (head.hasTransform() && set.size() > 0 && head.inputDim() != set.dim())
        throw Error(QStringLiteral("the reference set was made from %1-dimensional embeddings, the photos have %2")
                        .arg(head.inputDim())
                        .arg(set.dim()));
    EmbeddingSet mapped = set;
    mapped.vectors = head.transformRows(set.vectors);
    return mapped;
}

} // namespace exemplar
