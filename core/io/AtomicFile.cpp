#include "AtomicFile.h"

#include "Error.h"
#include "RegularFile.h"

#include <QDir>
#include <QSaveFile>

namespace exemplar {

void writeFileAtomically(const QString& path, const QByteArray& bytes)
{
    // QSaveFile writes a temporary file and renames it over PATH only on success; on failure its
    // destructor deletes the temporary file, so a previous file stays as it was.
    // Renaming over a device node, FIFO or socket would replace it with a regular file.
    prepareDestination(path);
    QSaveFile file(path);
    const auto fail = [&] {
        throw Error(QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    };
    // Unbuffered, and written until done: Qt reports a short write (the disk filling up midway)
    // without a reason, and only the next attempt yields the OS's "No space left on device".
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)) fail();
    for (qint64 written = 0; written < bytes.size();) {
        const qint64 n = file.write(bytes.constData() + written, bytes.size() - written);
        if (n <= 0) fail();
        written += n;
    }
    if (!file.commit()) fail();
}

} // namespace exemplar
