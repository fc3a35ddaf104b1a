#pragma once
// Just enough protobuf to extend an ONNX model without an ONNX library (Debian 12 has none for
// C++): a reader that walks the fields of one message without decoding nested ones, and a writer
// for the few ONNX messages Exemplar adds (nodes, tensors, value infos, metadata). Field numbers
// are those of onnx.proto.
#include "Error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace exemplar::onnx {

enum WireType { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

// onnx.proto field numbers of the messages Exemplar reads or edits.
enum : quint32 { kModelGraph = 7, kModelMetadata = 14 };
enum : quint32 { kGraphNode = 1, kGraphInitializer = 5, kGraphOutput = 12 };
enum : quint32 { kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4 };
enum : quint32 { kValueInfoName = 1 };

// One field of a serialized message. For length-delimited fields, payload is the content.
struct ProtoField {
    quint32 number = 0;
    int wireType = 0;
    quint64 value = 0;     // varint and fixed fields
    QByteArray payload;    // length-delimited fields
    qsizetype begin = 0;   // the whole field (tag included) is bytes[begin, end)
    qsizetype end = 0;
};

// Walks the top-level fields of one serialized message. Throws Error on malformed bytes.
class ProtoReader {
public:
    explicit ProtoReader(const QByteArray& bytes) : bytes_(bytes) {}

    bool next(ProtoField* field)
    {
        if (pos_ >= bytes_.size()) return false;
        field->begin = pos_;
        const quint64 tag = varint();
        field->number = quint32(tag >> 3);
        field->wireType = int(tag & 7);
        if (field->number == 0) malformed();
        field->payload.clear();
        switch (field->wireType) {
        case Varint: field->value = varint(); break;
        case Fixed64: field->value = fixed(8); break;
        case Fixed32: field->value = fixed(4); break;
        case LengthDelimited: {
            const quint64 length = varint();
            if (length > quint64(bytes_.size() - pos_)) malformed();
            field->payload = bytes_.mid(pos_, qsizetype(length));
            pos_ += qsizetype(length);
            break;
        }
        default: malformed();
        }
        field->end = pos_;
        return true;
    }

    // The string field NUMBER of a message, or an empty string.
    static QString stringField(const QByteArray& message, quint32 number)
    {
        ProtoReader reader(message);
        for (ProtoField field; reader.next(&field);)
            if (field.number == number && field.wireType == LengthDelimited) return QString::fromUtf8(field.payload);
        return QString();
    }

private:
    [[noreturn]] static void malformed() { throw Error(QStringLiteral("not a valid ONNX (protobuf) file")); }

    quint64 varint()
    {
        quint64 result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= bytes_.size()) malformed();
            const quint8 byte = quint8(bytes_[pos_++]);
            result |= quint64(byte & 0x7F) << shift;
            if (!(byte & 0x80)) return result;
        }
        malformed();
    }

    quint64 fixed(int size)
    {
        if (bytes_.size() - pos_ < size) malformed();
        quint64 result = 0;
        for (int i = 0; i < size; ++i) result |= quint64(quint8(bytes_[pos_ + i])) << (8 * i);
        pos_ += size;
        return result;
    }

    const QByteArray& bytes_;
    qsizetype pos_ = 0;
};

// Appends fields to a message under construction.
class ProtoWriter {
public:
    const QByteArray& bytes() const { return bytes_; }

    ProtoWriter& varintField(quint32 number, quint64 value)
    {
        tag(number, Varint);
        varint(value);
        return *this;
    }
    ProtoWriter& floatField(quint32 number, float value)
    {
        tag(number, Fixed32);
        quint32 bits;
        std::memcpy(&bits, &value, 4);
        for (int i = 0; i < 4; ++i) bytes_.append(char((bits >> (8 * i)) & 0xFF));
        return *this;
    }
    ProtoWriter& bytesField(quint32 number, const QByteArray& value)
    {
        tag(number, LengthDelimited);
        varint(quint64(value.size()));
        bytes_.append(value);
        return *this;
    }
    ProtoWriter& stringField(quint32 number, const QString& value) { return bytesField(number, value.toUtf8()); }
    ProtoWriter& messageField(quint32 number, const ProtoWriter& message) { return bytesField(number, message.bytes()); }
    ProtoWriter& raw(const QByteArray& serializedFields)
    {
        bytes_.append(serializedFields);
        return *this;
    }

private:
    void tag(quint32 number, WireType type) { varint((quint64(number) << 3) | quint64(type)); }
    void varint(quint64 value)
    {
        do {
            quint8 byte = value & 0x7F;
            value >>= 7;
            if (value) byte |= 0x80;
            bytes_.append(char(byte));
        } while (value);
    }

    QByteArray bytes_;
};

// ONNX messages (onnx.proto field numbers), built with ProtoWriter.
namespace proto {

enum : int { kFloat = 1, kInt64 = 7 };  // TensorProto.DataType

inline ProtoWriter intsAttribute(const char* name, const std::vector<qint64>& values)
{
    ProtoWriter attribute;
    attribute.stringField(1, QLatin1String(name)).varintField(20, 7);  // type INTS
    for (qint64 v : values) attribute.varintField(8, quint64(v));
    return attribute;
}

inline ProtoWriter intAttribute(const char* name, qint64 value)
{
    ProtoWriter attribute;
    attribute.stringField(1, QLatin1String(name)).varintField(3, quint64(value)).varintField(20, 2);  // INT
    return attribute;
}

inline ProtoWriter node(const char* opType, const QStringList& inputs, const QString& output,
                        const std::vector<ProtoWriter>& attributes = {})
{
    ProtoWriter node;
    for (const QString& input : inputs) node.stringField(1, input);
    node.stringField(2, output).stringField(3, output).stringField(4, QLatin1String(opType));
    for (const ProtoWriter& attribute : attributes) node.messageField(5, attribute);
    return node;
}

// A little-endian float32 or int64 tensor with its data in raw_data.
inline ProtoWriter tensor(const QString& name, std::initializer_list<qint64> dims, int dataType, const QByteArray& raw)
{
    ProtoWriter tensor;
    for (qint64 d : dims) tensor.varintField(1, quint64(d));
    tensor.varintField(2, quint64(dataType)).stringField(8, name).bytesField(9, raw);
    return tensor;
}

inline ProtoWriter floatValueInfo(const QString& name, std::initializer_list<qint64> dims)
{
    ProtoWriter shape;
    for (qint64 d : dims) shape.messageField(1, ProtoWriter().varintField(1, quint64(d)));
    ProtoWriter tensorType;
    tensorType.varintField(1, kFloat).messageField(2, shape);
    ProtoWriter info;
    info.stringField(1, name).messageField(2, ProtoWriter().messageField(1, tensorType));
    return info;
}

inline ProtoWriter metadataEntry(const QString& key, const QString& value)
{
    ProtoWriter entry;
    entry.stringField(1, key).stringField(2, value);
    return entry;
}

} // namespace proto
} // namespace exemplar::onnx
