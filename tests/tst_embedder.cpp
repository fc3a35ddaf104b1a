// The embedder with the real default model: unit-length 1280-d embeddings, deterministic,
// meaningful (a photo is nearer its own mirror image and its class than another class), and a
// wrong or missing model refused at load time with a clear message.
#include "Dataset.h"
#include "Embedder.h"
#include "Error.h"
#include "ImageDecoder.h"
#include "InstalledModelPaths.h"
#include "TestSupport.h"
#include "TestTimeViews.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

using namespace exemplar;

class TestEmbedder : public QObject {
    Q_OBJECT

private:
    static cv::Mat photo(const QString& set, int classIndex, int photoIndex)
    {
        const Dataset dataset = Dataset::scan(test::sharedDataSet(set));
        int seen = 0;
        for (const Photo& p : dataset.photos)
            if (p.classIndex == classIndex && seen++ == photoIndex) return decodePhoto(readPhotoBytes(p.path).data).bgr;
        return cv::Mat();
    }

    // A copy of the default spec with FIELD (inside OBJECT, or top level when empty) replaced.
    static QString editedSpec(const QTemporaryDir& dir, const QString& object, const QString& field,
                              const QJsonValue& value)
    {
        QFile in(test::defaultModelSpec());
        in.open(QIODevice::ReadOnly);
        QJsonObject json = QJsonDocument::fromJson(in.readAll()).object();
        const ModelSpec original = ModelSpec::load(test::defaultModelSpec());
        json.insert(QStringLiteral("onnx"), original.onnxPath);  // absolute: the copy lives elsewhere
        json.remove(QStringLiteral("logits"));
        if (object.isEmpty()) {
            json.insert(field, value);
        } else {
            QJsonObject inner = json.value(object).toObject();
            inner.insert(field, value);
            json.insert(object, inner);
        }
        const QString path = dir.filePath(QStringLiteral("edited.json"));
        QFile out(path);
        out.open(QIODevice::WriteOnly | QIODevice::Truncate);
        out.write(QJsonDocument(json).toJson());
        return path;
    }

private Q_SLOTS:
    void init() { EXEMPLAR_REQUIRE_MODEL(); }

    void embeddingIsUnitLengthAndDeterministic()
    {
        Embedder embedder(ModelSpec::load(test::defaultModelSpec()));
        QCOMPARE(embedder.dim(), 1280);
        QCOMPARE(embedder.onnxSha256().size(), 64);
        cv::Mat image(300, 400, CV_8UC3);
        cv::randu(image, 0, 255);
        const Vector a = embedder.embed(image);
        const Vector b = embedder.embed(image);
        QCOMPARE(int(a.size()), 1280);
        QVERIFY(std::abs(a.norm() - 1.0f) < 1e-5f);
        QVERIFY(a.allFinite());
        QVERIFY(a == b);  // bit-identical: reloading a reference set must predict identically
    }

    void embeddingsAreMeaningful()
    {
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        Embedder embedder(ModelSpec::load(test::defaultModelSpec()));
        const cv::Mat sunflower = photo(QStringLiteral("flowers17"), 13, 0);
        const cv::Mat otherSunflower = photo(QStringLiteral("flowers17"), 13, 1);
        const cv::Mat snowdrop = photo(QStringLiteral("flowers17"), 12, 0);
        QVERIFY(!sunflower.empty() && !otherSunflower.empty() && !snowdrop.empty());
        cv::Mat mirrored;
        cv::flip(sunflower, mirrored, 1);
        const Vector s = embedder.embed(sunflower);
        const float mirror = s.dot(embedder.embed(mirrored));
        const float sameClass = s.dot(embedder.embed(otherSunflower));
        const float otherClass = s.dot(embedder.embed(snowdrop));
        qInfo("cosine: mirror %.3f, same class %.3f, other class %.3f", mirror, sameClass, otherClass);
        QVERIFY(mirror > 0.85f);
        QVERIFY(sameClass > otherClass);
    }

