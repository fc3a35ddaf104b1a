#pragma once
// A project's index into the embedding cache: for every photo of one project (one set of class
// folders) and one model, the file's stamp when it was last hashed, its content hash and its
// embedding, in a single compact file beside the cache entries. Reopening a project then costs
// one stat() per photo and one file read, instead of reading and hashing every photo and opening
// one cache entry each.
//
// Trust rule (git's "racily clean" rule): an entry is used only when the file's stamp (size,
// mtime and ctime in ns, inode, device) is unchanged AND its mtime is older than the moment it was
// stat'ed minus kRacyMarginNs. Without the second part a photo rewritten within the filesystem's
// timestamp granularity right after hashing (same size, same coarse mtime) would keep a stale
// hash. An untrusted entry is simply re-hashed; a damaged or foreign index file is ignored.
#include "Types.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

namespace exemplar {

class EmbeddingCache;

struct FileStamp {
    qint64 size = -1;
    qint64 mtimeNs = 0;
    qint64 ctimeNs = 0;
    quint64 inode = 0;
    quint64 device = 0;
    qint64 statedAtNs = 0;  // wall clock when the stamp was taken (before the file was read)

    bool valid() const { return size >= 0; }
    bool sameFileState(const FileStamp& other) const;
    // Taken before reading the file, so that a write during the read shows up as a changed
    // stamp next time. Invalid (size -1) when the file cannot be stat'ed.
    static FileStamp of(const QString& path);
};

class EmbeddingIndex {
public:
    // Two seconds covers the coarsest common timestamp granularity (FAT) and small clock steps.
    static constexpr qint64 kRacyMarginNs = 2'000'000'000;

    struct Entry {
        FileStamp stamp;
        QByteArray sha256Hex;
        Vector embedding;
    };

    // The index of the project made of CLASSFOLDERS (order does not matter) in CACHE's model
    // directory. Nothing is read until load().
    EmbeddingIndex(const EmbeddingCache& cache, const QStringList& classFolders);
    EmbeddingIndex(const QString& filePath, int dim);

    QString filePath() const { return path_; }
    // Reads the index file; a missing, damaged or foreign (other dim) file leaves it empty.
    void load();
    // The entry for PATH if CURRENT (its stamp now) says the file is unchanged and not racy.
    const Entry* trusted(const QString& path, const FileStamp& current) const;
    // Records PATH for the next save(); only recorded paths are saved, so photos that left the
    // project drop out of the index.
    void record(const QString& path, Entry entry);
    // True when save() would write something other than what load() read.
    bool changed() const;
    // Writes the recorded entries atomically. Best effort, like the cache: false on failure.
    bool save() const;

    int loadedCount() const { return int(loaded_.size()); }
    int recordedCount() const { return int(recorded_.size()); }

private:
    QString path_;
    QString cacheFolder_;  // the cache's folder it lies in (no link below it is written through), or empty
    int dim_;
    QHash<QString, Entry> loaded_;
    QHash<QString, Entry> recorded_;
    int unchangedRecords_ = 0;  // recorded entries identical to loaded ones
};

// Milliseconds are not enough for the trust rule: nanoseconds since the epoch, wall clock.
qint64 wallClockNs();

} // namespace exemplar
