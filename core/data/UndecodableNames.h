#pragma once
// File names that are not valid UTF-8 (e.g. "caf\xe9.jpg" written by a Latin-1 system). Qt 6
// decodes every file name as UTF-8 and turns the bad bytes into U+FFFD, so the name it lists no
// longer opens, and QDir leaves such entries out of its listings altogether. They cannot be read
// through a QString path, so they are found here with the raw bytes and skipped with a reason,
// never dropped silently.
#include "Dataset.h"

#include <QByteArray>
#include <QString>
#include <vector>

namespace exemplar {

// RAW as text, each byte that is not part of a valid UTF-8 sequence written as \xHH, so a
// report names the file exactly as a shell would escape it ("caf\xE9.jpg").
QString escapedFileName(const QByteArray& raw);

// The entries directly inside FOLDER whose names are not valid UTF-8, as FOLDER/escaped-name with
// the reason they cannot be read; hidden ones only where every listing names them (HiddenEntries.h).
std::vector<SkippedFile> entriesWithUndecodableNames(const QString& folder);

} // namespace exemplar
