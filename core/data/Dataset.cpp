#include "Dataset.h"

#include <QJsonObject>

#include "Error.h"
#include "Feedback.h"
#include "HiddenEntries.h"
#include "ImageDecoder.h"
#include "RegularFile.h"
#include "UndecodableNames.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <unistd.h>

namespace exemplar {

namespace {

// Sorts names the way a file manager does ("img2" before "img10"), so listings look familiar.
// A fixed locale, not the user's: in the C/POSIX locale (containers, CI, LANG=C.UTF-8) QCollator
// falls back to code-point order and ignores numeric mode ("img10" before "img2", "Zebra" before
// "apple"), and the order of a dataset should not depend on the machine.
void sortNaturally(QFileInfoList* entries)
{
    QCollator collator{QLocale(QLocale::English, QLocale::UnitedStates)};
    collator.setNumericMode(true);
    std::sort(entries->begin(), entries->end(), [&](const QFileInfo& a, const QFileInfo& b) {
        return collator.compare(a.fileName(), b.fileName()) < 0;
    });
}

// Why a listed file cannot be a photo of the dataset; empty when it can.
QString photoFileProblem(const QFileInfo& entry)
{
    if (entry.isSymLink() && !entry.exists()) return brokenLinkReason(entry.filePath());
    if (!entry.exists()) return missingFileReason(entry.filePath());
    if (entry.isDir()) return QStringLiteral("a folder, not a photo");
    if (!hasSupportedImageExtension(entry.fileName()))
        return QStringLiteral("not an image file type (supported: %1)")
            .arg(supportedImageExtensions().join(QStringLiteral(", ")));
    if (!entry.isReadable()) return QStringLiteral("file is not readable (permissions)");
    return QString();
}

// Whether canonical PATH is FOLDER or lies inside it ("/" contains every path).
bool isSameOrInside(const QString& path, const QString& folder)
{
    if (folder == QLatin1String("/")) return true;
    return path == folder || path.startsWith(folder + QLatin1Char('/'));
}

// The kernel's pseudo-filesystems hold no photos, and their trees never end (/proc/<pid>/root is
// "/" again, for every process): a folder there, reached through a symbolic link, is not scanned.
QString systemFolderProblem(const QString& canonicalPath)
{
    // /dev/shm is a RAM disk, where a dataset may well be put.
    if (isSameOrInside(canonicalPath, QStringLiteral("/dev/shm"))) return {};
    for (const char* system : {"/proc", "/sys", "/dev"})
        if (isSameOrInside(canonicalPath, QLatin1String(system)))
            return QStringLiteral("a system folder (%1), not photos: not scanned").arg(canonicalPath);
    return {};
}

void appendSkipped(Dataset* dataset, std::vector<SkippedFile> skipped)
{
    dataset->skipped.insert(dataset->skipped.end(), skipped.begin(), skipped.end());
}

// Why FOLDER cannot be listed, in the system's words ("Permission denied", "File name too long"),
// or empty when it can: QFileInfo only says "not readable", which misleads when the name is the cause.
QString folderAccessProblem(const QString& folder)
{
    if (::access(QFile::encodeName(folder).constData(), R_OK | X_OK) == 0) return {};
    const int code = errno;
    return code == EACCES ? QStringLiteral("not readable (permissions)") : QString::fromLocal8Bit(std::strerror(code));
}

// Why the subfolder ENTRY of a class is not scanned, or empty when it should be. SCANNED holds
// the canonical paths of the class's folders read so far; CLASS FOLDER is canonical too.
QString subfolderProblem(const QFileInfo& entry, const ScanOptions& options, const QString& classFolder,
                         const QSet<QString>& scanned)
{
    if (!options.recursive) return QStringLiteral("subfolder inside a class folder (not scanned: subfolder scanning is off)");
    if (const QString problem = folderAccessProblem(entry.absoluteFilePath()); !problem.isEmpty())
        return QStringLiteral("subfolder cannot be read: %1").arg(problem);
    // Only a symbolic link can lead to a folder above this one or to one already read.
    const QString target = entry.canonicalFilePath();
    if (isSameOrInside(classFolder, target))
        return QStringLiteral("subfolder is a symbolic link back to a folder that contains it (a loop; not scanned)");
    if (const QString problem = systemFolderProblem(target); !problem.isEmpty()) return problem;
    if (scanned.contains(target))
        return QStringLiteral("subfolder is a symbolic link to a folder already scanned for this class (not scanned twice)");
    return {};
}

// Where a listing is, for its Feedback: the class folder being read among how many.
struct ListingProgress {
    const Feedback* feedback = nullptr;
    int classFolder = 0, classFolders = 0;
    QString className;  // the folder's name: a class's, or a folder of photos to classify
    qsizetype firstPhoto = 0;  // the class's first row in the dataset's photos

