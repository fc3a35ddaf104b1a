#include "OnnxExport.h"

#include "AtomicFile.h"
#include "Error.h"
#include "OnnxGraph.h"
#include "OnnxProto.h"
#include "RegularFile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtEndian>
#include <algorithm>

namespace exemplar {
namespace {

using onnx::ProtoField;
using onnx::ProtoReader;
using onnx::ProtoWriter;
namespace proto = onnx::proto;

using onnx::kGraphInitializer;
using onnx::kGraphNode;
using onnx::kGraphOutput;
using onnx::kModelGraph;
using onnx::kModelMetadata;

// A class with no reference can never win: its padded rows score this.
constexpr float kNoReferenceScore = -1e30f;
// The ONNX graph pads every class to the widest class's reference count (see padReferences); a
// set whose padding would exceed this factor of its own size, and this many values, is refused.
constexpr double kMaxPaddingFactor = 16;
constexpr double kMaxPaddedValuesAnyway = 16.0 * (1 << 20);  // 64 MB of float32

QByteArray floatBytes(const float* values, Eigen::Index count)
{
    QByteArray bytes(qsizetype(count) * 4, Qt::Uninitialized);
    for (Eigen::Index i = 0; i < count; ++i) qToLittleEndian(values[i], bytes.data() + 4 * i);
    return bytes;
}

QByteArray int64Bytes(std::initializer_list<qint64> values)
{
    QByteArray bytes;
    for (qint64 v : values) {
        char le[8];
        qToLittleEndian(v, le);
        bytes.append(le, 8);
    }
    return bytes;
}

// The graph fields Exemplar appends: nodes, initializers and the "scores" output.
class HeadGraph {
public:
    // x / |x| over axis 1, from ReduceL2 and Div (OpenCV 4.6 has no LpNormalization).
    QString l2Normalize(const QString& input, const QString& output)
    {
        const QString norm = op("ReduceL2", {input}, output + QStringLiteral("_norm"),
                                {proto::intsAttribute("axes", {1}), proto::intAttribute("keepdims", 1)});
        return op("Div", {input, norm}, output);
    }
    QString op(const char* type, const QStringList& inputs, const QString& output,
               const std::vector<ProtoWriter>& attributes = {})
    {
        nodes_.push_back(proto::node(type, inputs, output, attributes));
        return output;
    }
    QString floats(const QString& name, std::initializer_list<qint64> dims, const float* values, Eigen::Index count)
    {
        initializers_.push_back(proto::tensor(name, dims, proto::kFloat, floatBytes(values, count)));
        return name;
    }
    QString shape(const QString& name, std::initializer_list<qint64> dims)
    {
        initializers_.push_back(proto::tensor(name, {qint64(dims.size())}, proto::kInt64, int64Bytes(dims)));
        return name;
    }
    QByteArray serialized(const QString& output, qint64 classes) const
    {
        ProtoWriter fields;
        for (const ProtoWriter& node : nodes_) fields.messageField(kGraphNode, node);
        for (const ProtoWriter& tensor : initializers_) fields.messageField(kGraphInitializer, tensor);
        fields.messageField(kGraphOutput, proto::floatValueInfo(output, {1, classes}));
        return fields.bytes();
    }

private:
    std::vector<ProtoWriter> nodes_, initializers_;
};

// References grouped by class, each class padded to the same count with copies of its own first
// reference, so that a max over each group of K is the class's best score.
struct PaddedReferences {
    Matrix rows;   // C·K × dim
    Vector bias;   // C·K
    int perClass = 0;
};

PaddedReferences padReferences(const ReferenceHead& head)
{
    const int classes = int(head.classNames.size());
    std::vector<std::vector<int>> ofClass(static_cast<size_t>(classes));
    for (int r = 0; r < head.referenceCount(); ++r) ofClass[size_t(head.referenceClass[size_t(r)])].push_back(r);
    PaddedReferences padded;
    for (const auto& refs : ofClass) padded.perClass = std::max(padded.perClass, int(refs.size()));
    const int k = padded.perClass;
    // Padding makes every class as wide as the widest: bounded by the set's own size, so a small
    // file with very many classes or one very wide class cannot make gigabytes (refused instead).
    const double paddedValues = double(classes) * k * head.dim();
    const double ownValues = double(head.referenceCount()) * head.dim();
    if (paddedValues > std::max(kMaxPaddingFactor * ownValues, kMaxPaddedValuesAnyway))
        throw Error(QStringLiteral("cannot export this reference set as one ONNX graph: its %1 classes hold from 0 to "
                                   "%2 references each, and padding them to equal size would take %3 MB for %4 "
                                   "references")
                        .arg(classes)
                        .arg(k)
                        .arg(qint64(paddedValues * 4 / (1 << 20)))
                        .arg(head.referenceCount()));
    padded.rows = Matrix::Zero(Eigen::Index(classes) * k, head.dim());
    padded.bias = Vector::Constant(Eigen::Index(classes) * k, kNoReferenceScore);
    for (int c = 0; c < classes; ++c) {
        const auto& refs = ofClass[size_t(c)];
        for (int j = 0; j < k && !refs.empty(); ++j) {
            const int r = refs[size_t(std::min(j, int(refs.size()) - 1))];
            padded.rows.row(Eigen::Index(c) * k + j) = head.references.row(r);
            padded.bias[Eigen::Index(c) * k + j] = head.bias[r];
        }
    }
    return padded;
}

// Appends ReferenceHead::predict to the graph, reading EMBEDDING; returns the scores' name.
QString addHead(HeadGraph* graph, const ReferenceHead& head, const QString& embedding)
{
    const qint64 inputDim = head.inputDim();
    const qint64 dim = head.dim();
    QString x = graph->l2Normalize(embedding, QStringLiteral("exemplar/embedding_l2"));
    if (head.center.size() > 0) {
        const QString center = graph->floats(QStringLiteral("exemplar/center"), {1, inputDim}, head.center.data(), inputDim);
        x = graph->op("Sub", {x, center}, QStringLiteral("exemplar/centered"));
    }
    if (head.projection.size() > 0) {
        const Vector zeros = Vector::Zero(dim);
        const QString p = graph->floats(QStringLiteral("exemplar/projection"), {dim, inputDim}, head.projection.data(),
                                        head.projection.size());
        const QString b = graph->floats(QStringLiteral("exemplar/projection_bias"), {dim}, zeros.data(), dim);
        x = graph->op("Gemm", {x, p, b}, QStringLiteral("exemplar/projected"), {proto::intAttribute("transB", 1)});
    }
    if (head.hasTransform()) x = graph->l2Normalize(x, QStringLiteral("exemplar/query"));

    const PaddedReferences padded = padReferences(head);
    const qint64 classes = head.classNames.size();
    const qint64 k = padded.perClass;
    const QString r = graph->floats(QStringLiteral("exemplar/references"), {classes * k, dim}, padded.rows.data(),
                                    padded.rows.size());
    const QString bias = graph->floats(QStringLiteral("exemplar/reference_bias"), {classes * k}, padded.bias.data(),
                                       padded.bias.size());
    const QString scores = k == 1 ? kOnnxScoresOutput : QStringLiteral("exemplar/reference_scores");
    graph->op("Gemm", {x, r, bias}, scores, {proto::intAttribute("transB", 1)});
    if (k == 1) return scores;
    // [1, C·K] → [1, 1, C, K] → max over each class's K → [1, 1, C, 1] → [1, C]
    const QString grouped = graph->op("Reshape", {scores, graph->shape(QStringLiteral("exemplar/grouped_shape"), {1, 1, classes, k})},
                                      QStringLiteral("exemplar/grouped"));
    const QString best = graph->op("MaxPool", {grouped}, QStringLiteral("exemplar/class_max"),
                                   {proto::intsAttribute("kernel_shape", {1, k}), proto::intsAttribute("strides", {1, k})});
    return graph->op("Reshape", {best, graph->shape(QStringLiteral("exemplar/scores_shape"), {1, classes})},
                     kOnnxScoresOutput);
}

void requireMatchingModel(const QByteArray& embedderOnnx, const ModelSpec& spec, const ReferenceSet& set)
{
    const QString sha = QString::fromLatin1(QCryptographicHash::hash(embedderOnnx, QCryptographicHash::Sha256).toHex());
    if (sha.compare(set.modelSha256, Qt::CaseInsensitive) != 0)
        throw ModelMismatch(QStringLiteral("this reference set was made with model %1 (sha256 %2…), but %3 is sha256 %4…")
                        .arg(set.modelName, set.modelSha256.left(12).toLower(), spec.onnxPath, sha.left(12)));
    if (set.head.inputDim() != spec.embeddingDim)
        throw Error(QStringLiteral("the reference set expects %1-dimensional embeddings, the model spec says %2")
                        .arg(set.head.inputDim())
                        .arg(spec.embeddingDim));
    if (set.head.referenceCount() == 0) throw Error(QStringLiteral("the reference set has no references"));
    // Crops are cut from the photo before it is resized to the network's input, which the graph
    // never sees: refused rather than approximated. (A mirror image is exact: see mirrorBranch.)
    if (spec.cropAverage)
        throw Error(QStringLiteral("model spec %1 averages each photo over %2 views (\"augment\": \"%3\": the photo%4), "
                                   "and its crops are cut from the photo before resizing, which the one-file export "
                                   "cannot express; train the set with a model without crops, e.g. --model "
                                   "efficientnet-b0-256x384, to export it")
                        .arg(spec.specPath).arg(spec.viewsPerPhoto()).arg(spec.augmentation(), spec.augmentationPhrase()));
}

// Whether the serialized NodeProto NODE has an output named NAME.
bool producesTensor(const QByteArray& node, const QString& name)
{
    ProtoReader reader(node);
    for (ProtoField field; reader.next(&field);)
        if (field.number == onnx::kNodeOutput && QString::fromUtf8(field.payload) == name) return true;
    return false;
}

// Renames TENSOR for the mirrored copy of the network.
QString mirrored(const QString& tensor) { return QStringLiteral("exemplar/mirror/") + tensor; }

// NODE (a serialized NodeProto) with the inputs and outputs in RENAMED, and its name, given the
// mirror branch's names; everything else (attributes, domain) byte for byte.
ProtoWriter renamedNode(const QByteArray& node, const QSet<QString>& renamed)
{
    ProtoWriter copy;
    ProtoReader reader(node);
    for (ProtoField field; reader.next(&field);) {
        const bool isName = field.number == onnx::kNodeInput || field.number == onnx::kNodeOutput || field.number == onnx::kNodeName;
        const QString name = isName ? QString::fromUtf8(field.payload) : QString();
        if (isName && !name.isEmpty() && (renamed.contains(name) || field.number == onnx::kNodeName))
            copy.stringField(field.number, mirrored(name));
        else
            copy.raw(node.mid(field.begin, field.end - field.begin));
    }
    return copy;
}

// Flip averaging inside the graph: the input mirrored left to right (a MatMul with the
// anti-diagonal W×W matrix, which OpenCV 4.6 imports as a fully connected layer over the last
// axis: exact, each output pixel is one input pixel times 1 plus zeros), then a copy of every
// node the embedding depends on (not the logits branch) reading it, and the two embeddings
// added. The sum points where Exemplar's mean does, and the head L2-normalizes first. The
// MatMul and the copies go into GRAPH, ahead of HEAD's nodes (nodes are in topological order).
// Returns the summed embeddings' names, one per embedding output of the spec.
QStringList mirrorBranch(HeadGraph* head, ProtoWriter* graph, const QByteArray& network, const ModelSpec& spec)
{
    const onnx::GraphSummary summary = onnx::summarizeGraph(network);
    QHash<QString, int> producer;
    for (int i = 0; i < int(summary.nodes.size()); ++i)
        for (const QString& output : summary.nodes[size_t(i)].outputs) producer.insert(output, i);
    std::vector<bool> needed(summary.nodes.size(), false);
    QStringList pending = spec.networkEmbeddingOutputs();
    while (!pending.isEmpty()) {
        const auto found = producer.constFind(pending.takeLast());
        if (found == producer.constEnd() || needed[size_t(*found)]) continue;
        needed[size_t(*found)] = true;
        pending += summary.nodes[size_t(*found)].inputs;
    }
    QSet<QString> renamed{spec.inputName};
    for (size_t i = 0; i < summary.nodes.size(); ++i)
        if (needed[i])
            for (const QString& output : summary.nodes[i].outputs) renamed.insert(output);

    const qint64 width = spec.inputWidth;
    std::vector<float> antiDiagonal(size_t(width * width), 0.0f);
    for (qint64 i = 0; i < width; ++i) antiDiagonal[size_t(i * width + (width - 1 - i))] = 1.0f;
    const QString flip = head->floats(QStringLiteral("exemplar/mirror_matrix"), {width, width}, antiDiagonal.data(),
                                      Eigen::Index(antiDiagonal.size()));
    graph->messageField(kGraphNode, proto::node("MatMul", {spec.inputName, flip}, mirrored(spec.inputName)));
    for (size_t i = 0; i < summary.nodes.size(); ++i)
        if (needed[i]) graph->messageField(kGraphNode, renamedNode(summary.nodes[i].payload, renamed));
    QStringList sums;
    const QStringList outputs = spec.networkEmbeddingOutputs();
    for (const QString& output : outputs)
        sums.append(head->op("Add", {output, mirrored(output)},
                             outputs.size() == 1 ? QStringLiteral("exemplar/flip_sum")
                                                 : QStringLiteral("exemplar/flip_sum/") + output));
    return sums;
}

// The network's embedding outputs (OUTPUTS: the summed ones, then the appended ones) combined as
// the Embedder does: the summed ones each L2-normalized, then summed; one alone as it is. With
// appended outputs, the sum normalized and each appended one normalized and scaled by its weight,
// concatenated after it (the head normalizes the whole).
QString combinedEmbedding(HeadGraph* head, const QStringList& outputs, const ModelSpec& spec)
{
    const qsizetype summedCount = spec.embeddingOutputs.size();
    QString sum;
    if (summedCount == 1) {
        sum = outputs.front();
    } else {
        for (qsizetype i = 0; i < summedCount; ++i) {
            const QString unit = head->l2Normalize(outputs[i], QStringLiteral("exemplar/unit/") + outputs[i]);
            sum = sum.isEmpty() ? unit : head->op("Add", {sum, unit}, QStringLiteral("exemplar/combined/") + outputs[i]);
        }
    }
    if (spec.appendedOutputs.empty()) return sum;
    QStringList parts{head->l2Normalize(sum, QStringLiteral("exemplar/summed_unit"))};
    for (size_t k = 0; k < spec.appendedOutputs.size(); ++k) {
        const QString& output = outputs[summedCount + qsizetype(k)];
        const QString unit = head->l2Normalize(output, QStringLiteral("exemplar/unit/") + output);
        const float weight = float(spec.appendedOutputs[k].weight);
        const QString factor = head->floats(QStringLiteral("exemplar/weight/") + output, {1}, &weight, 1);
        parts.append(head->op("Mul", {unit, factor}, QStringLiteral("exemplar/weighted/") + output));
    }
    return head->op("Concat", parts, QStringLiteral("exemplar/appended"), {proto::intAttribute("axis", 1)});
}

QJsonObject metadataJson(const ModelSpec& spec, const ReferenceSet& set)
{
    return {{QStringLiteral("model"), spec.name},
            {QStringLiteral("method"), set.method},
            {QStringLiteral("input"), spec.inputName},
            {QStringLiteral("output"), kOnnxScoresOutput},
            {QStringLiteral("preprocessing"), spec.preprocessingJson()},
            // The graph gives class scores only: the set's "unknown" rule needs its training photos,
            // which it does not hold. Said here, so that a user of the file knows what is not in it.
            {QStringLiteral("unknown_rule"), set.head.unknownRule()},
            {QStringLiteral("unknown_in_graph"), false}};
}

} // namespace

QByteArray classifierOnnx(const QByteArray& embedderOnnx, const ModelSpec& spec, const ReferenceSet& set)
{
    requireMatchingModel(embedderOnnx, spec, set);

    // Copy the model field by field; in the graph, drop the embedder's outputs (the classifier
    // has one: "scores") and append the head after the existing nodes.
    ProtoWriter model;
    bool hasGraph = false;
    ProtoReader modelReader(embedderOnnx);
    for (ProtoField field; modelReader.next(&field);) {
        if (field.number != kModelGraph) {
            model.raw(embedderOnnx.mid(field.begin, field.end - field.begin));
            continue;
        }
        hasGraph = true;
        ProtoWriter graph;
        QSet<QString> produced;
        ProtoReader graphReader(field.payload);
        for (ProtoField graphField; graphReader.next(&graphField);) {
            if (graphField.number == kGraphOutput) continue;
            if (graphField.number == kGraphNode)
                for (const QString& output : spec.networkEmbeddingOutputs())
                    if (producesTensor(graphField.payload, output)) produced.insert(output);
            graph.raw(field.payload.mid(graphField.begin, graphField.end - graphField.begin));
        }
        for (const QString& output : spec.networkEmbeddingOutputs())
            if (!produced.contains(output))
                throw Error(QStringLiteral("model %1 computes no tensor named \"%2\" (the spec's embedding)")
                                .arg(spec.onnxPath, output));
        HeadGraph head;
        const QString embedding = combinedEmbedding(
            &head, spec.flipAverage ? mirrorBranch(&head, &graph, field.payload, spec) : spec.networkEmbeddingOutputs(), spec);
        const QString scores = addHead(&head, set.head, embedding);
        graph.raw(head.serialized(scores, set.head.classNames.size()));
        model.messageField(kModelGraph, graph);
    }
    if (!hasGraph) throw Error(QStringLiteral("model %1 has no graph").arg(spec.onnxPath));

    model.messageField(kModelMetadata, proto::metadataEntry(
        kOnnxClassesKey, QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(set.head.classNames))
                                               .toJson(QJsonDocument::Compact))));
    model.messageField(kModelMetadata, proto::metadataEntry(
        QStringLiteral("exemplar.classifier"),
        QString::fromUtf8(QJsonDocument(metadataJson(spec, set)).toJson(QJsonDocument::Compact))));
    return model.bytes();
}

void exportClassifierOnnx(const ReferenceSet& set, const ModelSpec& spec, const QString& path)
{
    // Checked before the work: the destination may be a device node the export must not replace,
    // or a file of another kind (a photo, a reference set) mistyped in a save dialog.
    prepareDestination(path);
    refuseToReplaceAnotherKind(path, QStringLiteral("an ONNX model"), startsLikeOnnxModel);
    const QByteArray onnx = readRegularFileOrThrow(spec.onnxPath, kMaxOnnxModelBytes, QStringLiteral("model"));
    writeFileAtomically(path, classifierOnnx(onnx, spec, set));
}

} // namespace exemplar
