#pragma once
// Writing a whole file so that readers only ever see the old or the new content: a temporary
// file beside PATH, renamed over it on success, deleted on failure (QSaveFile).
#include <QByteArray>
#include <QString>
#include <vector>

namespace exemplar {

// Throws Error ("cannot write PATH: reason") on failure, and when PATH exists but is not a regular
// file (a device, FIFO, socket or folder); PATH is then left as it was.
void writeFileAtomically(const QString& path, const QByteArray& bytes);

// Files that belong together (an .npy and the .csv that names its rows): every one is written in
// full beside its path before any replaces its old version, so a full disk or an unwritable path
// leaves all of them as they were, never a new one beside an old one. (Only a failing rename
// after the writes, not a full disk, could still part them.) Throws Error as above.
struct FileContent {
    QString path;
    QByteArray bytes;
};
void writeFilesAtomically(const std::vector<FileContent>& files);

} // namespace exemplar
