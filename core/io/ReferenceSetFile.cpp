#include "ReferenceSetFile.h"

#include "JsonTextBounds.h"

#include "AtomicFile.h"
#include "Error.h"
#include "RegularFile.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFloat16>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtEndian>
#include <cmath>

namespace exemplar {
namespace {

constexpr QLatin1String kFormatName("exemplar-reference-set");
// Caps keep a hostile or corrupt file from making the reader allocate without bound.
constexpr int kMaxDim = 65536;
constexpr int kMaxReferences = 1000000;

QString displayPath(const QString& path) { return QDir::toNativeSeparators(path); }

// Floats travel as base64 of little-endian float32 rather than as JSON numbers: Qt writes −0.0
// as 0 and NaN as null, so only raw bits make every reload bit-identical.
// The text goes into the JSON value as Latin-1 (base64 is ASCII), which Qt keeps as it is; a
// QString would be widened to UTF-16 and narrowed again, hundreds of MB each way for a large set.
QJsonValue base64Value(const QByteArray& bytes)
{
    const QByteArray text = bytes.toBase64();
    return QJsonValue(QLatin1String(text.constData(), text.size()));
}

QJsonValue encodeFloats(const float* values, Eigen::Index count)
{
    QByteArray bytes(qsizetype(count) * 4, Qt::Uninitialized);
    for (Eigen::Index i = 0; i < count; ++i) qToLittleEndian(values[i], bytes.data() + 4 * i);
    return base64Value(bytes);
}

// The training photos are many (a whole pool): half precision halves the file, and they are
// rounded to it already in memory (familiarPhotos), so this loses nothing.
QJsonValue encodeHalfFloats(const float* values, Eigen::Index count)
{
    QByteArray bytes(qsizetype(count) * 2, Qt::Uninitialized);
    for (Eigen::Index i = 0; i < count; ++i) qToLittleEndian(qfloat16(values[i]), bytes.data() + 2 * i);
    return base64Value(bytes);
}

// Qt re-reads a double such as 2.5e18 as an integer and writes it back in another spelling, so
// the writer seals the document in the form a reader will see after one parse. Only numbers
// change so, and the numbers are in the small members: those are put in their re-read form (a
// cheap round trip), while the large base64 texts, stable as they are, are added afterwards
// rather than serialized and parsed twice more (seconds for a set of hundreds of MB).
QJsonObject reread(const QJsonObject& object)
{
    return QJsonDocument::fromJson(QJsonDocument(object).toJson(QJsonDocument::Compact)).object();
}

// The file is the sealed (compact) text with the checksum as its first member (keys sort, and
// "checksum" sorts first): {"checksum":"<64 hex>",…rest of the sealed text. A reader can then
// check the seal on the bytes themselves instead of serializing the parsed document again.
QByteArray sealedFileText(const QByteArray& sealed)
{
    const QByteArray checksum = QCryptographicHash::hash(sealed, QCryptographicHash::Sha256).toHex();
    QByteArray text;
    text.reserve(sealed.size() + checksum.size() + 16);
    text.append("{\"checksum\":\"").append(checksum).append("\",");
    text.append(QByteArrayView(sealed.constData() + 1, sealed.size() - 1));  // after its '{'
    return text;
}

// True when BYTES are a sealedFileText whose checksum holds (the fast check); false when they are
// not in that form (files of format versions written indented) or the checksum does not hold.
bool sealHoldsOnBytes(const QByteArray& bytes)
{
    static const QByteArray kStart = "{\"checksum\":\"";
    constexpr int kHex = 64;
    if (!bytes.startsWith(kStart) || bytes.size() < kStart.size() + kHex + 3) return false;
    const QByteArray checksum = bytes.mid(kStart.size(), kHex);
    if (bytes.at(kStart.size() + kHex) != '"' || bytes.at(kStart.size() + kHex + 1) != ',') return false;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView("{"));
    const qsizetype rest = kStart.size() + kHex + 2;
    hash.addData(QByteArrayView(bytes.constData() + rest, bytes.size() - rest));
    return hash.result().toHex() == checksum.toLower();
}

QByteArray checksumOf(const QJsonObject& objectWithoutChecksum)
{
    return QCryptographicHash::hash(
               QJsonDocument(objectWithoutChecksum).toJson(QJsonDocument::Compact),
               QCryptographicHash::Sha256)
        .toHex();
}

bool allFinite(const float* values, Eigen::Index count)
{
    for (Eigen::Index i = 0; i < count; ++i)
        if (!std::isfinite(values[i])) return false;
    return true;
}

// No trained head comes near it (whitening scales by at most ~1e3), and below it no product of a
// unit embedding through a projection and the references (up to 65,536 dimensions each) can
// overflow a float: a forged 3e38 gave every photo a NaN score and still answered a class.
constexpr float kMaxHeadMagnitude = 1e12f;

bool allPlausible(const float* values, Eigen::Index count)
{
    for (Eigen::Index i = 0; i < count; ++i)
        if (std::abs(values[i]) > kMaxHeadMagnitude) return false;
    return true;
}

// Why a head could not classify anything (it would answer every photo alike, or not at all), or
// an empty string when it can. Checked on writing and on reading: such a file is refused whole.
QString uselessHeadProblem(const ReferenceHead& head)
{
    if (head.classNames.isEmpty()) return QStringLiteral("it has no classes");
    if (head.references.rows() == 0) return QStringLiteral("it has no references");
    QSet<QString> seen;
    for (const QString& name : head.classNames) {
        // A class without a name could not be told from "unknown" (sorting filed it there).
        if (name.isEmpty()) return QStringLiteral("it has a class without a name");
        if (seen.contains(name)) return QStringLiteral("it names the class \"%1\" twice").arg(name);
        seen.insert(name);
    }
    return {};
}

// Why a head cannot be saved, or an empty string when it can.
// A value no trained head holds (see kMaxHeadMagnitude), or an empty string. Checked on writing
// and on reading, like uselessHeadProblem.
QString implausibleValuesProblem(const ReferenceHead& head)
{
    if (!allPlausible(head.references.data(), head.references.size()) || !allPlausible(head.bias.data(), head.bias.size()) ||
        !allPlausible(head.center.data(), head.center.size()) || !allPlausible(head.projection.data(), head.projection.size()))
        return QStringLiteral("a value beyond ±1e12, too large for any trained set: its scores would overflow");
    return {};
}

QString headProblem(const ReferenceHead& head)
{
    if (const QString useless = uselessHeadProblem(head); !useless.isEmpty()) return useless;
    const Eigen::Index r = head.references.rows();
    const Eigen::Index d = head.references.cols();
    if (d < 1 || d > kMaxDim) return QStringLiteral("embedding size %1").arg(d);
    if (r > kMaxReferences) return QStringLiteral("%1 references").arg(r);
    if (head.bias.size() != r)
        return QStringLiteral("%1 biases for %2 references").arg(head.bias.size()).arg(r);
    if (Eigen::Index(head.referenceClass.size()) != r)
        return QStringLiteral("%1 reference classes for %2 references")
            .arg(head.referenceClass.size())
            .arg(r);
    if (Eigen::Index(head.referenceInfo.size()) != r)
        return QStringLiteral("%1 reference descriptions for %2 references")
            .arg(head.referenceInfo.size())
            .arg(r);
    const Eigen::Index inputDim = head.inputDim();
    if (head.projection.size() != 0 && (head.projection.rows() != d || inputDim > kMaxDim))
        return QStringLiteral("projection of %1×%2 for references of size %3")
            .arg(head.projection.rows())
            .arg(head.projection.cols())
            .arg(d);
    if (head.center.size() != 0 && head.center.size() != inputDim)
        return QStringLiteral("center of size %1 for embeddings of size %2")
            .arg(head.center.size())
            .arg(inputDim);
    for (int c : head.referenceClass)
        if (c < 0 || c >= head.classNames.size())
            return QStringLiteral("class index %1 with %2 classes").arg(c).arg(head.classNames.size());
    if (head.trainingPhotos.rows() > 0 &&
        (head.trainingPhotos.cols() != inputDim || head.trainingPhotos.rows() > kMaxReferences))
        return QStringLiteral("%1 training photos of size %2 for embeddings of size %3")
            .arg(head.trainingPhotos.rows())
            .arg(head.trainingPhotos.cols())
            .arg(inputDim);
    if (!allFinite(head.references.data(), head.references.size()) ||
        !allFinite(head.trainingPhotos.data(), head.trainingPhotos.size()) ||
        !allFinite(head.bias.data(), head.bias.size()) ||
        !allFinite(head.center.data(), head.center.size()) ||
        !allFinite(head.projection.data(), head.projection.size()))
        return QStringLiteral("a value that is not a finite number");
    return implausibleValuesProblem(head);
}

// Reads one file's JSON, throwing "<path> is damaged (<what>)" at the first problem.
class Reader {
public:
    explicit Reader(const QString& path) : path_(displayPath(path)) {}

