#include "Embedder.h"
#include "Error.h"
#include "Familiarity.h"
#include "ModelSpec.h"
#include "ReferenceSetFile.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <sys/resource.h>
#endif

using namespace exemplar;

namespace {

ReferenceSet makeSet(int references, int dim, bool withCenter, unsigned seed = 7)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    ReferenceSet set;
    set.createdAt = QStringLiteral("2024-05-01T12:00:00Z");
    set.modelName = QStringLiteral("efficientnet-b0-imagenet");
    set.modelSha256 = QString::fromLatin1(
        QCryptographicHash::hash("model", QCryptographicHash::Sha256).toHex());
    set.preprocessing =
        QJsonObject{{"width", 224}, {"scale", 1.0 / 255}, {"mean", QJsonArray{0.485, 0.456, 0.406}}};
    set.method = QStringLiteral("coverage");
    set.selection = QJsonObject{{"per_class", 3}, {"seed", 42}, {"big", 2.5e18}};
    set.evaluation = QJsonObject{{"accuracy", 0.8125}, {"weighted_f1", 0.7931034482758621}};
    set.extra = QJsonObject{{"held_out", QJsonArray{"a.jpg", "ü/b.jpg"}}};

    ReferenceHead& head = set.head;
    head.classNames = QStringList{"cat", "dog", "fox"};
    head.references = Matrix(references, dim);
    for (int r = 0; r < references; ++r) {
        for (int i = 0; i < dim; ++i) head.references(r, i) = normal(rng);
        head.references.row(r).normalize();
    }
    head.bias = Vector(references);
    for (int r = 0; r < references; ++r) head.bias[r] = 0.1f * normal(rng);
    // Values a decimal encoding could get wrong (the largest a set may hold: ±1e12).
    const float awkward[] = {-0.0f, std::numeric_limits<float>::denorm_min(), -9.99e11f, 1.0f / 3};
    for (int r = 0; r < references && r < 4; ++r) head.bias[r] = awkward[r];
    if (references > 0 && dim > 1) head.references(0, 1) = -0.0f;
    if (withCenter) {
        head.center = Vector(dim);
        for (int i = 0; i < dim; ++i) head.center[i] = 0.01f * normal(rng);
    }
    for (int r = 0; r < references; ++r) {
        head.referenceClass.push_back(r % 3);
        const QByteArray name = "photo_" + QByteArray::number(r) + ".jpg";
        head.referenceInfo.push_back(
            {QString::fromLatin1(name),
             QString::fromLatin1(QCryptographicHash::hash(name, QCryptographicHash::Sha256).toHex())});
    }
    if (references > 0) head.referenceInfo.back() = {QStringLiteral("mean of 12 photos"), {}};
    return set;
}

QByteArray bits(const float* values, Eigen::Index count)
{
    return QByteArray(reinterpret_cast<const char*>(values), qsizetype(count) * 4);
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeBytes(const QString& path, const QByteArray& bytes)
{
    // Truncating a file in place is slow on ext4 (it flushes the old blocks); a new file is not.
    QFile::remove(path);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

// The documented seal: SHA-256 of the compact JSON of everything but "checksum".
QByteArray sealed(QJsonObject object)
{
    object.remove("checksum");
    const QByteArray hash = QCryptographicHash::hash(
        QJsonDocument(object).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256);
    object.insert("checksum", QString::fromLatin1(hash.toHex()));
    return QJsonDocument(object).toJson();
}

using Edit = std::function<void(QJsonObject&)>;

Edit editFirstReference(const QString& key, const QJsonValue& value)
{
    return [=](QJsonObject& root) {
        QJsonArray references = root["references"].toArray();
        QJsonObject reference = references.first().toObject();
        if (value.isUndefined())
            reference.remove(key);
        else
            reference[key] = value;
        references[0] = reference;
        root["references"] = references;
    };
}

QString base64Floats(std::initializer_list<float> values)
{
    QByteArray bytes;
    for (float v : values) {
        char le[4];
        qToLittleEndian(v, le);
        bytes.append(le, 4);
    }
    return QString::fromLatin1(bytes.toBase64());
}

// COUNT random queries of size DIM, and the value half of SCORE(query) lie below: a threshold
// that really splits them.
struct SplitQueries {
    std::vector<Vector> queries;
    float middle = 0;
};
SplitQueries splitQueries(int count, int dim, unsigned seed, const std::function<float(const Vector&)>& score)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    SplitQueries result;
    std::vector<float> scores;
    for (int q = 0; q < count; ++q) {
        result.queries.push_back(Vector::NullaryExpr(dim, [&] { return normal(rng); }));
        scores.push_back(score(result.queries.back()));
    }
    std::nth_element(scores.begin(), scores.begin() + count / 2, scores.end());
    result.middle = scores[size_t(count / 2)];
    return result;
}

} // namespace

class TestReferenceSetFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTripIsBitIdentical_data();
    void roundTripIsBitIdentical();
    void writingIsDeterministic();
    void refusedFiles_data();
    void refusedFiles();
    void fuzzedFilesNeverCrash();
    void inconsistentHeadIsNotWritten();
    void unwritableDestination_data();
    void unwritableDestination();
    void failedOverwriteKeepsOldFile_data();
    void failedOverwriteKeepsOldFile();
    void requireSameModel();
    void projectionAndThresholdRoundTrip();
    void trainingPhotosRoundTrip();
    void damagedTrainingPhotos_data();
    void damagedTrainingPhotos();
    void formatOneKeepsItsRule();
    void sealIsCheckedInEitherLayout_data();
    void sealIsCheckedInEitherLayout();

private:
    QString path(const QString& name) const { return dir_.filePath(name); }
    QByteArray edited(const Edit& edit) const
    {
        QJsonObject root = QJsonDocument::fromJson(valid_).object();
        edit(root);
        return sealed(root);
    }

    QTemporaryDir dir_;
    QByteArray valid_;  // a small valid file, the base of every damaged one
};

void TestReferenceSetFile::initTestCase()
{
    QVERIFY(dir_.isValid());
    writeReferenceSet(makeSet(4, 8, true), path("valid.exref"));
    valid_ = readAll(path("valid.exref"));
    QVERIFY(!valid_.isEmpty());
}

void TestReferenceSetFile::roundTripIsBitIdentical_data()
{
    QTest::addColumn<int>("references");
    QTest::addColumn<int>("dim");
    QTest::addColumn<bool>("withCenter");

    QTest::newRow("centered") << 30 << 64 << true;
    QTest::newRow("no transform") << 30 << 64 << false;
    QTest::newRow("one reference, one number") << 1 << 1 << false;
}

void TestReferenceSetFile::roundTripIsBitIdentical()
{
    QFETCH(int, references);
    QFETCH(int, dim);
    QFETCH(bool, withCenter);

    const ReferenceSet original = makeSet(references, dim, withCenter);
    writeReferenceSet(original, path("roundtrip.exref"));
    const ReferenceSet loaded = readReferenceSet(path("roundtrip.exref"));

    QCOMPARE(loaded.formatVersion, kReferenceSetFormatVersion);
    QCOMPARE(loaded.createdAt, original.createdAt);
    QCOMPARE(loaded.modelName, original.modelName);
    QCOMPARE(loaded.modelSha256, original.modelSha256);
    QCOMPARE(loaded.preprocessing, original.preprocessing);
    QCOMPARE(loaded.method, original.method);
    QCOMPARE(loaded.selection.value("seed"), original.selection.value("seed"));
    QCOMPARE(loaded.selection.value("big").toDouble(), 2.5e18);
    QCOMPARE(loaded.evaluation, original.evaluation);
    QCOMPARE(loaded.extra, original.extra);

    const ReferenceHead& a = original.head;
    const ReferenceHead& b = loaded.head;
    QCOMPARE(b.classNames, a.classNames);
    QCOMPARE(b.referenceCount(), a.referenceCount());
    QCOMPARE(b.dim(), a.dim());
    QCOMPARE(bits(b.references.data(), b.references.size()),
             bits(a.references.data(), a.references.size()));
    QCOMPARE(bits(b.bias.data(), b.bias.size()), bits(a.bias.data(), a.bias.size()));
    QCOMPARE(bits(b.center.data(), b.center.size()), bits(a.center.data(), a.center.size()));
    QCOMPARE(b.referenceClass, a.referenceClass);
    for (int r = 0; r < a.referenceCount(); ++r) {
        QCOMPARE(b.referenceInfo[size_t(r)].file, a.referenceInfo[size_t(r)].file);
        QCOMPARE(b.referenceInfo[size_t(r)].contentHash, a.referenceInfo[size_t(r)].contentHash);
    }

    std::mt19937 rng(99);
    std::normal_distribution<float> normal;
    for (int q = 0; q < 50; ++q) {
        Vector query(dim);
        for (int i = 0; i < dim; ++i) query[i] = normal(rng);
        const Prediction pa = a.predict(query);
        const Prediction pb = b.predict(query);
        QCOMPARE(pb.ranked.size(), pa.ranked.size());
        for (size_t k = 0; k < pa.ranked.size(); ++k) {
            QCOMPARE(pb.ranked[k].classIndex, pa.ranked[k].classIndex);
            QCOMPARE(pb.ranked[k].referenceIndex, pa.ranked[k].referenceIndex);
            QCOMPARE(bits(&pb.ranked[k].score, 1), bits(&pa.ranked[k].score, 1));
        }
        QCOMPARE(bits(&pb.margin, 1), bits(&pa.margin, 1));
    }
}

