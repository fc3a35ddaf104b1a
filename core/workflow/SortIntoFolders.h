#pragma once
// Classified photos filed into one folder per class plus one for "unknown" (copied, or linked to
// where they are): what a user does with a pile of unlabeled photos once a reference set is
// trained. Shared by `exemplar-cli classify --sort-into` and the GUI's Classify view.
//
// Nothing is overwritten and nothing is half-written: a copy is written beside its destination
// and renamed into place; a name already taken by another file gets " (2)", " (3)", …; a photo
// already filed there (same bytes, or a link to the same photo) is left alone, so sorting again
// after new photos arrived files only the new ones.
#include "Dataset.h"
#include "Feedback.h"

#include <QString>
#include <utility>
#include <vector>

namespace exemplar {

struct PhotoToFile {
    QString path;
    QString className;  // empty: unknown
};

struct PhotoToPlace {
    QString path;
    QString folder;  // where it goes (created if needed)
};

enum class FilingAction { Copy, Link };

struct FilingOutcome {
    int filed = 0;         // copied or linked now
    int alreadyFiled = 0;  // found in place from an earlier run
    std::vector<SkippedFile> failed;
    // Filed under another name (" (2)", …) because a different file had its own: {photo, where}.
    std::vector<std::pair<QString, QString>> renamed;
};

// The folder a class's photos go to: the class name made safe as one path component (no
// separators, not "." or ".."), and for "unknown" a name no class can have taken.
QString classFolderName(const QString& className);
QString unknownFolderName(const QStringList& classNames);
// Every class's folder, in CLASS NAMES' order, distinct even where made-safe names meet ("a/b" and
// "a_b") and on file systems that ignore case or Unicode normalization (USB drives, macOS:
// "Daisy" and "daisy"): a later class gets " (2)", so no two classes are ever merged in one folder.
QStringList classFolderNames(const QStringList& classNames);

// OUT made ready to file into (created if needed), so that a wrong OUT is refused before any
// photo is classified. Throws Error if OUT exists and is not a folder, or cannot be created.
void prepareFilingFolder(const QString& out);

// Files PHOTOS under OUT (created if needed). Throws Error if OUT cannot be made a folder; a
// photo that cannot be filed is reported in `failed` and the rest go on. Reports progress per
// photo; a cancel (OperationCanceled) stops between photos, leaving those filed so far in place.
FilingOutcome fileIntoClassFolders(const std::vector<PhotoToFile>& photos, const QStringList& classNames,
                                   const QString& out, FilingAction action, const Feedback* feedback = nullptr);

// Files each photo into its own FOLDER, with the same rules (nothing overwritten or half-written,
// photos there already left alone): how photos labeled by hand join their class folders.
FilingOutcome fileIntoFolders(const std::vector<PhotoToPlace>& photos, FilingAction action,
                              const Feedback* feedback = nullptr);

} // namespace exemplar
