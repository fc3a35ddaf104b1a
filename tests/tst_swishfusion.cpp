// Swish fusion: which Sigmoid/Mul pairs become one OpenCV Swish node (and which must not), that a
// rewritten graph computes the same as the original in OpenCV, and, on the real default model, that
// all 49 of EfficientNet-B0's Swish activations fuse with embeddings unchanged.
#include "Error.h"
#include "ModelSpec.h"
#include "OnnxProto.h"
#include "SwishFusion.h"
#include "TestSupport.h"

#include <QFile>
#include <QtTest>
#include <opencv2/dnn.hpp>

using namespace exemplar;
using namespace exemplar::onnx;

namespace {

struct TinyNode {
    const char* op;
    QStringList inputs;
    QString output;
};

// A float model over input "x" of shape [1, 2, 3, 3]: NODES in order, OUTPUTS as graph outputs.
QByteArray tinyModel(const std::vector<TinyNode>& nodes, const QStringList& outputs)
{
    ProtoWriter graph;
    for (const TinyNode& n : nodes) graph.messageField(kGraphNode, proto::node(n.op, n.inputs, n.output));
    graph.stringField(2, QStringLiteral("tiny"));
    graph.messageField(11, proto::floatValueInfo(QStringLiteral("x"), {1, 2, 3, 3}));
    for (const QString& output : outputs) graph.messageField(kGraphOutput, proto::floatValueInfo(output, {1, 2, 3, 3}));
    ProtoWriter model;
    model.varintField(1, 7);                                         // ir_version
    model.messageField(8, ProtoWriter().varintField(2, 10));         // opset_import: default domain, 10
    model.messageField(kModelGraph, graph);
    return model.bytes();
}

QStringList opTypes(const QByteArray& model)
{
    QStringList ops;
    ProtoReader reader(model);
    for (ProtoField field; reader.next(&field);) {
        if (field.number != kModelGraph) continue;
        ProtoReader graph(field.payload);
        for (ProtoField node; graph.next(&node);)
            if (node.number == kGraphNode) ops << ProtoReader::stringField(node.payload, kNodeOpType);
    }
    return ops;
}

} // namespace