void TestReferenceSetFile::writingIsDeterministic()
{
    const ReferenceSet set = makeSet(5, 16, true);
    writeReferenceSet(set, path("first.exref"));
    writeReferenceSet(set, path("second.exref"));
    QCOMPARE(readAll(path("second.exref")), readAll(path("first.exref")));
}

void TestReferenceSetFile::refusedFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("setup");  // "file" (and "onnx", named model.onnx) holds CONTENT; "none" and "folder" do not
    QTest::addColumn<QString>("expected");

    const QString file = QStringLiteral("file");
    const QString notJson = QStringLiteral("is damaged (not valid JSON: ");
    QTest::newRow("missing file") << QByteArray() << QStringLiteral("none")
                                  << QStringLiteral("cannot read the reference set ");
    QTest::newRow("a folder") << QByteArray() << QStringLiteral("folder")
                              << QStringLiteral("not a regular file (a folder)");
    QTest::newRow("empty file") << QByteArray() << file << QStringLiteral("is damaged (the file is empty)");
    QTest::newRow("truncated") << valid_.left(valid_.size() / 2) << file << notJson;
    QByteArray garbage(3000, Qt::Uninitialized);
    std::mt19937 rng(5);
    for (char& c : garbage) c = char(rng());
    // Not JSON at all is another kind of file, not a damaged set.
    QTest::newRow("garbage bytes") << garbage << file << QStringLiteral("is not an Exemplar reference set (not JSON");
    // What export-onnx writes (a protobuf: ir_version 7, then the producer's name).
    QTest::newRow("an ONNX model") << QByteArray("\x08\x07\x12\x08exemplar", 12) << QStringLiteral("onnx")
                                   << QStringLiteral("is not an Exemplar reference set (an ONNX model");

    const QString foreign = QStringLiteral("is not an Exemplar reference set");
    QTest::newRow("JSON list") << QByteArray("[1, 2, 3]") << file << foreign;
    // Millions of small values would take ~9 bytes of memory per byte to parse: refused unparsed.
    QTest::newRow("nine million small values")
        << QByteArray("{\"format\": \"exemplar-reference-set\", \"x\": [") + QByteArray("0,").repeated(9'000'000) + "0]}" << file
        << QStringLiteral("is not an Exemplar reference set (9 million JSON values");
    QTest::newRow("another format")
        << edited([](QJsonObject& root) { root["format"] = "exemplar-embedding-cache"; }) << file
        << foreign;
    QTest::newRow("newer format version")
        << edited([](QJsonObject& root) { root["format_version"] = kReferenceSetFormatVersion + 1; }) << file
        << QStringLiteral("was written by a newer Exemplar (format version %1; this build reads up to %2)")
               .arg(kReferenceSetFormatVersion + 1)
               .arg(kReferenceSetFormatVersion);

    QByteArray flipped = valid_;
    const qsizetype at = flipped.indexOf("\"embedding\": \"") + 20;
    flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
    QTest::newRow("flipped digit in an embedding") << flipped << file
                                                   << QStringLiteral("is damaged (checksum mismatch)");
    QByteArray renamed = valid_;
    renamed.replace("\"dog\"", "\"cow\"");
    QTest::newRow("edited class name") << renamed << file << QStringLiteral("is damaged (checksum mismatch)");
    QTest::newRow("no checksum") << QByteArray(valid_).replace("\"checksum\"", "\"checksun\"") << file
                                 << QStringLiteral("is damaged (no \"checksum\")");

    // Damage behind a correct checksum: what a fuzzer, or a careless hand edit, would produce.
    QTest::newRow("format version 0")
        << edited([](QJsonObject& root) { root["format_version"] = 0; }) << file
        << QStringLiteral("is damaged (\"format_version\" is not a whole number");
    QTest::newRow("no dim") << edited([](QJsonObject& root) { root.remove("dim"); }) << file
                            << QStringLiteral("is damaged (no \"dim\")");
    QTest::newRow("huge dim") << edited([](QJsonObject& root) { root["dim"] = 1e9; }) << file
                              << QStringLiteral("is damaged (\"dim\" is not a whole number");
    QTest::newRow("no model") << edited([](QJsonObject& root) { root.remove("model"); }) << file
                              << QStringLiteral("is damaged (no \"model\")");
    QTest::newRow("references not a list")
        << edited([](QJsonObject& root) { root["references"] = "many"; }) << file
        << QStringLiteral("is damaged (\"references\" is not a list)");
    const QString badClass =
        QStringLiteral("is damaged (reference 1: \"class\" is not a whole number from 0 to 2)");
    QTest::newRow("class index out of range") << edited(editFirstReference("class", 3)) << file << badClass;
    QTest::newRow("fractional class index") << edited(editFirstReference("class", 0.5)) << file << badClass;
    QTest::newRow("no embedding") << edited(editFirstReference("embedding", QJsonValue::Undefined))
                                  << file << QStringLiteral("is damaged (reference 1: no \"embedding\")");
    QTest::newRow("short embedding")
        << edited(editFirstReference("embedding", base64Floats({1, 2, 3}))) << file
        << QStringLiteral("is damaged (reference 1: embedding does not hold 8 numbers)");
    QTest::newRow("embedding not base64")
        << edited(editFirstReference("embedding", QString(44, QLatin1Char('*')))) << file
        << QStringLiteral("is damaged (reference 1: embedding is not valid base64)");
    // Finite but beyond any trained set: every score would overflow to NaN, and a class still answered.
    QTest::newRow("bias of 3e38")
        << edited(editFirstReference("bias", base64Floats({3e38f})))
        << file << QStringLiteral("is damaged (a value beyond ±1e12");
    QTest::newRow("NaN bias")
        << edited(editFirstReference("bias", base64Floats({std::numeric_limits<float>::quiet_NaN()})))
        << file
        << QStringLiteral("is damaged (reference 1: bias holds a value that is not a finite number)");
    // Sets that cannot classify anything, sealed correctly (issue 13): refused, never answered
    // "unknown (nearest class  scores below -inf)".
    QTest::newRow("no references") << edited([](QJsonObject& root) { root["references"] = QJsonArray(); }) << file
                                   << QStringLiteral("cannot classify anything: it has no references");
    QTest::newRow("no classes")
        << edited([](QJsonObject& root) {
               root["classes"] = QJsonArray();
               root["references"] = QJsonArray();
           })
        << file << QStringLiteral("cannot classify anything: it has no classes");
    QTest::newRow("a class name twice")
        << edited([](QJsonObject& root) {
               QJsonArray classes = root["classes"].toArray();
               classes[1] = classes[0];
               root["classes"] = classes;
           })
        << file << QStringLiteral("cannot classify anything: it names the class");
    QTest::newRow("a class without a name")
        << edited([](QJsonObject& root) {
               QJsonArray classes = root["classes"].toArray();
               classes[0] = QString();
               root["classes"] = classes;
           })
        << file << QStringLiteral("cannot classify anything: it has a class without a name");
    QTest::newRow("center of the wrong size")
        << edited([](QJsonObject& root) {
               root["transform"] = QJsonObject{{"center", base64Floats({1, 2})}};
           })
        << file << QStringLiteral("is damaged (the transform's center does not hold 8 numbers)");
}

