#include "NpyFile.h"

#include <QtEndian>

namespace exemplar {

QByteArray npyFloat32(const Matrix& matrix)
{
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "the array data is written as '<f4', the machine's order");
    QByteArray header = QStringLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (%1, %2), }")
                            .arg(matrix.rows()).arg(matrix.cols()).toLatin1();
    // The format pads the header with spaces and a final newline so that the data starts at a
    // multiple of 64 bytes (magic 6 + version 2 + length 2 + header).
    const int prefix = 10;
    while ((prefix + header.size() + 1) % 64 != 0) header.append(' ');
    header.append('\n');

    QByteArray bytes("\x93NUMPY\x01\x00", 8);
    const quint16 length = qToLittleEndian(quint16(header.size()));
    bytes.append(reinterpret_cast<const char*>(&length), sizeof length);
    bytes.append(header);
    // Matrix is row-major, so its storage is already C order.
    bytes.append(reinterpret_cast<const char*>(matrix.data()), qsizetype(sizeof(float) * size_t(matrix.size())));
    return bytes;
}

} // namespace exemplar
