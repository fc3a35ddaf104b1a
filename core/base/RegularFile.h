#pragma once
// Reading and writing files that a hostile or unlucky disk may have replaced with something else.
// Every file Exemplar reads whole (a project, a reference set, a model spec, a model, a cache
// entry, a photo) is read through readRegularFile: a FIFO would block the reader forever, a
// device such as /dev/zero never ends, and a huge file would be read into memory. Every file it
// writes whole checks its destination first: renaming a new file over a device node or a FIFO
// would silently replace it.
#include <QByteArray>
#include <QFileDevice>
#include <QString>
#include <QStringList>

namespace exemplar {

// Size limits per kind of file: far above any real file of that kind, far below what would
// exhaust memory. A file above its limit is refused before it is read.
constexpr qint64 kMaxProjectFileBytes = 512ll << 20;    // JSON; 10,000 photos classified among 200 classes: ~32 MB
constexpr qint64 kMaxModelSpecBytes = 1ll << 20;        // a few lines of JSON
constexpr qint64 kMaxOnnxModelBytes = 2ll << 30;        // protobuf's own limit for one message
constexpr qint64 kMaxReferenceSetBytes = 1ll << 30;     // 1,000 classes × 50 references is ~350 MB
constexpr qint64 kMaxEmbeddingIndexBytes = 16ll << 30;  // ~51 KB per photo with the default model: ~330,000 photos

struct FileRead {
    QByteArray bytes;
    QString error;  // empty on success: "not a regular file (a FIFO)", "larger than …", …
    bool ok() const { return error.isEmpty(); }
};

// Why PATH, which does not exist, cannot be found: "file does not exist", with undecodedNameHint.
QString missingFileReason(const QString& path);
// Why PATH, a symbolic link that leads nowhere, cannot be read: "broken symbolic link (a loop of
// links)" or "broken symbolic link (to TARGET, which does not exist)".
QString brokenLinkReason(const QString& path);
// Whether a folder strictly below ROOT on the way to FOLDER (FOLDER included) is a symbolic link.
// Folders an application owns (a cache's shards) are written only where none is: a link planted in
// a shared cache would have the writes land wherever it points.
bool linkBelow(const QString& root, const QString& folder);
// Whether the folder FOLDER leads to (links followed) is PLACE's or one above it: a class folder
// that is a link to "." or "/" inside the folder whose classes it would be is a loop.
bool leadsBackToOrAbove(const QString& folder, const QString& place);
// Empty, or, when PATH holds U+FFFD, a hint that its name was probably given in bytes that are
// not UTF-8: Qt decodes every name given on a command line, in a list or by a drop as UTF-8 and
// turns such bytes into U+FFFD, so the file is there but cannot be opened by that name.
QString undecodedNameHint(const QString& path);

// PATH's whole content when it is a regular file (after symlinks) of at most MAX_BYTES. The file
// is opened without blocking and checked through the opened descriptor, so a FIFO, a device or a
// file swapped in after a check cannot block or flood the reader.
FileRead readRegularFile(const QString& path, qint64 maxBytes);

// Sequential reads of a file opened and checked exactly as readRegularFile does, for files too
// large to hold in memory beside what they decode to (a project's embedding index). error() is
// set and every read fails when the file cannot be read; a read past the size fstat gave at
// opening fails too, so a file that grows while read is never read beyond one version's length.
class RegularFileReader {
public:
    RegularFileReader(const QString& path, qint64 maxBytes);
    ~RegularFileReader();
    RegularFileReader(const RegularFileReader&) = delete;
    RegularFileReader& operator=(const RegularFileReader&) = delete;

    bool ok() const { return error_.isEmpty(); }
    const QString& error() const { return error_; }
    qint64 size() const { return size_; }  // as fstat gave it at opening
    // Exactly BYTES into OUT, or false (read error, or past size()).
    bool read(char* out, qint64 bytes);
    // True when size() bytes were read and the file has nothing more: it did not grow meanwhile.
    bool atEnd();

private:
    int fd_ = -1;
    qint64 size_ = 0;
    qint64 position_ = 0;
    QString error_;
};

// The same, throwing Error "cannot read WHAT PATH: reason".
QByteArray readRegularFileOrThrow(const QString& path, qint64 maxBytes, const QString& what);

// Before a whole file is written to PATH through a temporary file renamed over it (QSaveFile):
// throws Error when PATH exists and is not a regular file (a device, FIFO, socket or folder),
// which must never be replaced; and removes temporaries of PATH that a killed writer left behind
// (QSaveFile's "PATH.XXXXXX" that no process holds open). A missing PATH is fine.
void prepareDestination(const QString& path);

// Throws "cannot write PATH: …" when PATH's folder does not exist or cannot be written in: said
// before a long run, not after it.
void refuseUnwritableDestination(const QString& path);

// Throws unless PATH is free, empty, or holds a file whose first bytes IS_OF_KIND accepts (an
// earlier output of the same kind, which a new one may replace): an output path mistyped onto a
// photo, or onto the command's own input, must not destroy it. WHAT names the kind ("a reference
// set"). Paths that are not regular files are left to prepareDestination.
void refuseToReplaceAnotherKind(const QString& path, const QString& what, bool (*isOfKind)(const QByteArray& firstBytes));

// Throws Error when PATH, an output, is the same file as one of INPUTS (by device and inode, so a
// symbolic or hard link counts too): e.g. export-onnx onto the very network it reads, which is an
// ONNX model like its output. Inputs that do not exist are ignored.
void refuseToReplaceAnInput(const QString& path, const QStringList& inputs);

// "a character device", "a FIFO", … for the file at PATH; empty when it is a regular file or
// does not exist.
QString nonRegularKind(const QString& path);

// For a file in a folder the program owns (the embedding cache and its index): removes whatever
// is at PATH unless it is a regular file — a symbolic link (the link, never its target), a FIFO, a
// socket, a device node — so that a QSaveFile there replaces it instead of writing through it
// (QSaveFile follows links: a damaged cache once had its entry's link replace /dev/zero). False when
// something is left there that is not a regular file (a folder, or the removal failed).
bool clearNonRegularEntry(const QString& path);

// Writes all of BYTES to FILE (open; unbuffered for a QSaveFile, whose commit() does not see a
// buffered write that fails only when flushed): a write that stops short, the disk filling up
// midway, is tried again until done or failed, so that the OS's reason ends up in
// FILE.errorString() and a QSaveFile's commit() refuses. False on failure.
bool writeAll(QFileDevice& file, const QByteArray& bytes);

} // namespace exemplar
