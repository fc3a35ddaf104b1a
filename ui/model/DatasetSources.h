#pragma once
// What the user put into the project: class folders (with the user's names and an "excluded"
// switch) and photos excluded by hand. The core's Dataset is derived from it whenever it changes.
#include "Dataset.h"

#include <QSet>
#include <QString>
#include <QStringList>
#include <vector>

namespace exemplar::ui {

struct ClassSource {
    QString folder;  // absolute path: the class's identity across renames and saves
    QString name;    // shown and written into reference sets
    bool excluded = false;
};

struct DatasetSources {
    std::vector<ClassSource> classes;
    QSet<QString> excludedPhotos;  // absolute paths

    int indexOfFolder(const QString& folder) const;
    bool isEmpty() const { return classes.empty(); }
};

// Dropped or chosen folders → class folders. A folder with photos directly inside is one class; a
// folder with only subfolders is a parent whose subfolders holding photos (at any depth) are the
// classes. Anything else is returned in REJECTED with the reason (never silently dropped). A
// parent's hidden subfolders are no classes but may hold photos: they go to HIDDEN, when given,
// to be mentioned without alarm; its subfolders without photos (no class: an empty class threw
// the trained set away for nothing) go to EMPTY, when given, else to REJECTED.
QStringList expandToClassFolders(const QStringList& paths, std::vector<SkippedFile>* rejected,
                                 std::vector<SkippedFile>* hidden = nullptr, std::vector<SkippedFile>* empty = nullptr);

// The dataset of the included classes, read as SCAN says, named as the user named them, without
// excluded photos (returned in EXCLUDED so that the browser can still show them). FEEDBACK may
// stop the listing (Dataset::fromClassFolders).
Dataset assembleDataset(const DatasetSources& sources, const ScanOptions& scan, std::vector<Photo>* excluded,
                        const Feedback* feedback = nullptr);

// CLASS_NAMES (one per folder of CLASS_FOLDERS) as SOURCES names those folders now: a list made
// on the worker may arrive after the user renamed a class. Returns whether any name changed.
bool nameClassesAsSources(const DatasetSources& sources, const QStringList& classFolders, QStringList* classNames);

} // namespace exemplar::ui
