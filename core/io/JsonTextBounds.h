#pragma once
// What a JSON text holds, bounded before parsing it. QJsonDocument takes about 9 bytes of memory
// per byte of a file of small values ("[0,0,0,…": a 200 MB one took 1.8 GB), and a value read as a
// QString takes twice its bytes again (UTF-16), then more to decode. Exemplar's own large files
// (reference sets, projects) hold their bulk as base64 text, which parses at about its own size.
// A reader refuses a file of far more values, or of a far longer text, than its kind holds before
// parsing it, rather than after gigabytes.
#include <QByteArray>

namespace exemplar {

// An upper bound on the values of the JSON text BYTES (every ',', '[' and '{' counted, also
// inside strings: a bound, not a parse).
qsizetype jsonValueCount(const QByteArray& bytes);

// The bytes of the longest string of the JSON text BYTES, between its quotes as written (escapes
// counted as written; a string left open runs to the end). Keys are strings too.
qsizetype longestJsonString(const QByteArray& bytes);

} // namespace exemplar
