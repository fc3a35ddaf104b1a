#pragma once
// Shared numeric types. Embeddings are rows: a matrix holds one photo per row (N×d), so that a
// row block is one photo's vector and A·Aᵀ is the photo-by-photo similarity of the article.
#include <Eigen/Core>

namespace exemplar {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
using RowVector = Eigen::RowVectorXf;

} // namespace exemplar