    [[noreturn]] void damaged(const QString& what) const
    {
        throw Error(QStringLiteral("%1 is damaged (%2)").arg(path_, what));
    }

    QJsonValue field(const QJsonObject& object, const QString& key, const QString& where) const
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined()) damaged(QStringLiteral("%1no \"%2\"").arg(where, key));
        return value;
    }

    QJsonObject object(const QJsonObject& o, const QString& key, const QString& where = {}) const
    {
        const QJsonValue v = field(o, key, where);
        if (!v.isObject()) damaged(QStringLiteral("%1\"%2\" is not an object").arg(where, key));
        return v.toObject();
    }

    QJsonObject optionalObject(const QJsonObject& o, const QString& key) const
    {
        return o.contains(key) ? object(o, key) : QJsonObject();
    }

    QJsonArray array(const QJsonObject& o, const QString& key) const
    {
        const QJsonValue v = field(o, key, {});
        if (!v.isArray()) damaged(QStringLiteral("\"%1\" is not a list").arg(key));
        return v.toArray();
    }

    QString string(const QJsonObject& o, const QString& key, const QString& where = {}) const
    {
        const QJsonValue v = field(o, key, where);
        if (!v.isString()) damaged(QStringLiteral("%1\"%2\" is not text").arg(where, key));
        return v.toString();
    }

    int integer(const QJsonValue& v, int min, int max, const QString& what) const
    {
        const double x = v.toDouble(std::nan(""));
        if (!(x >= min && x <= max) || x != std::floor(x))
            damaged(QStringLiteral("%1 is not a whole number from %2 to %3")
                        .arg(what)
                        .arg(min)
                        .arg(max));
        return int(x);
    }

    // The raw little-endian bytes of exactly COUNT floats of BYTES each (4, or 2 for half
    // precision) encoded in V.
    QByteArray floats(const QJsonValue& v, Eigen::Index count, const QString& what, int bytes = 4) const
    {
        if (!v.isString()) damaged(QStringLiteral("%1 is not base64 text").arg(what));
        const QString text = v.toString();
        // Base64 of COUNT floats has a known length; checking it first avoids decoding a huge string.
        if (text.size() != 4 * ((bytes * count + 2) / 3))
            damaged(QStringLiteral("%1 does not hold %2 numbers").arg(what).arg(count));
        auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok)
            damaged(QStringLiteral("%1 is not valid base64").arg(what));
        if (decoded.decoded.size() != bytes * count)
            damaged(QStringLiteral("%1 does not hold %2 numbers").arg(what).arg(count));
        return decoded.decoded;
    }

    void decodeHalvesInto(const QByteArray& bytes, float* out, Eigen::Index count, const QString& what) const
    {
        for (Eigen::Index i = 0; i < count; ++i)
            out[i] = float(qFromLittleEndian<qfloat16>(bytes.constData() + 2 * i));
        if (!allFinite(out, count))
            damaged(QStringLiteral("%1 holds a value that is not a finite number").arg(what));
    }

    void decodeInto(const QByteArray& bytes, float* out, Eigen::Index count,
                    const QString& what) const
    {
        for (Eigen::Index i = 0; i < count; ++i)
            out[i] = qFromLittleEndian<float>(bytes.constData() + 4 * i);
        if (!allFinite(out, count))
            damaged(QStringLiteral("%1 holds a value that is not a finite number").arg(what));
    }