    void reportPhotos(qsizetype photos) const
    {
        reportProgress(feedback, classFolder, classFolders,
                       QStringLiteral("listing \"%1\" (%2 photos so far)").arg(className).arg(photos));
    }
};

constexpr int kListedPhotosPerReport = 1000;  // a class folder of a whole disk still shows it moves
// Subfolders this deep inside a class folder are not read: photos filed by year, month, day and
// camera sit a handful of levels down, while a chain a thousand levels deep (a loop of copies, a
// hostile archive) took a minute to walk, each level's path longer than the last.
constexpr int kMaxSubfolderDepth = 32;

// Lists the photos of FOLDER into class CLASS INDEX, and of its subfolders when OPTIONS say so.
// Returns how many were listed.
int scanFolder(Dataset* dataset, const QString& folder, int classIndex, const ScanOptions& options,
               const QString& classFolder, QSet<QString>* scanned, const ListingProgress& progress, int depth = 0)
{
    throwIfCanceled(progress.feedback);
    QFileInfoList entries = QDir(folder).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot |
                                                       QDir::System | QDir::Hidden);
    sortNaturally(&entries);
    appendSkipped(dataset, entriesWithUndecodableNames(folder));  // QDir cannot list them
    int count = 0;
    for (const QFileInfo& entry : entries) {
        throwIfCanceled(progress.feedback);  // each entry asks the disk about itself: a slow disk takes long
        if (isHiddenName(entry.fileName())) {  // never read; named where it may hold photos
            if (const QString reason = hiddenEntrySkipReason(entry.fileName(), entry.isDir()); !reason.isEmpty())
                dataset->skipped.push_back({entry.absoluteFilePath(), reason});
            continue;
        }
        const QString path = entry.absoluteFilePath();
        if (entry.isDir()) {
            QString problem = subfolderProblem(entry, options, classFolder, *scanned);
            if (problem.isEmpty() && depth + 1 > kMaxSubfolderDepth)
                problem = QStringLiteral("subfolder more than %1 levels inside its class folder (not scanned)")
                              .arg(kMaxSubfolderDepth);
            if (!problem.isEmpty()) {
                dataset->skipped.push_back({path, problem});
                continue;
            }
            scanned->insert(entry.canonicalFilePath());
            count += scanFolder(dataset, path, classIndex, options, classFolder, scanned, progress, depth + 1);
        } else if (const QString problem = photoFileProblem(entry); !problem.isEmpty()) {
            dataset->skipped.push_back({path, problem});
        } else {
            dataset->photos.push_back({path, classIndex});
            ++count;
            const qsizetype listed = qsizetype(dataset->photos.size()) - progress.firstPhoto;  // subfolders' too
            if (listed % kListedPhotosPerReport == 0) progress.reportPhotos(listed);
        }
    }
    return count;
}

void addClassFolder(Dataset* dataset, const QString& folder, const QString& className, const ScanOptions& options,
                    ListingProgress progress)
{
    progress.className = className;
    progress.firstPhoto = qsizetype(dataset->photos.size());
    progress.reportPhotos(0);
    const int classIndex = dataset->classNames.size();
    dataset->classNames << className;
    dataset->classFolders << QFileInfo(folder).absoluteFilePath();

    const QString canonical = QFileInfo(folder).canonicalFilePath();
    QSet<QString> scanned{canonical};
    const int count = scanFolder(dataset, folder, classIndex, options, canonical, &scanned, progress);
    if (count == 0)
        dataset->warnings << QStringLiteral("class \"%1\" has no photos").arg(className);
    else if (count == 1)
        dataset->warnings << QStringLiteral("class \"%1\" has only one photo").arg(className);
}

// Class names that differ only in letter case or Unicode form ("Daisy" and "daisy", "café" typed
// two ways) are most likely one class split by accident, and would share one folder on a USB drive
// or a Mac.
void warnAboutLookAlikeClassNames(Dataset* dataset)
{
    QHash<QString, QString> firstWithKey;
    for (const QString& name : std::as_const(dataset->classNames)) {
        const QString key = name.normalized(QString::NormalizationForm_C).toCaseFolded();
        const auto found = firstWithKey.constFind(key);
        if (found == firstWithKey.constEnd()) firstWithKey.insert(key, name);
        else
            dataset->warnings << QStringLiteral("classes \"%1\" and \"%2\" differ only in letter case or Unicode form: "
                                                "one class split in two?").arg(*found, name);
    }
}

} // namespace

