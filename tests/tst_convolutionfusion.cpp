// Convolution fusion: which ONNX Conv nodes become Exemplar's depthwise and pointwise layers (and
// which must stay), which Swish nodes they take over, the geometry the rewritten nodes carry, that
// OpenCV computes the same with the rewritten graph, the packed/unpacked integer lists the rewrite
// reads, and, on the real default model, how many convolutions are rewritten with embeddings and
// logits unchanged.
#include "ConvolutionFusion.h"
#include "Error.h"
#include "FastConvolutionLayers.h"
#include "ModelSpec.h"
#include "OnnxGraph.h"
#include "OnnxProto.h"
#include "SwishFusion.h"
#include "TestSupport.h"

#include <QFile>
#include <QtTest>
#include <opencv2/dnn.hpp>

using namespace exemplar;
using namespace exemplar::onnx;

static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "raw_data below is written in host order");

namespace {

enum : int { kFloat16 = 10, kDouble = 11 };  // TensorProto.DataType

const QString kDepthwise = QLatin1String(kDepthwiseConvLayerType);
const QString kPointwise = QLatin1String(kPointwiseConvLayerType);

struct Node {
    const char* op;
    QStringList inputs;
    QString output;
    std::vector<ProtoWriter> attributes = {};
};

// Varints back to back: the content of a packed repeated field.
QByteArray varints(const std::vector<qint64>& values)
{
    QByteArray bytes;
    for (qint64 v : values) {
        quint64 u = quint64(v);
        do {
            quint8 byte = u & 0x7F;
            u >>= 7;
            if (u) byte |= 0x80;
            bytes.append(char(byte));
        } while (u);
    }
    return bytes;
}

std::vector<float> randomValues(qint64 count, quint64 seed)
{
    std::vector<float> values(static_cast<size_t>(count));
    cv::RNG rng(seed);
    for (float& v : values) v = rng.uniform(-1.0f, 1.0f);
    return values;
}

QByteArray rawFloats(const std::vector<float>& values)
{
    return QByteArray(reinterpret_cast<const char*>(values.data()), qsizetype(values.size() * sizeof(float)));
}

// A float initializer of DIMS with values from SEED.
ProtoWriter initializer(const QString& name, std::initializer_list<qint64> dims, quint64 seed)
{
    qint64 count = 1;
    for (qint64 d : dims) count *= d;
    return proto::tensor(name, dims, proto::kFloat, rawFloats(randomValues(count, seed)));
}

ProtoWriter ints(const char* name, const std::vector<qint64>& values) { return proto::intsAttribute(name, values); }

// An ints attribute with its list packed into one length-delimited field, as some exporters write it.
ProtoWriter packedInts(const char* name, const std::vector<qint64>& values)
{
    ProtoWriter attribute;
    attribute.stringField(1, QLatin1String(name)).varintField(20, 7).bytesField(8, varints(values));
    return attribute;
}

ProtoWriter group(qint64 groups) { return proto::intAttribute("group", groups); }

ProtoWriter stringAttribute(const char* name, const char* value)
{
    ProtoWriter attribute;
    attribute.stringField(1, QLatin1String(name)).bytesField(4, QByteArray(value)).varintField(20, 3);  // STRING
    return attribute;
}

QByteArray model(const std::vector<Node>& nodes, const std::vector<ProtoWriter>& initializers, const ProtoWriter& input,
                 const std::vector<ProtoWriter>& outputs)
{
    ProtoWriter graph;
    for (const Node& n : nodes) graph.messageField(kGraphNode, proto::node(n.op, n.inputs, n.output, n.attributes));
    graph.stringField(2, QStringLiteral("tiny"));
    for (const ProtoWriter& tensor : initializers) graph.messageField(kGraphInitializer, tensor);
    graph.messageField(11, input);
    for (const ProtoWriter& output : outputs) graph.messageField(kGraphOutput, output);
    ProtoWriter result;
    result.varintField(1, 7);                                  // ir_version
    result.messageField(8, ProtoWriter().varintField(2, 11));  // opset_import: default domain, 11
    result.messageField(kModelGraph, graph);
    return result.bytes();
}

// NODES over input "x" [1, 4, 9, 11], with these initializers available to them:
//   dw [4,1,3,3], dw35 [4,1,3,5], dwPacked [4,1,3,3] (dims packed), dwBias [4],
//   pw [6,4,1,1], pwBias [6], full [6,4,3,3], multiplier [8,1,3,3], dw1d [4,1,3], pwGrouped [6,2,1,1],
//   dw6 [6,1,3,3] (for the 6 channels after pw), dwHalf [4,1,3,3] float16, dwBiasDouble [4] double.
QByteArray tinyModel(const std::vector<Node>& nodes, const QStringList& outputs = {QStringLiteral("y")})
{
    ProtoWriter packedDims;
    packedDims.bytesField(1, varints({4, 1, 3, 3})).varintField(2, proto::kFloat).stringField(8, QStringLiteral("dwPacked"));
    packedDims.bytesField(9, rawFloats(randomValues(36, 3)));
    const std::vector<ProtoWriter> initializers{
        initializer(QStringLiteral("dw"), {4, 1, 3, 3}, 1),
        initializer(QStringLiteral("dw35"), {4, 1, 3, 5}, 2),
        packedDims,
        initializer(QStringLiteral("dwBias"), {4}, 4),
        initializer(QStringLiteral("pw"), {6, 4, 1, 1}, 5),
        initializer(QStringLiteral("pwBias"), {6}, 6),
        initializer(QStringLiteral("full"), {6, 4, 3, 3}, 7),
        initializer(QStringLiteral("multiplier"), {8, 1, 3, 3}, 8),
        initializer(QStringLiteral("dw1d"), {4, 1, 3}, 9),
        initializer(QStringLiteral("pwGrouped"), {6, 2, 1, 1}, 10),
        initializer(QStringLiteral("dw6"), {6, 1, 3, 3}, 11),
        proto::tensor(QStringLiteral("dwHalf"), {4, 1, 3, 3}, kFloat16, QByteArray(36 * 2, '\0')),
        proto::tensor(QStringLiteral("dwBiasDouble"), {4}, kDouble, QByteArray(4 * 8, '\0'))};
    std::vector<ProtoWriter> outputInfos;
    for (const QString& output : outputs) outputInfos.push_back(proto::floatValueInfo(output, {1}));
    return model(nodes, initializers, proto::floatValueInfo(QStringLiteral("x"), {1, 4, 9, 11}), outputInfos);
}

// The fields of one node, read here independently of OnnxGraph.
struct NodeView {
    QString op;
    QStringList inputs, outputs;
    QByteArray payload;
};

std::vector<NodeView> nodesOf(const QByteArray& bytes)
{
    std::vector<NodeView> nodes;
    ProtoReader reader(bytes);
    for (ProtoField field; reader.next(&field);) {
        if (field.number != kModelGraph) continue;
        ProtoReader graph(field.payload);
        for (ProtoField node; graph.next(&node);) {
            if (node.number != kGraphNode) continue;
            NodeView view;
            view.payload = node.payload;
            ProtoReader fields(node.payload);
            for (ProtoField f; fields.next(&f);) {
                if (f.number == kNodeInput) view.inputs << QString::fromUtf8(f.payload);
                else if (f.number == kNodeOutput) view.outputs << QString::fromUtf8(f.payload);
                else if (f.number == kNodeOpType) view.op = QString::fromUtf8(f.payload);
            }
            nodes.push_back(view);
        }
    }
    return nodes;
}

QStringList opTypes(const QByteArray& bytes)
{
    QStringList ops;
    for (const NodeView& node : nodesOf(bytes)) ops << node.op;
    return ops;
}

// The depthwise 3×3 of the tiny model, padded to keep the plane size, with extra ATTRIBUTES.
Node depthwise3x3(const QString& output, std::vector<ProtoWriter> attributes = {})
{
    attributes.push_back(group(4));
    attributes.push_back(ints("kernel_shape", {3, 3}));
    attributes.push_back(ints("pads", {1, 1, 1, 1}));
    return {"Conv", {"x", "dw", "dwBias"}, output, attributes};
}

Node pointwise1x1(const QString& output, std::vector<ProtoWriter> attributes = {})
{
    attributes.push_back(ints("kernel_shape", {1, 1}));
    return {"Conv", {"x", "pw", "pwBias"}, output, attributes};
}

double cosine(const cv::Mat& a, const cv::Mat& b)
{
    const cv::Mat x = a.reshape(1, 1), y = b.reshape(1, 1);
    return x.dot(y) / (cv::norm(x) * cv::norm(y));
}

} // namespace