private:
    QString path_;
};

// A reference set holds its matrices as base64 text and a few values per training photo
// (JsonTextBounds.h).
constexpr qsizetype kMaxReferenceSetJsonValues = 8'000'000;

} // namespace

void writeReferenceSet(const ReferenceSet& set, const QString& path)
{
    // A mistyped name in a save dialog (a photo, a project) must not destroy that file: every
    // writer of sets, the CLI's and the window's, refuses it.
    refuseToReplaceAnotherKind(path, QStringLiteral("a reference set"), startsLikeReferenceSet);
    const ReferenceHead& head = set.head;
    if (const QString problem = headProblem(head); !problem.isEmpty())
        throw Error(QStringLiteral("cannot write %1: the reference set is inconsistent (%2)")
                        .arg(displayPath(path), problem));

    const Eigen::Index d = head.references.cols();
    QJsonArray references;
    for (Eigen::Index r = 0; r < head.references.rows(); ++r) {
        const ReferenceInfo& info = head.referenceInfo[size_t(r)];
        references.append(QJsonObject{
            {QStringLiteral("class"), head.referenceClass[size_t(r)]},
            {QStringLiteral("file"), info.file},
            {QStringLiteral("content_sha256"), info.contentHash},
            {QStringLiteral("bias"), encodeFloats(&head.bias[r], 1)},
            {QStringLiteral("embedding"), encodeFloats(head.references.row(r).data(), d)},
        });
    }

    const QString createdAt = set.createdAt.isEmpty()
        ? QDateTime::currentDateTimeUtc().toString(Qt::ISODate)
        : set.createdAt;
    QJsonObject document = reread(QJsonObject{
        {QStringLiteral("format"), kFormatName},
        {QStringLiteral("format_version"), kReferenceSetFormatVersion},
        {QStringLiteral("created_at"), createdAt},
        {QStringLiteral("model"),
         QJsonObject{{QStringLiteral("name"), set.modelName},
                     {QStringLiteral("onnx_sha256"), set.modelSha256},
                     {QStringLiteral("preprocessing"), set.preprocessing}}},
        {QStringLiteral("classes"), QJsonArray::fromStringList(head.classNames)},
        {QStringLiteral("method"), set.method},
        {QStringLiteral("selection"), set.selection},
        {QStringLiteral("evaluation"), set.evaluation},
        {QStringLiteral("extra"), set.extra},
        {QStringLiteral("dim"), int(d)},
        {QStringLiteral("input_dim"), head.inputDim()},
        // float → double is exact, so the threshold round-trips; null means "never unknown".
        {QStringLiteral("reject_below"), std::isfinite(head.rejectBelow) ? QJsonValue(double(head.rejectBelow))
                                                                        : QJsonValue(QJsonValue::Null)},
    });
    // The large members: base64 text, file names and small integers, which re-read unchanged.
    document.insert(QStringLiteral("transform"),
                    QJsonObject{{QStringLiteral("center"), head.center.size() ? encodeFloats(head.center.data(), head.inputDim())
                                                                              : QJsonValue(QJsonValue::Null)},
                                // Row-major dim × input_dim.
                                {QStringLiteral("projection"), head.projection.size()
                                                                   ? encodeFloats(head.projection.data(), head.projection.size())
                                                                   : QJsonValue(QJsonValue::Null)}});
    document.insert(QStringLiteral("references"), references);
    // Rows of input_dim half-precision floats; null: "unknown" by the best class score (format 1).
    document.insert(QStringLiteral("training_photos"),
                    head.trainingPhotos.rows() > 0
                        ? QJsonValue(QJsonObject{{QStringLiteral("count"), int(head.trainingPhotos.rows())},
                                                 {QStringLiteral("float16"), encodeHalfFloats(head.trainingPhotos.data(),
                                                                                              head.trainingPhotos.size())}})
                        : QJsonValue(QJsonValue::Null));
    writeFileAtomically(path, sealedFileText(QJsonDocument(document).toJson(QJsonDocument::Compact)));
}

