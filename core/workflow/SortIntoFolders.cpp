#include "SortIntoFolders.h"

#include "Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QStorageInfo>
#include <QTemporaryFile>

namespace exemplar {

namespace {

// BASE (n)SUFFIX, with BASE shortened as much as the file system's limit on a name's bytes needs:
// a photo whose name already filled it (255 bytes) could not be filed beside another of that name.
QString numberedName(QString base, int n, const QString& suffix)
{
    constexpr qsizetype kMaxNameBytes = 255;  // NAME_MAX on Linux file systems
    const QString tail = QStringLiteral(" (%1)%2").arg(n).arg(suffix);
    while (!base.isEmpty() && QFile::encodeName(base + tail).size() > kMaxNameBytes) {
        base.chop(1);
        if (!base.isEmpty() && base.back().isHighSurrogate()) base.chop(1);  // never half a character
    }
    return base + tail;
}

bool sameBytes(const QString& a, const QString& b)
{
    QFile fa(a), fb(b);
    if (fa.size() != fb.size() || !fa.open(QIODevice::ReadOnly) || !fb.open(QIODevice::ReadOnly)) return false;
    constexpr qint64 kChunk = 1 << 20;
    while (!fa.atEnd()) {
        if (fa.read(kChunk) != fb.read(kChunk)) return false;
    }
    return fb.atEnd();
}

// Already filed at DESTINATION: the same photo, copied or linked, by an earlier run.
bool alreadyThere(const QString& photo, const QString& destination, FilingAction action)
{
    const QFileInfo there(destination);
    if (action == FilingAction::Link)
        return there.isSymLink() && QFileInfo(there.symLinkTarget()).canonicalFilePath() == QFileInfo(photo).canonicalFilePath();
    return !there.isSymLink() && there.isFile() && sameBytes(photo, destination);
}

// Why writing a copy into FOLDER failed. Qt reports a full disk found at flush as "Unknown
// error", so the folder's free space is asked first: the commonest cause, and one the user can fix.
QString writeFailure(const QFileDevice& part, const QString& destination, qint64 bytes)
{
    const QStorageInfo disk(QFileInfo(destination).absolutePath());
    if (disk.isValid() && disk.bytesAvailable() < bytes)
        return QStringLiteral("cannot write %1: the disk is full (%2 KB free, the photo needs %3 KB)")
            .arg(destination).arg(disk.bytesAvailable() / 1024).arg((bytes + 1023) / 1024);
    return QStringLiteral("cannot write %1: %2").arg(destination, part.errorString());
}

// Copies PHOTO to DESTINATION through a temporary file in the same folder, renamed into place
// only when whole (and never over an existing file), with the photo's permissions as cp gives
// them (a temporary file is readable by its owner only). Empty on success, else why not.
QString copyWhole(const QString& photo, const QString& destination)
{
    QFile source(photo);
    if (!source.open(QIODevice::ReadOnly)) return source.errorString();
    QTemporaryFile part(destination + QStringLiteral(".XXXXXX.part"));
    if (!part.open()) return QStringLiteral("cannot create a file beside %1: %2").arg(destination, part.errorString());
    constexpr qint64 kChunk = 1 << 20;
    while (!source.atEnd()) {
        const QByteArray chunk = source.read(kChunk);
        if (chunk.isEmpty() && source.error() != QFileDevice::NoError) return source.errorString();
        if (part.write(chunk) != chunk.size()) return writeFailure(part, destination, source.size());
    }
    if (!part.flush()) return writeFailure(part, destination, source.size());
    part.setPermissions(source.permissions());
    // QFile::rename never replaces an existing file (one that appeared meanwhile stays).
    if (!part.rename(destination)) return QStringLiteral("cannot create %1: %2").arg(destination, part.errorString());
    part.setAutoRemove(false);
    return {};
}

} // namespace

QString classFolderName(const QString& className)
{
    QString name = className;
    for (QChar& c : name)
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.unicode() < 0x20) c = QLatin1Char('_');
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String("..")) name.prepend(QLatin1Char('_'));
    // A name longer than a folder's name may be (255 bytes: an edited set) is shortened to fit.
    while (QFile::encodeName(name).size() > 255) {
        name.chop(1);
        if (!name.isEmpty() && name.back().isHighSurrogate()) name.chop(1);
    }
    return name;
}

