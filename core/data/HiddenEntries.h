#pragma once
// Hidden entries: names that start with a dot. Most are a system's or a program's (.DS_Store, a
// Mac's "._photo.jpg" beside every photo on a foreign disk, .Trashes, .git) and are passed over
// in silence. But a hidden file with a photo's extension may be a photo someone hid, and a hidden
// folder may hold photos (Picasa's .picasaoriginals keeps the originals there): those are never
// read, and named, so that nothing goes unread unsaid.
#include <QString>

namespace exemplar {

// Whether FILE_NAME is hidden (starts with a dot).
bool isHiddenName(const QString& fileName);

// Why the hidden entry FILE_NAME (a folder when IS_FOLDER) is listed as skipped; empty when it is
// passed over in silence, and for a name that is not hidden.
QString hiddenEntrySkipReason(const QString& fileName, bool isFolder);

} // namespace exemplar
