#include "InstalledModels.h"
#include "ModelSpec.h"
#include "Error.h"
#include "InstalledModelPaths.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtNumeric>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using exemplar::InstalledModel;
using exemplar::kDefaultModelStem;
using exemplar::kFastModelStem;
using exemplar::ModelSpec;

namespace {

QJsonObject parse(const QByteArray& json)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) qFatal("test JSON is invalid: %s", qPrintable(error.errorString()));
    return document.object();
}

// The smallest valid spec, edited by the rows below.
QJsonObject minimalSpec()
{
    return parse(R"({"name": "tiny", "onnx": "tiny.onnx",
                     "input": {"name": "x", "width": 160, "height": 128},
                     "embedding": {"output": "emb", "dim": 512}})");
}

// Returns SPEC with the value at the slash-separated PATH replaced (or removed when undefined).
QJsonObject edited(QJsonObject spec, const QString& path, const QJsonValue& value)
{
    const QStringList keys = path.split(QLatin1Char('/'));
    if (keys.size() == 1) {
        if (value.isUndefined()) spec.remove(keys[0]);
        else spec[keys[0]] = value;
        return spec;
    }
    spec[keys[0]] = edited(spec.value(keys[0]).toObject(), keys.mid(1).join(QLatin1Char('/')), value);
    return spec;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class TestModelSpec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void acceptsValidSpecs_data();
    void acceptsValidSpecs();
    void rejectsInvalidSpecs_data();
    void rejectsInvalidSpecs();
    void loadResolvesPathsBesideTheSpec();
    void loadRejectsBadFiles_data();
    void loadRejectsBadFiles();
    void preprocessingJson();
    void embeddingOutputs_data();
    void embeddingOutputs();
    void appendedOutputs();
    void augmentations_data();
    void augmentations();
    void defaultModelSpecPathHonoursEnvironment();
    void loadsDefaultModel();
    void installedModels_data();
    void installedModels();
    void installedModelsListsDefaultFirst();
    void resolveModelArgument_data();
    void resolveModelArgument();

private:
    QTemporaryDir dir_;
    QString specPath() const { return dir_.filePath(QStringLiteral("models/spec.json")); }
};

void TestModelSpec::initTestCase()
{
    QVERIFY2(dir_.isValid(), qPrintable(dir_.errorString()));
    QVERIFY(QDir(dir_.path()).mkpath(QStringLiteral("models")));
}

void TestModelSpec::acceptsValidSpecs_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("onnx");    // expected, relative to the spec's folder unless absolute
    QTest::addColumn<bool>("rgb");
    QTest::addColumn<double>("scale");
    QTest::addColumn<QList<double>>("mean");
    QTest::addColumn<QList<double>>("std");
    QTest::addColumn<QString>("resize");
    QTest::addColumn<QString>("labels");  // expected labels path, relative like onnx; empty: none

    const QList<double> zeros{0, 0, 0}, ones{1, 1, 1};
    QTest::newRow("minimal: defaults applied") << minimalSpec() << "tiny.onnx" << true << 1.0 / 255.0 << zeros << ones
                                               << "area" << "";
    QTest::newRow("spec_version 1 stated") << edited(minimalSpec(), "spec_version", 1) << "tiny.onnx" << true
                                           << 1.0 / 255.0 << zeros << ones << "area" << "";
    QTest::newRow("BGR (lower case), linear, explicit normalization")
        << parse(R"({"name": "caffe-style", "onnx": "weights/net.onnx",
                     "input": {"width": 224, "height": 224, "color_order": "bgr", "scale": 1.0,
                               "mean": [103.94, 116.78, 123.68], "std": [57.0, 57.1, 58.4],
                               "resize": "linear", "crop": "none"},
                     "embedding": {"output": "pool", "dim": 2048},
                     "logits": {"output": "prob", "classes": 1000, "labels": "synset.txt"}})")
        << "weights/net.onnx" << false << 1.0 << QList<double>{103.94, 116.78, 123.68} << QList<double>{57.0, 57.1, 58.4}
        << "linear" << "synset.txt";
    QTest::newRow("absolute onnx path kept") << edited(minimalSpec(), "onnx", "/opt/models/tiny.onnx")
                                             << "/opt/models/tiny.onnx" << true << 1.0 / 255.0 << zeros << ones << "area" << "";
    QTest::newRow("logits without labels") << edited(minimalSpec(), "logits", parse(R"({"output": "l", "classes": 10})"))
                                           << "tiny.onnx" << true << 1.0 / 255.0 << zeros << ones << "area" << "";
}

