#pragma once
// exemplar-cli export-onnx SET.exref OUT.onnx: the model and the reference set as one ONNX file.
#include <QStringList>

namespace exemplar::cli {

int runExportOnnx(const QStringList& args);

} // namespace exemplar::cli
