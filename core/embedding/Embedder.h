#pragma once
// Runs the ONNX network through OpenCV DNN (readNet → blobFromImage → forward, as in OpenCV's
// classification sample) and returns L2-normalized embeddings. One Embedder per thread: a
// cv::dnn::Net is not safe to share.
#include "ModelIdentity.h"
#include "ModelSpec.h"
#include "Types.h"

#include <QByteArray>
#include <memory>
#include <opencv2/core.hpp>

namespace exemplar {

// The network input for a photo as the spec describes it (whole photo resized, colour order,
// scale, mean/std, NCHW). Public so that other runners of the same network (e.g. an exported
// ONNX file) feed it exactly what the Embedder does.
cv::Mat inputBlob(const cv::Mat& bgr, const ModelSpec& spec);

class Embedder {
public:
    // Loads and checks the model (one dry run verifies the embedding size). Throws Error.
    explicit Embedder(const ModelSpec& spec);
    ~Embedder();
    Embedder(const Embedder&) = delete;
    Embedder& operator=(const Embedder&) = delete;

    const ModelSpec& spec() const;
    // SHA-256 of the ONNX file: the model identity recorded in reference-set files.
    QByteArray onnxSha256() const;
    // Hash of the ONNX file and the preprocessing: the embedding cache's model key.
    QByteArray identity() const;
    int dim() const;
    // Name, ONNX hash and embedding size: what a reference set records and checks.
    ModelIdentity modelIdentity() const;

    Vector embed(const cv::Mat& bgr);  // L2-normalized
    // Embedding (L2-normalized) and raw logits (empty when the spec has none); either pointer
    // may be null. With the spec's augmentation, the mean over the photo's test-time views.
    void run(const cv::Mat& bgr, Vector* embedding, Vector* logits);

    // A model's embedding outputs, one after the other (the summed ones, each SUMMED_DIM long,
    // then the APPENDED ones) → the L2-normalized embedding: the summed outputs each normalized,
    // the unit vectors summed and the sum normalized; each appended output normalized, scaled by
    // its weight and concatenated; the whole normalized. Throws Error on a zero or non-finite
    // output, and on outputs that cancel each other out.
    static Vector combinedEmbedding(const Vector& outputs, Eigen::Index summedDim,
                                    const std::vector<AppendedOutput>& appended = {});

private:
    // One forward pass: the raw (unnormalized) embedding outputs one after the other, and the
    // logits (empty without logits).
    void forward(const cv::Mat& bgr, Vector* embedding, Vector* logits);

    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace exemplar
