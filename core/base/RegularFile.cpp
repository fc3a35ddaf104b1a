#include "RegularFile.h"

#include "Error.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace exemplar {

namespace {

QString kindOf(mode_t mode)
{
    if (S_ISREG(mode)) return {};
    if (S_ISDIR(mode)) return QStringLiteral("a folder");
    if (S_ISCHR(mode)) return QStringLiteral("a character device");
    if (S_ISBLK(mode)) return QStringLiteral("a block device");
    if (S_ISFIFO(mode)) return QStringLiteral("a FIFO");
    if (S_ISSOCK(mode)) return QStringLiteral("a socket");
    return QStringLiteral("a special file");
}

QString systemError(int code) { return QString::fromLocal8Bit(std::strerror(code)); }

QString megabytes(qint64 bytes)
{
    return QStringLiteral("%1 MB").arg(double(bytes) / (1 << 20), 0, 'f', bytes < (10 << 20) ? 1 : 0);
}

// Closes the descriptor on every path out of readRegularFile.
struct Descriptor {
    int fd;
    ~Descriptor()
    {
        if (fd >= 0) ::close(fd);
    }
};

// Whether any process (that we may inspect) has PATH open, from /proc/PID/fd. Only asked when a
// leftover temporary is found, which is rare, so the scan's cost does not matter.
bool openByAnyProcess(const QString& path)
{
    const QString target = QFileInfo(path).canonicalFilePath();
    const QDir proc(QStringLiteral("/proc"));
    for (const QString& pid : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (pid.isEmpty() || !pid.front().isDigit()) continue;
        const QDir fds(proc.filePath(pid + QStringLiteral("/fd")));
        for (const QFileInfo& fd : fds.entryInfoList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
            if (fd.symLinkTarget() == target) return true;
    }
    return false;
}

// Opens PATH for reading without blocking and checks, through the opened descriptor, that it is
// a regular file of at most MAX_BYTES: the descriptor (to be closed by the caller) and its size,
// or -1 and ERROR.
int openCheckedRegularFile(const QString& path, qint64 maxBytes, qint64* size, QString* error)
{
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. It has no
    // effect on regular files, the only kind read.
    Descriptor file{::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0) {
        const int openError = errno;
        // Said as a folder scan says it: a socket cannot be opened at all ("No such device or
        // address"), and a loop of links is a broken link ("Too many levels of symbolic links").
        if (const QString kind = nonRegularKind(path); !kind.isEmpty())
            *error = QStringLiteral("not a regular file (%1)").arg(kind);
        else if (openError == ELOOP)
            *error = QStringLiteral("broken symbolic link (a loop of links)");
        else
            *error = openError == ENOENT ? missingFileReason(path) : systemError(openError);
        return -1;
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) {
        *error = systemError(errno);
        return -1;
    }
    if (const QString kind = kindOf(st.st_mode); !kind.isEmpty()) {
        *error = QStringLiteral("not a regular file (%1)").arg(kind);
        return -1;
    }
    if (st.st_size > maxBytes) {
        *error = QStringLiteral("too large (%1; at most %2 for this kind of file)")
                     .arg(megabytes(st.st_size), megabytes(maxBytes));
        return -1;
    }
    *size = qint64(st.st_size);
    const int fd = file.fd;
    file.fd = -1;  // handed over
    return fd;
}

// read(2) until BYTES are read, the end of the file, or an error (-1).
qint64 readFully(int fd, char* out, qint64 bytes)
{
    qint64 total = 0;
    while (total < bytes) {
        const ssize_t n = ::read(fd, out + total, size_t(bytes - total));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        total += n;
    }
    return total;
}

} // namespace

QString undecodedNameHint(const QString& path)
{
    if (!path.contains(QChar::ReplacementCharacter)) return QString();
    return QStringLiteral(" (its name holds bytes that are not UTF-8, shown as \uFFFD, and Exemplar reads names as "
                          "UTF-8: rename it, e.g. with convmv)");
}

QString missingFileReason(const QString& path) { return QStringLiteral("file does not exist") + undecodedNameHint(path); }

bool linkBelow(const QString& root, const QString& folder)
{
    const QString top = QDir::cleanPath(root);
    for (QString path = QDir::cleanPath(folder); path.size() > top.size() && path.startsWith(top + QLatin1Char('/'));
         path = QFileInfo(path).path()) {
        struct stat st {};
        if (::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISLNK(st.st_mode)) return true;
    }
    return false;
}

bool leadsBackToOrAbove(const QString& folder, const QString& place)
{
    const QString target = QFileInfo(folder).canonicalFilePath(), here = QFileInfo(place).canonicalFilePath();
    if (target.isEmpty() || here.isEmpty()) return false;
    return here == target || here.startsWith(target.endsWith(QLatin1Char('/')) ? target : target + QLatin1Char('/'));
}

QString brokenLinkReason(const QString& path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 && errno == ELOOP)
        return QStringLiteral("broken symbolic link (a loop of links)");
    return QStringLiteral("broken symbolic link (to %1, which does not exist)")
        .arg(QDir::toNativeSeparators(QFileInfo(path).symLinkTarget()));
}

RegularFileReader::RegularFileReader(const QString& path, qint64 maxBytes)
{
    fd_ = openCheckedRegularFile(path, maxBytes, &size_, &error_);
}

RegularFileReader::~RegularFileReader()
{
    if (fd_ >= 0) ::close(fd_);
}

