#include "AtomicFile.h"

#include "Error.h"
#include "RegularFile.h"

#include <QDir>
#include <QSaveFile>
#include <memory>

namespace exemplar {

namespace {

[[noreturn]] void failWriting(const QString& path, const QSaveFile& file)
{
    throw Error(QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
}

// Opens FILE and writes BYTES to its temporary file (not yet renamed over the path).
void writeUncommitted(QSaveFile& file, const QString& path, const QByteArray& bytes)
{
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered) || !writeAll(file, bytes)) failWriting(path, file);
}

} // namespace

void writeFileAtomically(const QString& path, const QByteArray& bytes) { writeFilesAtomically({{path, bytes}}); }

void writeFilesAtomically(const std::vector<FileContent>& files)
{
    // QSaveFile writes a temporary file and renames it over PATH only on commit; a QSaveFile
    // destroyed uncommitted deletes its temporary file, so the previous files stay as they were.
    // Renaming over a device node, FIFO or socket would replace it with a regular file.
    for (const FileContent& file : files) prepareDestination(file.path);
    std::vector<std::unique_ptr<QSaveFile>> saving;
    for (const FileContent& file : files) {
        saving.push_back(std::make_unique<QSaveFile>(file.path));
        writeUncommitted(*saving.back(), file.path, file.bytes);
    }
    for (size_t i = 0; i < files.size(); ++i)
        if (!saving[i]->commit()) failWriting(files[i].path, *saving[i]);
}

} // namespace exemplar
