#pragma once
// Which network made a set of embeddings, as far as a reference set needs to know: its name, the
// SHA-256 of its ONNX file and the size of its embeddings. A plain value, so that files and checks
// that only compare identities need no network runtime.
#include <QString>

namespace exemplar {

struct ModelIdentity {
    QString name;
    QString sha256;  // hex, of the ONNX file
    int dim = 0;
};

} // namespace exemplar