bool RegularFileReader::read(char* out, qint64 bytes)
{
    if (!ok() || bytes < 0 || bytes > size_ - position_) return false;
    const qint64 got = readFully(fd_, out, bytes);
    if (got < 0) error_ = QStringLiteral("read error: %1").arg(systemError(errno));
    if (got != bytes) return false;
    position_ += bytes;
    return true;
}

bool RegularFileReader::atEnd()
{
    char extra = 0;
    return ok() && position_ == size_ && readFully(fd_, &extra, 1) == 0;
}

FileRead readRegularFile(const QString& path, qint64 maxBytes)
{
    FileRead result;
    qint64 size = 0;
    const Descriptor file{openCheckedRegularFile(path, maxBytes, &size, &result.error)};
    if (file.fd < 0) return result;
    // The size fstat gave, plus one byte to notice a file still growing: never more than the cap.
    const qint64 capacity = size + 1;
    result.bytes.resize(qsizetype(capacity));
    const qint64 total = readFully(file.fd, result.bytes.data(), capacity);
    if (total < 0) {
        result.error = QStringLiteral("read error: %1").arg(systemError(errno));
        result.bytes.clear();
        return result;
    }
    if (total != size) {
        // Shrunk or grown while read: its content is not one version of the file.
        result.error = QStringLiteral("changed while it was read");
        result.bytes.clear();
        return result;
    }
    result.bytes.resize(qsizetype(total));
    return result;
}

QByteArray readRegularFileOrThrow(const QString& path, qint64 maxBytes, const QString& what)
{
    FileRead read = readRegularFile(path, maxBytes);
    if (!read.ok())
        throw Error(QStringLiteral("cannot read %1 %2: %3").arg(what, QDir::toNativeSeparators(path), read.error));
    return std::move(read.bytes);
}

QString nonRegularKind(const QString& path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return {};
    return kindOf(st.st_mode);
}

bool clearNonRegularEntry(const QString& path)
{
    const QFileInfo existing(path);
    if (!existing.isSymLink() && (!existing.exists() || existing.isFile())) return true;
    if (existing.isDir() && !existing.isSymLink()) return false;
    return QFile::remove(path);
}

void prepareDestination(const QString& path)
{
    if (const QString kind = nonRegularKind(path); !kind.isEmpty())
        throw Error(QStringLiteral("cannot write %1: it is %2, not a regular file, and is left as it is")
                        .arg(QDir::toNativeSeparators(path), kind));
    const QFileInfo destination(path);
    const QRegularExpression ours(QStringLiteral("^%1\\.[A-Za-z0-9]{6}$")
                                      .arg(QRegularExpression::escape(destination.fileName())));
    QStringList leftovers;
    for (const QFileInfo& sibling :
         destination.absoluteDir().entryInfoList({destination.fileName() + QStringLiteral(".??????")},
                                                 QDir::Files | QDir::Hidden | QDir::System))
        if (!sibling.isSymLink() && sibling.isFile() && ours.match(sibling.fileName()).hasMatch())
            leftovers << sibling.absoluteFilePath();
    // A temporary a live writer (another Exemplar saving the same file) holds open is not stale.
    for (const QString& leftover : leftovers)
        if (!openByAnyProcess(leftover)) QFile::remove(leftover);  // best effort: our leftover only
}

void refuseUnwritableDestination(const QString& path)
{
    const QString folder = QFileInfo(path).absolutePath();
    QString problem;
    if (!QFileInfo(folder).isDir()) problem = QStringLiteral("the folder %1 does not exist").arg(QDir::toNativeSeparators(folder));
    else if (::access(QFile::encodeName(folder).constData(), W_OK | X_OK) != 0)
        problem = QStringLiteral("cannot write in its folder (%1)").arg(systemError(errno));
    if (!problem.isEmpty()) throw Error(QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), problem));
}

void refuseToReplaceAnotherKind(const QString& path, const QString& what, bool (*isOfKind)(const QByteArray& firstBytes))
{
    const QFileInfo existing(path);
    if (!existing.exists() || !existing.isFile() || existing.size() == 0) return;
    QFile file(path);
    // Unreadable: the write will say why it cannot replace it either.
    if (!file.open(QIODevice::ReadOnly)) return;
    if (isOfKind(file.read(256))) return;
    throw Error(QStringLiteral("%1 exists and is not %2 (a photo, or the input itself?); it is left as it is: choose "
                               "another name, or remove it first").arg(QDir::toNativeSeparators(path), what));
}

void refuseToReplaceAnInput(const QString& path, const QStringList& inputs)
{
    struct stat out {};
    if (::stat(QFile::encodeName(path).constData(), &out) != 0) return;  // a new file replaces nothing
    for (const QString& input : inputs) {
        struct stat in {};
        if (input.isEmpty() || ::stat(QFile::encodeName(input).constData(), &in) != 0) continue;
        if (in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            throw Error(QStringLiteral("%1 is %2, which this command reads; it is left as it is: choose another name")
                            .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(input)));
    }
}

bool writeAll(QFileDevice& file, const QByteArray& bytes)
{
    // Qt records no error for a short write: only the next attempt yields the OS's reason.
    for (qint64 written = 0; written < bytes.size();) {
        const qint64 n = file.write(bytes.constData() + written, bytes.size() - written);
        if (n <= 0) return false;
        written += n;
    }
    return true;
}

} // namespace exemplar
