#include "Embedder.h"

#include "ConvolutionFusion.h"
#include "Error.h"
#include "RegularFile.h"
#include "FastConvolutionLayers.h"
#include "SwishFusion.h"
#include "TestTimeViews.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <opencv2/dnn.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar {

cv::Mat inputBlob(const cv::Mat& bgr, const ModelSpec& spec)
{
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error(QStringLiteral("internal: embedder expects an 8-bit 3-channel image"));
    cv::Mat resized;
    // The whole photo is resized (no crop): the design notes found that squashing keeps the
    // whole object and beat center-cropping or letterboxing for nearest-neighbour accuracy.
    cv::resize(bgr, resized, cv::Size(spec.inputWidth, spec.inputHeight), 0, 0,
               spec.resize == QLatin1String("linear") ? cv::INTER_LINEAR : cv::INTER_AREA);
    if (spec.rgb) cv::cvtColor(resized, resized, cv::COLOR_BGR2RGB);
    cv::Mat input;
    resized.convertTo(input, CV_32F, spec.scale);
    // Per-channel (value − mean) / std in the network's channel order.
    const cv::Scalar mean(spec.mean[0], spec.mean[1], spec.mean[2]);
    const cv::Scalar inverseStd(1.0 / spec.std[0], 1.0 / spec.std[1], 1.0 / spec.std[2]);
    cv::subtract(input, mean, input);
    cv::multiply(input, inverseStd, input);
    return cv::dnn::blobFromImage(input);  // HWC → NCHW, no further scaling
}

struct Embedder::Impl {
    ModelSpec spec;
    cv::dnn::Net net;
    QByteArray onnxSha256;
    QByteArray identity;
    std::vector<cv::String> outputNames;
};

Embedder::Embedder(const ModelSpec& spec) : d(std::make_unique<Impl>())
{
    d->spec = spec;
    const QByteArray bytes = readRegularFileOrThrow(spec.onnxPath, kMaxOnnxModelBytes, QStringLiteral("model"));
    d->onnxSha256 = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    const QByteArray preprocessing = QJsonDocument(spec.preprocessingJson()).toJson(QJsonDocument::Compact);
    d->identity = QCryptographicHash::hash(d->onnxSha256 + preprocessing, QCryptographicHash::Sha256).toHex();

    try {
        // The identity above hashes the file as it is; OpenCV gets it with fusable activations
        // and with its depthwise and 1×1 convolutions (plus their Swish) run by our own layers.
        registerFastConvolutionLayers();
        const QByteArray fast = fuseConvolutionsForOpenCv(fuseSwishForOpenCv(bytes));
        d->net = cv::dnn::readNetFromONNX(fast.constData(), size_t(fast.size()));
    } catch (const Error& e) {
        throw Error(QStringLiteral("cannot load model %1: %2").arg(spec.onnxPath, e.message()));
    } catch (const cv::Exception& e) {
        throw Error(QStringLiteral("cannot load model %1: OpenCV rejected it (%2)")
                        .arg(spec.onnxPath, QString::fromStdString(e.msg).trimmed()));
    }
    if (d->net.empty()) throw Error(QStringLiteral("cannot load model %1: empty network").arg(spec.onnxPath));
    d->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    d->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    for (const QString& output : spec.networkEmbeddingOutputs()) d->outputNames.push_back(output.toStdString());
    if (!spec.logitsOutput.isEmpty()) d->outputNames.push_back(spec.logitsOutput.toStdString());

    // One dry run proves that the outputs exist and have the sizes the spec promises, so that a
    // wrong model is refused now with a clear message instead of failing on the first photo.
    Vector embedding, logits;
    try {
        run(cv::Mat(spec.inputHeight, spec.inputWidth, CV_8UC3, cv::Scalar(128, 128, 128)), &embedding, &logits);
    } catch (const Error&) {
        throw;
    } catch (const cv::Exception& e) {
        throw Error(QStringLiteral("model %1 does not run with spec %2: %3")
                        .arg(spec.onnxPath, spec.specPath, QString::fromStdString(e.msg).trimmed()));
    }
}

Embedder::~Embedder() = default;

const ModelSpec& Embedder::spec() const { return d->spec; }
QByteArray Embedder::onnxSha256() const { return d->onnxSha256; }
QByteArray Embedder::identity() const { return d->identity; }
int Embedder::dim() const { return d->spec.embeddingDim; }

ModelIdentity Embedder::modelIdentity() const
{
    return {spec().name, QString::fromLatin1(onnxSha256()), dim()};
}

Vector Embedder::embed(const cv::Mat& bgr)
{
    Vector embedding;
    run(bgr, &embedding, nullptr);
    return embedding;
}

