#pragma once
// Embeddings out of Exemplar for other tools: the N×d matrix as a NumPy .npy (float32) and, beside
// it, a CSV naming each row (file, class, content SHA-256), row i of one being line i of the other.
#include "EmbeddingSet.h"

#include <QString>

namespace exemplar {

// NPYPATH with its .npy suffix replaced by .csv.
QString embeddingCsvPath(const QString& npyPath);

// Throws Error, before any work, when NPYPATH cannot take the embeddings: it does not end in .npy
// (".csv" would write the array under the CSV's name), its folder is not writable, or it or its
// CSV exists as a file of another kind (a photo of the dataset, a reference set): those are left
// as they are. An earlier export of embeddings is replaced.
void refuseUnsuitableEmbeddingOutput(const QString& npyPath);

// Writes SET's rows, in its order, to NPYPATH and to embeddingCsvPath(NPYPATH), each atomically
// (a reader never sees half a file), after refuseUnsuitableEmbeddingOutput. Throws Error.
void exportEmbeddings(const EmbeddingSet& set, const QString& npyPath);

} // namespace exemplar
