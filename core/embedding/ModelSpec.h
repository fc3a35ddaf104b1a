#pragma once
// The model spec: a small JSON file beside each ONNX model that says how to feed it and which
// output is the embedding, so that any ONNX image model can be plugged in without code changes.
#include "NearDuplicateThreshold.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <array>
#include <vector>

namespace exemplar {

// A network output appended to the embedding after the summed ones: an earlier layer's pooled
// feature map, whose detail the last layers pool away. L2-normalized and scaled by WEIGHT, so
// that it counts as much as the spec says against the summed part (a unit vector).
struct AppendedOutput {
    QString name;
    int dim = 0;
    double weight = 1.0;
};

struct ModelSpec {
    QString specPath;   // absolute path of the .json spec
    QString name;
    QString onnxPath;   // absolute
    QString inputName;
    int inputWidth = 224;
    int inputHeight = 224;
    bool rgb = true;                       // colour order the network expects
    double scale = 1.0 / 255.0;            // value = (pixel * scale - mean) / std
    std::array<double, 3> mean{{0, 0, 0}};
    std::array<double, 3> std{{1, 1, 1}};
    QString resize = QStringLiteral("area"); // "area" or "linear"
    // Test-time augmentation: "flip" averages the embeddings of the photo and its mirror image
    // (two forward passes), which makes the embedding blind to left/right orientation.
    bool flipAverage = false;
    // "crops" averages the whole photo with three crops of cropFraction of each side along its
    // longer side (four passes; "flip+crops" five): details of the object at a larger scale.
    bool cropAverage = false;
    double cropFraction = 0.8;
    // The network output(s) the embedding is read from. Several (e.g. the average-pooled and the
    // GeM-pooled last feature map): each is L2-normalized and the unit vectors summed, so that both
    // poolings count alike whatever their scales (docs/accuracy.md, "Average and GeM pooling").
    QStringList embeddingOutputs;
    int summedDim = 0;                     // of each of them: "dim" in the spec
    // Outputs concatenated after the normalized sum ("append" in the spec's embedding; none by
    // default), and the embedding's length with them: summedDim plus their dims.
    std::vector<AppendedOutput> appendedOutputs;
    int embeddingDim = 0;
    // The cosine of two embeddings at or above which they are the same picture (a re-encode, a
    // slight crop): "near_identical_cosine" in the spec's embedding. It depends on how alike the
    // model makes distinct photos (docs/accuracy.md, "Near-identical photos"); kNearDuplicateCosine by
    // default.
    // Not part of the preprocessing: it does not change an embedding.
    double nearIdenticalCosine = kNearDuplicateCosine;
    // The whitening shrinkage of the whitened class mean (whitened-centroid, auto's favourite), ε
    // relative to the mean eigenvalue: "class_mean_shrinkage" in the spec's embedding. It depends
    // on the embedding's spectrum: 0.3 suits plain pooled embeddings, a flatter one (the bilinear
    // pools) wants a sharper whitening (docs/accuracy.md, "Whitening shrinkage per embedding").
    // 0 when not given: training's default (TrainingMethod.h). Not part of the preprocessing
    // either: it changes training, not an embedding.
    double classMeanShrinkage = 0;
    // The within-class whitening's shrinkage (discriminant-centroid, auto's favourite), likewise:
    // "discriminant_shrinkage" in the spec's embedding; 0.1 suits plain pooled embeddings, the
    // bilinear pools want 0.02 (docs/accuracy.md, "Class means whitened within their class").
    // 0 when not given: training's default.
    double discriminantShrinkage = 0;
    QString logitsOutput;                  // optional
    int logitsClasses = 0;
    QString labelsPath;                    // optional, absolute

    // Throws Error with a clear message on a missing file, bad JSON or a missing field.
    static ModelSpec load(const QString& specPath);
    static ModelSpec fromJson(const QJsonObject& json, const QString& specPath);
    // The preprocessing as recorded in reference-set files and mixed into the model identity.
    QJsonObject preprocessingJson() const;
    // The embedding output(s) as one name: "embedding", or "embedding+embedding_gem" for several.
    // Appended outputs follow with their weight: "embedding+embedding_gem,embedding_mid*0.5".
    QString embeddingOutputLabel() const;
    // Every network output the embedding is read from: the summed ones, then the appended ones.
    QStringList networkEmbeddingOutputs() const;
    int networkEmbeddingOutputDim(int index) const;  // of networkEmbeddingOutputs()[INDEX]
    // "none", "flip", "crops" or "flip+crops", as written in the spec.
    QString augmentation() const;
    // Forward passes per photo: 1 plus one per augmented view.
    int viewsPerPhoto() const { return 1 + (flipAverage ? 1 : 0) + (cropAverage ? 3 : 0); }
    // For labels and `info`, e.g. ", averaged with its mirror image"; empty without augmentation.
    QString augmentationPhrase() const;
};

} // namespace exemplar
