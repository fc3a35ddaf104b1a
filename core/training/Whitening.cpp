#include "Whitening.h"

#include "Error.h"

#include <Eigen/SVD>

namespace exemplar {

Whitening Whitening::fit(const Matrix& pool, const WhiteningOptions& options)
{
    if (pool.rows() < 2) throw Error(QStringLiteral("whitening needs at least two training photos"));
    Whitening w;
    w.center = pool.colwise().mean().transpose();
    // The SVD of the centered N×d pool gives the covariance's eigenvectors without forming the
    // d×d covariance; N is small (a dozen photos per class), so this is cheap.
    const Eigen::MatrixXd centered = (pool.rowwise() - w.center.transpose()).cast<double>();
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(centered, Eigen::ComputeThinV);
    const Eigen::VectorXd eigenvalues = svd.singularValues().array().square() / double(pool.rows());
    const double largest = eigenvalues.size() ? eigenvalues.maxCoeff() : 0.0;
    Eigen::Index rank = 0;
    while (rank < eigenvalues.size() && eigenvalues[rank] > 1e-9 * largest) ++rank;
    if (rank == 0) throw Error(QStringLiteral("whitening needs training photos that differ"));
    const double epsilon = options.shrinkage * eigenvalues.head(rank).mean();

    Eigen::MatrixXd projection = svd.matrixV().leftCols(rank).transpose();  // r×d
    if (options.scale)
        projection = (eigenvalues.head(rank).array() + epsilon).rsqrt().matrix().asDiagonal() * projection;
    w.projection = projection.cast<float>();
    return w;
}

Matrix Whitening::apply(const Matrix& X) const
{
    Matrix Y = (X.rowwise() - center.transpose()) * projection.transpose();
    for (Eigen::Index i = 0; i < Y.rows(); ++i) {
        const float norm = Y.row(i).norm();
        if (norm > 0) Y.row(i) /= norm;
    }
    return Y;
}

} // namespace exemplar
