#include "EmbeddingSet.h"

namespace exemplar {

std::vector<int> EmbeddingSet::countsPerClass() const
{
    std::vector<int> counts(size_t(classCount()), 0);
    for (int label : labels) ++counts[size_t(label)];
    return counts;
}

EmbeddingSet EmbeddingSet::subset(const std::vector<int>& rows) const
{
    EmbeddingSet result;
    result.classNames = classNames;
    result.nearIdenticalCosine = nearIdenticalCosine;
    result.classMeanShrinkage = classMeanShrinkage;
    result.discriminantShrinkage = discriminantShrinkage;
    result.vectors.resize(Eigen::Index(rows.size()), vectors.cols());
    result.labels.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const int row = rows[i];
        result.vectors.row(Eigen::Index(i)) = vectors.row(row);
        result.labels.push_back(labels[size_t(row)]);
        if (!paths.isEmpty()) result.paths << paths[row];
        if (!contentHashes.isEmpty()) result.contentHashes << contentHashes[row];
        if (!fingerprints.empty()) result.fingerprints.push_back(fingerprints[size_t(row)]);
        if (!groups.empty()) result.groups.push_back(groups[size_t(row)]);
    }
    return result;
}

} // namespace exemplar
