// The one-file ONNX export: the exported graph must compute exactly what ReferenceHead::predict
// computes, and OpenCV DNN must load it. First on a tiny hand-made embedder (no model needed:
// every head shape — one or several references per class, biases, an empty class, a centering
// and projection transform); then end to end with the real model, against `exemplar-cli
// classify` on held-out photos.
#include "Embedder.h"
#include "ImageDecoder.h"
#include "InstalledModelPaths.h"
#include "InstalledModels.h"
#include "ModelSpec.h"
#include "OnnxExport.h"
#include "OnnxProto.h"
#include "ReferenceSetFile.h"
#include "CliRunner.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

using namespace exemplar;
namespace proto = exemplar::onnx::proto;
using exemplar::onnx::ProtoWriter;

namespace {

constexpr int kTinyChannels = 3;

// A tiny embedder in the shape of the real one: input [1,3,2,2] → GlobalAveragePool → Flatten →
// "embedding" [1,3] (the per-channel means, not normalized, like EfficientNet's pooled features).
QByteArray tinyEmbedderOnnx()
{
    ProtoWriter graph;
    graph.messageField(1, proto::node("GlobalAveragePool", {QStringLiteral("input")}, QStringLiteral("pooled")));
    graph.messageField(1, proto::node("Flatten", {QStringLiteral("pooled")}, QStringLiteral("embedding"),
                                      {proto::intAttribute("axis", 1)}));
    graph.stringField(2, QStringLiteral("tiny"));
    graph.messageField(11, proto::floatValueInfo(QStringLiteral("input"), {1, kTinyChannels, 2, 2}));
    graph.messageField(12, proto::floatValueInfo(QStringLiteral("embedding"), {1, kTinyChannels}));
    ProtoWriter model;
    model.varintField(1, 5);  // ir_version
    model.messageField(8, ProtoWriter().stringField(1, QString()).varintField(2, 10));  // opset 10
    model.messageField(7, graph);
    return model.bytes();
}

ModelSpec tinySpec()
{
    ModelSpec spec;
    spec.name = QStringLiteral("tiny");
    spec.onnxPath = QStringLiteral("tiny.onnx");
    spec.inputName = QStringLiteral("input");
    spec.inputWidth = spec.inputHeight = 2;
    spec.embeddingOutputs = {QStringLiteral("embedding")};
    spec.embeddingDim = kTinyChannels;
    return spec;
}

// Class scores of the exported model for one input blob, through OpenCV DNN.
Vector onnxScores(cv::dnn::Net& net, const cv::Mat& blob, const QString& inputName)
{
    net.setInput(blob, inputName.toStdString());
    const cv::Mat out = net.forward(kOnnxScoresOutput.toStdString());
    return Eigen::Map<const Vector>(out.ptr<float>(), Eigen::Index(out.total()));
}

cv::dnn::Net loadNet(const QByteArray& onnx)
{
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx.constData(), size_t(onnx.size()));
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
}

// The metadata_props of a serialized ModelProto.
QMap<QString, QString> metadata(const QByteArray& model)
{
    QMap<QString, QString> entries;
    onnx::ProtoReader reader(model);
    for (onnx::ProtoField field; reader.next(&field);)
        if (field.number == 14)
            entries.insert(onnx::ProtoReader::stringField(field.payload, 1),
                           onnx::ProtoReader::stringField(field.payload, 2));
    return entries;
}

int argmax(const Vector& v)
{
    Eigen::Index best = 0;
    v.maxCoeff(&best);
    return int(best);
}

} // namespace

class TestOnnxExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir work_;

    using Run = exemplar::test::CliRun;
    static Run cli(const QStringList& args) { return exemplar::test::runCli(args); }