void TestReferenceSetFile::refusedFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, setup);
    QFETCH(QString, expected);

    const QString file = path(setup == "onnx" ? QStringLiteral("model.onnx") : setup + ".exref");
    QFile::remove(file);
    if (setup == "file" || setup == "onnx") writeBytes(file, content);
    if (setup == "folder") QVERIFY(QDir().mkpath(file));
    try {
        readReferenceSet(file);
        QFAIL("the file was accepted");
    } catch (const Error& error) {
        const QString message = error.message();
        QVERIFY2(message.contains(expected), qPrintable(message + " lacks: " + expected));
        QVERIFY2(message.contains(QDir::toNativeSeparators(file)), qPrintable(message));
    }
}

void TestReferenceSetFile::fuzzedFilesNeverCrash()
{
    const QString file = path("fuzzed.exref");
    const auto tryRead = [&](const QByteArray& bytes) {
        writeBytes(file, bytes);
        try {
            readReferenceSet(file);
        } catch (const Error&) {
        }
    };

    std::mt19937 rng(11);
    for (int i = 0; i < 400; ++i) {
        QByteArray bytes = valid_;
        const int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits && !bytes.isEmpty(); ++e) {
            const qsizetype at = qsizetype(rng() % quint32(bytes.size()));
            switch (rng() % 3) {
            case 0: bytes[at] = char(rng()); break;
            case 1: bytes.remove(at, 1 + qsizetype(rng() % 16)); break;
            default: bytes.insert(at, char(rng())); break;
            }
        }
        tryRead(bytes);
    }

    // Resealed damage reaches past the checksum: replace every value, one at a time, with each
    // kind of wrong value.
    const QJsonValue wrong[] = {QJsonValue(), true, -1, 0, 1.5, 1e300, 70000, "x", "AAAA",
                                QJsonArray{}, QJsonArray{1, "a"}, QJsonObject{}};
    // REBUILD puts a value where VALUE was and returns the whole document.
    using Rebuild = std::function<QJsonObject(const QJsonValue&)>;
    std::function<void(const QJsonValue&, const Rebuild&)> walk;
    walk = [&](const QJsonValue& value, const Rebuild& rebuild) {
        for (const QJsonValue& w : wrong) tryRead(sealed(rebuild(w)));
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto it = object.begin(); it != object.end(); ++it) {
                const QString key = it.key();
                walk(it.value(), [=](const QJsonValue& v) {
                    QJsonObject copy = object;
                    copy[key] = v;
                    return rebuild(copy);
                });
            }
        } else if (value.isArray()) {
            const QJsonArray array = value.toArray();
            for (qsizetype i = 0; i < array.size(); ++i)
                walk(array[i], [=](const QJsonValue& v) {
                    QJsonArray copy = array;
                    copy[i] = v;
                    return rebuild(copy);
                });
        }
    };
    const QJsonObject root = QJsonDocument::fromJson(valid_).object();
    walk(root, [](const QJsonValue& v) { return v.toObject(); });
}

