#include "EmbeddingIndex.h"

#include "EmbeddingCache.h"
#include "RegularFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <sys/stat.h>

namespace exemplar {

namespace {

// Layout, little-endian (x86/ARM native): magic, dim (int32), count (int32), then per entry
// path length (uint32) and UTF-8 path, size, mtime, ctime, inode, device, stated-at (8 bytes
// each), SHA-256 (32 raw bytes), dim float32; last, the SHA-256 of everything before it, so a
// damaged file is refused as a whole instead of yielding a wrong embedding.
constexpr char kMagic[8] = {'E', 'X', 'I', 'D', 'X', '0', '1', '\n'};
constexpr int kHashBytes = 32;
constexpr qint64 kMaxPathBytes = 64 * 1024;
// Save and load go through the file in pieces of this size, never holding it whole.
constexpr qint64 kChunkBytes = 4 << 20;

qint64 nanoseconds(const struct timespec& t) { return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

template <typename T>
void put(QByteArray* out, T value)
{
    out->append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Bounds-checked sequential reads of the file's first BODY bytes (all but the trailing checksum),
// through a buffer of about 4 MB that is hashed as it is filled: the file is never held whole
// beside the entries it decodes to (about 1 GB each at 100,000 photos of 2,432 numbers).
class Reader {
public:
    Reader(RegularFileReader* file, qint64 body) : file_(file), left_(body) {}
    bool read(void* out, qint64 bytes)
    {
        char* to = static_cast<char*>(out);
        while (bytes > 0) {
            if (at_ == buffer_.size() && !refill()) return false;
            const qint64 n = std::min<qint64>(bytes, buffer_.size() - at_);
            std::memcpy(to, buffer_.constData() + at_, size_t(n));
            at_ += n;
            to += n;
            bytes -= n;
        }
        return bytes == 0;
    }
    template <typename T>
    bool read(T* value) { return read(value, sizeof *value); }
    bool atEnd() const { return left_ == 0 && at_ == buffer_.size(); }
    QByteArray checksum() const { return hash_.result(); }

private:
    bool refill()
    {
        const qint64 n = std::min(left_, kChunkBytes);
        if (n <= 0) return false;
        buffer_.resize(qsizetype(n));
        if (!file_->read(buffer_.data(), n)) return false;
        hash_.addData(buffer_);
        left_ -= n;
        at_ = 0;
        return true;
    }

    RegularFileReader* file_;
    qint64 left_;
    QByteArray buffer_;
    qsizetype at_ = 0;
    QCryptographicHash hash_{QCryptographicHash::Sha256};
};

bool readEntry(Reader* in, int dim, QString* path, EmbeddingIndex::Entry* entry)
{
    quint32 pathBytes = 0;
    if (!in->read(&pathBytes) || pathBytes == 0 || pathBytes > kMaxPathBytes) return false;
    QByteArray utf8(qsizetype(pathBytes), Qt::Uninitialized);
    FileStamp& s = entry->stamp;
    char hash[kHashBytes];
    entry->embedding.resize(dim);
    if (!in->read(utf8.data(), pathBytes) || !in->read(&s.size) || !in->read(&s.mtimeNs) ||
        !in->read(&s.ctimeNs) || !in->read(&s.inode) || !in->read(&s.device) || !in->read(&s.statedAtNs) ||
        !in->read(hash, kHashBytes) || !in->read(entry->embedding.data(), qint64(sizeof(float)) * dim))
        return false;
    if (!isUnitEmbedding(entry->embedding)) return false;
    *path = QString::fromUtf8(utf8);
    entry->sha256Hex = QByteArray(hash, kHashBytes).toHex();
    return true;
}

} // namespace

qint64 wallClockNs()
{
    struct timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    return nanoseconds(now);
}

bool FileStamp::sameFileState(const FileStamp& o) const
{
    return valid() && size == o.size && mtimeNs == o.mtimeNs && ctimeNs == o.ctimeNs && inode == o.inode &&
           device == o.device;
}

FileStamp FileStamp::of(const QString& path)
{
    FileStamp stamp;
    stamp.statedAtNs = wallClockNs();
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISREG(st.st_mode)) return stamp;
    stamp.size = qint64(st.st_size);
    stamp.mtimeNs = nanoseconds(st.st_mtim);
    stamp.ctimeNs = nanoseconds(st.st_ctim);
    stamp.inode = quint64(st.st_ino);
    stamp.device = quint64(st.st_dev);
    return stamp;
}

EmbeddingIndex::EmbeddingIndex(const EmbeddingCache& cache, const QStringList& classFolders)
    : dim_(cache.dim())
{
    QStringList folders = classFolders;
    folders.sort();
    const QByteArray key = QCryptographicHash::hash(folders.join(QLatin1Char('\n')).toUtf8(),
                                                    QCryptographicHash::Sha256).toHex().left(16);
    path_ = cache.directory() + QStringLiteral("/projects/") + QString::fromLatin1(key) + QStringLiteral(".idx");
    cacheFolder_ = cache.directory();
}

EmbeddingIndex::EmbeddingIndex(const QString& filePath, int dim) : path_(filePath), dim_(dim) {}

void EmbeddingIndex::load()
{
    loaded_.clear();
    RegularFileReader file(path_, kMaxEmbeddingIndexBytes);
    const qint64 headerBytes = qint64(sizeof kMagic) + 8;
    if (!file.ok() || file.size() < headerBytes + kHashBytes) return;
    const qint64 body = file.size() - kHashBytes;
    Reader in(&file, body);
    char magic[sizeof kMagic];
    qint32 dim = 0, count = 0;
    if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0 || !in.read(&dim) ||
        dim != dim_ || !in.read(&count) || count < 0)
        return;
    // Entries are decoded before the checksum at the end can be compared, so the count is not yet
    // trusted: no more entries than the body can hold, or a damaged count would reserve memory
    // for two billion of them.
    const qint64 smallestEntry = 4 + 1 + 6 * 8 + kHashBytes + qint64(sizeof(float)) * dim_;
    if (count > (body - headerBytes) / smallestEntry) return;
    QHash<QString, Entry> entries;
    entries.reserve(count);
    for (qint32 i = 0; i < count; ++i) {
        QString path;
        Entry entry;
        if (!readEntry(&in, dim_, &path, &entry)) return;
        entries.insert(path, std::move(entry));
    }
    char stored[kHashBytes];
    if (!in.atEnd() || !file.read(stored, kHashBytes) || !file.atEnd()) return;
    if (in.checksum() != QByteArray(stored, kHashBytes)) return;  // damaged: nothing is trusted
    loaded_ = std::move(entries);
}

const EmbeddingIndex::Entry* EmbeddingIndex::trusted(const QString& path, const FileStamp& current) const
{
    const auto it = loaded_.constFind(path);
    if (it == loaded_.constEnd()) return nullptr;
    const Entry& entry = *it;
    if (!entry.stamp.sameFileState(current)) return nullptr;
    if (entry.stamp.mtimeNs >= entry.stamp.statedAtNs - kRacyMarginNs) return nullptr;  // racily clean
    return &entry;
}

void EmbeddingIndex::record(const QString& path, Entry entry)
{
    recorded_.insert(path, std::move(entry));
}

bool EmbeddingIndex::changed() const
{
    if (recorded_.size() != loaded_.size()) return true;
    for (auto it = recorded_.constBegin(); it != recorded_.constEnd(); ++it) {
        const auto old = loaded_.constFind(it.key());
        if (old == loaded_.constEnd() || old->sha256Hex != it->sha256Hex ||
            !old->stamp.sameFileState(it->stamp) || old->stamp.statedAtNs != it->stamp.statedAtNs)
            return true;
    }
    return false;
}

bool EmbeddingIndex::save() const
{
    // Written and hashed in chunks of about 4 MB, never whole: at 100,000 photos the file is
    // about 1 GB, which a single buffer would add to the embeddings already in memory.
    const QString folder = QFileInfo(path_).absolutePath();
    const auto linked = [&] { return !cacheFolder_.isEmpty() && linkBelow(cacheFolder_, folder); };
    if (linked() || !QDir().mkpath(folder) || linked()) return false;
    if (!clearNonRegularEntry(path_)) return false;  // a link there is damage, never written through
    QSaveFile file(path_);  // not committed on any early return: the old index stays
    // Unbuffered (the chunks are large): a write that fails only when a buffer is flushed, a full
    // disk, is not seen by commit(), which would rename a cut-off file into place.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) return false;
    QCryptographicHash checksum(QCryptographicHash::Sha256);
    QByteArray chunk;
    chunk.reserve(kChunkBytes + kMaxPathBytes + 6 * 8 + kHashBytes + qsizetype(sizeof(float)) * dim_ + 64);
    const auto flush = [&] {
        checksum.addData(chunk);
        const bool written = writeAll(file, chunk);
        chunk.resize(0);  // keeps its capacity (clear() would free it, and every chunk would fault in anew)
        return written;
    };
    chunk.append(kMagic, sizeof kMagic);
    put(&chunk, qint32(dim_));
    put(&chunk, qint32(recorded_.size()));
    for (auto it = recorded_.constBegin(); it != recorded_.constEnd(); ++it) {
        const QByteArray utf8 = it.key().toUtf8();
        const FileStamp& s = it->stamp;
        const QByteArray hash = QByteArray::fromHex(it->sha256Hex);
        if (utf8.isEmpty() || utf8.size() > kMaxPathBytes || hash.size() != kHashBytes ||
            it->embedding.size() != dim_)
            return false;
        put(&chunk, quint32(utf8.size()));
        chunk.append(utf8);
        for (qint64 v : {s.size, s.mtimeNs, s.ctimeNs, qint64(s.inode), qint64(s.device), s.statedAtNs}) put(&chunk, v);
        chunk.append(hash);
        chunk.append(reinterpret_cast<const char*>(it->embedding.data()), qsizetype(sizeof(float)) * dim_);
        if (chunk.size() >= kChunkBytes && !flush()) return false;
    }
    if (!flush()) return false;
    const QByteArray sum = checksum.result();
    return writeAll(file, sum) && file.commit();
}

} // namespace exemplar
