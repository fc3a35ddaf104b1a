#include "Dataset.h"

#include <QJsonObject>

#include "Error.h"
#include "ImageDecoder.h"

#include <QCollator>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSet>
#include <algorithm>
#include <numeric>

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
    if (entry.isSymLink() && !entry.exists()) return QStringLiteral("broken symbolic link");
    if (!entry.exists()) return QStringLiteral("file does not exist");
    if (entry.isDir()) return QStringLiteral("a folder, not a photo");
    if (!hasSupportedImageExtension(entry.fileName()))
        return QStringLiteral("not an image file type (supported: %1)")
            .arg(supportedImageExtensions().join(QStringLiteral(", ")));
    if (!entry.isReadable()) return QStringLiteral("file is not readable (permissions)");
    return QString();
}

void addClassFolder(Dataset* dataset, const QString& folder, const QString& className)
{
    const int classIndex = dataset->classNames.size();
    dataset->classNames << className;
    dataset->classFolders << QFileInfo(folder).absoluteFilePath();

    // QDir::Hidden is left out on purpose: dot-files (.DS_Store, ._photo.jpg) are not photos.
    QFileInfoList entries = QDir(folder).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot |
                                                       QDir::System);
    sortNaturally(&entries);
    int count = 0;
    for (const QFileInfo& entry : entries) {
        const QString path = entry.absoluteFilePath();
        if (entry.isDir()) {
            dataset->skipped.push_back({path, QStringLiteral("subfolder inside a class folder (not scanned)")});
        } else if (const QString problem = photoFileProblem(entry); !problem.isEmpty()) {
            dataset->skipped.push_back({path, problem});
        } else {
            dataset->photos.push_back({path, classIndex});
            ++count;
        }
    }
    if (count == 0)
        dataset->warnings << QStringLiteral("class \"%1\" has no photos").arg(className);
    else if (count == 1)
        dataset->warnings << QStringLiteral("class \"%1\" has only one photo").arg(className);
}

} // namespace

std::vector<int> Dataset::photosPerClass() const
{
    std::vector<int> counts(size_t(classCount()), 0);
    for (const Photo& photo : photos) ++counts[size_t(photo.classIndex)];
    return counts;
}

Dataset Dataset::scan(const QString& root)
{
    const QFileInfo info(root);
    if (!info.exists()) throw Error(QStringLiteral("dataset folder %1 does not exist").arg(root));
    if (!info.isDir()) throw Error(QStringLiteral("%1 is not a folder (expected one subfolder per class)").arg(root));
    if (!info.isReadable()) throw Error(QStringLiteral("dataset folder %1 is not readable").arg(root));

    QFileInfoList entries = QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    sortNaturally(&entries);
    QStringList folders;
    for (const QFileInfo& entry : entries) folders << entry.absoluteFilePath();
    if (folders.isEmpty())
        throw Error(QStringLiteral("%1 has no class folders (expected one subfolder per class)").arg(root));

    Dataset dataset = fromClassFolders(folders);
    // Loose files beside the class folders belong to no class: say so rather than ignore them.
    const QFileInfoList looseFiles = QDir(root).entryInfoList(QDir::Files);
    for (const QFileInfo& file : looseFiles)
        dataset.skipped.push_back({file.absoluteFilePath(), QStringLiteral("file outside any class folder")});
    return dataset;
}

Dataset Dataset::fromClassFolders(const QStringList& folders)
{
    Dataset dataset;
    for (const QString& folder : folders) {
        const QFileInfo info(folder);
        const QString name = info.fileName();
        if (!info.isDir()) {
            dataset.skipped.push_back({folder, QStringLiteral("not a folder")});
        } else if (dataset.classNames.contains(name)) {
            dataset.skipped.push_back({folder, QStringLiteral("a class named \"%1\" already exists").arg(name)});
        } else {
            addClassFolder(&dataset, folder, name);
        }
    }
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
