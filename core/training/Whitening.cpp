#include "Whitening.h"

#include "Error.h"

#include <cblas-openblas.h>

#include <algorithm>
#include <vector>

namespace exemplar {

namespace {

// LAPACK's divide-and-conquer symmetric eigensolver, from OpenBLAS (whose LAPACK has no header of
// its own here). Several times faster than Eigen's solver in this plain x86-64 build.
extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                        double* work, const int* lwork, int* iwork, const int* liwork, int* info);

// Eigenvalues (descending) and eigenvectors (columns, same order) of the symmetric matrix S.
void symmetricEigen(Eigen::MatrixXd& S, Eigen::VectorXd& values)
{
    const int n = int(S.rows());
    values.resize(n);
    int info = 0, lwork = -1, liwork = -1, iworkSize = 0;
    double workSize = 0;
    dsyevd_("V", "L", &n, S.data(), &n, values.data(), &workSize, &lwork, &iworkSize, &liwork, &info);
    lwork = int(workSize);
    liwork = iworkSize;
    std::vector<double> work(size_t(std::max(1, lwork)));
    std::vector<int> iwork(size_t(std::max(1, liwork)));
    dsyevd_("V", "L", &n, S.data(), &n, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
    if (info != 0) throw Error(QStringLiteral("whitening: the eigendecomposition failed (LAPACK info %1)").arg(info));
    values.reverseInPlace();
    S.rowwise().reverseInPlace();
}

} // namespace

Whitening Whitening::fit(const Matrix& pool, const WhiteningOptions& options)
{
    if (pool.rows() < 2) throw Error(QStringLiteral("whitening needs at least two training photos"));
    Whitening w;
    w.center = pool.colwise().mean().transpose();
    // The covariance's eigenvectors come from the smaller of the two symmetric products of the
    // centered N×d pool: the d×d covariance itself, or, with fewer photos than dimensions, the
    // N×N Gram matrix, whose eigenvectors map onto the covariance's through the pool.
    const Eigen::MatrixXd centered = (pool.rowwise() - w.center.transpose()).cast<double>();
    const Eigen::Index N = centered.rows(), d = centered.cols();
    const bool gram = N < d;
    Eigen::MatrixXd S = Eigen::MatrixXd::Zero(gram ? N : d, gram ? N : d);
    cblas_dsyrk(CblasColMajor, CblasLower, gram ? CblasNoTrans : CblasTrans, int(S.rows()), int(gram ? d : N),
                1.0 / double(N), centered.data(), int(N), 0.0, S.data(), int(S.rows()));
    Eigen::VectorXd eigenvalues;
    symmetricEigen(S, eigenvalues);
    eigenvalues = eigenvalues.cwiseMax(0.0);
    const double largest = eigenvalues.size() ? eigenvalues.maxCoeff() : 0.0;
    Eigen::Index rank = 0;
    while (rank < eigenvalues.size() && eigenvalues[rank] > 1e-9 * largest) ++rank;
    if (rank == 0) throw Error(QStringLiteral("whitening needs training photos that differ"));
    const double epsilon = options.shrinkage * eigenvalues.head(rank).mean();

    // Rows: the covariance's eigenvectors (from the Gram's U: Aᵀu / sqrt(N·λ)).
    Eigen::MatrixXd projection =
        gram ? Eigen::MatrixXd((centered.transpose() * S.leftCols(rank)
                                * (eigenvalues.head(rank) * double(N)).cwiseSqrt().cwiseInverse().asDiagonal())
                                   .transpose())
             : Eigen::MatrixXd(S.leftCols(rank).transpose());  // r×d
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
