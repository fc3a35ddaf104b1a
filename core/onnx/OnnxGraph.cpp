#include "OnnxGraph.h"

namespace exemplar::onnx {

namespace {

// onnx.proto field numbers used only here.
enum : quint32 { kNodeAttribute = 5 };
enum : quint32 { kAttributeName = 1, kAttributeInt = 3, kAttributeString = 4, kAttributeInts = 8 };
enum : quint32 { kTensorDims = 1, kTensorDataType = 2, kTensorName = 8 };

// Repeated int64 fields arrive unpacked (one varint field each) or packed (one length-delimited
// field of varints); protobuf parsers must accept both.
void appendInts(const ProtoField& field, std::vector<qint64>* values)
{
    if (field.wireType == Varint) {
        values->push_back(qint64(field.value));
    } else if (field.wireType == LengthDelimited) {
        qsizetype pos = 0;
        while (pos < field.payload.size()) {
            quint64 value = 0;
            int shift = 0;
            for (;; shift += 7) {
                if (pos >= field.payload.size() || shift >= 64)
                    throw Error(QStringLiteral("not a valid ONNX (protobuf) file"));
                const quint8 byte = quint8(field.payload[pos++]);
                value |= quint64(byte & 0x7F) << shift;
                if (!(byte & 0x80)) break;
            }
            values->push_back(qint64(value));
        }
    }
}

// The AttributeProto called NAME within a serialized node, or an empty array.
QByteArray attribute(const QByteArray& node, const char* name)
{
    ProtoReader reader(node);
    for (ProtoField field; reader.next(&field);)
        if (field.number == kNodeAttribute && field.wireType == LengthDelimited &&
            ProtoReader::stringField(field.payload, kAttributeName) == QLatin1String(name))
            return field.payload;
    return QByteArray();
}

} // namespace

GraphSummary summarizeGraph(const QByteArray& graph)
{
    GraphSummary summary;
    ProtoReader reader(graph);
    for (ProtoField field; reader.next(&field);) {
        if (field.wireType != LengthDelimited) continue;
        if (field.number == kGraphNode) {
            GraphNode node;
            node.begin = field.begin;
            node.end = field.end;
            node.payload = field.payload;
            ProtoReader nodeReader(field.payload);
            for (ProtoField f; nodeReader.next(&f);) {
                if (f.wireType != LengthDelimited) continue;
                if (f.number == kNodeInput) node.inputs << QString::fromUtf8(f.payload);
                else if (f.number == kNodeOutput) node.outputs << QString::fromUtf8(f.payload);
                else if (f.number == kNodeOpType) node.opType = QString::fromUtf8(f.payload);
            }
            for (const QString& input : node.inputs) ++summary.uses[input];
            summary.nodes.push_back(std::move(node));
        } else if (field.number == kGraphOutput) {
            ++summary.uses[ProtoReader::stringField(field.payload, kValueInfoName)];
        } else if (field.number == kGraphInitializer) {
            summary.tensors.insert(ProtoReader::stringField(field.payload, kTensorName), field.payload);
        }
    }
    return summary;
}

QByteArray editGraph(const QByteArray& graph, const std::set<qsizetype>& dropped,
                     const QHash<qsizetype, QByteArray>& replaced)
{
    ProtoWriter edited;
    ProtoReader reader(graph);
    for (ProtoField field; reader.next(&field);) {
        const bool isNode = field.number == kGraphNode;
        if (isNode && dropped.count(field.begin)) continue;
        const auto replacement = isNode ? replaced.constFind(field.begin) : replaced.constEnd();
        if (replacement != replaced.constEnd()) edited.bytesField(kGraphNode, *replacement);
        else edited.raw(graph.mid(field.begin, field.end - field.begin));
    }
    return edited.bytes();
}

QByteArray rewriteModelGraph(const QByteArray& model, const std::function<QByteArray(const QByteArray&, int*)>& rewrite,
                             int* count)
{
    int changes = 0;
    ProtoWriter rewritten;
    ProtoReader reader(model);
    for (ProtoField field; reader.next(&field);) {
        if (field.number == kModelGraph && field.wireType == LengthDelimited) {
            int inGraph = 0;
            rewritten.bytesField(kModelGraph, rewrite(field.payload, &inGraph));
            changes += inGraph;
        } else {
            rewritten.raw(model.mid(field.begin, field.end - field.begin));
        }
    }
    if (count) *count = changes;
    return changes > 0 ? rewritten.bytes() : model;
}

std::vector<qint64> intsAttributeOf(const QByteArray& node, const char* name, bool* has)
{
    const QByteArray found = attribute(node, name);
    if (has) *has = !found.isEmpty();
    std::vector<qint64> values;
    ProtoReader reader(found);
    for (ProtoField field; reader.next(&field);)
        if (field.number == kAttributeInts || field.number == kAttributeInt) appendInts(field, &values);
    return values;
}

QString stringAttributeOf(const QByteArray& node, const char* name)
{
    return ProtoReader::stringField(attribute(node, name), kAttributeString);
}

std::vector<qint64> tensorDims(const QByteArray& tensor)
{
    std::vector<qint64> dims;
    ProtoReader reader(tensor);
    for (ProtoField field; reader.next(&field);)
        if (field.number == kTensorDims) appendInts(field, &dims);
    return dims;
}

int tensorDataType(const QByteArray& tensor)
{
    ProtoReader reader(tensor);
    for (ProtoField field; reader.next(&field);)
        if (field.number == kTensorDataType && field.wireType == Varint) return int(field.value);
    return 0;
}

} // namespace exemplar::onnx
