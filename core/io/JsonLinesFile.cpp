#include "JsonLinesFile.h"

#include "Error.h"
#include "RegularFile.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace exemplar {

namespace {

// One record is one photo's result: a few kilobytes. A longer unterminated tail is not ours.
constexpr qsizetype kMaxUnfinishedLineBytes = 1 << 20;

QString systemError() { return QString::fromLocal8Bit(std::strerror(errno)); }

// write(2) until done: a short write happens only when the disk fills up or a signal interrupts.
void writeAll(int fd, const QByteArray& bytes, const QString& what)
{
    for (qsizetype written = 0; written < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.constData() + written, size_t(bytes.size() - written));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(QStringLiteral("cannot write %1: %2").arg(what, systemError()));
        written += n;
    }
}

} // namespace

void writeJsonLine(int fd, const QJsonObject& record, const QString& what)
{
    writeAll(fd, QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n', what);
}

JsonLinesFile::JsonLinesFile(const QString& path, RecordCheck check, RecordReader read) : path_(QDir::toNativeSeparators(path))
{
    // O_NONBLOCK: a FIFO given as OUT must not block the open; it is refused just below.
    fd_ = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd_ < 0) throw Error(QStringLiteral("cannot open %1: %2").arg(path_, systemError()));
    const auto fail = [this](const QString& message) {
        ::close(fd_);
        fd_ = -1;
        throw Error(message);
    };
    // Appending to a device or FIFO would never read back what was done, nor be resumable.
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode))
        fail(QStringLiteral("cannot resume into %1: %2").arg(path_, nonRegularKind(path).isEmpty()
                                                                     ? QStringLiteral("not a regular file")
                                                                     : QStringLiteral("it is %1, not a regular file").arg(nonRegularKind(path))));
    if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK) != 0)
        fail(QStringLiteral("cannot open %1: %2").arg(path_, systemError()));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
        fail(errno == EWOULDBLOCK ? QStringLiteral("%1 is being written by another process").arg(path_)
                                  : QStringLiteral("cannot lock %1: %2").arg(path_, systemError()));
    // Read whole into memory below: a size that no run of results reaches is refused first.
    const auto tooLarge = [this] {
        return QStringLiteral("%1 is larger than %2 GiB: too large to resume; start a new file")
            .arg(path_).arg(kMaxBytes >> 30);
    };
    if (st.st_size > kMaxBytes) fail(tooLarge());

    QByteArray bytes;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(QStringLiteral("cannot read %1: %2").arg(path_, systemError()));
        if (n == 0) break;
        if (bytes.size() + n > kMaxBytes) fail(tooLarge());  // grew while being read
        bytes.append(buffer, n);
    }
    const qsizetype complete = bytes.lastIndexOf('\n') + 1;  // 0 when no line is complete
    int lineNumber = 0;
    // Each line is parsed where it lies in BYTES (no copy of the file, nor a list of its lines).
    for (qsizetype start = 0, end = 0; start < complete; start = end + 1) {
        end = bytes.indexOf('\n', start);
        const QByteArray line = QByteArray::fromRawData(bytes.constData() + start, end - start);
        ++lineNumber;
        if (line.trimmed().isEmpty()) continue;
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            fail(QStringLiteral("line %1 of %2 is not a JSON object (%3); not appending to a file of another kind")
                     .arg(lineNumber).arg(path_, error.error != QJsonParseError::NoError ? error.errorString()
                                                                                        : QStringLiteral("not an object")));
        const QString problem = check ? check(document.object()) : QString();
        if (!problem.isEmpty())
            fail(QStringLiteral("line %1 of %2 is not a line of results (%3); not appending to a file of another kind")
                     .arg(lineNumber).arg(path_, problem));
        if (read) read(document.object());
        else existing_.push_back(document.object());
    }
    if (complete < bytes.size()) {
        // Only what a killed writer of ours leaves is cut off: the start of one record, a JSON
        // object. A file that merely lacks a final newline (notes, a photo, any other file given
        // by mistake) is refused whole instead of losing its end, or all of it.
        const QByteArray tail = bytes.mid(complete);
        QJsonParseError whole{};
        QJsonDocument::fromJson(tail, &whole);
        // A whole JSON document at the end is not what a kill leaves either (a record and its
        // line break go out in one write): said as such, since it may be a line of results whose
        // line break an editor took away.
        if (whole.error == QJsonParseError::NoError)
            fail(QStringLiteral("%1 ends in a whole JSON document without a line break after it, which no interrupted "
                                "run leaves; not appending to what may be a file of another kind (if it is a line of "
                                "results, end it with a line break)")
                     .arg(path_));
        if (!tail.trimmed().startsWith('{') || tail.size() > kMaxUnfinishedLineBytes || tail.contains('\0'))
            fail(QStringLiteral("%1 ends in %2 bytes that are not the start of a line of results; not appending to "
                                "a file of another kind")
                     .arg(path_).arg(tail.size()));
        droppedPartialLine_ = true;
        if (::ftruncate(fd_, complete) != 0) fail(QStringLiteral("cannot truncate %1: %2").arg(path_, systemError()));
    }
    if (::lseek(fd_, complete, SEEK_SET) < 0) fail(QStringLiteral("cannot seek in %1: %2").arg(path_, systemError()));
}

JsonLinesFile::~JsonLinesFile()
{
    if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void JsonLinesFile::append(const QJsonObject& record) { writeJsonLine(fd_, record, path_); }

} // namespace exemplar
