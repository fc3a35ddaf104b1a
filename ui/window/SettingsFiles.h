#pragma once
// QSettings reads its files as it is made, and one that is not a regular file stops it: a FIFO in
// its place blocks the window before it ever shows, a folder loses every setting silently. Where
// one of its files is such, this session's settings are kept in a private folder instead, and
// the window says why they will not be remembered.

#include <QString>

namespace exemplar::ui {

// The first of the files QSettings would read (the user's and the system's, for this organization
// and application) that exists and is not a regular file, said as "PATH is a FIFO"; empty if none.
QString unusableSettingsFile();

// From now on every QSettings() of this process reads and writes FOLDER (an INI file) only.
void keepSettingsIn(const QString& folder);

} // namespace exemplar::ui
