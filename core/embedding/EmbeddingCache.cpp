#include "EmbeddingCache.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <cstring>

namespace exemplar {

namespace {
// Entry layout: magic, dim (int32), dim float32 values, all little-endian (x86/ARM native).
constexpr char kMagic[8] = {'E', 'X', 'E', 'M', 'B', '0', '1', '\n'};
}

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

QString EmbeddingCache::entryPath(const QByteArray& hash) const
{
    // Two-character fan-out keeps directories small for large projects.
    const QString name = QString::fromLatin1(hash);
    return dir_ + QLatin1Char('/') + name.left(2) + QLatin1Char('/') + name + QStringLiteral(".emb");
}

std::optional<Vector> EmbeddingCache::find(const QByteArray& hash) const
{
    if (hash.size() < 8) return std::nullopt;
    QFile file(entryPath(hash));
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    const QByteArray bytes = file.readAll();
    const qsizetype expected = qsizetype(sizeof kMagic + sizeof(qint32) + sizeof(float) * size_t(dim_));
    if (bytes.size() != expected || std::memcmp(bytes.constData(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;
    qint32 dim = 0;
    std::memcpy(&dim, bytes.constData() + sizeof kMagic, sizeof dim);
    if (dim != dim_) return std::nullopt;
    Vector embedding(dim_);
    std::memcpy(embedding.data(), bytes.constData() + sizeof kMagic + sizeof dim, sizeof(float) * size_t(dim_));
    if (!embedding.allFinite()) return std::nullopt;
    return embedding;
}

bool EmbeddingCache::store(const QByteArray& hash, const Vector& embedding) const
{
    if (hash.size() < 8 || embedding.size() != dim_) return false;
    const QString path = entryPath(hash);
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return false;
    const qint32 dim = dim_;
    file.write(kMagic, sizeof kMagic);
    file.write(reinterpret_cast<const char*>(&dim), sizeof dim);
    file.write(reinterpret_cast<const char*>(embedding.data()), qint64(sizeof(float) * size_t(dim_)));
    return file.commit();
}

} // namespace exemplar