void TestModelSpec::acceptsValidSpecs()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, onnx);
    QFETCH(bool, rgb);
    QFETCH(double, scale);
    QFETCH(QList<double>, mean);
    QFETCH(QList<double>, std);
    QFETCH(QString, resize);
    QFETCH(QString, labels);

    const QDir specDir = QFileInfo(specPath()).absoluteDir();
    const ModelSpec spec = ModelSpec::fromJson(json, specPath());
    QCOMPARE(spec.specPath, specPath());
    QCOMPARE(spec.name, json.value(QStringLiteral("name")).toString());
    QCOMPARE(spec.onnxPath, specDir.absoluteFilePath(onnx));
    QCOMPARE(spec.inputName, json.value(QStringLiteral("input")).toObject().value(QStringLiteral("name")).toString());
    QCOMPARE(spec.inputWidth, json.value(QStringLiteral("input")).toObject().value(QStringLiteral("width")).toInt());
    QCOMPARE(spec.inputHeight, json.value(QStringLiteral("input")).toObject().value(QStringLiteral("height")).toInt());
    QCOMPARE(spec.rgb, rgb);
    QCOMPARE(spec.scale, scale);
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(spec.mean[size_t(c)], mean[c]);
        QCOMPARE(spec.std[size_t(c)], std[c]);
    }
    QCOMPARE(spec.resize, resize);
    QCOMPARE(spec.embeddingOutputs, QStringList{json.value(QStringLiteral("embedding")).toObject().value(QStringLiteral("output")).toString()});
    QCOMPARE(spec.embeddingDim, json.value(QStringLiteral("embedding")).toObject().value(QStringLiteral("dim")).toInt());
    QCOMPARE(spec.labelsPath, labels.isEmpty() ? QString() : specDir.absoluteFilePath(labels));
    const QJsonObject logits = json.value(QStringLiteral("logits")).toObject();
    QCOMPARE(spec.logitsOutput, logits.value(QStringLiteral("output")).toString());
    QCOMPARE(spec.logitsClasses, logits.value(QStringLiteral("classes")).toInt());
}