private Q_SLOTS:
    void exportedGraphComputesTheHead_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::newRow("one reference per class") << "single";
        QTest::newRow("several per class, biases, an empty class") << "several";
        QTest::newRow("center and projection transform") << "transform";
    }

    void exportedGraphComputesTheHead()
    {
        QFETCH(QString, shape);
        const QByteArray embedder = tinyEmbedderOnnx();
        ReferenceSet set;
        set.modelName = QStringLiteral("tiny");
        set.modelSha256 = QString::fromLatin1(QCryptographicHash::hash(embedder, QCryptographicHash::Sha256).toHex());
        set.method = QStringLiteral("test");
        ReferenceHead& head = set.head;
        std::srand(7);
        if (shape == QLatin1String("single")) {
            head.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
            head.referenceClass = {2, 0, 1};
        } else {
            head.classNames = QStringList{QStringLiteral("a"), QStringLiteral("empty"), QStringLiteral("b é"),
                                          QStringLiteral("c")};
            head.referenceClass = {0, 2, 0, 3, 2, 0, 3};
        }
        const int dim = shape == QLatin1String("transform") ? 2 : kTinyChannels;
        const Eigen::Index refs = Eigen::Index(head.referenceClass.size());
        head.references = Matrix::Random(refs, dim).rowwise().normalized();
        head.bias = shape == QLatin1String("single") ? Vector::Zero(refs) : Vector(Vector::Random(refs) * 0.2f);
        if (shape == QLatin1String("transform")) {
            head.center = Vector::Random(kTinyChannels) * 0.3f;
            head.projection = Matrix::Random(dim, kTinyChannels);
        }
        head.referenceInfo.assign(size_t(refs), ReferenceInfo{});

        const QByteArray exported = classifierOnnx(embedder, tinySpec(), set);
        cv::dnn::Net net = loadNet(exported);
        QVERIFY(!net.empty());
        for (int trial = 0; trial < 20; ++trial) {
            const cv::Mat image(2, 2, CV_32FC3);
            cv::randu(image, 0.0f, 1.0f);
            const cv::Mat blob = cv::dnn::blobFromImage(image);
            const cv::Scalar means = cv::mean(image);  // what the tiny embedder computes
            Vector embedding(kTinyChannels);
            embedding << float(means[0]), float(means[1]), float(means[2]);
            embedding.normalize();  // as the Embedder does
            const Prediction expected = head.predict(embedding);
            const Vector scores = onnxScores(net, blob, QStringLiteral("input"));
            QCOMPARE(scores.size(), Eigen::Index(head.classNames.size()));
            for (const ClassScore& s : expected.ranked)
                QVERIFY2(std::abs(scores[s.classIndex] - s.score) < 1e-4f,
                         qPrintable(QStringLiteral("class %1: onnx %2, head %3").arg(s.classIndex)
                                        .arg(scores[s.classIndex]).arg(s.score)));
            QCOMPARE(argmax(scores), expected.bestClass());
        }
        QCOMPARE(QJsonDocument::fromJson(metadata(exported).value(kOnnxClassesKey).toUtf8()).array().toVariantList(),
                 QVariant(head.classNames).toList());
        // The set's "unknown" rule needs its training photos, which the graph does not hold: the
        // metadata says so (an export once dropped it without a word).
        const QJsonObject classifier =
            QJsonDocument::fromJson(metadata(exported).value(QStringLiteral("exemplar.classifier")).toUtf8()).object();
        QCOMPARE(classifier.value(QStringLiteral("unknown_in_graph")), QJsonValue(false));
        QCOMPARE(classifier.value(QStringLiteral("unknown_rule")).toString(), head.unknownRule());
    }

    void refusesASetOfAnotherModel()
    {
        ReferenceSet set;
        set.modelName = QStringLiteral("other");
        set.modelSha256 = QString(64, QLatin1Char('0'));
        set.head.classNames = QStringList{QStringLiteral("a")};
        set.head.references = Matrix::Ones(1, kTinyChannels);
        set.head.bias = Vector::Zero(1);
        set.head.referenceClass = {0};
        try {
            classifierOnnx(tinyEmbedderOnnx(), tinySpec(), set);
            QFAIL("a set made with another model was exported");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("made with model other")), e.what());
        }
    }

    // The default model flip-averages: the exported graph mirrors its input and runs a second copy
    // of the network (checked against Exemplar on real photos below). Crops are cut before the
    // photo is resized to the input, which the graph never sees: refused with a way out.
    void exportsFlipAndRefusesCrops()
    {
        const QByteArray embedder = tinyEmbedderOnnx();
        ReferenceSet set;
        set.modelName = QStringLiteral("tiny");
        set.modelSha256 = QString::fromLatin1(QCryptographicHash::hash(embedder, QCryptographicHash::Sha256).toHex());
        set.head.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b")};
        set.head.references = Matrix::Identity(2, kTinyChannels);
        set.head.bias = Vector::Zero(2);
        set.head.referenceClass = {0, 1};
        set.head.referenceInfo.assign(2, ReferenceInfo{});
        ModelSpec flipped = tinySpec();
        flipped.flipAverage = true;
        cv::dnn::Net plain = loadNet(classifierOnnx(embedder, tinySpec(), set));
        cv::dnn::Net mirrored = loadNet(classifierOnnx(embedder, flipped, set));
        // The tiny network averages each channel, which a mirror image leaves as it is: the
        // flip-averaged graph must score exactly as the plain one.
        const int dims[] = {1, kTinyChannels, 2, 2};
        cv::Mat blob(4, dims, CV_32F);
        cv::randu(blob, 0.0f, 1.0f);
        const Vector a = onnxScores(plain, blob, QStringLiteral("input"));
        const Vector b = onnxScores(mirrored, blob, QStringLiteral("input"));
        QVERIFY2((a - b).cwiseAbs().maxCoeff() < 1e-6f, "the mirror branch changed a mirror-invariant embedding");

        ModelSpec cropped = tinySpec();
        cropped.cropAverage = true;
        try {
            classifierOnnx(embedder, cropped, set);
            QFAIL("a crop-averaged model was exported as one pass");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("crops")) && e.message().contains(QStringLiteral("--model")), e.what());
        }
    }

    // Issue 13, defect 5: a 2.4 MB set naming 100,000 classes made export-onnx run 117 s in 9.2 GB
    // and write 3.1 GB, because every class is padded to the widest class's reference count. The
    // padding is now bounded by the set's own size: refused before anything is allocated.
    void refusesPaddingThatOutgrowsTheSet()
    {
        const QByteArray embedder = tinyEmbedderOnnx();
        ReferenceSet set;
        set.modelName = QStringLiteral("tiny");
        set.modelSha256 = QString::fromLatin1(QCryptographicHash::hash(embedder, QCryptographicHash::Sha256).toHex());
        set.method = QStringLiteral("test");
        for (int c = 0; c < 100000; ++c) set.head.classNames << QStringLiteral("class %1").arg(c);
        const int references = 60;  // all of class 0: 100,000 × 60 padded rows for 60 real ones
        set.head.references = Matrix::Random(references, kTinyChannels).rowwise().normalized();
        set.head.bias = Vector::Zero(references);
        set.head.referenceClass.assign(size_t(references), 0);
        set.head.referenceInfo.assign(size_t(references), ReferenceInfo{});
        try {
            classifierOnnx(embedder, tinySpec(), set);
            QFAIL("a set whose padding would outgrow it a thousandfold was exported");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("padding them to equal size")), e.what());
        }
        // The same references over 4 classes export as before.
        set.head.classNames = set.head.classNames.mid(0, 4);
        for (int r = 0; r < references; ++r) set.head.referenceClass[size_t(r)] = r % 4;
        QVERIFY(!classifierOnnx(embedder, tinySpec(), set).isEmpty());
    }

    // End to end: train with the CLI, export, and compare the exported model's predictions (run
    // by OpenCV DNN) with `exemplar-cli classify` on photos that played no part in training.
    void exportMatchesClassifyOnHeldOutPhotos_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("flip");
        QTest::addColumn<bool>("installedDefault");  // the installed default instead of the test model
        QTest::newRow("all (several references per class)") << "all" << false << false;
        QTest::newRow("centroid (centering transform)") << "centroid" << false << false;
        QTest::newRow("centroid, flip-averaged model (mirror branch)") << "centroid" << true << false;
        // Two embedding outputs (average and GeM pool), each mirrored, normalized and summed.
        QTest::newRow("whitened-centroid, the default model (flip, two outputs)") << "whitened-centroid" << true << true;
    }

    void exportMatchesClassifyOnHeldOutPhotos()
    {
        QFETCH(QString, method);
        QFETCH(bool, flip);
        QFETCH(bool, installedDefault);
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        const QString dataset = work_.filePath(QStringLiteral("flowers"));
        if (!QFileInfo::exists(dataset)) {
            for (const QString name : {"buttercup", "daffodil", "dandelion", "sunflower", "tulip"}) {
                const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
                QVERIFY(QDir().mkpath(dataset + QLatin1Char('/') + name));
                for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 14))
                    QVERIFY(QFile::link(source.absoluteFilePath(file), dataset + QLatin1Char('/') + name + QLatin1Char('/') + file));
            }
        }
        // The test model with flip averaging switched on or off, whichever the test model lacks.
        ModelSpec spec = ModelSpec::load(exemplar::test::defaultModelSpec());
        QStringList model;
        if (installedDefault) {
            const QString path = exemplar::test::installedModelSpec(kDefaultModelStem);
            if (!QFileInfo::exists(path)) QSKIP(qPrintable(path + QStringLiteral(" not installed; run scripts/setup.sh")));
            spec = ModelSpec::load(path);
            QVERIFY(spec.embeddingOutputs.size() > 1);
            model = QStringList{QStringLiteral("--model"), path};
        } else if (flip != spec.flipAverage) {
            const QString edited = work_.filePath(QStringLiteral("edited-spec.json"));
            QVERIFY(exemplar::test::writeEditedModelSpec(spec.specPath, edited, QStringLiteral("augment"),
                                                         flip ? QStringLiteral("flip") : QStringLiteral("none")));
            spec = ModelSpec::load(edited);
            model = QStringList{QStringLiteral("--model"), edited};
        }
        QCOMPARE(spec.flipAverage, flip);
        const QString stem = method + (flip ? QStringLiteral("-flip") : QString()) +
                             (installedDefault ? QStringLiteral("-default") : QString());
        const QString set = work_.filePath(stem + QStringLiteral(".exref"));
        const QString onnx = work_.filePath(stem + QStringLiteral(".onnx"));
        const Run train = cli(QStringList{QStringLiteral("train"), dataset, QStringLiteral("--out"), set, QStringLiteral("--method"),
                               method, QStringLiteral("--holdout"), QStringLiteral("0.3"), QStringLiteral("--quiet")} + model);
        QVERIFY2(train.exitCode == 0, train.err.constData());
        const Run exported = cli(QStringList{QStringLiteral("export-onnx"), set, onnx} + model);
        QVERIFY2(exported.exitCode == 0, exported.err.constData());

        const ReferenceSet reference = readReferenceSet(set);
        QStringList heldOut = reference.extra.value(QStringLiteral("held_out_files")).toVariant().toStringList();
        QVERIFY(heldOut.size() >= 15);
        const Run classify = cli(QStringList{QStringLiteral("classify"), set, QStringLiteral("--json")} + model + heldOut);
        QVERIFY2(classify.exitCode == 0, classify.err.constData());
        const QJsonArray results = QJsonDocument::fromJson(classify.out).object().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), heldOut.size());

        QFile file(onnx);
        QVERIFY(file.open(QIODevice::ReadOnly));
        cv::dnn::Net net = loadNet(file.readAll());
        for (const QJsonValue& value : results) {
            const QJsonObject result = value.toObject();
            const QString photo = result.value(QStringLiteral("file")).toString();
            const DecodedPhoto decoded = decodePhoto(readPhotoBytes(photo).data);
            QVERIFY2(decoded.ok(), qPrintable(photo));
            const Vector scores = onnxScores(net, inputBlob(decoded.bgr, spec), spec.inputName);
            QCOMPARE(reference.head.classNames.value(argmax(scores)), result.value(QStringLiteral("nearest_class")).toString());
            QVERIFY2(std::abs(scores.maxCoeff() - result.value(QStringLiteral("score")).toDouble()) < 1e-3,
                     qPrintable(QStringLiteral("%1: onnx %2, classify %3").arg(photo).arg(scores.maxCoeff())
                                    .arg(result.value(QStringLiteral("score")).toDouble())));
        }
    }
};

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "tst_onnxexport.moc"