std::vector<int> Dataset::photosPerClass() const
{
    std::vector<int> counts(size_t(classCount()), 0);
    for (const Photo& photo : photos) ++counts[size_t(photo.classIndex)];
    return counts;
}

Dataset Dataset::scan(const QString& root, const ScanOptions& options, const Feedback* feedback)
{
    const QFileInfo info(root);
    if (info.isSymLink() && !info.exists())
        throw Error(QStringLiteral("dataset folder %1 is a %2").arg(root, brokenLinkReason(root)));
    if (!info.exists()) throw Error(QStringLiteral("dataset folder %1 does not exist%2").arg(root, undecodedNameHint(root)));
    if (!info.isDir()) throw Error(QStringLiteral("%1 is not a folder (expected one subfolder per class)").arg(root));
    if (!info.isReadable()) throw Error(QStringLiteral("dataset folder %1 is not readable").arg(root));
    // As for a class folder: /proc/self's class folders were its links, and "cwd" led to whatever
    // folder the program ran in, scanned as a class (a bad-input hunt).
    if (const QString problem = systemFolderProblem(info.canonicalFilePath()); !problem.isEmpty())
        throw Error(QStringLiteral("dataset folder %1 is %2").arg(root, problem));

    QFileInfoList entries = QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    sortNaturally(&entries);
    // A class folder that leads back to the dataset folder or to one above it (a link to "." or
    // to "/") would be a class of every other class's photos, or of a whole disk: named, not read.
    QStringList folders;
    std::vector<SkippedFile> loops;
    for (const QFileInfo& entry : entries) {
        if (leadsBackToOrAbove(entry.absoluteFilePath(), root))
            loops.push_back({entry.absoluteFilePath(),
                             QStringLiteral("class folder is a symbolic link back to the dataset folder or a folder that "
                                            "contains it (a loop; not scanned)")});
        else
            folders << entry.absoluteFilePath();
    }
    // Links that lead nowhere are neither folders nor files to QDir: named, not silently dropped;
    // and so are hidden folders, which are not class folders but may hold photos.
    std::vector<SkippedFile> brokenLinks, hiddenFolders;
    for (const QFileInfo& entry : QDir(root).entryInfoList(QDir::Dirs | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot)) {
        if (entry.isSymLink() && !entry.exists())
            brokenLinks.push_back({entry.absoluteFilePath(), brokenLinkReason(entry.absoluteFilePath())});
        else if (const QString hidden = entry.isDir() ? hiddenEntrySkipReason(entry.fileName(), true) : QString();
                 !hidden.isEmpty())
            hiddenFolders.push_back({entry.absoluteFilePath(), hidden});
    }
    if (folders.isEmpty()) {
        QString why;
        if (!loops.empty())
            why = QStringLiteral("; %1: %2").arg(loops.front().path, loops.front().reason);
        else if (!brokenLinks.empty())
            why = QStringLiteral("; %1 is a %2").arg(brokenLinks.front().path, brokenLinks.front().reason);
        else if (!hiddenFolders.empty())
            why = QStringLiteral("; %1 is a %2").arg(hiddenFolders.front().path, hiddenFolders.front().reason);
        throw Error(QStringLiteral("%1 has no class folders (expected one subfolder per class)%2").arg(root, why));
    }

    Dataset dataset = fromClassFolders(folders, options, feedback);
    appendSkipped(&dataset, entriesWithUndecodableNames(root));  // class folders and files QDir cannot list
    // Loose files beside the class folders belong to no class: say so rather than ignore them.
    const QFileInfoList looseFiles = QDir(root).entryInfoList(QDir::Files | QDir::Hidden);
    for (const QFileInfo& file : looseFiles)
        // A link to a device is listed both as a folder and as a file: said once, as a class folder.
        if (!folders.contains(file.absoluteFilePath()) &&
            (!isHiddenName(file.fileName()) || !hiddenEntrySkipReason(file.fileName(), false).isEmpty()))  // as inside a class folder
            dataset.skipped.push_back({file.absoluteFilePath(), QStringLiteral("file outside any class folder")});
    appendSkipped(&dataset, loops);
    appendSkipped(&dataset, brokenLinks);
    appendSkipped(&dataset, hiddenFolders);
    return dataset;
}