QByteArray referenceSetFingerprint(const ReferenceSet& set)
{
    // Not a seal, an identity inside one process: SHA-1 is fast and enough.
    QCryptographicHash hash(QCryptographicHash::Sha1);
    const auto text = [&](const QString& value) {
        const QByteArray utf8 = value.toUtf8();
        const qint64 size = utf8.size();
        hash.addData(QByteArrayView(reinterpret_cast<const char*>(&size), sizeof size));
        hash.addData(utf8);
    };
    const auto json = [&](const QJsonObject& object) { text(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact))); };
    const auto bytes = [&](const void* data, qint64 size) {
        hash.addData(QByteArrayView(reinterpret_cast<const char*>(&size), sizeof size));
        hash.addData(QByteArrayView(static_cast<const char*>(data), size));
    };
    const auto matrix = [&](const Matrix& m) {
        const qint64 shape[2] = {qint64(m.rows()), qint64(m.cols())};
        bytes(shape, sizeof shape);
        bytes(m.data(), qint64(m.size()) * qint64(sizeof(float)));
    };
    const ReferenceHead& head = set.head;
    text(QString::number(set.formatVersion));
    for (const QString& value : {set.createdAt, set.modelName, set.modelSha256, set.method}) text(value);
    for (const QJsonObject* object : {&set.preprocessing, &set.selection, &set.evaluation, &set.extra}) json(*object);
    text(head.classNames.join(QChar(0)));
    bytes(head.center.data(), qint64(head.center.size()) * qint64(sizeof(float)));
    matrix(head.projection);
    matrix(head.references);
    bytes(head.bias.data(), qint64(head.bias.size()) * qint64(sizeof(float)));
    bytes(head.referenceClass.data(), qint64(head.referenceClass.size()) * qint64(sizeof(int)));
    for (const ReferenceInfo& info : head.referenceInfo) {
        text(info.file);
        text(info.contentHash);
    }
    matrix(head.trainingPhotos);
    bytes(&head.rejectBelow, sizeof head.rejectBelow);
    return hash.result();
}