void TestReferenceSetFile::inconsistentHeadIsNotWritten()
{
    const auto refuses = [&](const char* what, const std::function<void(ReferenceHead&)>& damage) {
        ReferenceSet set = makeSet(4, 8, true);
        damage(set.head);
        const QString file = path("inconsistent.exref");
        QFile::remove(file);
        QVERIFY_THROWS_EXCEPTION(Error, writeReferenceSet(set, file));
        QVERIFY2(!QFile::exists(file), what);
    };
    refuses("short bias", [](ReferenceHead& h) { h.bias.resize(3); });
    refuses("class out of range", [](ReferenceHead& h) { h.referenceClass[2] = 3; });
    refuses("missing info", [](ReferenceHead& h) { h.referenceInfo.pop_back(); });
    refuses("missing class", [](ReferenceHead& h) { h.referenceClass.pop_back(); });
    refuses("center size", [](ReferenceHead& h) { h.center.resize(7); });
    refuses("no dimension", [](ReferenceHead& h) { h.references.resize(4, 0); });
    refuses("NaN", [](ReferenceHead& h) { h.references(1, 1) = std::nanf(""); });
    refuses("infinite bias", [](ReferenceHead& h) { h.bias[0] = HUGE_VALF; });
}

void TestReferenceSetFile::unwritableDestination_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<bool>("readOnly");

    QTest::newRow("read-only folder") << QStringLiteral("readonly") << true;
    QTest::newRow("folder is a regular file") << QStringLiteral("plain.txt") << false;
    QTest::newRow("folder does not exist") << QStringLiteral("nowhere") << false;
}

