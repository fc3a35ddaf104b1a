#pragma once
// The trained reference set on disk (.exref): a self-describing JSON document with a format
// version, the model's identity (name, SHA-256 of the ONNX file, preprocessing), class names,
// every reference's source file, content hash and embedding (little-endian float32, base64, so a
// reload is bit-identical), the selection settings and the evaluation figures, sealed with a
// SHA-256 checksum of its content. Written atomically (QSaveFile: temp file, then rename).
// Format 2 adds the training photos' raw embeddings (half precision) that "unknown" is judged by
// (Familiarity.h); a format 1 file has none and keeps its rule: "unknown" below a best class score.
#include "ModelIdentity.h"
#include "ReferenceHead.h"

#include <QJsonObject>
#include <QString>

namespace exemplar {

constexpr int kReferenceSetFormatVersion = 2;

struct ReferenceSet {
    int formatVersion = kReferenceSetFormatVersion;
    QString createdAt;        // ISO 8601 UTC
    QString modelName;
    QString modelSha256;      // of the ONNX file
    QJsonObject preprocessing;
    QString method;
    QJsonObject selection;    // method details and settings
    QJsonObject evaluation;   // honest figures (held-out photos), or a note saying there are none
    QJsonObject extra;        // free-form additions (e.g. held-out file list)
    ReferenceHead head;
};

// Throws Error (clear message, destination untouched) when the file cannot be written.
void writeReferenceSet(const ReferenceSet& set, const QString& path);
// Throws Error for a missing, damaged, foreign or newer-version file.
ReferenceSet readReferenceSet(const QString& path);

// A digest of everything writeReferenceSet writes of SET: two sets with the same fingerprint write
// the same file. Lets a caller keep a file that already holds SET instead of writing it again
// (seconds for a large set; the digest takes a small fraction of that).
QByteArray referenceSetFingerprint(const ReferenceSet& set);

// Whether FIRST_BYTES begin a reference set as writeReferenceSet writes them (a JSON object whose
// first key is "checksum"): what an output path may be replaced with a new set.
bool startsLikeReferenceSet(const QByteArray& firstBytes);
// Throws ModelMismatch when SET was made with another model than LOADED.
void requireSameModel(const ReferenceSet& set, const ModelIdentity& loaded);

} // namespace exemplar
