#include "SwishFusion.h"

#include "OnnxGraph.h"

namespace exemplar {

namespace {

// Rewrites one GraphProto; returns it unchanged (and FUSED 0) when no pair qualifies.
QByteArray fuseInGraph(const QByteArray& graph, int* fused)
{
    const onnx::GraphSummary summary = onnx::summarizeGraph(graph);
    const std::vector<onnx::GraphNode>& nodes = summary.nodes;
    QHash<QString, int> sigmoidOf;  // Sigmoid output → its node
    for (int i = 0; i < int(nodes.size()); ++i)
        if (nodes[size_t(i)].opType == QLatin1String("Sigmoid") && nodes[size_t(i)].inputs.size() == 1 &&
            nodes[size_t(i)].outputs.size() == 1)
            sigmoidOf.insert(nodes[size_t(i)].outputs[0], i);

    std::set<qsizetype> dropped;           // Sigmoid nodes folded away, by position
    QHash<qsizetype, QByteArray> replaced;  // Mul nodes turned into Swish, by position
    for (const onnx::GraphNode& mul : nodes) {
        if (mul.opType != QLatin1String("Mul") || mul.inputs.size() != 2 || mul.outputs.size() != 1) continue;
        for (int side = 0; side < 2; ++side) {
            const auto sigmoid = sigmoidOf.constFind(mul.inputs[side]);
            if (sigmoid == sigmoidOf.constEnd()) continue;
            const onnx::GraphNode& s = nodes[size_t(*sigmoid)];
            const QString& x = mul.inputs[1 - side];
            if (s.inputs[0] != x || summary.uses.value(s.outputs[0]) != 1) continue;
            dropped.insert(s.begin);
            replaced.insert(mul.begin, onnx::proto::node("Swish", {x}, mul.outputs[0]).bytes());
            break;
        }
    }
    *fused = int(replaced.size());
    // Same node order: each Swish takes its Mul's place, after x is computed.
    return replaced.isEmpty() ? graph : onnx::editGraph(graph, dropped, replaced);
}

} // namespace

QByteArray fuseSwishForOpenCv(const QByteArray& onnx, int* fused)
{
    return onnx::rewriteModelGraph(onnx, fuseInGraph, fused);
}

} // namespace exemplar