Dataset Dataset::fromClassFolders(const QStringList& folders, const ScanOptions& options, const Feedback* feedback)
{
    Dataset dataset;
    ListingProgress progress{feedback, 0, int(folders.size()), {}};
    for (const QString& folder : folders) {
        throwIfCanceled(feedback);
        const QFileInfo info(folder);
        const QString name = info.fileName();
        if (info.isSymLink() && !info.exists()) {
            dataset.skipped.push_back({folder, brokenLinkReason(folder)});
        } else if (!info.exists()) {
            // A project's class folder moved or deleted since: said as such, not "not a folder".
            dataset.skipped.push_back({folder, QStringLiteral("class folder does not exist (moved, renamed or deleted?): the "
                                                              "class is left out")});
        } else if (!info.isDir()) {
            const QString kind = nonRegularKind(folder);
            dataset.skipped.push_back({folder, QStringLiteral("not a folder (%1)").arg(kind.isEmpty() ? QStringLiteral("a file") : kind)});
        } else if (const QString problem = systemFolderProblem(info.canonicalFilePath()); !problem.isEmpty()) {
            dataset.skipped.push_back({folder, problem});
        } else if (const QString problem = folderAccessProblem(folder); !problem.isEmpty()) {
            // Left out rather than kept as a class of no photos, which training could never answer.
            dataset.skipped.push_back({folder, QStringLiteral("class folder cannot be read: %1 (the class is left out)").arg(problem)});
        } else if (dataset.classNames.contains(name)) {
            dataset.skipped.push_back({folder, QStringLiteral("a class named \"%1\" already exists").arg(name)});
        } else {
            addClassFolder(&dataset, folder, name, options, progress);
        }
        ++progress.classFolder;
    }
    warnAboutLookAlikeClassNames(&dataset);
    return dataset;
}

Dataset Dataset::fromFiles(const QStringList& files)
{
    // Group by the parent folder's name first, then lay the classes out in name order, as a scan does.
    QStringList names;
    std::vector<QStringList> classFiles;
    QStringList folders;
    QSet<QString> seen;
    Dataset dataset;
    for (const QString& file : files) {
        const QFileInfo info(file);
        const QString path = info.absoluteFilePath();
        if (const QString problem = photoFileProblem(info); !problem.isEmpty()) {
            dataset.skipped.push_back({path, problem});
            continue;
        }
        if (seen.contains(path)) {
            dataset.skipped.push_back({path, QStringLiteral("listed twice")});
            continue;
        }
        seen.insert(path);
        const QString name = info.absoluteDir().dirName();
        int c = names.indexOf(name);
        if (c < 0) {
            c = names.size();
            names << name;
            folders << info.absolutePath();
            classFiles.emplace_back();
        }
        classFiles[size_t(c)] << path;
    }
    std::vector<int> order(size_t(names.size()));
    std::iota(order.begin(), order.end(), 0);
    QCollator collator{QLocale(QLocale::English, QLocale::UnitedStates)};
    collator.setNumericMode(true);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return collator.compare(names[a], names[b]) < 0; });
    for (const int c : order) {
        const int classIndex = dataset.classNames.size();
        dataset.classNames << names[c];
        dataset.classFolders << folders[c];
        for (const QString& path : classFiles[size_t(c)]) dataset.photos.push_back({path, classIndex});
        if (classFiles[size_t(c)].size() == 1)
            dataset.warnings << QStringLiteral("class \"%1\" has only one photo").arg(names[c]);
    }
    return dataset;
}

QJsonArray skippedFilesJson(const std::vector<SkippedFile>& skipped)
{
    QJsonArray array;
    for (const SkippedFile& file : skipped)
        array.append(QJsonObject{{QStringLiteral("path"), file.path}, {QStringLiteral("reason"), file.reason}});
    return array;
}

} // namespace exemplar
