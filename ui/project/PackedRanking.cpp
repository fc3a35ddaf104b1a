#include "project/PackedRanking.h"

#include <QByteArray>
#include <QtEndian>

namespace exemplar::ui {

namespace {
constexpr int kRecordBytes = 12;
constexpr int kRecordBase64Chars = 16;       // 12 bytes are 16 base64 characters, never padded
constexpr qsizetype kMaxClasses = 1000000;   // far above any set (the reference-set reader's cap)
}

QString packRanking(const std::vector<ClassScore>& ranked)
{
    QByteArray bytes(qsizetype(ranked.size()) * kRecordBytes, Qt::Uninitialized);
    char* out = bytes.data();
    for (const ClassScore& s : ranked) {
        qToLittleEndian(qint32(s.classIndex), out);
        qToLittleEndian(s.score, out + 4);
        qToLittleEndian(qint32(s.referenceIndex), out + 8);
        out += kRecordBytes;
    }
    return QString::fromLatin1(bytes.toBase64());
}

std::optional<std::vector<ClassScore>> unpackRanking(const QString& text)
{
    if (text.size() % kRecordBase64Chars != 0 || text.size() / kRecordBase64Chars > kMaxClasses) return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok || decoded.decoded.size() % kRecordBytes != 0)
        return std::nullopt;
    std::vector<ClassScore> ranked(size_t(decoded.decoded.size() / kRecordBytes));
    const char* in = decoded.decoded.constData();
    for (ClassScore& s : ranked) {
        s.classIndex = qFromLittleEndian<qint32>(in);
        s.score = qFromLittleEndian<float>(in + 4);
        s.referenceIndex = qFromLittleEndian<qint32>(in + 8);
        in += kRecordBytes;
    }
    return ranked;
}

} // namespace exemplar::ui
