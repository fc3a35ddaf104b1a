#pragma once
// On-disk cache of embeddings keyed by (model identity, photo content hash), kept outside the
// source tree ($EXEMPLAR_CACHE_DIR, else the XDG cache: ~/.cache/exemplar/embeddings). A changed
// photo has another content hash and a changed model another identity, so stale entries are
// never found. Every entry carries a checksum over its key and content: a damaged entry (a
// flipped bit, a truncation, a file copied under another photo's name) is reported as damaged,
// recomputed by the caller and replaced, never used.
#include "PictureFingerprint.h"
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

    struct Lookup {
        enum class Status {
            Missing,  // no entry (or one of an older format, recomputed without a word)
            Found,
            Damaged,  // an entry is there but fails its checksum, size or unit-length check
        };
        Status status = Status::Missing;
        Vector embedding;  // when Found: finite and unit length
    };
    Lookup lookup(const QByteArray& contentSha256Hex) const;
    std::optional<Vector> find(const QByteArray& contentSha256Hex) const;  // Found only

    // Stores a finite unit-length EMBEDDING (anything else is refused: false). Best effort: a
    // cache that cannot be written is not an error for the user's work; the caller may say so.
    bool store(const QByteArray& contentSha256Hex, const Vector& embedding) const;

    // The photo's picture fingerprint (PictureFingerprint.h), kept beside its embedding so that a
    // photo found here need not be decoded again; nothing when missing or damaged (the caller
    // decodes the photo again, then stores its fingerprint or refuses the photo). Stored likewise,
    // best effort; an unknown one is refused. Store one only for a photo that decoded: a photo
    // found with its fingerprint is not decoded again, and passes for readable.
    std::optional<PictureFingerprint> findFingerprint(const QByteArray& contentSha256Hex) const;
    bool storeFingerprint(const QByteArray& contentSha256Hex, const PictureFingerprint& fingerprint) const;

private:
    QString entryPath(const QByteArray& contentSha256Hex, const char* suffix = ".emb") const;
    bool writeEntry(const QString& path, const QByteArray& contentSha256Hex, QByteArray body) const;
    QString dir_;
    int dim_;
};

} // namespace exemplar
