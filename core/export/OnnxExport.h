#pragma once
// One-file deployment: the embedder's ONNX graph followed by a reference set's classifier, so
// that any ONNX runtime classifies photos without Exemplar. The added graph is exactly
// ReferenceHead::predict: L2-normalize the embedding; if the set has a transform, subtract the
// center, apply the projection and L2-normalize again; score every reference (Gemm with the
// reference matrix and biases); take each class's best reference (MaxPool over a class's row of
// references, padded with copies of its own first reference). Output "scores" is [1, classes];
// the class names are in metadata_props (key "exemplar.classes", a JSON list). Opset 10 only, so
// that OpenCV 4.6 DNN loads the result too.
#include "ModelSpec.h"
#include "ReferenceSetFile.h"

#include <QByteArray>
#include <QString>

namespace exemplar {

inline const QString kOnnxScoresOutput = QStringLiteral("scores");
inline const QString kOnnxClassesKey = QStringLiteral("exemplar.classes");

// EMBEDDER_ONNX (the model SPEC describes) extended with SET's classifier. Throws ModelMismatch
// when SET was made with another model, Error when it has no references or the model lacks the
// spec's embedding output.
QByteArray classifierOnnx(const QByteArray& embedderOnnx, const ModelSpec& spec, const ReferenceSet& set);

// Reads SPEC's ONNX file and writes the classifier to PATH atomically (a previous file stays
// intact on failure). Throws ModelMismatch or Error as above.
void exportClassifierOnnx(const ReferenceSet& set, const ModelSpec& spec, const QString& path);

// Whether FIRST_BYTES begin an ONNX model: a ModelProto starts with its ir_version (field 1, a
// varint: the byte 0x08). What an output path may be replaced with a new model.
inline bool startsLikeOnnxModel(const QByteArray& firstBytes) { return firstBytes.startsWith('\x08'); }

} // namespace exemplar
