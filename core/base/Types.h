#pragma once
// Shared numeric types. Embeddings are rows: a matrix holds one photo per row (N×d), so that a
// row block is one photo's vector and A·Aᵀ is the photo-by-photo similarity of the article.
#include <Eigen/Core>

namespace exemplar {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
using RowVector = Eigen::RowVectorXf;

// What every embedding read from anywhere (the network, the cache, a project index) must be:
// finite and of unit length up to float rounding. A damaged vector fails this long before it
// could pass as a photo (a flipped exponent bit makes a value 10³⁴ times too large).
inline bool isUnitEmbedding(const Vector& v)
{
    if (v.size() == 0 || !v.allFinite()) return false;
    const float squaredNorm = v.squaredNorm();
    return squaredNorm > 1.0f - 1e-3f && squaredNorm < 1.0f + 1e-3f;
}

} // namespace exemplar
