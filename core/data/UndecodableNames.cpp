#include "UndecodableNames.h"

#include "HiddenEntries.h"

#include <QFile>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>

namespace exemplar {

QString escapedFileName(const QByteArray& raw)
{
    QString text;
    qsizetype i = 0;
    while (i < raw.size()) {
        const uchar lead = uchar(raw[i]);
        const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length > 0 && i + length <= raw.size()) {
            // A sequence that survives the round trip is valid (not overlong, no surrogate).
            const QByteArray sequence = raw.mid(i, length);
            const QString decoded = QString::fromUtf8(sequence);
            if (decoded.toUtf8() == sequence) {
                text += decoded;
                i += length;
                continue;
            }
        }
        text += QString::asprintf("\\x%02X", lead);
        ++i;
    }
    return text;
}

std::vector<SkippedFile> entriesWithUndecodableNames(const QString& folder)
{
    std::vector<SkippedFile> found;
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(QFile::encodeName(folder).constData()), closedir);
    if (!dir) return found;  // an unreadable folder is reported by whoever lists it
    while (const dirent* entry = readdir(dir.get())) {
        const QByteArray name(entry->d_name);
        if (QFile::encodeName(QFile::decodeName(name)) == name) continue;  // Qt lists and opens it
        struct stat status {};
        const bool isFolder = fstatat(dirfd(dir.get()), entry->d_name, &status, 0) == 0 && S_ISDIR(status.st_mode);
        if (name.startsWith('.')) {  // hidden: never read, named as every listing names it (HiddenEntries.h)
            const QString reason = hiddenEntrySkipReason(QFile::decodeName(name), isFolder);
            if (!reason.isEmpty()) found.push_back({folder + QLatin1Char('/') + escapedFileName(name), reason});
            continue;
        }
        found.push_back({folder + QLatin1Char('/') + escapedFileName(name),
                         isFolder ? QStringLiteral("folder name is not valid UTF-8, so its photos cannot be read "
                                                   "(rename the folder)")
                                  : QStringLiteral("file name is not valid UTF-8, so the file cannot be opened "
                                                   "(rename it)")});
    }
    // readdir's order is the file system's: sort, so that reports are the same on every run.
    std::sort(found.begin(), found.end(), [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
    return found;
}

} // namespace exemplar