void Embedder::run(const cv::Mat& bgr, Vector* embedding, Vector* logits)
{
    Vector rawEmbedding, rawLogits;
    const std::vector<cv::Mat> views = testTimeViews(bgr, d->spec);
    for (size_t i = 0; i < views.size(); ++i) {
        Vector viewEmbedding, viewLogits;
        forward(views[i], &viewEmbedding, &viewLogits);
        if (i == 0) {
            rawEmbedding = std::move(viewEmbedding);
            rawLogits = std::move(viewLogits);
        } else {
            rawEmbedding += viewEmbedding;
            if (rawLogits.size() > 0) rawLogits += viewLogits;
        }
    }
    // The mean, not the sum: the logits are shown as they are; the embedding is normalized anyway.
    if (views.size() > 1) {
        rawEmbedding /= float(views.size());
        rawLogits /= float(views.size());
    }
    if (embedding) {
        try {
            *embedding = combinedEmbedding(rawEmbedding, d->spec.summedDim, d->spec.appendedOutputs);
        } catch (const Error& e) {
            throw Error(QStringLiteral("model %1: %2").arg(d->spec.onnxPath, e.message()));
        }
    }
    if (logits) *logits = std::move(rawLogits);
}

Vector Embedder::combinedEmbedding(const Vector& outputs, Eigen::Index summedDim, const std::vector<AppendedOutput>& appended)
{
    Eigen::Index appendedLength = 0;
    for (const AppendedOutput& output : appended) {
        // A spec refuses these; callers that build the list themselves get the same answer.
        if (output.dim <= 0 || !(output.weight > 0) || !std::isfinite(output.weight))
            throw Error(QStringLiteral("appended output \"%1\" needs a positive length and weight").arg(output.name));
        appendedLength += output.dim;
    }
    const Eigen::Index summedLength = outputs.size() - appendedLength;
    if (summedDim <= 0 || summedLength <= 0 || summedLength % summedDim != 0)
        throw Error(QStringLiteral("the model's embedding outputs are %1 values, not a multiple of %2 and %3 more")
                        .arg(outputs.size()).arg(summedDim).arg(appendedLength));
    const auto unit = [](const auto& segment) -> Vector {
        const float norm = segment.norm();
        if (!(norm > 0) || !std::isfinite(norm))
            throw Error(QStringLiteral("the model produced a zero or non-finite embedding"));
        return segment / norm;
    };
    Vector sum = Vector::Zero(summedDim);
    for (Eigen::Index at = 0; at < summedLength; at += summedDim) sum += unit(outputs.segment(at, summedDim));
    // Unit vectors pointing exactly opposite sum to nothing: no direction to return.
    const float sumNorm = sum.norm();
    if (!(sumNorm > 1e-6f) || !std::isfinite(sumNorm))
        throw Error(QStringLiteral("the model's embedding outputs cancel each other out"));
    if (appended.empty()) return sum / sumNorm;  // exactly as before outputs were appended

    Vector combined(outputs.size() - summedLength + summedDim);
    combined.head(summedDim) = sum / sumNorm;
    Eigen::Index from = summedLength, to = summedDim;
    for (const AppendedOutput& output : appended) {
        combined.segment(to, output.dim) = float(output.weight) * unit(outputs.segment(from, output.dim));
        from += output.dim;
        to += output.dim;
    }
    return combined / combined.norm();
}

void Embedder::forward(const cv::Mat& bgr, Vector* embedding, Vector* logits)
{
    d->net.setInput(inputBlob(bgr, d->spec), d->spec.inputName.toStdString());
    std::vector<cv::Mat> outputs;
    try {
        d->net.forward(outputs, d->outputNames);
    } catch (const cv::Exception& e) {
        throw Error(QStringLiteral("model %1 failed to run: %2")
                        .arg(d->spec.onnxPath, QString::fromStdString(e.msg).trimmed()));
    }
    const QStringList names = d->spec.networkEmbeddingOutputs();
    const int embeddingCount = int(names.size());
    Eigen::Index length = 0;
    for (int k = 0; k < embeddingCount; ++k) length += d->spec.networkEmbeddingOutputDim(k);
    embedding->resize(length);
    Eigen::Index at = 0;
    for (int k = 0; k < embeddingCount; ++k) {
        const cv::Mat& out = outputs.at(size_t(k));
        const int dim = d->spec.networkEmbeddingOutputDim(k);
        if (int(out.total()) != dim)
            throw Error(QStringLiteral("model %1: output \"%2\" has %3 values but the spec says %4")
                            .arg(d->spec.onnxPath, names[k]).arg(out.total()).arg(dim));
        embedding->segment(at, dim) = Eigen::Map<const Vector>(out.ptr<float>(), dim);
        at += dim;
    }
    logits->resize(0);
    if (outputs.size() > size_t(embeddingCount)) {
        const cv::Mat& raw = outputs[size_t(embeddingCount)];
        if (int(raw.total()) != d->spec.logitsClasses)
            throw Error(QStringLiteral("model %1: output \"%2\" has %3 values but the spec says %4")
                            .arg(d->spec.onnxPath, d->spec.logitsOutput)
                            .arg(raw.total()).arg(d->spec.logitsClasses));
        *logits = Eigen::Map<const Vector>(raw.ptr<float>(), d->spec.logitsClasses);
    }
}

} // namespace exemplar
