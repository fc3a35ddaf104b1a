#include "ConvolutionFusion.h"

#include "FastConvolutionLayers.h"
#include "OnnxGraph.h"

namespace exemplar {

namespace {

enum class Kind { Other, Depthwise, Pointwise };

struct ConvGeometry {
    std::vector<qint64> kernel, strides, pads;  // pads in ONNX order: top, left, bottom, right
};

bool allEqual(const std::vector<qint64>& values, qint64 expected)
{
    for (qint64 v : values)
        if (v != expected) return false;
    return true;
}

// Which fast layer can run NODE, and its geometry.
Kind classify(const onnx::GraphNode& node, const onnx::GraphSummary& graph, ConvGeometry* geometry)
{
    if (node.opType != QLatin1String("Conv") || node.outputs.size() != 1 || node.inputs.size() < 2 ||
        node.inputs.size() > 3)
        return Kind::Other;
    // Filter and bias must be float32 constants: the layers take them as they are.
    const auto filter = graph.tensors.constFind(node.inputs[1]);
    if (filter == graph.tensors.constEnd() || onnx::tensorDataType(*filter) != onnx::proto::kFloat) return Kind::Other;
    if (node.inputs.size() == 3 && !node.inputs[2].isEmpty() &&
        onnx::tensorDataType(graph.tensors.value(node.inputs[2])) != onnx::proto::kFloat)
        return Kind::Other;
    const std::vector<qint64> dims = onnx::tensorDims(*filter);  // Cout × Cin/group × kh × kw
    if (dims.size() != 4 || dims[0] <= 0 || dims[1] <= 0) return Kind::Other;
    if (!allEqual(onnx::intsAttributeOf(node.payload, "dilations"), 1)) return Kind::Other;
    const QString autoPad = onnx::stringAttributeOf(node.payload, "auto_pad");
    if (!autoPad.isEmpty() && autoPad != QLatin1String("NOTSET")) return Kind::Other;
    bool has = false;
    geometry->kernel = {dims[2], dims[3]};
    const std::vector<qint64> kernelShape = onnx::intsAttributeOf(node.payload, "kernel_shape", &has);
    if (has && kernelShape != geometry->kernel) return Kind::Other;
    geometry->strides = onnx::intsAttributeOf(node.payload, "strides", &has);
    if (!has) geometry->strides = {1, 1};
    geometry->pads = onnx::intsAttributeOf(node.payload, "pads", &has);
    if (!has) geometry->pads = {0, 0, 0, 0};
    if (geometry->strides.size() != 2 || geometry->pads.size() != 4) return Kind::Other;
    for (qint64 s : geometry->strides)
        if (s < 1) return Kind::Other;
    for (qint64 p : geometry->pads)
        if (p < 0) return Kind::Other;
    std::vector<qint64> group = onnx::intsAttributeOf(node.payload, "group", &has);
    if (!has) group = {1};
    if (group.size() != 1) return Kind::Other;
    if (dims[1] == 1 && group[0] == dims[0]) return Kind::Depthwise;
    if (group[0] == 1 && dims[2] == 1 && dims[3] == 1 && allEqual(geometry->strides, 1) && allEqual(geometry->pads, 0))
        return Kind::Pointwise;
    return Kind::Other;
}

QByteArray fuseInGraph(const QByteArray& graph, int* fused, ConvolutionFusionCounts* counts)
{
    const onnx::GraphSummary summary = onnx::summarizeGraph(graph);
    QHash<QString, const onnx::GraphNode*> swishOf;  // Swish input → the Swish node
    for (const onnx::GraphNode& node : summary.nodes)
        if (node.opType == QLatin1String("Swish") && node.inputs.size() == 1 && node.outputs.size() == 1)
            swishOf.insert(node.inputs[0], &node);

    std::set<qsizetype> dropped;
    QHash<qsizetype, QByteArray> replaced;
    for (const onnx::GraphNode& conv : summary.nodes) {
        ConvGeometry geometry;
        const Kind kind = classify(conv, summary, &geometry);
        if (kind == Kind::Other) continue;
        const onnx::GraphNode* swish = summary.uses.value(conv.outputs[0]) == 1 ? swishOf.value(conv.outputs[0]) : nullptr;
        QStringList inputs = conv.inputs;
        if (inputs.size() == 3 && inputs[2].isEmpty()) inputs.removeLast();
        std::vector<onnx::ProtoWriter> attributes{onnx::proto::intAttribute("exemplar_swish", swish ? 1 : 0)};
        if (kind == Kind::Depthwise) {
            attributes.push_back(onnx::proto::intsAttribute("exemplar_kernel", geometry.kernel));
            attributes.push_back(onnx::proto::intsAttribute("exemplar_strides", geometry.strides));
            attributes.push_back(onnx::proto::intsAttribute("exemplar_pads", geometry.pads));
            ++counts->depthwise;
        } else {
            ++counts->pointwise;
        }
        // Takes the Conv's place; the Swish it absorbs came after it, so the order stays valid.
        const char* type = kind == Kind::Depthwise ? kDepthwiseConvLayerType : kPointwiseConvLayerType;
        replaced.insert(conv.begin,
                        onnx::proto::node(type, inputs, swish ? swish->outputs[0] : conv.outputs[0], attributes).bytes());
        if (swish) {
            dropped.insert(swish->begin);
            ++counts->withSwish;
        }
    }
    *fused = int(replaced.size());
    return replaced.isEmpty() ? graph : onnx::editGraph(graph, dropped, replaced);
}

} // namespace

QByteArray fuseConvolutionsForOpenCv(const QByteArray& onnx, ConvolutionFusionCounts* counts)
{
    ConvolutionFusionCounts found;
    const QByteArray result = onnx::rewriteModelGraph(
        onnx, [&found](const QByteArray& graph, int* count) { return fuseInGraph(graph, count, &found); }, nullptr);
    if (counts) *counts = found;
    return result;
}

} // namespace exemplar
