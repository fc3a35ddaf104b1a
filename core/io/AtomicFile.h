#pragma once
// Writing a whole file so that readers only ever see the old or the new content: a temporary
// file beside PATH, renamed over it on success, deleted on failure (QSaveFile).
#include <QByteArray>
#include <QString>

namespace exemplar {

// Throws Error ("cannot write PATH: reason") on failure, and when PATH exists but is not a regular
// file (a device, FIFO, socket or folder); PATH is then left as it was.
void writeFileAtomically(const QString& path, const QByteArray& bytes);

} // namespace exemplar
