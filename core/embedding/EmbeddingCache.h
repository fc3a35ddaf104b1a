#pragma once
// On-disk cache of embeddings keyed by (model identity, photo content hash), kept outside the
// source tree ($EXEMPLAR_CACHE_DIR, else the XDG cache: ~/.cache/exemplar/embeddings). A changed
// photo has another content hash and a changed model another identity, so stale entries are
// never found; damaged entries are ignored and recomputed.
#include "Types.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace exemplar {

class EmbeddingCache {
public:
    EmbeddingCache(const QByteArray& modelIdentity, int dim, const QString& rootDir = defaultRootDir());

    static QString defaultRootDir();
    QString directory() const { return dir_; }
    int dim() const { return dim_; }

    std::optional<Vector> find(const QByteArray& contentSha256Hex) const;
    // Best effort: a cache that cannot be written is not an error for the user's work.
    bool store(const QByteArray& contentSha256Hex, const Vector& embedding) const;

private:
    QString entryPath(const QByteArray& contentSha256Hex) const;
    QString dir_;
    int dim_;
};

} // namespace exemplar