void TestModelSpec::rejectsInvalidSpecs_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("phrase");  // the message must name the problem

    const QJsonObject m = minimalSpec();
    const QJsonValue none = QJsonValue::Undefined;
    QTest::newRow("missing name") << edited(m, "name", none) << "\"name\" is missing";
    QTest::newRow("empty name") << edited(m, "name", "") << "\"name\" is missing";
    QTest::newRow("missing onnx") << edited(m, "onnx", none) << "\"onnx\" is missing";
    QTest::newRow("missing input") << edited(m, "input", none) << "\"input\" is missing";
    QTest::newRow("input not an object") << edited(m, "input", 224) << "\"input\" is missing or not an object";
    QTest::newRow("width 0") << edited(m, "input/width", 0) << "\"width\" must be an integer";
    QTest::newRow("width 1.5") << edited(m, "input/width", 1.5) << "\"width\" must be an integer";
    QTest::newRow("height as string") << edited(m, "input/height", "224") << "\"height\" must be an integer";
    QTest::newRow("width too large") << edited(m, "input/width", 100000) << "\"width\" must be an integer in 16…1536";
    // 4096×4096 passed before, and took 4.4 GB and 48 s per photo; 1×1 failed inside OpenCV.
    QTest::newRow("height 4096") << edited(m, "input/height", 4096) << "\"height\" must be an integer in 16…1536";
    QTest::newRow("width 1") << edited(m, "input/width", 1) << "\"width\" must be an integer in 16…1536";
    QTest::newRow("color_order XYZ") << edited(m, "input/color_order", "XYZ") << "color_order must be RGB or BGR";
    QTest::newRow("std containing 0") << edited(m, "input/std", QJsonArray{0.2, 0, 0.2}) << "std must not contain 0";
    QTest::newRow("mean of 2 numbers") << edited(m, "input/mean", QJsonArray{0.5, 0.5}) << "\"mean\" must be a list of 3 numbers";
    QTest::newRow("std with a string") << edited(m, "input/std", QJsonArray{1, "1", 1}) << "\"std\" must be a list of 3 numbers";
    QTest::newRow("scale 0") << edited(m, "input/scale", 0) << "\"scale\" must be a positive number";
    QTest::newRow("scale as string") << edited(m, "input/scale", "0.5") << "\"scale\" must be a positive number";
    QTest::newRow("resize cubic") << edited(m, "input/resize", "cubic") << "resize must be \"area\" or \"linear\"";
    QTest::newRow("crop center") << edited(m, "input/crop", "center") << "crop \"center\" is not supported";
    QTest::newRow("missing embedding") << edited(m, "embedding", none) << "\"embedding\" is missing";
    QTest::newRow("missing embedding.output") << edited(m, "embedding/output", none) << "\"output\" is missing";
    QTest::newRow("dim -3") << edited(m, "embedding/dim", -3) << "\"dim\" must be an integer";
    QTest::newRow("missing dim") << edited(m, "embedding/dim", none) << "\"dim\" must be an integer";
    QTest::newRow("logits without classes") << edited(m, "logits", parse(R"({"output": "l"})")) << "\"classes\" must be an integer";
    QTest::newRow("spec_version 2") << edited(m, "spec_version", 2) << "spec_version 2";
    const QString outputs = QStringLiteral("\"output\" must be a name or a list of 1 to 4 different names");
    QTest::newRow("output list empty") << edited(m, "embedding/output", QJsonArray{}) << outputs;
    QTest::newRow("output list repeats a name") << edited(m, "embedding/output", QJsonArray{"a", "a"}) << outputs;
    QTest::newRow("output list with a number") << edited(m, "embedding/output", QJsonArray{"a", 3}) << outputs;
    QTest::newRow("output list with an empty name") << edited(m, "embedding/output", QJsonArray{"a", ""}) << outputs;
    QTest::newRow("near_identical_cosine 0.3") << edited(m, "embedding/near_identical_cosine", 0.3) << "from 0.5 to below 1";
    QTest::newRow("near_identical_cosine 1") << edited(m, "embedding/near_identical_cosine", 1) << "from 0.5 to below 1";
    QTest::newRow("near_identical_cosine as string") << edited(m, "embedding/near_identical_cosine", "0.9") << "from 0.5 to below 1";
    const QString shrinkage = QStringLiteral("\"class_mean_shrinkage\" must be a number from 0.001 to 100");
    QTest::newRow("class_mean_shrinkage 0") << edited(m, "embedding/class_mean_shrinkage", 0) << shrinkage;
    QTest::newRow("class_mean_shrinkage -0.3") << edited(m, "embedding/class_mean_shrinkage", -0.3) << shrinkage;
    QTest::newRow("class_mean_shrinkage 1000") << edited(m, "embedding/class_mean_shrinkage", 1000) << shrinkage;
    QTest::newRow("class_mean_shrinkage NaN") << edited(m, "embedding/class_mean_shrinkage", qQNaN()) << shrinkage;
    QTest::newRow("class_mean_shrinkage as string") << edited(m, "embedding/class_mean_shrinkage", "0.05") << shrinkage;
    const QString discriminant = QStringLiteral("\"discriminant_shrinkage\" must be a number from 0.001 to 100");
    QTest::newRow("discriminant_shrinkage 0") << edited(m, "embedding/discriminant_shrinkage", 0) << discriminant;
    QTest::newRow("discriminant_shrinkage NaN") << edited(m, "embedding/discriminant_shrinkage", qQNaN()) << discriminant;
    QTest::newRow("discriminant_shrinkage as string") << edited(m, "embedding/discriminant_shrinkage", "0.02") << discriminant;
    QTest::newRow("output list of 5") << edited(m, "embedding/output", QJsonArray{"a", "b", "c", "d", "e"}) << outputs;
    const QString appended = QStringLiteral("embedding \"append\" must be a list of 1 to 4 objects");
    const auto append = [&](const char* json) { return edited(m, "embedding/append", parse(json).value(QStringLiteral("a"))); };
    QTest::newRow("append not a list") << append(R"({"a": {"output": "mid", "dim": 8}})") << appended;
    QTest::newRow("append empty") << append(R"({"a": []})") << appended;
    QTest::newRow("append of a name") << append(R"({"a": ["mid"]})") << appended;
    QTest::newRow("append without output") << append(R"({"a": [{"dim": 8}]})") << appended;
    QTest::newRow("append repeats the summed output") << append(R"({"a": [{"output": "emb", "dim": 8}]})") << appended;
    QTest::newRow("append repeats itself")
        << append(R"({"a": [{"output": "mid", "dim": 8}, {"output": "mid", "dim": 8}]})") << appended;
    QTest::newRow("append weight 0") << append(R"({"a": [{"output": "mid", "dim": 8, "weight": 0}]})") << appended;
    QTest::newRow("append weight negative") << append(R"({"a": [{"output": "mid", "dim": 8, "weight": -0.5}]})") << appended;
    QTest::newRow("append weight 5") << append(R"({"a": [{"output": "mid", "dim": 8, "weight": 5}]})") << appended;
    QTest::newRow("append weight as string") << append(R"({"a": [{"output": "mid", "dim": 8, "weight": "0.5"}]})") << appended;
    QTest::newRow("append weight null") << append(R"({"a": [{"output": "mid", "dim": 8, "weight": null}]})") << appended;
    QTest::newRow("append weight 1e-50 (0 as a float)")
        << append(R"({"a": [{"output": "mid", "dim": 8, "weight": 1e-50}]})") << appended;
    QTest::newRow("append weight 0.0009") << append(R"({"a": [{"output": "mid", "dim": 8, "weight": 0.0009}]})") << appended;
    QTest::newRow("append with a misspelt key")
        << append(R"({"a": [{"output": "mid", "dim": 8, "wieght": 0.5}]})") << appended;
    QTest::newRow("append names the logits output")
        << edited(edited(m, "embedding/append", parse(R"({"a": [{"output": "l", "dim": 8}]})").value(QStringLiteral("a"))),
                  "logits", parse(R"({"output": "l", "classes": 8})"))
        << "the logits output \"l\" is also an embedding output";
    QTest::newRow("summed output names the logits output")
        << edited(m, "logits", parse(R"({"output": "emb", "classes": 8})")) << "is also an embedding output";
    QTest::newRow("append without dim") << append(R"({"a": [{"output": "mid"}]})") << "\"dim\" must be an integer";
    QTest::newRow("append of 5") << append(R"({"a": [{"output": "m1", "dim": 1}, {"output": "m2", "dim": 1}, {"output": "m3", "dim": 1},
                                                   {"output": "m4", "dim": 1}, {"output": "m5", "dim": 1}]})") << appended;
    const QJsonObject crops = edited(m, "input/augment", "crops");
    QTest::newRow("augment rotate") << edited(m, "input/augment", "rotate") << "augment must be \"none\", \"flip\", \"crops\" or \"flip+crops\"";
    QTest::newRow("augment crops+flip (order)") << edited(m, "input/augment", "crops+flip") << "augment must be";
    QTest::newRow("crop_fraction without crops") << edited(m, "input/crop_fraction", 0.8) << "\"crop_fraction\" needs";
    QTest::newRow("crop_fraction 0.3") << edited(crops, "input/crop_fraction", 0.3) << "from 0.5 to below 1";
    QTest::newRow("crop_fraction 1") << edited(crops, "input/crop_fraction", 1) << "from 0.5 to below 1";
    QTest::newRow("crop_fraction as string") << edited(crops, "input/crop_fraction", "0.8") << "from 0.5 to below 1";
}