class TestConvolutionFusion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rewritesOnlySupportedConvolutions_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<int>("depthwise");
        QTest::addColumn<int>("pointwise");
        QTest::addColumn<int>("withSwish");
        QTest::addColumn<QStringList>("ops");

        QTest::newRow("depthwise 3x3") << tinyModel({depthwise3x3("y")}) << 1 << 0 << 0 << QStringList{kDepthwise};
        QTest::newRow("depthwise 3x3 + Swish") << tinyModel({depthwise3x3("c"), {"Swish", {"c"}, "y"}}) << 1 << 0 << 1
                                               << QStringList{kDepthwise};
        QTest::newRow("depthwise, no bias, stride 2, TF pads, no kernel_shape")
            << tinyModel({{"Conv", {"x", "dw"}, "y", {group(4), ints("strides", {2, 2}), ints("pads", {0, 0, 1, 1})}}})
            << 1 << 0 << 0 << QStringList{kDepthwise};
        QTest::newRow("depthwise, dilations 1 and auto_pad NOTSET spelled out")
            << tinyModel({depthwise3x3("y", {ints("dilations", {1, 1}), stringAttribute("auto_pad", "NOTSET")})}) << 1 << 0
            << 0 << QStringList{kDepthwise};
        QTest::newRow("depthwise, packed attributes and filter dims")
            << tinyModel({{"Conv", {"x", "dwPacked", "dwBias"}, "y",
                           {group(4), packedInts("strides", {2, 2}), packedInts("pads", {0, 0, 1, 1})}}})
            << 1 << 0 << 0 << QStringList{kDepthwise};
        QTest::newRow("pointwise 1x1 + Swish") << tinyModel({pointwise1x1("c"), {"Swish", {"c"}, "y"}}) << 0 << 1 << 1
                                               << QStringList{kPointwise};
        QTest::newRow("pointwise, no bias, no attributes") << tinyModel({{"Conv", {"x", "pw"}, "y"}}) << 0 << 1 << 0
                                                           << QStringList{kPointwise};
        QTest::newRow("pointwise, group 1, stride 1, zero pads spelled out")
            << tinyModel({pointwise1x1("y", {group(1), ints("strides", {1, 1}), ints("pads", {0, 0, 0, 0})})}) << 0 << 1
            << 0 << QStringList{kPointwise};
        QTest::newRow("pointwise + Swish, then depthwise + Swish")
            << tinyModel({{"Conv", {"x", "pw", "pwBias"}, "p"},
                          {"Swish", {"p"}, "q"},
                          {"Conv", {"q", "dw6"}, "d", {group(6), ints("pads", {1, 1, 1, 1})}},
                          {"Swish", {"d"}, "y"}})
            << 1 << 1 << 2 << QStringList{kPointwise, kDepthwise};

        // Not rewritten: the model comes back byte for byte.
        QTest::newRow("regular 3x3, group 1") << tinyModel({{"Conv", {"x", "full", "pwBias"}, "y", {ints("pads", {1, 1, 1, 1})}}})
                                              << 0 << 0 << 0 << QStringList{QStringLiteral("Conv")};
        QTest::newRow("depthwise multiplier 2") << tinyModel({{"Conv", {"x", "multiplier"}, "y", {group(4)}}}) << 0 << 0 << 0
                                                << QStringList{QStringLiteral("Conv")};
        QTest::newRow("dilation 2") << tinyModel({depthwise3x3("y", {ints("dilations", {2, 2})})}) << 0 << 0 << 0
                                    << QStringList{QStringLiteral("Conv")};
        QTest::newRow("auto_pad SAME_UPPER")
            << tinyModel({{"Conv", {"x", "dw", "dwBias"}, "y", {group(4), stringAttribute("auto_pad", "SAME_UPPER")}}}) << 0
            << 0 << 0 << QStringList{QStringLiteral("Conv")};
        QTest::newRow("kernel_shape contradicts the filter")
            << tinyModel({{"Conv", {"x", "dw"}, "y", {group(4), ints("kernel_shape", {5, 5})}}}) << 0 << 0 << 0
            << QStringList{QStringLiteral("Conv")};
        QTest::newRow("1-D depthwise") << tinyModel({{"Conv", {"x", "dw1d"}, "y", {group(4)}}}) << 0 << 0 << 0
                                       << QStringList{QStringLiteral("Conv")};
        QTest::newRow("filter computed by another node")
            << tinyModel({{"Identity", {"dw"}, "w"}, {"Conv", {"x", "w", "dwBias"}, "y", {group(4)}}}) << 0 << 0 << 0
            << QStringList{QStringLiteral("Identity"), QStringLiteral("Conv")};
        QTest::newRow("bias computed by another node")
            << tinyModel({{"Identity", {"pwBias"}, "b"}, {"Conv", {"x", "pw", "b"}, "y"}}) << 0 << 0 << 0
            << QStringList{QStringLiteral("Identity"), QStringLiteral("Conv")};
        QTest::newRow("float16 filter") << tinyModel({{"Conv", {"x", "dwHalf", "dwBias"}, "y", {group(4)}}}) << 0 << 0 << 0
                                        << QStringList{QStringLiteral("Conv")};
        QTest::newRow("double bias") << tinyModel({{"Conv", {"x", "dw", "dwBiasDouble"}, "y", {group(4)}}}) << 0 << 0 << 0
                                     << QStringList{QStringLiteral("Conv")};
        QTest::newRow("pointwise, stride 2") << tinyModel({pointwise1x1("y", {ints("strides", {2, 2})})}) << 0 << 0 << 0
                                             << QStringList{QStringLiteral("Conv")};
        QTest::newRow("pointwise, pads") << tinyModel({pointwise1x1("y", {ints("pads", {0, 0, 1, 1})})}) << 0 << 0 << 0
                                         << QStringList{QStringLiteral("Conv")};
        QTest::newRow("pointwise, group 2") << tinyModel({{"Conv", {"x", "pwGrouped"}, "y", {group(2)}}}) << 0 << 0 << 0
                                            << QStringList{QStringLiteral("Conv")};

        // Rewritten, but the Swish stays: it is not the only reader of the convolution's output.
        QTest::newRow("conv output also read elsewhere")
            << tinyModel({depthwise3x3("c"), {"Swish", {"c"}, "s"}, {"Add", {"c", "s"}, "y"}}) << 1 << 0 << 0
            << QStringList{kDepthwise, QStringLiteral("Swish"), QStringLiteral("Add")};
        QTest::newRow("conv output is a graph output")
            << tinyModel({pointwise1x1("c"), {"Swish", {"c"}, "y"}}, {QStringLiteral("y"), QStringLiteral("c")}) << 0 << 1
            << 0 << QStringList{kPointwise, QStringLiteral("Swish")};
        QTest::newRow("Sigmoid and Mul are not a Swish")
            << tinyModel({depthwise3x3("c"), {"Sigmoid", {"c"}, "s"}, {"Mul", {"c", "s"}, "y"}}) << 1 << 0 << 0
            << QStringList{kDepthwise, QStringLiteral("Sigmoid"), QStringLiteral("Mul")};
    }

    void rewritesOnlySupportedConvolutions()
    {
        QFETCH(QByteArray, model);
        QFETCH(int, depthwise);
        QFETCH(int, pointwise);
        QFETCH(int, withSwish);
        QFETCH(QStringList, ops);
        ConvolutionFusionCounts counts;
        counts.depthwise = counts.pointwise = counts.withSwish = -1;  // must be overwritten
        const QByteArray rewritten = fuseConvolutionsForOpenCv(model, &counts);
        QCOMPARE(counts.depthwise, depthwise);
        QCOMPARE(counts.pointwise, pointwise);
        QCOMPARE(counts.withSwish, withSwish);
        QCOMPARE(opTypes(rewritten), ops);
        if (depthwise + pointwise == 0) QCOMPARE(rewritten, model);
        else QVERIFY(rewritten != model);
        QCOMPARE(fuseConvolutionsForOpenCv(model), rewritten);  // the counts are optional
    }

    // What a rewritten node tells the layer: its inputs (no empty optional bias), the output it
    // produces (the Swish's when it took one over), and the geometry in its own attributes.
    void rewrittenNodeCarriesGeometry_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<QString>("op");
        QTest::addColumn<QStringList>("inputs");
        QTest::addColumn<QString>("output");
        QTest::addColumn<std::vector<qint64>>("kernel");   // empty: no such attribute (pointwise)
        QTest::addColumn<std::vector<qint64>>("strides");
        QTest::addColumn<std::vector<qint64>>("pads");
        QTest::addColumn<qint64>("swish");

        using V = std::vector<qint64>;
        QTest::newRow("depthwise 3x5, stride 2x1, pads 0,1,2,3, Swish")
            << tinyModel({{"Conv", {"x", "dw35", "dwBias"}, "c",
                           {group(4), ints("strides", {2, 1}), ints("pads", {0, 1, 2, 3})}},
                          {"Swish", {"c"}, "y"}})
            << kDepthwise << QStringList{"x", "dw35", "dwBias"} << QStringLiteral("y") << V{3, 5} << V{2, 1}
            << V{0, 1, 2, 3} << qint64(1);
        QTest::newRow("depthwise, empty bias name, defaults")
            << tinyModel({{"Conv", {"x", "dw", ""}, "y", {group(4)}}}) << kDepthwise << QStringList{"x", "dw"}
            << QStringLiteral("y") << V{3, 3} << V{1, 1} << V{0, 0, 0, 0} << qint64(0);
        QTest::newRow("depthwise, packed strides and pads")
            << tinyModel({{"Conv", {"x", "dwPacked"}, "y", {group(4), packedInts("strides", {1, 2}), packedInts("pads", {1, 0, 1, 1})}}})
            << kDepthwise << QStringList{"x", "dwPacked"} << QStringLiteral("y") << V{3, 3} << V{1, 2} << V{1, 0, 1, 1}
            << qint64(0);
        QTest::newRow("pointwise + Swish") << tinyModel({pointwise1x1("c"), {"Swish", {"c"}, "y"}}) << kPointwise
                                           << QStringList{"x", "pw", "pwBias"} << QStringLiteral("y") << V{} << V{} << V{}
                                           << qint64(1);
    }

    void rewrittenNodeCarriesGeometry()
    {
        QFETCH(QByteArray, model);
        QFETCH(QString, op);
        QFETCH(QStringList, inputs);
        QFETCH(QString, output);
        QFETCH(std::vector<qint64>, kernel);
        QFETCH(std::vector<qint64>, strides);
        QFETCH(std::vector<qint64>, pads);
        QFETCH(qint64, swish);
        const std::vector<NodeView> nodes = nodesOf(fuseConvolutionsForOpenCv(model));
        QCOMPARE(int(nodes.size()), 1);
        const NodeView& node = nodes[0];
        QCOMPARE(node.op, op);
        QCOMPARE(node.inputs, inputs);
        QCOMPARE(node.outputs, QStringList{output});
        bool has = false;
        QCOMPARE(intsAttributeOf(node.payload, "exemplar_swish", &has), std::vector<qint64>{swish});
        QVERIFY(has);
        QCOMPARE(intsAttributeOf(node.payload, "exemplar_kernel"), kernel);
        QCOMPARE(intsAttributeOf(node.payload, "exemplar_strides"), strides);
        QCOMPARE(intsAttributeOf(node.payload, "exemplar_pads"), pads);
        // OpenCV's importer treats these standard names specially; the layer must not get them.
        for (const char* name : {"group", "kernel_shape", "strides", "pads"}) {
            intsAttributeOf(node.payload, name, &has);
            QVERIFY2(!has, name);
        }
    }

    // Depthwise 5×5 stride 2 with asymmetric pads + Swish, pointwise + Swish, depthwise 3×3 stride 2
    // with TF's 0/1 pads and no bias: OpenCV computes the same with Exemplar's layers as with its own.
    void rewrittenGraphComputesTheSame()
    {
        const std::vector<Node> nodes{
            // OpenCV 4.6's own Conv needs kernel_shape, which ONNX makes optional.
            {"Conv", {"x", "dw5", "dw5Bias"}, "d",
             {group(4), ints("kernel_shape", {5, 5}), ints("strides", {2, 2}), ints("pads", {1, 1, 2, 2})}},
            {"Sigmoid", {"d"}, "ds"},
            {"Mul", {"d", "ds"}, "a"},
            {"Conv", {"a", "pw", "pwBias"}, "p", {ints("kernel_shape", {1, 1})}},
            {"Sigmoid", {"p"}, "ps"},
            {"Mul", {"ps", "p"}, "q"},
            {"Conv", {"q", "dw3"}, "y", {group(6), ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {0, 0, 1, 1})}}};
        const std::vector<ProtoWriter> initializers{initializer(QStringLiteral("dw5"), {4, 1, 5, 5}, 11),
                                                    initializer(QStringLiteral("dw5Bias"), {4}, 12),
                                                    initializer(QStringLiteral("pw"), {6, 4, 1, 1}, 13),
                                                    initializer(QStringLiteral("pwBias"), {6}, 14),
                                                    initializer(QStringLiteral("dw3"), {6, 1, 3, 3}, 15)};
        // 17×19 → (17+3−5)/2+1 = 8 × (19+3−5)/2+1 = 9 → (8+1−3)/2+1 = 4 × (9+1−3)/2+1 = 4.
        const QByteArray original = model(nodes, initializers, proto::floatValueInfo(QStringLiteral("x"), {1, 4, 17, 19}),
                                          {proto::floatValueInfo(QStringLiteral("y"), {1, 6, 4, 4})});
        int swishes = 0;
        ConvolutionFusionCounts counts;
        const QByteArray fast = fuseConvolutionsForOpenCv(fuseSwishForOpenCv(original, &swishes), &counts);
        QCOMPARE(swishes, 2);
        QCOMPARE(counts.depthwise, 2);
        QCOMPARE(counts.pointwise, 1);
        QCOMPARE(counts.withSwish, 2);
        QCOMPARE(opTypes(fast), (QStringList{kDepthwise, kPointwise, kDepthwise}));

        registerFastConvolutionLayers();
        const int shape[] = {1, 4, 17, 19};
        cv::Mat input(4, shape, CV_32F);
        cv::randu(input, -3, 3);
        cv::Mat outputs[2];
        for (int k = 0; k < 2; ++k) {
            const QByteArray& bytes = k == 0 ? original : fast;
            cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.constData(), size_t(bytes.size()));
            // The comparison is between OpenCV's convolutions and ours.
            QCOMPARE(net.getLayersCount(kDepthwiseConvLayerType), k == 0 ? 0 : 2);
            QCOMPARE(net.getLayersCount(kPointwiseConvLayerType), k == 0 ? 0 : 1);
            net.setInput(input);
            outputs[k] = net.forward().clone();
        }
        QCOMPARE(outputs[1].size, outputs[0].size);
        QCOMPARE(outputs[0].total(), size_t(6 * 4 * 4));
        QVERIFY(cv::norm(outputs[0], cv::NORM_INF) > 0.1);  // not a trivially equal all-zero output
        const double difference = cv::norm(outputs[0], outputs[1], cv::NORM_INF);
        QVERIFY2(difference < 1e-4, qPrintable(QString::number(difference)));
    }

    void malformedBytesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("graph length beyond the end") << QByteArray("\x3a\xff\xff\xff\x7f", 5);
        QTest::newRow("node length beyond the end of the graph")
            << ProtoWriter().bytesField(kModelGraph, QByteArray("\x0a\x05" "ab", 4)).bytes();
        QTest::newRow("Conv attribute malformed")
            << tinyModel({{"Conv", {"x", "dw"}, "y", {group(4), ProtoWriter().raw(QByteArray("\x0a\x09" "ab", 4))}}});
    }

    void malformedBytesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY_THROWS_EXCEPTION(Error, fuseConvolutionsForOpenCv(bytes));
    }

    // Repeated int64 fields may be unpacked (one varint field per value) or packed (varints in one
    // length-delimited field), even split over several fields; intsAttributeOf reads them all.
    void intsAttributeOfReadsBothEncodings_data()
    {
        QTest::addColumn<QByteArray>("node");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<std::vector<qint64>>("values");
        QTest::addColumn<bool>("present");

        using V = std::vector<qint64>;
        const auto nodeWith = [](std::vector<ProtoWriter> attributes) {
            attributes.insert(attributes.begin(), ints("dilations", {7, 7}));  // another attribute first
            return proto::node("Conv", {"x", "w"}, "y", attributes).bytes();
        };
        QTest::newRow("unpacked") << nodeWith({ints("pads", {0, 1, 2, 3})}) << QByteArray("pads") << V{0, 1, 2, 3} << true;
        QTest::newRow("packed") << nodeWith({packedInts("pads", {0, 1, 2, 3})}) << QByteArray("pads") << V{0, 1, 2, 3}
                                << true;
        QTest::newRow("packed, multi-byte and negative")
            << nodeWith({packedInts("pads", {300, -1, qint64(1) << 40, 0})}) << QByteArray("pads")
            << V{300, -1, qint64(1) << 40, 0} << true;
        ProtoWriter mixed;
        mixed.stringField(1, QStringLiteral("pads")).bytesField(8, varints({1, 2})).varintField(8, 3).bytesField(8, varints({4}));
        QTest::newRow("packed and unpacked mixed") << nodeWith({mixed}) << QByteArray("pads") << V{1, 2, 3, 4} << true;
        QTest::newRow("single int") << nodeWith({group(4)}) << QByteArray("group") << V{4} << true;
        QTest::newRow("empty packed list") << nodeWith({packedInts("pads", {})}) << QByteArray("pads") << V{} << true;
        QTest::newRow("absent") << nodeWith({ints("pads", {1, 1, 1, 1})}) << QByteArray("strides") << V{} << false;
        QTest::newRow("name is a prefix of another") << nodeWith({ints("pads", {1, 1, 1, 1})}) << QByteArray("pad") << V{}
                                                     << false;
    }

    void intsAttributeOfReadsBothEncodings()
    {
        QFETCH(QByteArray, node);
        QFETCH(QByteArray, name);
        QFETCH(std::vector<qint64>, values);
        QFETCH(bool, present);
        bool has = !present;
        QCOMPARE(intsAttributeOf(node, name.constData(), &has), values);
        QCOMPARE(has, present);
    }

    void truncatedPackedIntsAreRefused()
    {
        ProtoWriter truncated;
        truncated.stringField(1, QStringLiteral("pads")).bytesField(8, QByteArray("\x01\x82", 2));  // 2nd varint unfinished
        const QByteArray node = proto::node("Conv", {"x", "w"}, "y", {truncated}).bytes();
        QVERIFY_THROWS_EXCEPTION(Error, intsAttributeOf(node, "pads"));
    }

    // The default model: the rewrite's counts, and OpenCV's embedding and logits with Exemplar's
    // layers against the untouched file in plain OpenCV.
    void defaultModelIsRewrittenWithTheSameOutputs()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const ModelSpec spec = ModelSpec::load(test::defaultModelSpec());
        QFile file(spec.onnxPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray original = file.readAll();
        ConvolutionFusionCounts counts;
        const QByteArray fast = fuseConvolutionsForOpenCv(fuseSwishForOpenCv(original), &counts);
        const QStringList ops = opTypes(fast);
        qInfo("rewritten: %d depthwise, %d pointwise, %d with their Swish; %lld Conv and %lld Swish nodes left",
              counts.depthwise, counts.pointwise, counts.withSwish, ops.count(QStringLiteral("Conv")),
              ops.count(QStringLiteral("Swish")));
        // EfficientNet-B0 as converted from TF-Hub (batch norms folded) has 82 Conv nodes. Depthwise:
        // one in each of the 16 MBConv blocks (3×3 and 5×5, four of them stride 2) plus the input's
        // 1×1 group-3 per-channel affine (the normalization), 17. Pointwise: 15 expansions (block
        // 1 has none) + 16 projections + 16 squeeze-and-excitation reductions and 16 expansions (on
        // 1×1 planes) + the head, 64. With their Swish: the 16 depthwise, 15 expansions, 16 SE
        // reductions and the head, 48 (the affine and the projections are linear, SE expansions
        // feed a Sigmoid gate). The stem's 3×3 stride-2 convolution stays Conv, its Swish a Swish.
        QCOMPARE(counts.depthwise, 17);
        QCOMPARE(counts.pointwise, 64);
        QCOMPARE(counts.withSwish, 48);
        QCOMPARE(ops.count(QStringLiteral("Conv")), 1);
        QCOMPARE(ops.count(QStringLiteral("Swish")), 1);

        registerFastConvolutionLayers();
        std::vector<cv::String> names{spec.embeddingOutputs.first().toStdString()};
        if (!spec.logitsOutput.isEmpty()) names.push_back(spec.logitsOutput.toStdString());
        const int shape[] = {1, 3, spec.inputHeight, spec.inputWidth};
        cv::Mat input(4, shape, CV_32F);
        cv::randu(input, 0, 1);
        std::vector<cv::Mat> outputs[2];
        for (int k = 0; k < 2; ++k) {
            const QByteArray& bytes = k == 0 ? original : fast;
            cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.constData(), size_t(bytes.size()));
            QCOMPARE(net.getLayersCount(kDepthwiseConvLayerType), k == 0 ? 0 : counts.depthwise);
            QCOMPARE(net.getLayersCount(kPointwiseConvLayerType), k == 0 ? 0 : counts.pointwise);
            net.setInput(input, spec.inputName.toStdString());
            net.forward(outputs[k], names);
            for (cv::Mat& output : outputs[k]) output = output.clone();
        }
        for (size_t i = 0; i < names.size(); ++i) {
            QCOMPARE(outputs[1][i].total(), outputs[0][i].total());
            const double c = cosine(outputs[0][i], outputs[1][i]);
            QVERIFY2(c > 1 - 1e-6, qPrintable(QStringLiteral("%1: cosine %2").arg(QString::fromStdString(names[i])).arg(c, 0, 'g', 10)));
        }
        QCOMPARE(outputs[0][0].total(), size_t(spec.embeddingDim));
    }
};

QTEST_GUILESS_MAIN(TestConvolutionFusion)
#include "tst_convolutionfusion.moc"
