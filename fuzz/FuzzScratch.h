// The fuzz targets hand the readers paths, so each input goes through a scratch file. The files
// live in one temporary folder per process, removed when the process ends normally (libFuzzer's
// end of runs, the corpus replay), so that the replay in every test run leaves nothing behind.
#pragma once

#include <QDir>
#include <QString>
#include <QTemporaryDir>
#include <cstdlib>

inline QString fuzzScratchPath(const char* name)
{
    static const QTemporaryDir folder(QDir::tempPath() + QStringLiteral("/exemplar-fuzz-XXXXXX"));
    if (!folder.isValid()) std::abort();
    return folder.filePath(QLatin1String(name));
}