void TestModelSpec::rejectsInvalidSpecs()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, phrase);

    try {
        const ModelSpec spec = ModelSpec::fromJson(json, specPath());
        QFAIL(qPrintable(QStringLiteral("accepted; name \"%1\"").arg(spec.name)));
    } catch (const exemplar::Error& e) {
        QVERIFY2(e.message().contains(phrase), qPrintable(e.message()));
        QVERIFY2(e.message().contains(specPath()), qPrintable(e.message()));  // says which file
    }
}

void TestModelSpec::loadResolvesPathsBesideTheSpec()
{
    QJsonObject json = edited(minimalSpec(), "logits", parse(R"({"output": "l", "classes": 3, "labels": "l.txt"})"));
    QVERIFY(writeFile(specPath(), QJsonDocument(json).toJson()));

    // Loaded through a relative path from elsewhere: paths are still beside the spec, absolute.
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir_.path()));
    const ModelSpec spec = ModelSpec::load(QStringLiteral("models/spec.json"));
    QVERIFY(QDir::setCurrent(previous));

    const QString models = QFileInfo(specPath()).absolutePath();
    QCOMPARE(spec.specPath, QFileInfo(specPath()).absoluteFilePath());
    QCOMPARE(QDir::cleanPath(spec.onnxPath), models + QStringLiteral("/tiny.onnx"));
    QCOMPARE(QDir::cleanPath(spec.labelsPath), models + QStringLiteral("/l.txt"));
    QCOMPARE(spec.embeddingDim, 512);
}

void TestModelSpec::loadRejectsBadFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("phrase");

    // The start of an ONNX file: protobuf field tags, a producer name, then binary weights.
    QByteArray onnx("\x08\x07\x12\x07pytorch\x1a\x05" "2.1.0", 18);
    for (int i = 0; i < 4000; ++i) onnx += char((i * 131 + 7) & 0xFF);

    QTest::newRow("missing file") << "missing.json" << QByteArray() << "does not exist";
    QTest::newRow("the .onnx instead of the spec") << "model.onnx" << onnx << "is not valid JSON";
    QTest::newRow("truncated JSON") << "cut.json" << QByteArray(R"({"name": "x", "onnx": )") << "is not valid JSON";
    QTest::newRow("JSON array, not an object") << "array.json" << QByteArray("[1, 2, 3]") << "not a JSON object";
    QTest::newRow("empty file") << "empty.json" << QByteArray("") << "is empty";
    QTest::newRow("oversized (2 MiB)") << "huge.json" << QByteArray(2 * 1024 * 1024, ' ') << "too large (2.0 MB; at most 1.0 MB for this kind of file) (is it the .onnx file?)";
    QTest::newRow("valid JSON, invalid spec") << "bad.json" << QByteArray(R"({"name": "x"})") << "\"onnx\" is missing";
}

