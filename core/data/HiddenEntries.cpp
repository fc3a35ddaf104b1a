#include "HiddenEntries.h"

#include "ImageDecoder.h"

namespace exemplar {

bool isHiddenName(const QString& fileName) { return fileName.startsWith(QLatin1Char('.')); }

QString hiddenEntrySkipReason(const QString& fileName, bool isFolder)
{
    if (!isHiddenName(fileName) || fileName == QLatin1String(".") || fileName == QLatin1String("..")) return QString();
    if (isFolder) return QStringLiteral("hidden folder (its name starts with a dot): not read");
    // A Mac's AppleDouble companion ("._photo.jpg") is a few kilobytes of metadata, not a photo.
    if (fileName.startsWith(QLatin1String("._")) || !hasSupportedImageExtension(fileName)) return QString();
    return QStringLiteral("hidden (its name starts with a dot): not read");
}

} // namespace exemplar
