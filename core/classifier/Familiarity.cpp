#include "Familiarity.h"

#include <QFloat16>
#include <algorithm>
#include <limits>

namespace exemplar {

namespace {
constexpr Eigen::Index kBlockRows = 256;
}

Matrix familiarPhotos(const Matrix& embeddings)
{
    Matrix photos = embeddings;
    for (Eigen::Index r = 0; r < photos.rows(); ++r) {
        const float norm = photos.row(r).norm();
        if (norm > 0) photos.row(r) /= norm;
    }
    for (Eigen::Index i = 0; i < photos.size(); ++i) photos.data()[i] = float(qfloat16(photos.data()[i]));
    return photos;
}

float nearestPhotoCosine(const Matrix& photos, const Vector& embedding)
{
    if (photos.rows() == 0) return -std::numeric_limits<float>::infinity();
    const float norm = embedding.norm();
    const Vector query = norm > 0 ? Vector(embedding / norm) : embedding;
    return (photos * query).maxCoeff();
}

Vector nearestPhotoCosines(const Matrix& photos, const Matrix& queries)
{
    Vector best = Vector::Constant(queries.rows(), -std::numeric_limits<float>::infinity());
    if (photos.rows() == 0) return best;
    for (Eigen::Index start = 0; start < queries.rows(); start += kBlockRows) {
        const Eigen::Index rows = std::min(kBlockRows, queries.rows() - start);
        Matrix block = queries.middleRows(start, rows);
        for (Eigen::Index r = 0; r < rows; ++r) {
            const float norm = block.row(r).norm();
            if (norm > 0) block.row(r) /= norm;
        }
        const Matrix cosines = block * photos.transpose();
        best.segment(start, rows) = cosines.rowwise().maxCoeff();
    }
    return best;
}

} // namespace exemplar