void TestModelSpec::loadRejectsBadFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, phrase);

    const QString path = dir_.filePath(name);
    if (name != QLatin1String("missing.json")) QVERIFY(writeFile(path, content));
    try {
        ModelSpec::load(path);
        QFAIL("accepted");
    } catch (const exemplar::Error& e) {
        QVERIFY2(e.message().contains(phrase), qPrintable(e.message()));
        QVERIFY2(e.message().contains(name), qPrintable(e.message()));
    }
}

void TestModelSpec::preprocessingJson()
{
    const ModelSpec spec = ModelSpec::fromJson(
        parse(R"({"name": "n", "onnx": "n.onnx",
                  "input": {"width": 300, "height": 200, "color_order": "BGR", "scale": 0.5,
                            "mean": [1, 2, 3], "std": [4, 5, 6], "resize": "linear"},
                  "embedding": {"output": "features", "dim": 96}})"),
        specPath());
    const QJsonObject json = spec.preprocessingJson();
    for (const char* key : {"width", "height", "color_order", "scale", "mean", "std", "resize", "embedding_output",
                            "embedding_dim"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QCOMPARE(json.value(QStringLiteral("width")).toInt(), 300);
    QCOMPARE(json.value(QStringLiteral("height")).toInt(), 200);
    QCOMPARE(json.value(QStringLiteral("color_order")).toString(), QStringLiteral("BGR"));
    QCOMPARE(json.value(QStringLiteral("scale")).toDouble(), 0.5);
    QCOMPARE(json.value(QStringLiteral("mean")).toArray(), (QJsonArray{1, 2, 3}));
    QCOMPARE(json.value(QStringLiteral("std")).toArray(), (QJsonArray{4, 5, 6}));
    QCOMPARE(json.value(QStringLiteral("resize")).toString(), QStringLiteral("linear"));
    QCOMPARE(json.value(QStringLiteral("embedding_output")).toString(), QStringLiteral("features"));
    QCOMPARE(json.value(QStringLiteral("embedding_dim")).toInt(), 96);

    // It feeds the cache's model identity, so any preprocessing change must change it; the
    // model's display name must not.
    ModelSpec other = spec;
    other.name = QStringLiteral("renamed");
    QCOMPARE(other.preprocessingJson(), json);
    other.resize = QStringLiteral("area");
    QVERIFY(other.preprocessingJson() != json);
    other = spec;
    other.mean[2] = 3.5;
    QVERIFY(other.preprocessingJson() != json);
}

// One output is recorded as it always was (so cached embeddings keep their key); several are
// recorded joined, so that a spec combining outputs never shares a key with one that does not.
void TestModelSpec::embeddingOutputs_data()
{
    QTest::addColumn<QJsonValue>("output");
    QTest::addColumn<QStringList>("outputs");
    QTest::addColumn<QString>("recorded");
    QTest::newRow("a name") << QJsonValue("pool") << QStringList{"pool"} << "pool";
    QTest::newRow("a list of one") << QJsonValue(QJsonArray{"pool"}) << QStringList{"pool"} << "pool";
    QTest::newRow("average and GeM") << QJsonValue(QJsonArray{"embedding", "embedding_gem"})
                                     << QStringList{"embedding", "embedding_gem"} << "embedding+embedding_gem";
}

// Outputs appended after the summed ones lengthen the embedding and are recorded with their
// weights, so a spec appending one never shares a cache key with one that does not, or with one
// weighting it otherwise.
void TestModelSpec::appendedOutputs()
{
    const QJsonObject base = edited(minimalSpec(), "embedding/output", QJsonArray{"embedding", "embedding_gem"});
    const ModelSpec plain = ModelSpec::fromJson(base, specPath());
    QVERIFY(plain.appendedOutputs.empty());
    QCOMPARE(plain.embeddingDim, 512);
    QCOMPARE(plain.networkEmbeddingOutputs(), (QStringList{"embedding", "embedding_gem"}));

    const auto withAppended = [&](const char* json) {
        return ModelSpec::fromJson(edited(base, "embedding/append", parse(json).value(QStringLiteral("a"))), specPath());
    };
    const ModelSpec spec = withAppended(R"({"a": [{"output": "mid", "dim": 96, "weight": 0.5}, {"output": "low", "dim": 40}]})");
    QCOMPARE(spec.summedDim, 512);
    QCOMPARE(spec.embeddingDim, 512 + 96 + 40);
    QCOMPARE(int(spec.appendedOutputs.size()), 2);
    QCOMPARE(spec.appendedOutputs[0].weight, 0.5);
    QCOMPARE(spec.appendedOutputs[1].weight, 1.0);  // unless the spec says otherwise
    QCOMPARE(spec.networkEmbeddingOutputs(), (QStringList{"embedding", "embedding_gem", "mid", "low"}));
    QCOMPARE(spec.networkEmbeddingOutputDim(1), 512);
    QCOMPARE(spec.networkEmbeddingOutputDim(2), 96);
    QCOMPARE(spec.networkEmbeddingOutputDim(3), 40);
    const QJsonObject recorded = spec.preprocessingJson();
    QCOMPARE(recorded.value(QStringLiteral("embedding_output")).toString(), QStringLiteral("embedding+embedding_gem,mid*0.5,low*1"));
    QCOMPARE(recorded.value(QStringLiteral("embedding_dim")).toInt(), 648);
    QVERIFY(recorded != plain.preprocessingJson());
    const ModelSpec reweighted = withAppended(R"({"a": [{"output": "mid", "dim": 96, "weight": 0.7}, {"output": "low", "dim": 40}]})");
    QVERIFY(reweighted.preprocessingJson() != recorded);
    // Weights that differ only in the seventh significant digit are different embeddings.
    const ModelSpec nearly = withAppended(R"({"a": [{"output": "mid", "dim": 96, "weight": 0.5000001}, {"output": "low", "dim": 40}]})");
    QCOMPARE(nearly.preprocessingJson().value(QStringLiteral("embedding_output")).toString(),
             QStringLiteral("embedding+embedding_gem,mid*0.5000001,low*1"));
    const ModelSpec smallest = withAppended(R"({"a": [{"output": "mid", "dim": 96, "weight": 0.001}]})");
    QCOMPARE(smallest.appendedOutputs[0].weight, 0.001);
}

void TestModelSpec::embeddingOutputs()
{
    QFETCH(QJsonValue, output);
    QFETCH(QStringList, outputs);
    QFETCH(QString, recorded);
    const ModelSpec spec = ModelSpec::fromJson(edited(minimalSpec(), "embedding/output", output), specPath());
    QCOMPARE(spec.embeddingOutputs, outputs);
    QCOMPARE(spec.preprocessingJson().value(QStringLiteral("embedding_output")).toString(), recorded);
    QCOMPARE(spec.nearIdenticalCosine, 0.92);  // unless the spec says otherwise
    const ModelSpec stricter = ModelSpec::fromJson(
        edited(edited(minimalSpec(), "embedding/output", output), "embedding/near_identical_cosine", 0.935), specPath());
    QCOMPARE(stricter.nearIdenticalCosine, 0.935);
    QCOMPARE(stricter.preprocessingJson(), spec.preprocessingJson());  // not an embedding change: same cache key
    QCOMPARE(spec.classMeanShrinkage, 0.0);  // not given: training's default
    const ModelSpec sharper = ModelSpec::fromJson(
        edited(edited(minimalSpec(), "embedding/output", output), "embedding/class_mean_shrinkage", 0.05), specPath());
    QCOMPARE(sharper.classMeanShrinkage, 0.05);
    QCOMPARE(sharper.preprocessingJson(), spec.preprocessingJson());  // a training setting: same cache key
    QCOMPARE(spec.discriminantShrinkage, 0.0);
    const ModelSpec within = ModelSpec::fromJson(
        edited(edited(minimalSpec(), "embedding/output", output), "embedding/discriminant_shrinkage", 0.02), specPath());
    QCOMPARE(within.discriminantShrinkage, 0.02);
    QCOMPARE(within.classMeanShrinkage, 0.0);
    QCOMPARE(within.preprocessingJson(), spec.preprocessingJson());
}

void TestModelSpec::augmentations_data()
{
    QTest::addColumn<QJsonValue>("augment");
    QTest::addColumn<QJsonValue>("fraction");
    QTest::addColumn<bool>("flip");
    QTest::addColumn<bool>("crops");
    QTest::addColumn<double>("expectedFraction");
    QTest::addColumn<int>("views");
    QTest::addColumn<QString>("recorded");  // "augment" in the preprocessing; empty when absent
    const QJsonValue none(QJsonValue::Undefined);
    QTest::newRow("absent") << none << none << false << false << 0.8 << 1 << QString();
    QTest::newRow("none") << QJsonValue("none") << none << false << false << 0.8 << 1 << QString();
    QTest::newRow("flip") << QJsonValue("flip") << none << true << false << 0.8 << 2 << "flip";
    QTest::newRow("crops") << QJsonValue("crops") << none << false << true << 0.8 << 4 << "crops";
    QTest::newRow("flip+crops, fraction 0.9") << QJsonValue("flip+crops") << QJsonValue(0.9) << true << true << 0.9 << 5
                                              << "flip+crops";
    QTest::newRow("crops, fraction 0.5") << QJsonValue("crops") << QJsonValue(0.5) << false << true << 0.5 << 4 << "crops";
}

void TestModelSpec::augmentations()
{
    QFETCH(QJsonValue, augment);
    QFETCH(QJsonValue, fraction);
    QFETCH(bool, flip);
    QFETCH(bool, crops);
    QFETCH(double, expectedFraction);
    QFETCH(int, views);
    QFETCH(QString, recorded);
    const ModelSpec spec = ModelSpec::fromJson(
        edited(edited(minimalSpec(), "input/augment", augment), "input/crop_fraction", fraction), specPath());
    QCOMPARE(spec.flipAverage, flip);
    QCOMPARE(spec.cropAverage, crops);
    QCOMPARE(spec.cropFraction, expectedFraction);
    QCOMPARE(spec.viewsPerPhoto(), views);
    const QJsonObject json = spec.preprocessingJson();
    QCOMPARE(json.value(QStringLiteral("augment")).toString(), recorded);
    // The cache keys embeddings by this record, so the crop size must be in it when crops are used,
    // and nothing new may appear for the models that existed before crops (their caches stay valid).
    QCOMPARE(json.contains(QStringLiteral("crop_fraction")), crops);
    if (crops) QCOMPARE(json.value(QStringLiteral("crop_fraction")).toDouble(), expectedFraction);
    QCOMPARE(spec.augmentationPhrase().isEmpty(), views == 1);
    ModelSpec smaller = spec;
    smaller.cropFraction = 0.7;
    QCOMPARE(smaller.preprocessingJson() != json, crops);
}

void TestModelSpec::defaultModelSpecPathHonoursEnvironment()
{
    const QByteArray saved = qgetenv("EXEMPLAR_MODEL");
    qputenv("EXEMPLAR_MODEL", "/somewhere/custom.json");
    const QString fromEnvironment = exemplar::defaultModelSpecPath();
    // An installed model's name, as --model takes it (a review: "does not exist").
    qputenv("EXEMPLAR_MODEL", "efficientnet-b0");
    const QString byName = exemplar::defaultModelSpecPath();
    qunsetenv("EXEMPLAR_MODEL");
    const QString fallback = exemplar::defaultModelSpecPath();
    if (!saved.isEmpty()) qputenv("EXEMPLAR_MODEL", saved);

    QCOMPARE(fromEnvironment, QStringLiteral("/somewhere/custom.json"));
    if (QFileInfo::exists(exemplar::fastModelSpecPath())) QCOMPARE(byName, exemplar::fastModelSpecPath());
    QVERIFY2(fallback.endsWith(QLatin1String("share/exemplar/models/efficientnet-b0-256x384.json")), qPrintable(fallback));
    QVERIFY2(exemplar::fastModelSpecPath().endsWith(QLatin1String("share/exemplar/models/efficientnet-b0.json")),
             qPrintable(exemplar::fastModelSpecPath()));
    QVERIFY(QFileInfo(fallback).isAbsolute());
}

void TestModelSpec::loadsDefaultModel()
{
    EXEMPLAR_REQUIRE_MODEL();
    const ModelSpec spec = ModelSpec::load(exemplar::test::defaultModelSpec());
    QCOMPARE(spec.name, QStringLiteral("efficientnet-b0-imagenet"));
    QCOMPARE(spec.embeddingDim, 1280);
    QVERIFY2(QFileInfo(spec.onnxPath).isFile(), qPrintable(spec.onnxPath));
    QVERIFY(!spec.embeddingOutputs.isEmpty());
    if (!spec.labelsPath.isEmpty()) QVERIFY2(QFileInfo(spec.labelsPath).isFile(), qPrintable(spec.labelsPath));
}

// What scripts/fetch_model.sh installs: the default at 256×384 (H×W) with flip averaging and a
// GeM output beside the average pool, and the fast 224 model exactly as it always was (its name,
// geometry and no augmentation are what keep embeddings cached for it valid).
void TestModelSpec::installedModels_data()
{
    QTest::addColumn<QString>("stem");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("flip");
    QTest::addColumn<QStringList>("outputs");
    QTest::addColumn<int>("dim");  // of the embedding
    QTest::newRow("default") << kDefaultModelStem << "efficientnet-b0-imagenet-256x384-avg+gem+mid+bilinear" << 256
                             << 384 << true << QStringList{"embedding", "embedding_gem"}
                             << 1280 + 1152 + 128 * 129 / 2 + 64 * 65 / 2;
    // The defaults before the bilinear pools were appended, before an earlier layer was, and before
    // GeM was combined in: each on the ONNX file its reference sets were made with.
    QTest::newRow("average, GeM and an earlier layer")
        << "efficientnet-b0-256x384-avg+gem+mid" << "efficientnet-b0-imagenet-256x384-avg+gem+mid" << 256 << 384 << true
        << QStringList{"embedding", "embedding_gem"} << 1280 + 1152;
    QTest::newRow("average and GeM") << "efficientnet-b0-256x384-avg+gem" << "efficientnet-b0-imagenet-256x384-avg+gem"
                                     << 256 << 384 << true << QStringList{"embedding", "embedding_gem"} << 1280;
    QTest::newRow("average pool only") << "efficientnet-b0-256x384-avg" << "efficientnet-b0-imagenet-256x384" << 256
                                       << 384 << true << QStringList{"embedding"} << 1280;
    QTest::newRow("fast") << kFastModelStem << "efficientnet-b0-imagenet" << 224 << 224 << false
                          << QStringList{"embedding"} << 1280;
}

void TestModelSpec::installedModels()
{
    QFETCH(QString, stem);
    QFETCH(QString, name);
    QFETCH(int, height);
    QFETCH(int, width);
    QFETCH(bool, flip);
    QFETCH(QStringList, outputs);
    QFETCH(int, dim);
    const QString path = exemplar::test::installedModelSpec(qPrintable(stem));
    if (!QFileInfo::exists(path)) QSKIP(qPrintable(QStringLiteral("%1 not installed; run scripts/setup.sh").arg(path)));
    const ModelSpec spec = ModelSpec::load(path);
    QCOMPARE(spec.name, name);
    QCOMPARE(spec.inputHeight, height);
    QCOMPARE(spec.inputWidth, width);
    QCOMPARE(spec.flipAverage, flip);
    QCOMPARE(spec.embeddingOutputs, outputs);
    QCOMPARE(spec.summedDim, 1280);
    QCOMPARE(spec.embeddingDim, dim);
    QCOMPARE(spec.preprocessingJson().contains(QStringLiteral("augment")), flip);
    QVERIFY2(QFileInfo(spec.onnxPath).isFile(), qPrintable(spec.onnxPath));
    QVERIFY2(QFileInfo(spec.labelsPath).isFile(), qPrintable(spec.labelsPath));
}

void TestModelSpec::installedModelsListsDefaultFirst()
{
    const QString defaultPath = QDir(exemplar::installedModelsDir()).filePath(QStringLiteral("efficientnet-b0-256x384.json"));
    if (!QFileInfo::exists(defaultPath) || !QFileInfo::exists(exemplar::fastModelSpecPath()))
        QSKIP("models not installed beside the test; run scripts/setup.sh");
    const std::vector<InstalledModel> models = exemplar::installedModels();
    QVERIFY(models.size() >= 2);
    QCOMPARE(models[0].specPath, QFileInfo(defaultPath).absoluteFilePath());
    QVERIFY(models[0].isDefault);
    QVERIFY2(models[0].label.contains(QStringLiteral("256×384")) && models[0].label.contains(QLatin1String("(default)")),
             qPrintable(models[0].label));
    QCOMPARE(models[1].specPath, QFileInfo(exemplar::fastModelSpecPath()).absoluteFilePath());
    QVERIFY(!models[1].isDefault);
    QVERIFY2(models[1].label.contains(QLatin1String("(fast)")), qPrintable(models[1].label));
    for (size_t i = 2; i < models.size(); ++i) QVERIFY(!models[i].isDefault);
}

void TestModelSpec::resolveModelArgument_data()
{
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("expected");  // "<fast>" / "<default>": the installed spec
    QTest::newRow("installed name") << "efficientnet-b0" << "<fast>";
    QTest::newRow("installed name with .json") << "efficientnet-b0-256x384.json" << "<default>";
    QTest::newRow("path kept") << "/somewhere/efficientnet-b0" << "/somewhere/efficientnet-b0";
    QTest::newRow("unknown name kept") << "no-such-model" << "no-such-model";
    QTest::newRow("empty kept") << "" << "";
}

void TestModelSpec::resolveModelArgument()
{
    QFETCH(QString, argument);
    QFETCH(QString, expected);
    if (expected.startsWith(QLatin1Char('<'))) {
        const QString path = QDir(exemplar::installedModelsDir())
                                 .filePath(expected == QLatin1String("<fast>") ? QStringLiteral("efficientnet-b0.json")
                                                                               : QStringLiteral("efficientnet-b0-256x384.json"));
        if (!QFileInfo::exists(path)) QSKIP("models not installed beside the test; run scripts/setup.sh");
        expected = path;
    }
    QCOMPARE(exemplar::resolveModelArgument(argument), expected);
}

QTEST_GUILESS_MAIN(TestModelSpec)
#include "tst_modelspec.moc"
