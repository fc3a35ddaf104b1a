#pragma once
// A labeled photo collection: one folder per class. Scanning only lists files; decoding happens
// while embedding, where unreadable photos join the same skipped list with their reason.
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace exemplar {

class Feedback;

struct Photo {
    QString path;
    int classIndex = -1;
};

struct SkippedFile {
    QString path;
    QString reason;
};

// [{path, reason}, …]: how files, reports and reference sets list skipped files.
QJsonArray skippedFilesJson(const std::vector<SkippedFile>& skipped);

// How class folders are read.
struct ScanOptions {
    // Photos in subfolders of a class folder (sorted by date, by camera, …) belong to the class,
    // at any depth. Off: subfolders are skipped and reported.
    bool recursive = true;
};

struct Dataset {
    QStringList classNames;         // sorted by folder name, unique
    QStringList classFolders;       // absolute paths, parallel to classNames
    std::vector<Photo> photos;      // ordered by class, then path (a subfolder's photos where it sorts)
    std::vector<SkippedFile> skipped;
    QStringList warnings;           // e.g. empty class, one-photo class

    int classCount() const { return classNames.size(); }
    int photoCount() const { return int(photos.size()); }
    std::vector<int> photosPerClass() const;

    // ROOT's immediate subfolders are the classes. Throws Error if ROOT is not a readable folder
    // or has no class folders. FEEDBACK, when given, hears which class folder is being listed and
    // may stop the listing (OperationCanceled) between any two entries: a folder of a whole disk
    // takes minutes to list, and a window must be able to give up on it.
    static Dataset scan(const QString& root, const ScanOptions& options = {}, const Feedback* feedback = nullptr);
    // Each folder is one class named after it (what the GUI gets when folders are dropped).
    static Dataset fromClassFolders(const QStringList& folders, const ScanOptions& options = {},
                                    const Feedback* feedback = nullptr);
    // Listed photo files, each of the class named after its parent folder (a/rose/1.jpg and
    // b/rose/2.jpg are both "rose"): what `embed --files-from` reads. Classes in name order,
    // each class's photos in list order; missing, unreadable and repeated files are skipped.
    static Dataset fromFiles(const QStringList& files);
};

} // namespace exemplar
