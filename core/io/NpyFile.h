#pragma once
// NumPy's .npy format (version 1.0) for a float32 matrix, so that embeddings go straight into
// numpy.load, scikit-learn or FiftyOne without a converter.
#include "Types.h"

#include <QByteArray>

namespace exemplar {

// The bytes of a C-order little-endian float32 array of shape (rows, cols).
QByteArray npyFloat32(const Matrix& matrix);

} // namespace exemplar