    // "crops": the embedding is the mean over the whole photo and its three crops, so it points
    // where the crops' own embeddings average to, not where the whole photo's alone does.
    void cropAveragedEmbeddingIsTheMeanOfItsViews()
    {
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("cars24"));
        QTemporaryDir dir, plainDir;
        Embedder cropped(ModelSpec::load(editedSpec(dir, QStringLiteral("input"), QStringLiteral("augment"), QStringLiteral("crops"))));
        Embedder plain(ModelSpec::load(editedSpec(plainDir, QStringLiteral("input"), QStringLiteral("augment"), QStringLiteral("none"))));
        QVERIFY(cropped.identity() != plain.identity());
        const cv::Mat car = photo(QStringLiteral("cars24"), 0, 0);
        QVERIFY(!car.empty());
        Vector mean = Vector::Zero(plain.dim());
        for (const cv::Mat& view : testTimeViews(car, cropped.spec())) mean += plain.embed(view);
        mean.normalize();
        const Vector averaged = cropped.embed(car);
        const Vector whole = plain.embed(car);
        const float toMean = averaged.dot(mean), toWhole = averaged.dot(whole);
        qInfo("cosine of the crop-averaged embedding: to the mean of its views %.5f, to the whole photo's %.5f", toMean,
              toWhole);
        QVERIFY(std::abs(averaged.norm() - 1.0f) < 1e-5f);
        QVERIFY(toMean > 0.999f);   // views' raw norms differ a little, so not exactly 1
        QVERIFY(toWhole < toMean);
        QVERIFY(toWhole < 0.99f);   // the crops changed it
    }

    void identityFollowsPreprocessing()
    {
        QTemporaryDir dir;
        Embedder original(ModelSpec::load(test::defaultModelSpec()));
        Embedder linear(ModelSpec::load(editedSpec(dir, QStringLiteral("input"), QStringLiteral("resize"),
                                                   QStringLiteral("linear"))));
        QCOMPARE(original.onnxSha256(), linear.onnxSha256());
        QVERIFY(original.identity() != linear.identity());  // so the cache never mixes the two
    }

    void wrongModelIsRefused_data()
    {
        QTest::addColumn<QString>("object");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("embedding size differs") << "embedding" << "dim" << QJsonValue(1000) << "1280 values";
        QTest::newRow("no such output") << "embedding" << "output" << QJsonValue(QStringLiteral("nope")) << "";
        QTest::newRow("missing onnx") << "" << "onnx" << QJsonValue(QStringLiteral("/nonexistent/model.onnx"))
                                      << "cannot read model /nonexistent/model.onnx: file does not exist";
    }

    void wrongModelIsRefused()
    {
        QFETCH(QString, object);
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, phrase);
        QTemporaryDir dir;
        try {
            Embedder embedder(ModelSpec::load(editedSpec(dir, object, field, value)));
            QFAIL("a wrong model was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(phrase), qPrintable(e.message()));
        }
    }

    void garbageOnnxIsRefused()
    {
        QTemporaryDir dir;
        const QString onnx = dir.filePath(QStringLiteral("garbage.onnx"));
        QFile file(onnx);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        try {
            Embedder embedder(ModelSpec::load(editedSpec(dir, QString(), QStringLiteral("onnx"), onnx)));
            QFAIL("a garbage model was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QLatin1String("cannot load model")), qPrintable(e.message()));
        }
    }
    // The installed default: a 256×384 (H×W) network whose extra "embedding_gem" output is the
    // generalized mean (p = 3) of the same feature map the "embedding" average-pools. Run straight
    // through OpenCV (no fusion of ours), on a real photo's network input: by the power-mean
    // inequality GeM (of the map clamped at 1e-6) is at least the plain mean in every channel,
    // and it must differ from it (else the converter wired the wrong tensor).
    void defaultModelGeometryAndGemOutput()
    {
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        const QString specPath = test::installedModelSpec(kDefaultModelStem);
        if (!QFileInfo::exists(specPath)) QSKIP("default model not installed; run scripts/setup.sh");
        const ModelSpec spec = ModelSpec::load(specPath);
        QCOMPARE(spec.inputHeight, 256);
        QCOMPARE(spec.inputWidth, 384);

        cv::dnn::Net net = cv::dnn::readNetFromONNX(spec.onnxPath.toStdString());
        const cv::Mat blob = inputBlob(photo(QStringLiteral("flowers17"), 13, 0), spec);
        QCOMPARE(blob.size[2], 256);
        QCOMPARE(blob.size[3], 384);
        net.setInput(blob, spec.inputName.toStdString());
        std::vector<cv::Mat> outputs;
        net.forward(outputs, std::vector<cv::String>{"embedding", "embedding_gem"});
        QCOMPARE(int(outputs.at(0).total()), 1280);
        QCOMPARE(int(outputs.at(1).total()), 1280);
        const Eigen::Map<const Vector> average(outputs[0].ptr<float>(), 1280);
        const Eigen::Map<const Vector> gem(outputs[1].ptr<float>(), 1280);
        QVERIFY(gem.allFinite());
        QVERIFY2((gem - average).minCoeff() > -1e-4f, qPrintable(QString::number((gem - average).minCoeff())));
        const float cosine = average.dot(gem) / (average.norm() * gem.norm());
        qInfo("cosine(average pool, GeM) = %.4f; mean GeM − mean average = %.4f", cosine, (gem - average).mean());
        QVERIFY(cosine > 0.3f && cosine < 0.999f);

        // The same network at this geometry through the Embedder: the average pool alone, GeM
        // alone (each chosen by an edited spec), and the default's combination of the two.
        QTemporaryDir dir;
        const auto specWithOutput = [&](const QString& output) {
            QFile in(specPath);
            if (!in.open(QIODevice::ReadOnly)) return QString();
            QJsonObject json = QJsonDocument::fromJson(in.readAll()).object();
            json.insert(QStringLiteral("onnx"), spec.onnxPath);
            QJsonObject embedding = json.value(QStringLiteral("embedding")).toObject();
            embedding.insert(QStringLiteral("output"), output);
            embedding.remove(QStringLiteral("append"));
            if (output == QLatin1String("embedding_mid")) embedding.insert(QStringLiteral("dim"), 1152);
            if (output == QLatin1String("embedding_bilinear")) embedding.insert(QStringLiteral("dim"), 128 * 129 / 2);
            if (output == QLatin1String("embedding_mid_bilinear")) embedding.insert(QStringLiteral("dim"), 64 * 65 / 2);
            json.insert(QStringLiteral("embedding"), embedding);
            const QString path = dir.filePath(output + QStringLiteral(".json"));
            QFile out(path);
            if (!out.open(QIODevice::WriteOnly)) return QString();
            out.write(QJsonDocument(json).toJson());
            return path;
        };
        QCOMPARE(spec.embeddingOutputs, (QStringList{"embedding", "embedding_gem"}));
        QCOMPARE(int(spec.appendedOutputs.size()), 3);
        QCOMPARE(spec.appendedOutputs[0].name, QStringLiteral("embedding_mid"));
        QCOMPARE(spec.appendedOutputs[1].name, QStringLiteral("embedding_bilinear"));
        QCOMPARE(spec.appendedOutputs[2].name, QStringLiteral("embedding_mid_bilinear"));
        Embedder averaged(ModelSpec::load(specWithOutput(QStringLiteral("embedding")))),
            generalized(ModelSpec::load(specWithOutput(QStringLiteral("embedding_gem")))),
            earlier(ModelSpec::load(specWithOutput(QStringLiteral("embedding_mid")))),
            bilinear(ModelSpec::load(specWithOutput(QStringLiteral("embedding_bilinear")))),
            earlierBilinear(ModelSpec::load(specWithOutput(QStringLiteral("embedding_mid_bilinear")))), combined(spec);
        QCOMPARE(averaged.onnxSha256(), generalized.onnxSha256());
        QVERIFY(averaged.identity() != generalized.identity());  // the cache keeps them apart
        QVERIFY(combined.identity() != averaged.identity());
        QVERIFY(combined.identity() != generalized.identity());
        const cv::Mat sunflower = photo(QStringLiteral("flowers17"), 13, 0);
        const Vector a = averaged.embed(sunflower), g = generalized.embed(sunflower), m = earlier.embed(sunflower),
                     b = bilinear.embed(sunflower), e = earlierBilinear.embed(sunflower), c = combined.embed(sunflower);
        QVERIFY(std::abs(g.norm() - 1.0f) < 1e-5f);
        QVERIFY(std::abs(c.norm() - 1.0f) < 1e-5f);
        QCOMPARE(int(c.size()), 1280 + 1152 + 8256 + 2080);
        // Each pool normalized, the two summed: equal weight whatever their scales; the earlier
        // layer's pool and the two bilinear pools normalized after them at the spec's weights.
        Vector expected(1280 + 1152 + 8256 + 2080);
        expected << (a + g).normalized(), float(spec.appendedOutputs[0].weight) * m,
            float(spec.appendedOutputs[1].weight) * b, float(spec.appendedOutputs[2].weight) * e;
        expected.normalize();
        QVERIFY2((c - expected).cwiseAbs().maxCoeff() < 1e-5f, qPrintable(QString::number((c - expected).cwiseAbs().maxCoeff())));
        QVERIFY(a.dot(g) < 0.999f);
    }

    void combiningOutputs_data()
    {
        QTest::addColumn<QVector<float>>("outputs");
        QTest::addColumn<int>("dim");
        QTest::addColumn<QVector<float>>("expected");  // empty: Error
        const float h = std::sqrt(0.5f);
        QTest::newRow("one output: normalized") << QVector<float>{3, 4} << 2 << QVector<float>{0.6f, 0.8f};
        QTest::newRow("two outputs: equal weight whatever their scales")
            << QVector<float>{10, 0, 0, 0.5f} << 2 << QVector<float>{h, h};
        QTest::newRow("three outputs: each counts once") << QVector<float>{1, 0, 0, 2, 0, 3} << 2
                                                     << QVector<float>{1 / std::sqrt(5.0f), 2 / std::sqrt(5.0f)};
        QTest::newRow("opposite outputs cancel") << QVector<float>{1, 2, -3, -6} << 2 << QVector<float>{};
        QTest::newRow("a zero output") << QVector<float>{1, 2, 0, 0} << 2 << QVector<float>{};
        QTest::newRow("a NaN output") << QVector<float>{1, 2, std::nanf(""), 0} << 2 << QVector<float>{};
        QTest::newRow("an infinite output") << QVector<float>{1, 2, INFINITY, 0} << 2 << QVector<float>{};
        QTest::newRow("length not a multiple of the dimension") << QVector<float>{1, 2, 3} << 2 << QVector<float>{};
        QTest::newRow("no outputs") << QVector<float>{} << 2 << QVector<float>{};
    }

    void combiningOutputs()
    {
        QFETCH(QVector<float>, outputs);
        QFETCH(int, dim);
        QFETCH(QVector<float>, expected);
        const Vector raw = Eigen::Map<const Vector>(outputs.constData(), outputs.size());
        if (expected.isEmpty()) {
            QVERIFY_THROWS_EXCEPTION(Error, Embedder::combinedEmbedding(raw, dim));
            return;
        }
        const Vector combined = Embedder::combinedEmbedding(raw, dim);
        QCOMPARE(int(combined.size()), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QVERIFY2(std::abs(combined[i] - expected[i]) < 1e-6f, qPrintable(QString::number(combined[i])));
    }

    // Appended outputs: each normalized and weighted after the normalized sum, the whole normalized.
    void combiningAppendedOutputs()
    {
        const std::vector<AppendedOutput> half{{QStringLiteral("mid"), 2, 0.5}};
        Vector raw(4);
        raw << 3, 4, 0, 7;
        Vector expected(4);
        expected << 0.6f, 0.8f, 0, 0.5f;
        expected /= std::sqrt(1.25f);
        const Vector combined = Embedder::combinedEmbedding(raw, 2, half);
        QVERIFY2((combined - expected).cwiseAbs().maxCoeff() < 1e-6f, qPrintable(QString::number((combined - expected).cwiseAbs().maxCoeff())));
        Vector two(6);
        two << 3, 4, 0, 7, 2, 0;
        const Vector summedTwice = Embedder::combinedEmbedding(two, 2, half);  // two summed outputs, then one appended
        Vector expectedTwice(4);
        expectedTwice << 0.6f, 0.8f + 1, 0.5f, 0;  // (3,4) and (0,7) normalized and summed; (2,0) at half weight
        expectedTwice.head(2).normalize();
        expectedTwice.normalize();
        QVERIFY((summedTwice - expectedTwice).cwiseAbs().maxCoeff() < 1e-6f);

        Vector zeroAppended(4);
        zeroAppended << 3, 4, 0, 0;
        QVERIFY_THROWS_EXCEPTION(Error, Embedder::combinedEmbedding(zeroAppended, 2, half));
        Vector tooShort(3);
        tooShort << 3, 4, 1;
        QVERIFY_THROWS_EXCEPTION(Error, Embedder::combinedEmbedding(tooShort, 2, half));
        // A list built by hand (not from a spec) with a length of 0 or below, or a weight of 0:
        // refused, never read outside the vector.
        Vector five(5);
        five << 3, 4, 0, 7, 1;
        QVERIFY_THROWS_EXCEPTION(Error, Embedder::combinedEmbedding(five, 2, {{QStringLiteral("none"), 0, 0.5}}));
        QVERIFY_THROWS_EXCEPTION(Error, Embedder::combinedEmbedding(five, 2, {{QStringLiteral("back"), -1, 0.5}, {QStringLiteral("mid"), 4, 0.5}}));
        QVERIFY_THROWS_EXCEPTION(Error, Embedder::combinedEmbedding(raw, 2, {{QStringLiteral("mid"), 2, 0.0}}));
    }
};

QTEST_GUILESS_MAIN(TestEmbedder)
#include "tst_embedder.moc"
