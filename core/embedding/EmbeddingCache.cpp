#include "EmbeddingCache.h"

#include "RegularFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <cmath>
#include <cstring>

namespace exemplar {

namespace {
// Entry layout: magic, dim (int32), dim float32 values (little-endian, x86/ARM native), then the
// SHA-256 of the content hash (the key, hex) followed by everything before it. Keying the
// checksum means an entry renamed or copied to another photo's name is refused too.
constexpr char kMagic[8] = {'E', 'X', 'E', 'M', 'B', '0', '2', '\n'};
// Format 01 had no checksum: its entries are recomputed once, silently (they are not damaged).
constexpr char kOldMagic[8] = {'E', 'X', 'E', 'M', 'B', '0', '1', '\n'};
constexpr int kChecksumBytes = 32;
// A fingerprint entry (".pic" beside the ".emb"): magic, hash (uint64), aspect (float32), checksum
// as above. A fingerprint is stored only for a photo that decoded under today's refusals, so its
// presence also says the photo passed them: format 01 was written before a JPEG damaged inside was
// refused, and is not read (such a photo is decoded once more, and refused or measured again).
constexpr char kFingerprintMagic[8] = {'E', 'X', 'P', 'I', 'C', '0', '2', '\n'};
constexpr qsizetype kFingerprintBodySize = qsizetype(sizeof kFingerprintMagic + sizeof(quint64) + sizeof(float));

QByteArray checksum(const QByteArray& key, const char* body, qsizetype size)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(key);
    hash.addData(QByteArrayView(body, size));
    return hash.result();
}
} // namespace

EmbeddingCache::EmbeddingCache(const QByteArray& modelIdentity, int dim, const QString& rootDir)
    : dir_(QDir(rootDir).absoluteFilePath(QString::fromLatin1(modelIdentity.left(16)))), dim_(dim)
{
}

QString EmbeddingCache::defaultRootDir()
{
    const QByteArray env = qgetenv("EXEMPLAR_CACHE_DIR");
    if (!env.isEmpty()) return QString::fromLocal8Bit(env);
    // GenericCacheLocation is $XDG_CACHE_HOME or ~/.cache on Linux.
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/exemplar/embeddings");
}

QString EmbeddingCache::entryPath(const QByteArray& hash, const char* suffix) const
{
    // Two-character fan-out keeps directories small for large projects.
    const QString name = QString::fromLatin1(hash);
    return dir_ + QLatin1Char('/') + name.left(2) + QLatin1Char('/') + name + QLatin1String(suffix);
}

EmbeddingCache::Lookup EmbeddingCache::lookup(const QByteArray& hash) const
{
    using Status = Lookup::Status;
    Lookup result;
    if (hash.size() < 8) return result;
    const QString path = entryPath(hash);
    const qsizetype bodySize = qsizetype(sizeof kMagic + sizeof(qint32) + sizeof(float) * size_t(dim_));
    const qsizetype expected = bodySize + kChecksumBytes;
    // Read through the regular-file check: a FIFO or device planted in the cache cannot block us.
    const FileRead file = readRegularFile(path, expected);
    if (!file.ok()) {
        if (QFileInfo::exists(path)) result.status = Status::Damaged;
        return result;
    }
    const QByteArray& bytes = file.bytes;
    if (bytes.startsWith(QByteArrayView(kOldMagic, sizeof kOldMagic))) return result;
    result.status = Status::Damaged;
    if (bytes.size() != expected || std::memcmp(bytes.constData(), kMagic, sizeof kMagic) != 0) return result;
    if (checksum(hash, bytes.constData(), bodySize) != bytes.right(kChecksumBytes)) return result;
    qint32 dim = 0;
    std::memcpy(&dim, bytes.constData() + sizeof kMagic, sizeof dim);
    if (dim != dim_) return result;
    Vector embedding(dim_);
    std::memcpy(embedding.data(), bytes.constData() + sizeof kMagic + sizeof dim, sizeof(float) * size_t(dim_));
    // A correct checksum over a bad vector means it was stored bad: never accept one.
    if (!isUnitEmbedding(embedding)) return result;
    result.status = Status::Found;
    result.embedding = std::move(embedding);
    return result;
}

std::optional<Vector> EmbeddingCache::find(const QByteArray& hash) const
{
    Lookup found = lookup(hash);
    if (found.status != Lookup::Status::Found) return std::nullopt;
    return std::move(found.embedding);
}

bool EmbeddingCache::store(const QByteArray& hash, const Vector& embedding) const
{
    if (hash.size() < 8 || embedding.size() != dim_ || !isUnitEmbedding(embedding)) return false;
    QByteArray bytes;
    const qint32 dim = dim_;
    bytes.append(kMagic, sizeof kMagic);
    bytes.append(reinterpret_cast<const char*>(&dim), sizeof dim);
    bytes.append(reinterpret_cast<const char*>(embedding.data()), qsizetype(sizeof(float) * size_t(dim_)));
    return writeEntry(entryPath(hash), hash, std::move(bytes));
}

std::optional<PictureFingerprint> EmbeddingCache::findFingerprint(const QByteArray& hash) const
{
    if (hash.size() < 8) return std::nullopt;
    const FileRead file = readRegularFile(entryPath(hash, ".pic"), kFingerprintBodySize + kChecksumBytes);
    const QByteArray& bytes = file.bytes;
    if (!file.ok() || bytes.size() != kFingerprintBodySize + kChecksumBytes ||
        std::memcmp(bytes.constData(), kFingerprintMagic, sizeof kFingerprintMagic) != 0 ||
        checksum(hash, bytes.constData(), kFingerprintBodySize) != bytes.right(kChecksumBytes))
        return std::nullopt;
    PictureFingerprint fingerprint;
    std::memcpy(&fingerprint.hash, bytes.constData() + sizeof kFingerprintMagic, sizeof fingerprint.hash);
    std::memcpy(&fingerprint.aspect, bytes.constData() + sizeof kFingerprintMagic + sizeof fingerprint.hash,
                sizeof fingerprint.aspect);
    if (!std::isfinite(fingerprint.aspect) || !fingerprint.known()) return std::nullopt;
    return fingerprint;
}

bool EmbeddingCache::storeFingerprint(const QByteArray& hash, const PictureFingerprint& fingerprint) const
{
    if (hash.size() < 8 || !fingerprint.known() || !std::isfinite(fingerprint.aspect)) return false;
    QByteArray bytes(kFingerprintMagic, sizeof kFingerprintMagic);
    bytes.append(reinterpret_cast<const char*>(&fingerprint.hash), sizeof fingerprint.hash);
    bytes.append(reinterpret_cast<const char*>(&fingerprint.aspect), sizeof fingerprint.aspect);
    return writeEntry(entryPath(hash, ".pic"), hash, std::move(bytes));
}

bool EmbeddingCache::writeEntry(const QString& path, const QByteArray& hash, QByteArray body) const
{
    const QString folder = QFileInfo(path).absolutePath();
    if (linkBelow(dir_, folder) || !QDir().mkpath(folder) || linkBelow(dir_, folder)) return false;
    body.append(checksum(hash, body.constData(), body.size()));
    // The cache folder is ours: a link, FIFO or device at an entry's name is damage and goes first.
    if (!clearNonRegularEntry(path)) return false;
    // QSaveFile: concurrent writers of one entry each rename a complete file into place.
    // Unbuffered: a buffered write that fails only when flushed (a full disk) was not seen by
    // commit(), which renamed empty or cut-off entries into place (a bad-input hunt).
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Unbuffered) && writeAll(file, body) && file.commit();
}

} // namespace exemplar