void TestReferenceSetFile::unwritableDestination()
{
    QFETCH(QString, folder);
    QFETCH(bool, readOnly);

    const QString parent = path(folder);
    if (readOnly) {
        QVERIFY(QDir().mkpath(parent));
        QVERIFY(QFile::setPermissions(parent, QFile::ReadOwner | QFile::ExeOwner));
        QFile probe(parent + "/probe");
        if (probe.open(QIODevice::WriteOnly)) {
            probe.remove();
            QFile::setPermissions(parent, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QSKIP("file permissions are not enforced for this user (root?)");
        }
    } else if (folder == "plain.txt") {
        writeBytes(parent, "not a folder");
    }

    const QString file = parent + "/set.exref";
    try {
        writeReferenceSet(makeSet(4, 8, true), file);
        QFAIL("the write succeeded");
    } catch (const Error& error) {
        QVERIFY2(error.message().startsWith("cannot write " + QDir::toNativeSeparators(file) + ": "),
                 qPrintable(error.message()));
    }
    QVERIFY(!QFile::exists(file));
    if (readOnly) {
        QCOMPARE(QDir(parent).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());
        QFile::setPermissions(parent, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
}

void TestReferenceSetFile::failedOverwriteKeepsOldFile_data()
{
    QTest::addColumn<QString>("cause");
    QTest::newRow("inconsistent head") << QStringLiteral("inconsistent");
    QTest::newRow("disk full (file size limit)") << QStringLiteral("size limit");
    QTest::newRow("read-only folder") << QStringLiteral("read-only");
}

void TestReferenceSetFile::failedOverwriteKeepsOldFile()
{
    QFETCH(QString, cause);

    QTemporaryDir folder(path("overwrite-XXXXXX"));
    QVERIFY(folder.isValid());
    const QString file = folder.filePath("set.exref");
    writeReferenceSet(makeSet(4, 8, true, 1), file);
    const QByteArray before = readAll(file);

    ReferenceSet replacement = makeSet(200, 256, true, 2);  // large enough to hit the size limit
    QString message;
    const auto attempt = [&] {
        try {
            writeReferenceSet(replacement, file);
        } catch (const Error& error) {
            message = error.message();
        }
    };

    if (cause == "inconsistent") {
        replacement.head.bias.resize(3);
        attempt();
    } else if (cause == "size limit") {
#ifdef Q_OS_UNIX
        // A soft RLIMIT_FSIZE makes writes past it fail with EFBIG, as a full disk would, even for
        // root; ignoring SIGXFSZ turns the default kill into a plain write error.
        rlimit saved{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
        rlimit tight = saved;
        tight.rlim_cur = 8192;
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &tight), 0);
        attempt();
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previousHandler);
        // The OS's reason, not Qt's "Unknown error" for a short write.
        QVERIFY2(message.endsWith(QString::fromLocal8Bit(std::strerror(EFBIG))), qPrintable(message));
#else
        QSKIP("needs RLIMIT_FSIZE");
#endif
    } else {
        QVERIFY(QFile::setPermissions(folder.path(), QFile::ReadOwner | QFile::ExeOwner));
        QFile probe(folder.filePath("probe"));
        if (probe.open(QIODevice::WriteOnly)) {
            probe.remove();
            QFile::setPermissions(folder.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QSKIP("file permissions are not enforced for this user (root?)");
        }
        attempt();
        QFile::setPermissions(folder.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    QVERIFY2(message.startsWith("cannot write "), qPrintable("unexpected outcome: " + message));
    QCOMPARE(readAll(file), before);
    QCOMPARE(QDir(folder.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"set.exref"});
    readReferenceSet(file);
}

void TestReferenceSetFile::requireSameModel()
{
    EXEMPLAR_REQUIRE_MODEL();
    const Embedder embedder(ModelSpec::load(exemplar::test::defaultModelSpec()));

    ReferenceSet set = makeSet(3, embedder.dim(), false);
    set.modelName = embedder.spec().name;
    set.modelSha256 = QString::fromLatin1(embedder.onnxSha256()).toUpper();
    exemplar::requireSameModel(set, embedder.modelIdentity());

    set.modelName = QStringLiteral("some-other-net");
    set.modelSha256 = QStringLiteral("abcd1234") + QString(56, QLatin1Char('0'));
    try {
        exemplar::requireSameModel(set, embedder.modelIdentity());
        QFAIL("a set from another model was accepted");
    } catch (const Error& error) {
        const QString message = error.message();
        QVERIFY2(message.contains("was made with model some-other-net (sha256 abcd1234"),
                 qPrintable(message));
        QVERIFY2(message.contains(embedder.spec().name), qPrintable(message));
        // Core names no CLI flag: the CLI adds its hint (tst_cli), the GUI its menu.
        QVERIFY2(!message.contains("--model"), qPrintable(message));
    }

    set.modelSha256 = QString::fromLatin1(embedder.onnxSha256());
    set.head = makeSet(3, embedder.dim() + 1, false).head;
    QVERIFY_THROWS_EXCEPTION(Error, exemplar::requireSameModel(set, embedder.modelIdentity()));
}


// A whitened head maps 24-d embeddings to 7-d references and carries a rejection threshold: both
// must survive the file bit for bit, and the answers ("unknown" included) must not change.
void TestReferenceSetFile::projectionAndThresholdRoundTrip()
{
    ReferenceSet original = makeSet(5, 7, true);
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    original.head.center = Vector::NullaryExpr(24, [&] { return normal(rng); });
    original.head.projection = Matrix::NullaryExpr(7, 24, [&] { return normal(rng); });
    original.head.bias.setZero();  // makeSet's awkward biases (FLT_MAX) would decide every query
    const auto [queries, middle] =
        splitQueries(40, 24, 3, [&](const Vector& q) { return original.head.predict(q).ranked.front().score; });
    original.head.rejectBelow = middle;  // about half the queries fall below
    writeReferenceSet(original, path("projected.exref"));
    const ReferenceSet loaded = readReferenceSet(path("projected.exref"));
    QCOMPARE(loaded.head.inputDim(), 24);
    QCOMPARE(loaded.head.dim(), 7);
    QCOMPARE(bits(loaded.head.projection.data(), loaded.head.projection.size()),
             bits(original.head.projection.data(), original.head.projection.size()));
    QCOMPARE(bits(&loaded.head.rejectBelow, 1), bits(&original.head.rejectBelow, 1));
    int unknown = 0;
    for (const Vector& query : queries) {
        const Prediction a = original.head.predict(query);
        const Prediction b = loaded.head.predict(query);
        QCOMPARE(b.unknown, a.unknown);
        QCOMPARE(b.bestClass(), a.bestClass());
        unknown += a.unknown;
    }
    QVERIFY(unknown > 0 && unknown < 40);  // the threshold really splits the queries

    // Without a threshold the file says null and nothing is ever unknown.
    original.head.rejectBelow = -std::numeric_limits<float>::infinity();
    writeReferenceSet(original, path("projected.exref"));
    QVERIFY(std::isinf(readReferenceSet(path("projected.exref")).head.rejectBelow));
}

// A head that judges "unknown" by its training photos (format 2): the photos come back bit for
// bit, and every answer, the score compared with the threshold included, is the same.
void TestReferenceSetFile::trainingPhotosRoundTrip()
{
    ReferenceSet original = makeSet(6, 16, true);
    original.head.bias.setZero();
    std::mt19937 rng(11);
    std::normal_distribution<float> normal;
    original.head.trainingPhotos = familiarPhotos(Matrix::NullaryExpr(9, 16, [&] { return normal(rng); }));
    const auto [queries, middle] = splitQueries(
        40, 16, 11, [&](const Vector& q) { return nearestPhotoCosine(original.head.trainingPhotos, q); });
    original.head.rejectBelow = middle;
    writeReferenceSet(original, path("photos.exref"));
    const ReferenceSet loaded = readReferenceSet(path("photos.exref"));
    QCOMPARE(loaded.formatVersion, kReferenceSetFormatVersion);
    QCOMPARE(loaded.head.trainingPhotos.rows(), 9);
    QCOMPARE(bits(loaded.head.trainingPhotos.data(), loaded.head.trainingPhotos.size()),
             bits(original.head.trainingPhotos.data(), original.head.trainingPhotos.size()));
    int unknown = 0;
    for (const Vector& query : queries) {
        const Prediction a = original.head.predict(query);
        const Prediction b = loaded.head.predict(query);
        QCOMPARE(bits(&b.unknownScore, 1), bits(&a.unknownScore, 1));
        QCOMPARE(b.unknown, a.unknown);
        QCOMPARE(a.unknown, a.unknownScore < original.head.rejectBelow);
        unknown += a.unknown;
    }
    QVERIFY(unknown > 0 && unknown < 40);  // the threshold on the photos really splits the queries

    // Photos of another size than the embeddings cannot be written.
    ReferenceSet inconsistent = original;
    inconsistent.head.trainingPhotos = Matrix::Ones(3, 15);
    QVERIFY_THROWS_EXCEPTION(Error, writeReferenceSet(inconsistent, path("inconsistent.exref")));
}

void TestReferenceSetFile::damagedTrainingPhotos_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("float16");
    QTest::addColumn<QString>("expected");
    // valid_ has 8-d embeddings: two photos are 16 half floats (32 bytes).
    const QString two = QString::fromLatin1(QByteArray(32, '\0').toBase64());
    QTest::newRow("too few numbers") << 3 << two << QStringLiteral("the training photos does not hold 24 numbers");
    QTest::newRow("not base64") << 2 << QString(two).replace(0, 1, QLatin1Char('*'))
                                << QStringLiteral("the training photos is not valid base64");
    QTest::newRow("count 0") << 0 << two << QStringLiteral("the training photos: \"count\" is not a whole number");
    QByteArray infinite(32, '\0');
    qToLittleEndian(quint16(0x7c00), infinite.data());  // +∞ in half precision
    QTest::newRow("infinite value") << 2 << QString::fromLatin1(infinite.toBase64())
                                    << QStringLiteral("the training photos holds a value that is not a finite number");
}

void TestReferenceSetFile::damagedTrainingPhotos()
{
    QFETCH(int, count);
    QFETCH(QString, float16);
    QFETCH(QString, expected);
    writeBytes(path("damaged-photos.exref"), edited([&](QJsonObject& root) {
        root["training_photos"] = QJsonObject{{"count", count}, {"float16", float16}};
    }));
    try {
        readReferenceSet(path("damaged-photos.exref"));
        QFAIL("a damaged file was accepted");
    } catch (const Error& error) {
        QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
    }
}

// A file of format 1 (written before "unknown" was judged by the training photos) still loads and
// answers as it always did: "unknown" when the best class score is below its threshold. Training
// photos slipped into such a file are not its rule and are ignored.
void TestReferenceSetFile::formatOneKeepsItsRule()
{
    ReferenceSet original = makeSet(6, 16, true);
    original.head.bias.setZero();
    const auto [queries, middle] =
        splitQueries(40, 16, 5, [&](const Vector& q) { return original.head.predict(q).ranked.front().score; });
    original.head.rejectBelow = middle;
    writeReferenceSet(original, path("current.exref"));
    QJsonObject root = QJsonDocument::fromJson(readAll(path("current.exref"))).object();
    root["format_version"] = 1;
    root.remove("training_photos");
    writeBytes(path("format1.exref"), sealed(root));
    root["training_photos"] = QJsonObject{{"count", 1}, {"float16", QString::fromLatin1(QByteArray(32, '\0').toBase64())}};
    writeBytes(path("format1-with-photos.exref"), sealed(root));

    for (const QString& name : {QStringLiteral("format1.exref"), QStringLiteral("format1-with-photos.exref")}) {
        const ReferenceSet loaded = readReferenceSet(path(name));
        QCOMPARE(loaded.formatVersion, 1);
        QVERIFY(!loaded.head.judgesUnknownByTrainingPhotos());
        QVERIFY(loaded.head.unknownRule().contains(QStringLiteral("format 1")));
        int unknown = 0;
        for (const Vector& query : queries) {
            const Prediction a = original.head.predict(query);
            const Prediction b = loaded.head.predict(query);
            QCOMPARE(b.bestClass(), a.bestClass());
            QCOMPARE(b.unknown, a.unknown);
            QCOMPARE(b.unknown, b.ranked.front().score < loaded.head.rejectBelow);
            QCOMPARE(b.unknownScore, b.ranked.front().score);
            unknown += b.unknown;
        }
        QVERIFY(unknown > 0 && unknown < 40);
    }
}

// Sets are written compact with the checksum first, so that a reader checks the seal on the bytes
// (fast); files written indented, as before 2026-12-05, are checked by serializing them again.
// Either way a change behind the seal is found, and the seal is the documented one, which an
// older Exemplar checks.
void TestReferenceSetFile::sealIsCheckedInEitherLayout_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("reads");
    const QJsonObject root = QJsonDocument::fromJson(valid_).object();
    const QByteArray indented = QJsonDocument(root).toJson(QJsonDocument::Indented);
    // One base64 character of the first reference's embedding changed, in place.
    const auto changed = [](QByteArray bytes) {
        const qsizetype at = bytes.indexOf("\"embedding\":");
        const qsizetype quote = bytes.indexOf('"', bytes.indexOf(':', at) + 1);
        bytes[quote + 1] = bytes[quote + 1] == 'A' ? 'B' : 'A';
        return bytes;
    };
    QTest::newRow("compact, as written") << valid_ << true;
    QTest::newRow("indented, as before") << indented << true;
    QTest::newRow("compact, a byte changed") << changed(valid_) << false;
    QTest::newRow("indented, a byte changed") << changed(indented) << false;
}

void TestReferenceSetFile::sealIsCheckedInEitherLayout()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, reads);
    QVERIFY(valid_.startsWith("{\"checksum\":\""));
    QCOMPARE(QJsonDocument::fromJson(sealed(QJsonDocument::fromJson(valid_).object())).object().value("checksum"),
             QJsonDocument::fromJson(valid_).object().value("checksum"));
    writeBytes(path("layout.exref"), bytes);
    try {
        const ReferenceSet set = readReferenceSet(path("layout.exref"));
        QVERIFY2(reads, "a changed file was read");
        QCOMPARE(set.head.references, readReferenceSet(path("valid.exref")).head.references);
    } catch (const Error& error) {
        QVERIFY2(!reads, qPrintable(error.message()));
        QVERIFY2(error.message().contains(QLatin1String("checksum mismatch")), qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestReferenceSetFile)
#include "tst_referencesetfile.moc"
