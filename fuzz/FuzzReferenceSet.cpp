// libFuzzer target for the reference-set reader (readReferenceSet), the file every user opens.
// Each input is read twice: as it is (exercising JSON, format and checksum checks), and, when it
// is a JSON object, re-sealed with a correct checksum (so mutations reach the field, size and
// base64 checks behind the checksum). A set that reads must predict and survive a write/read
// round trip unchanged; anything else is a bug and aborts.
#include "ReferenceSetFile.h"

#include "Error.h"
#include "FuzzScratch.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdint>
#include <cstdlib>

namespace {

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) std::abort();
}

// The reader's seal: SHA-256 of the compact JSON of the document without its "checksum".
QByteArray resealed(QJsonObject document)
{
    document.remove(QStringLiteral("checksum"));
    const QByteArray sum = QCryptographicHash::hash(QJsonDocument(document).toJson(QJsonDocument::Compact),
                                                    QCryptographicHash::Sha256).toHex();
    document.insert(QStringLiteral("checksum"), QString::fromLatin1(sum));
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

bool sameHead(const exemplar::ReferenceHead& a, const exemplar::ReferenceHead& b)
{
    return a.classNames == b.classNames && a.references == b.references && a.bias == b.bias &&
           a.center == b.center && a.projection == b.projection && a.referenceClass == b.referenceClass;
}

void readAndUse(const QString& path)
{
    exemplar::ReferenceSet set;
    try {
        set = exemplar::readReferenceSet(path);
    } catch (const exemplar::Error&) {
        return;  // refused with a message: the expected outcome for almost every input
    }
    set.head.predict(exemplar::Vector::Ones(set.head.inputDim()));
    const QString copy = fuzzScratchPath("copy.exref");
    try {
        exemplar::writeReferenceSet(set, copy);
    } catch (const exemplar::Error&) {
        return;
    }
    if (!sameHead(exemplar::readReferenceSet(copy).head, set.head)) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QString path = fuzzScratchPath("input.exref");
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    writeAll(path, bytes);
    readAndUse(path);

    const QJsonDocument json = QJsonDocument::fromJson(bytes);
    if (json.isObject()) {
        writeAll(path, resealed(json.object()));
        readAndUse(path);
    }
    return 0;
}