bool startsLikeReferenceSet(const QByteArray& firstBytes)
{
    // QJsonObject keeps its keys sorted, and "checksum" sorts first.
    const QByteArray text = firstBytes.trimmed();
    return text.startsWith('{') && text.mid(1).trimmed().startsWith("\"checksum\"");
}

ReferenceSet readReferenceSet(const QString& path)
{
    const QString shown = displayPath(path);
    const QByteArray bytes = readRegularFileOrThrow(path, kMaxReferenceSetBytes, QStringLiteral("the reference set"));

    const Reader in(path);
    if (bytes.isEmpty()) in.damaged(QStringLiteral("the file is empty"));
    if (const qsizetype values = jsonValueCount(bytes); values > kMaxReferenceSetJsonValues)
        throw Error(QStringLiteral("%1 is not an Exemplar reference set (%2 million JSON values; a reference set holds "
                                   "a few per training photo)").arg(shown).arg(values / 1000000));
    // Not JSON at all is another kind of file, not a damaged set: an ONNX model from export-onnx,
    // a photo, a project file's neighbour (a review found an ONNX file called "damaged").
    QByteArray start = bytes.left(64).trimmed();
    if (start.startsWith("\xEF\xBB\xBF")) start = start.mid(3).trimmed();  // a UTF-8 byte-order mark
    if (!start.startsWith('{') && !start.startsWith('[')) {
        const bool onnx = path.endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive);
        throw Error(QStringLiteral("%1 is not an Exemplar reference set (%2)")
                        .arg(shown, onnx ? QStringLiteral("an ONNX model, as export-onnx writes: run it with an ONNX "
                                                          "runtime; a reference set is the .exref file it came from")
                                         : QStringLiteral("not JSON; a reference set is the .exref file train writes")));
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        in.damaged(QStringLiteral("not valid JSON: %1 at offset %2")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
    QJsonObject root = json.object();
    if (!json.isObject() || root.value(QStringLiteral("format")).toString() != kFormatName)
        throw Error(QStringLiteral("%1 is not an Exemplar reference set").arg(shown));

    // The version comes before the checksum: a newer format may seal its content differently.
    const QJsonValue version = root.value(QStringLiteral("format_version"));
    const double versionNumber = version.toDouble(std::nan(""));
    if (versionNumber > kReferenceSetFormatVersion && std::isfinite(versionNumber))
        throw Error(QStringLiteral("%1 was written by a newer Exemplar (format version %2; this "
                                   "build reads up to %3)")
                        .arg(shown)
                        .arg(versionNumber)
                        .arg(kReferenceSetFormatVersion));
    ReferenceSet set;
    set.formatVersion = in.integer(version, 1, kReferenceSetFormatVersion,
                                   QStringLiteral("\"format_version\""));

    const QString checksum = in.string(root, QStringLiteral("checksum"));
    root.remove(QStringLiteral("checksum"));
    // Files written indented (before 2026-12-05), or edited, are checked the slow way: the parsed
    // document serialized again.
    if (!sealHoldsOnBytes(bytes) && checksum.compare(QString::fromLatin1(checksumOf(root)), Qt::CaseInsensitive) != 0)
        in.damaged(QStringLiteral("checksum mismatch"));

    set.createdAt = root.value(QStringLiteral("created_at")).toString();
    const QJsonObject model = in.object(root, QStringLiteral("model"));
    const QString inModel = QStringLiteral("model: ");
    set.modelName = in.string(model, QStringLiteral("name"), inModel);
    set.modelSha256 = in.string(model, QStringLiteral("onnx_sha256"), inModel);
    set.preprocessing = in.object(model, QStringLiteral("preprocessing"), inModel);
    set.method = in.string(root, QStringLiteral("method"));
    set.selection = in.optionalObject(root, QStringLiteral("selection"));
    const QJsonValue rejectBelow = root.value(QStringLiteral("reject_below"));
    if (rejectBelow.isDouble()) {
        const double threshold = rejectBelow.toDouble();
        if (!std::isfinite(threshold) || std::abs(threshold) > double(std::numeric_limits<float>::max())) in.damaged(QStringLiteral("\"reject_below\" out of range"));
        set.head.rejectBelow = float(threshold);
    } else if (!rejectBelow.isUndefined() && !rejectBelow.isNull()) {
        in.damaged(QStringLiteral("\"reject_below\" is not a number"));
    }
    set.evaluation = in.optionalObject(root, QStringLiteral("evaluation"));
    set.extra = in.optionalObject(root, QStringLiteral("extra"));

    ReferenceHead& head = set.head;
    for (const QJsonValue& name : in.array(root, QStringLiteral("classes"))) {
        if (!name.isString()) in.damaged(QStringLiteral("a class name is not text"));
        head.classNames.append(name.toString());
    }
    const int d = in.integer(in.field(root, QStringLiteral("dim"), {}), 1, kMaxDim,
                             QStringLiteral("\"dim\""));

    // input_dim differs from dim only when a projection maps embeddings to another size.
    const int inputDim = root.contains(QStringLiteral("input_dim"))
        ? in.integer(root.value(QStringLiteral("input_dim")), 1, kMaxDim, QStringLiteral("\"input_dim\""))
        : d;
    const QJsonObject transform = in.object(root, QStringLiteral("transform"));
    const QJsonValue center = in.field(transform, QStringLiteral("center"), QStringLiteral("transform: "));
    if (!center.isNull()) {
        const QString what = QStringLiteral("the transform's center");
        head.center.resize(inputDim);
        in.decodeInto(in.floats(center, inputDim, what), head.center.data(), inputDim, what);
    }
    const QJsonValue projection = transform.value(QStringLiteral("projection"));
    if (!projection.isUndefined() && !projection.isNull()) {
        const QString what = QStringLiteral("the transform's projection");
        const Eigen::Index size = Eigen::Index(d) * inputDim;
        if (size > Eigen::Index(kMaxDim) * 4096) in.damaged(what + QStringLiteral(" is too large"));
        head.projection.resize(d, inputDim);
        in.decodeInto(in.floats(projection, size, what), head.projection.data(), size, what);
    } else if (inputDim != d) {
        in.damaged(QStringLiteral("\"input_dim\" differs from \"dim\" without a projection"));
    }

    // Format 1 has no training photos: its "unknown" stays a threshold on the best class score.
    const QJsonValue trainingPhotos = root.value(QStringLiteral("training_photos"));
    if (set.formatVersion >= 2 && !trainingPhotos.isUndefined() && !trainingPhotos.isNull()) {
        const QString what = QStringLiteral("the training photos");
        if (!trainingPhotos.isObject()) in.damaged(what + QStringLiteral(" are not an object"));
        const QJsonObject photos = trainingPhotos.toObject();
        const int n = in.integer(in.field(photos, QStringLiteral("count"), what + QStringLiteral(": ")), 1,
                                 kMaxReferences, what + QStringLiteral(": \"count\""));
        const Eigen::Index size = Eigen::Index(n) * inputDim;
        // Decoded first: the matrix is sized by bytes really present, not by a count alone.
        const QByteArray bytes =
            in.floats(in.field(photos, QStringLiteral("float16"), what + QStringLiteral(": ")), size, what, 2);
        head.trainingPhotos.resize(n, inputDim);
        in.decodeHalvesInto(bytes, head.trainingPhotos.data(), size, what);
    }

    const QJsonArray references = in.array(root, QStringLiteral("references"));
    if (references.size() > kMaxReferences)
        in.damaged(QStringLiteral("%1 references").arg(references.size()));
    const int count = int(references.size());
    // Decode everything before allocating the matrix: its size then follows from bytes really
    // present in the file, not from a count a damaged file could inflate.
    std::vector<QByteArray> embeddings;
    embeddings.reserve(size_t(count));
    std::vector<float> biases(static_cast<size_t>(count));
    for (int r = 0; r < count; ++r) {
        const QString where = QStringLiteral("reference %1: ").arg(r + 1);
        if (!references[r].isObject()) in.damaged(where + QStringLiteral("not an object"));
        const QJsonObject reference = references[r].toObject();
        const int c = in.integer(in.field(reference, QStringLiteral("class"), where), 0,
                                 int(head.classNames.size()) - 1, where + QStringLiteral("\"class\""));
        head.referenceClass.push_back(c);
        head.referenceInfo.push_back({in.string(reference, QStringLiteral("file"), where),
                                      in.string(reference, QStringLiteral("content_sha256"), where)});
        const QString biasWhat = where + QStringLiteral("bias");
        in.decodeInto(in.floats(in.field(reference, QStringLiteral("bias"), where), 1, biasWhat),
                      &biases[size_t(r)], 1, biasWhat);
        embeddings.push_back(in.floats(in.field(reference, QStringLiteral("embedding"), where), d,
                                       where + QStringLiteral("embedding")));
    }
    head.references.resize(count, d);
    head.bias = Eigen::Map<const Vector>(biases.data(), count);
    for (int r = 0; r < count; ++r)
        in.decodeInto(embeddings[size_t(r)], head.references.row(r).data(), d,
                      QStringLiteral("reference %1: embedding").arg(r + 1));
    if (const QString implausible = implausibleValuesProblem(head); !implausible.isEmpty()) in.damaged(implausible);
    if (const QString useless = uselessHeadProblem(head); !useless.isEmpty())
        throw Error(QStringLiteral("%1 cannot classify anything: %2").arg(shown, useless));
    return set;
}

void requireSameModel(const ReferenceSet& set, const ModelIdentity& loaded)
{
    const bool sameModel = set.modelSha256.compare(loaded.sha256, Qt::CaseInsensitive) == 0;
    if (sameModel && set.head.inputDim() == loaded.dim) return;

    const auto describe = [](const QString& name, const QString& sha, int dim, bool withDim) {
        QString text = QStringLiteral("%1 (sha256 %2…").arg(name, sha.left(12).toLower());
        if (withDim) text += QStringLiteral(", %1-dimensional embeddings").arg(dim);
        return text + QLatin1Char(')');
    };
    // Equal hashes with different sizes mean a damaged set or spec: then the sizes are the news.
    const bool showDims = set.head.inputDim() != loaded.dim;
    throw ModelMismatch(QStringLiteral("this reference set was made with model %1, but the loaded model is %2")
                    .arg(describe(set.modelName, set.modelSha256, set.head.inputDim(), showDims),
                         describe(loaded.name, loaded.sha256, loaded.dim, showDims)));
}

} // namespace exemplar