class TestSwishFusion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rewritesOnlyTrueSwishPairs_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<int>("fused");
        QTest::addColumn<QStringList>("ops");
        const QStringList y{QStringLiteral("y")};
        QTest::newRow("x·sigmoid(x)") << tinyModel({{"Sigmoid", {"x"}, "s"}, {"Mul", {"x", "s"}, "y"}}, y) << 1
                                      << QStringList{QStringLiteral("Swish")};
        QTest::newRow("sigmoid(x)·x") << tinyModel({{"Sigmoid", {"x"}, "s"}, {"Mul", {"s", "x"}, "y"}}, y) << 1
                                      << QStringList{QStringLiteral("Swish")};
        QTest::newRow("after a node, twice")
            << tinyModel({{"Relu", {"x"}, "r"}, {"Sigmoid", {"r"}, "s"}, {"Mul", {"s", "r"}, "m"},
                          {"Sigmoid", {"m"}, "t"}, {"Mul", {"m", "t"}, "y"}}, y)
            << 2 << QStringList{QStringLiteral("Relu"), QStringLiteral("Swish"), QStringLiteral("Swish")};
        // Squeeze-and-excitation gates: x·sigmoid(z) with z ≠ x is not a Swish.
        QTest::newRow("gate of another tensor")
            << tinyModel({{"Relu", {"x"}, "z"}, {"Sigmoid", {"z"}, "s"}, {"Mul", {"x", "s"}, "y"}}, y) << 0
            << QStringList{QStringLiteral("Relu"), QStringLiteral("Sigmoid"), QStringLiteral("Mul")};
        QTest::newRow("sigmoid also read elsewhere")
            << tinyModel({{"Sigmoid", {"x"}, "s"}, {"Mul", {"x", "s"}, "m"}, {"Add", {"m", "s"}, "y"}}, y) << 0
            << QStringList{QStringLiteral("Sigmoid"), QStringLiteral("Mul"), QStringLiteral("Add")};
        QTest::newRow("sigmoid is a graph output")
            << tinyModel({{"Sigmoid", {"x"}, "s"}, {"Mul", {"x", "s"}, "y"}}, {QStringLiteral("y"), QStringLiteral("s")})
            << 0 << QStringList{QStringLiteral("Sigmoid"), QStringLiteral("Mul")};
        QTest::newRow("square, no sigmoid") << tinyModel({{"Mul", {"x", "x"}, "y"}}, y) << 0
                                            << QStringList{QStringLiteral("Mul")};
    }

    void rewritesOnlyTrueSwishPairs()
    {
        QFETCH(QByteArray, model);
        QFETCH(int, fused);
        QFETCH(QStringList, ops);
        int count = -1;
        const QByteArray rewritten = fuseSwishForOpenCv(model, &count);
        QCOMPARE(count, fused);
        QCOMPARE(opTypes(rewritten), ops);
        if (fused == 0) QCOMPARE(rewritten, model);
    }

    // OpenCV imports the rewritten graph and computes x·sigmoid(x), as the original graph does.
    void rewrittenGraphComputesTheSame()
    {
        const QByteArray original = tinyModel({{"Sigmoid", {"x"}, "s"}, {"Mul", {"s", "x"}, "y"}}, {QStringLiteral("y")});
        const QByteArray fused = fuseSwishForOpenCv(original);
        const int shape[] = {1, 2, 3, 3};
        cv::Mat input(4, shape, CV_32F);
        cv::randu(input, -6, 6);
        cv::Mat outputs[2];
        for (int k = 0; k < 2; ++k) {
            const QByteArray& bytes = k == 0 ? original : fused;
            cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.constData(), size_t(bytes.size()));
            net.setInput(input);
            outputs[k] = net.forward().clone();
        }
        QVERIFY(cv::norm(outputs[0], outputs[1], cv::NORM_INF) < 1e-5);
        const float x = input.ptr<float>()[0];
        QVERIFY(std::abs(outputs[1].ptr<float>()[0] - x / (1 + std::exp(-x))) < 1e-5);
    }

    void malformedBytesAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, fuseSwishForOpenCv(QByteArray("\x3a\xff\xff\xff\x7f", 5)));
    }

    // The default model: every Swish fuses, and OpenCV's embedding is the same with and without.
    void defaultModelFusesEverySwish()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const ModelSpec spec = ModelSpec::load(test::defaultModelSpec());
        QFile file(spec.onnxPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray original = file.readAll();
        int count = 0;
        const QByteArray fused = fuseSwishForOpenCv(original, &count);
        QCOMPARE(count, 49);  // stem, 16 blocks' depthwise, 15 expansions, 16 SE reductions, head
        QCOMPARE(opTypes(fused).count(QStringLiteral("Sigmoid")), opTypes(original).count(QStringLiteral("Sigmoid")) - 49);

        const int shape[] = {1, 3, spec.inputHeight, spec.inputWidth};
        cv::Mat input(4, shape, CV_32F);
        cv::randu(input, 0, 1);
        cv::Mat embeddings[2];
        for (int k = 0; k < 2; ++k) {
            const QByteArray& bytes = k == 0 ? original : fused;
            cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.constData(), size_t(bytes.size()));
            net.setInput(input, spec.inputName.toStdString());
            embeddings[k] = net.forward(spec.embeddingOutputs.first().toStdString()).reshape(1, 1).clone();
        }
        const double cosine = embeddings[0].dot(embeddings[1]) / (cv::norm(embeddings[0]) * cv::norm(embeddings[1]));
        QVERIFY2(cosine > 1 - 1e-6, qPrintable(QString::number(cosine, 'g', 10)));
    }
};

QTEST_GUILESS_MAIN(TestSwishFusion)
#include "tst_swishfusion.moc"
