#include "HiddenEntries.h"

#include "ImageDecoder.h"

#include <QStringList>

namespace exemplar {

bool isHiddenName(const QString& fileName) { return fileName.startsWith(QLatin1Char('.')); }

namespace {

// Folders that file systems, file servers and tools keep beside everyone's files, in every folder
// of a share: naming each would bury the one that matters. Their photos, where any, are copies
// (thumbnails, deleted files, a repository's objects).
bool isSystemFolder(const QString& name)
{
    static const QStringList kNames{
        QStringLiteral(".AppleDouble"), QStringLiteral(".AppleDB"), QStringLiteral(".AppleDesktop"),  // netatalk
        QStringLiteral(".@__thumb"),                                                                  // QNAP
        QStringLiteral(".Trashes"), QStringLiteral(".Trash"), QStringLiteral(".Spotlight-V100"),
        QStringLiteral(".fseventsd"), QStringLiteral(".TemporaryItems"), QStringLiteral(".DocumentRevisions-V100"),
        QStringLiteral(".thumbnails"), QStringLiteral(".cache"),
        QStringLiteral(".git"), QStringLiteral(".svn"), QStringLiteral(".hg")};
    return kNames.contains(name) || name.startsWith(QLatin1String(".Trash-"));  // a Linux desktop's, per user
}

} // namespace

QString hiddenEntrySkipReason(const QString& fileName, bool isFolder)
{
    if (!isHiddenName(fileName) || fileName == QLatin1String(".") || fileName == QLatin1String("..")) return QString();
    if (isFolder)
        return isSystemFolder(fileName) ? QString() : QStringLiteral("hidden folder (its name starts with a dot): not read");
    // A Mac's AppleDouble companion ("._photo.jpg") is a few kilobytes of metadata, not a photo.
    if (fileName.startsWith(QLatin1String("._")) || !hasSupportedImageExtension(fileName)) return QString();
    return QStringLiteral("hidden (its name starts with a dot): not read");
}

} // namespace exemplar
