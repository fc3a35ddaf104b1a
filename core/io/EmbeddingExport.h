#pragma once
// Embeddings out of Exemplar for other tools: the N×d matrix as a NumPy .npy (float32) and, beside
// it, a CSV naming each row (file, class, content SHA-256), row i of one being line i of the other.
#include "EmbeddingSet.h"

#include <QString>

namespace exemplar {

// NPYPATH with its .npy suffix replaced by .csv (or .csv appended).
QString embeddingCsvPath(const QString& npyPath);

// Writes SET's rows, in its order, to NPYPATH and to embeddingCsvPath(NPYPATH), each atomically
// (a reader never sees half a file). Throws Error.
void exportEmbeddings(const EmbeddingSet& set, const QString& npyPath);

} // namespace exemplar
