#pragma once
// Reading and editing the node list of a serialized ONNX model, for the in-memory rewrites that
// make a standard model run faster in OpenCV 4.6 (SwishFusion, DepthwiseFusion). Built on the
// field-level protobuf reader/writer in OnnxProto.h.
#include "OnnxProto.h"

#include <QHash>
#include <QStringList>
#include <functional>
#include <set>
#include <vector>

namespace exemplar::onnx {

// The parts of a NodeProto the rewrites look at.
struct GraphNode {
    qsizetype begin = 0, end = 0;  // the node's field within the graph message: its identity
    QString opType;
    QStringList inputs, outputs;
    QByteArray payload;  // the serialized NodeProto (for its attributes)
};

struct GraphSummary {
    std::vector<GraphNode> nodes;        // in graph order
    QHash<QString, int> uses;            // how many node inputs and graph outputs read each tensor
    QHash<QString, QByteArray> tensors;  // initializers: name → serialized TensorProto
};

GraphSummary summarizeGraph(const QByteArray& graph);

// GRAPH with the nodes that begin at DROPPED left out and those in REPLACED (keyed by begin)
// swapped for the given serialized nodes, everything else byte for byte in the same order.
QByteArray editGraph(const QByteArray& graph, const std::set<qsizetype>& dropped,
                     const QHash<qsizetype, QByteArray>& replaced);

// MODEL with its graph passed through REWRITE, which returns the new graph and adds the number of
// changes it made to its int argument. Returns MODEL itself when nothing changed; COUNT (optional)
// receives the total.
QByteArray rewriteModelGraph(const QByteArray& model, const std::function<QByteArray(const QByteArray&, int*)>& rewrite,
                             int* count);

// Attribute NAME of a node: its integer list (ints, or a single i), or HAS false when absent.
std::vector<qint64> intsAttributeOf(const QByteArray& node, const char* name, bool* has = nullptr);
// Attribute NAME of a node as a string (s), or an empty string.
QString stringAttributeOf(const QByteArray& node, const char* name);
// The dims of a serialized TensorProto.
std::vector<qint64> tensorDims(const QByteArray& tensor);
// The data_type of a serialized TensorProto (proto::kFloat, ...), 0 when unset.
int tensorDataType(const QByteArray& tensor);

} // namespace exemplar::onnx
