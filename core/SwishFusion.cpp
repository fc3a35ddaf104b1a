#include "SwishFusion.h"

#include "OnnxProto.h"

#include <QHash>
#include <QStringList>
#include <set>
#include <vector>

namespace exemplar {

namespace {

using onnx::ProtoField;
using onnx::ProtoReader;
using onnx::ProtoWriter;

// The parts of a NodeProto the rewrite looks at.
struct NodeSummary {
    qsizetype begin = 0, end = 0;  // the node's field within the graph message
    QString opType;
    QStringList inputs, outputs;
};

NodeSummary summarize(const ProtoField& field)
{
    NodeSummary node;
    node.begin = field.begin;
    node.end = field.end;
    ProtoReader reader(field.payload);
    for (ProtoField f; reader.next(&f);) {
        if (f.wireType != onnx::LengthDelimited) continue;
        if (f.number == onnx::kNodeInput) node.inputs << QString::fromUtf8(f.payload);
        else if (f.number == onnx::kNodeOutput) node.outputs << QString::fromUtf8(f.payload);
        else if (f.number == onnx::kNodeOpType) node.opType = QString::fromUtf8(f.payload);
    }
    return node;
}

// Rewrites one GraphProto; returns it unchanged (and FUSED 0) when no pair qualifies.
QByteArray fuseInGraph(const QByteArray& graph, int* fused)
{
    std::vector<NodeSummary> nodes;
    QHash<QString, int> uses;  // how many node inputs and graph outputs read each tensor
    ProtoReader reader(graph);
    for (ProtoField field; reader.next(&field);) {
        if (field.number == onnx::kGraphNode) {
            nodes.push_back(summarize(field));
            for (const QString& input : nodes.back().inputs) ++uses[input];
        } else if (field.number == onnx::kGraphOutput) {
            ++uses[ProtoReader::stringField(field.payload, onnx::kValueInfoName)];
        }
    }
    QHash<QString, int> sigmoidOf;  // Sigmoid output → its node
    for (int i = 0; i < int(nodes.size()); ++i)
        if (nodes[size_t(i)].opType == QLatin1String("Sigmoid") && nodes[size_t(i)].inputs.size() == 1 &&
            nodes[size_t(i)].outputs.size() == 1)
            sigmoidOf.insert(nodes[size_t(i)].outputs[0], i);

    std::set<qsizetype> dropped;           // Sigmoid nodes folded away, by position
    QHash<qsizetype, QByteArray> replaced;  // Mul nodes turned into Swish, by position
    for (const NodeSummary& mul : nodes) {
        if (mul.opType != QLatin1String("Mul") || mul.inputs.size() != 2 || mul.outputs.size() != 1) continue;
        for (int side = 0; side < 2; ++side) {
            const auto sigmoid = sigmoidOf.constFind(mul.inputs[side]);
            if (sigmoid == sigmoidOf.constEnd()) continue;
            const NodeSummary& s = nodes[size_t(*sigmoid)];
            const QString& x = mul.inputs[1 - side];
            if (s.inputs[0] != x || uses.value(s.outputs[0]) != 1) continue;
            dropped.insert(s.begin);
            replaced.insert(mul.begin, onnx::proto::node("Swish", {x}, mul.outputs[0]).bytes());
            break;
        }
    }
    *fused = int(replaced.size());
    if (replaced.isEmpty()) return graph;

    // Same field order: each Swish takes its Mul's place, after x is computed.
    ProtoWriter rewritten;
    ProtoReader again(graph);
    for (ProtoField field; again.next(&field);) {
        if (field.number == onnx::kGraphNode && dropped.count(field.begin)) continue;
        const auto swish = field.number == onnx::kGraphNode ? replaced.constFind(field.begin) : replaced.constEnd();
        if (swish != replaced.constEnd()) rewritten.bytesField(onnx::kGraphNode, *swish);
        else rewritten.raw(graph.mid(field.begin, field.end - field.begin));
    }
    return rewritten.bytes();
}

} // namespace

QByteArray fuseSwishForOpenCv(const QByteArray& onnx, int* fused)
{
    int count = 0;
    ProtoWriter model;
    ProtoReader reader(onnx);
    for (ProtoField field; reader.next(&field);) {
        if (field.number == onnx::kModelGraph && field.wireType == onnx::LengthDelimited) {
            int inGraph = 0;
            model.bytesField(onnx::kModelGraph, fuseInGraph(field.payload, &inGraph));
            count += inGraph;
        } else {
            model.raw(onnx.mid(field.begin, field.end - field.begin));
        }
    }
    if (fused) *fused = count;
    return count > 0 ? model.bytes() : onnx;
}

} // namespace exemplar
