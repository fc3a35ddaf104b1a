#pragma once
// Embedded photos with their labels and provenance: the input of every method. A plain value
// type: how the vectors were made is the embedding stage's business (embedding/EmbedDataset.h).
#include "Dataset.h"
#include "NearDuplicateThreshold.h"
#include "PictureFingerprint.h"
#include "Types.h"

#include <QStringList>
#include <vector>

namespace exemplar {

struct EmbeddingSet {
    QStringList classNames;
    Matrix vectors;                 // N×d, rows L2-normalized
    std::vector<int> labels;        // N
    QStringList paths;              // N
    QStringList contentHashes;      // N, SHA-256 hex of the file bytes
    // N, or empty: what each photo shows, whatever its size (unknown ones when not measured, e.g.
    // a set read back from a file); duplicate groups join same pictures by it.
    std::vector<PictureFingerprint> fingerprints;
    // N, or empty (every photo alone): photos with the same number are near-identical copies,
    // which every split keeps on one side (analysis/DuplicateGroups.h fills it).
    std::vector<int> groups;
    // The cosine at or above which two of these embeddings are the same picture: the model's own
    // (ModelSpec::nearIdenticalCosine, set by embedDataset); 0 when unknown, which means
    // kNearDuplicateCosine (base/NearDuplicateThreshold.h).
    double nearIdenticalCosine = 0;
    // The threshold in force: nearIdenticalCosine, or kNearDuplicateCosine when unknown.
    double nearIdenticalCosineOrDefault() const
    {
        return nearIdenticalCosine > 0 ? nearIdenticalCosine : kNearDuplicateCosine;
    }
    // The whitened class mean's shrinkage that suits these embeddings: the model's own
    // (ModelSpec::classMeanShrinkage, set by embedDataset); 0 when unknown, which means training's
    // default (TrainingOptions::classMeanWhiteningShrinkage).
    double classMeanShrinkage = 0;
    // The within-class whitening's shrinkage, likewise (ModelSpec::discriminantShrinkage).
    double discriminantShrinkage = 0;

    int size() const { return int(labels.size()); }
    int dim() const { return int(vectors.cols()); }
    int classCount() const { return classNames.size(); }
    std::vector<int> countsPerClass() const;
    EmbeddingSet subset(const std::vector<int>& rows) const;
};

} // namespace exemplar
