#include "model/DatasetSources.h"

#include "HiddenEntries.h"
#include "ImageDecoder.h"
#include "RegularFile.h"
#include "UndecodableNames.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace exemplar::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("DatasetSources", text); }

bool hasPhotos(const QDir& dir)
{
    for (const QString& name : dir.entryList(QDir::Files))
        if (hasSupportedImageExtension(name)) return true;
    return false;
}

// Whether a photo lies anywhere under FOLDER (class folders may keep theirs in dated subfolders).
// Bounded: after many entries without one the folder is given the benefit of the doubt, so that
// a huge tree or a loop of links is not walked to its end on the GUI thread.
bool holdsPhotos(const QString& folder)
{
    constexpr int kMaxEntries = 20000;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    for (int seen = 0; it.hasNext() && seen < kMaxEntries; ++seen)
        if (hasSupportedImageExtension(it.next())) return true;
    return it.hasNext();
}

} // namespace

int DatasetSources::indexOfFolder(const QString& folder) const
{
    for (size_t i = 0; i < classes.size(); ++i)
        if (classes[i].folder == folder) return int(i);
    return -1;
}

QStringList expandToClassFolders(const QStringList& paths, std::vector<SkippedFile>* rejected,
                                 std::vector<SkippedFile>* hidden, std::vector<SkippedFile>* empty)
{
    QStringList folders;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (!info.exists()) {
            rejected->push_back({path, tr("does not exist") + undecodedNameHint(path)});
            continue;
        }
        if (!info.isDir()) {
            rejected->push_back({path, tr("not a folder: drop class folders here (photos to classify go on the Classify tab)")});
            continue;
        }
        const QDir dir(info.absoluteFilePath());
        if (hasPhotos(dir)) {
            folders << dir.absolutePath();
            continue;
        }
        const QFileInfoList subfolders = dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        const std::vector<SkippedFile> undecodable = entriesWithUndecodableNames(dir.absolutePath());  // QDir omits them
        rejected->insert(rejected->end(), undecodable.begin(), undecodable.end());
        if (hidden)
            for (const QFileInfo& entry : dir.entryInfoList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name))
                if (const QString reason = hiddenEntrySkipReason(entry.fileName(), true); !reason.isEmpty())
                    hidden->push_back({entry.absoluteFilePath(), reason});
        if (subfolders.isEmpty()) {
            rejected->push_back({path, tr("folder has no photos and no class subfolders")});
            continue;
        }
        // An empty subfolder is no class: added, it showed as a class of no photos and threw the
        // trained set away for nothing.
        for (const QFileInfo& sub : subfolders) {
            // As a scanned dataset's: a link back to the parent or above it is a loop, no class
            // (a class of every photo, or of a whole disk, once).
            if (leadsBackToOrAbove(sub.absoluteFilePath(), dir.absolutePath()))
                rejected->push_back({sub.absoluteFilePath(), tr("class folder is a symbolic link back to the folder "
                                                                 "it is in or above it (a loop; not read)")});
            else if (holdsPhotos(sub.absoluteFilePath()))
                folders << sub.absoluteFilePath();
            else
                (empty ? empty : rejected)->push_back({sub.absoluteFilePath(), tr("folder has no photos: not added as a class")});
        }
    }
    return folders;
}

bool nameClassesAsSources(const DatasetSources& sources, const QStringList& classFolders, QStringList* classNames)
{
    bool changed = false;
    for (int c = 0; c < classFolders.size() && c < classNames->size(); ++c) {
        const int i = sources.indexOfFolder(classFolders[c]);
        if (i < 0 || (*classNames)[c] == sources.classes[size_t(i)].name) continue;
        (*classNames)[c] = sources.classes[size_t(i)].name;
        changed = true;
    }
    return changed;
}

Dataset assembleDataset(const DatasetSources& sources, const ScanOptions& scan, std::vector<Photo>* excluded,
                        const Feedback* feedback)
{
    QStringList folders;
    for (const ClassSource& source : sources.classes)
        if (!source.excluded) folders << source.folder;
    Dataset scanned = Dataset::fromClassFolders(folders, scan, feedback);
    nameClassesAsSources(sources, scanned.classFolders, &scanned.classNames);  // the core names a class after its folder
    if (sources.excludedPhotos.isEmpty()) return scanned;
    std::vector<Photo> kept;
    for (const Photo& photo : scanned.photos) {
        if (sources.excludedPhotos.contains(photo.path))
            excluded->push_back(photo);
        else
            kept.push_back(photo);
    }
    scanned.photos = std::move(kept);
    return scanned;
}

} // namespace exemplar::ui