QString unknownFolderName(const QStringList& classNames)
{
    QString name = QStringLiteral("unknown");
    QStringList taken;
    for (const QString& c : classNames) taken << classFolderName(c);
    while (taken.contains(name, Qt::CaseInsensitive)) name.prepend(QLatin1Char('_'));
    return name;
}

QStringList classFolderNames(const QStringList& classNames)
{
    // The key a case-insensitive, normalizing file system compares names by.
    const auto key = [](const QString& name) { return name.normalized(QString::NormalizationForm_C).toCaseFolded(); };
    QSet<QString> taken{key(unknownFolderName(classNames))};
    QStringList folders;
    for (const QString& className : classNames) {
        const QString base = classFolderName(className);
        QString name = base;
        // Shortened to fit " (2)" when the name already fills 255 bytes (two such names that
        // differ only in case could not both be filed).
        for (int n = 2; taken.contains(key(name)); ++n) name = numberedName(base, n, QString());
        taken.insert(key(name));
        folders << name;
    }
    return folders;
}

void prepareFilingFolder(const QString& out)
{
    const QFileInfo outInfo(out);
    if (outInfo.exists() && !outInfo.isDir()) throw Error(QStringLiteral("%1 exists and is not a folder").arg(out));
    if (!QDir().mkpath(out)) throw Error(QStringLiteral("cannot create the folder %1").arg(out));
}

FilingOutcome fileIntoFolders(const std::vector<PhotoToPlace>& photos, FilingAction action, const Feedback* feedback)
{
    FilingOutcome outcome;
    for (size_t i = 0; i < photos.size(); ++i) {
        const PhotoToPlace& photo = photos[i];
        throwIfCanceled(feedback);
        reportProgress(feedback, qint64(i), qint64(photos.size()), QFileInfo(photo.path).fileName());
        const QFileInfo source(photo.path);
        if (!source.isFile()) {  // gone since it was classified, or a device, FIFO or folder
            outcome.failed.push_back({photo.path, QStringLiteral("not a regular file (or gone)")});
            continue;
        }
        const QString& folder = photo.folder;
        if (!QDir().mkpath(folder) || !QFileInfo(folder).isDir()) {
            outcome.failed.push_back({photo.path, QStringLiteral("cannot create the folder %1").arg(folder)});
            continue;
        }
        // The photo's own name, or with " (2)", " (3)", … when another file has it.
        const QString base = source.completeBaseName(), suffix = source.suffix().isEmpty() ? QString() : QLatin1Char('.') + source.suffix();
        QString destination = QDir(folder).filePath(source.fileName());
        bool done = false;
        for (int n = 2; QFileInfo(destination).exists() || QFileInfo(destination).isSymLink(); ++n) {
            if (alreadyThere(photo.path, destination, action)) {
                ++outcome.alreadyFiled;
                done = true;
                break;
            }
            if (n > 10000) break;
            destination = QDir(folder).filePath(numberedName(base, n, suffix));
        }
        if (done) continue;
        const QString error = action == FilingAction::Link
                                  ? (QFile::link(source.absoluteFilePath(), destination) ? QString()
                                                                                         : QStringLiteral("cannot link %1").arg(destination))
                                  : copyWhole(photo.path, destination);
        if (!error.isEmpty()) {
            outcome.failed.push_back({photo.path, error});
            continue;
        }
        ++outcome.filed;
        if (QFileInfo(destination).fileName() != source.fileName()) outcome.renamed.emplace_back(photo.path, destination);
    }
    reportProgress(feedback, qint64(photos.size()), qint64(photos.size()), QString());
    return outcome;
}

FilingOutcome fileIntoClassFolders(const std::vector<PhotoToFile>& photos, const QStringList& classNames,
                                   const QString& out, FilingAction action, const Feedback* feedback)
{
    prepareFilingFolder(out);
    const QString unknown = unknownFolderName(classNames);
    const QStringList folders = classFolderNames(classNames);
    QHash<QString, QString> folderOf;  // a lookup per photo, not a search of the class list
    for (qsizetype c = 0; c < classNames.size(); ++c) folderOf.insert(classNames[c], folders[c]);
    std::vector<PhotoToPlace> placed;
    placed.reserve(photos.size());
    for (const PhotoToFile& photo : photos)
        placed.push_back({photo.path, QDir(out).filePath(photo.className.isEmpty() ? unknown : folderOf.value(photo.className, unknown))});
    return fileIntoFolders(placed, action, feedback);
}

} // namespace exemplar
