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

namespace {

// The principal axes of the centered pool: eigenvalues (descending, the nonzero ones) and the
// covariance's eigenvectors as the columns of BASIS (d×r); with WITH COORDINATES also each photo's
// coordinates on them (N×r; with more photos than dimensions that is one more N×d×r product, which
// only the within-class whitening needs).
struct PrincipalAxes {
    Eigen::VectorXd eigenvalues;
    Eigen::MatrixXd basis;
    Eigen::MatrixXd coordinates;
};

PrincipalAxes principalAxes(const Eigen::MatrixXd& centered, bool withCoordinates)
{
    // The covariance's eigenvectors come from the smaller of the two symmetric products of the
    // centered N×d pool: the d×d covariance itself, or, with fewer photos than dimensions, the
    // N×N Gram matrix, whose eigenvectors map onto the covariance's through the pool.
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

    PrincipalAxes axes;
    axes.eigenvalues = eigenvalues.head(rank);
    if (gram) {
        // Gram eigenvector u with eigenvalue λ: the photos' coordinates on the axis are u·sqrt(N·λ),
        // and the axis itself is Aᵀu / sqrt(N·λ).
        const Eigen::VectorXd scale = (axes.eigenvalues * double(N)).cwiseSqrt();
        axes.coordinates = S.leftCols(rank) * scale.asDiagonal();
        axes.basis = centered.transpose() * S.leftCols(rank) * scale.cwiseInverse().asDiagonal();
    } else {
        axes.basis = S.leftCols(rank);
        if (withCoordinates) axes.coordinates = centered * axes.basis;
    }
    return axes;
}

Eigen::MatrixXd centeredOn(const Matrix& pool, const Vector& center)
{
    return (pool.rowwise() - center.transpose()).cast<double>();
}

} // namespace

Whitening Whitening::fit(const Matrix& pool, const WhiteningOptions& options)
{
    if (pool.rows() < 2) throw Error(QStringLiteral("whitening needs at least two training photos"));
    Whitening w;
    w.center = pool.colwise().mean().transpose();
    const PrincipalAxes axes = principalAxes(centeredOn(pool, w.center), false);
    const double epsilon = options.shrinkage * axes.eigenvalues.mean();
    Eigen::MatrixXd projection = axes.basis.transpose();  // r×d
    if (options.scale) projection = (axes.eigenvalues.array() + epsilon).rsqrt().matrix().asDiagonal() * projection;
    w.projection = projection.cast<float>();
    return w;
}

Whitening Whitening::fitWithinClass(const Matrix& pool, const std::vector<int>& labels, double shrinkage,
                                     const Matrix* background, const std::vector<int>* backgroundKinds)
{
    if (pool.rows() < 2) throw Error(QStringLiteral("whitening needs at least two training photos"));
    if (labels.size() != size_t(pool.rows()))
        throw Error(QStringLiteral("within-class whitening: %1 labels for %2 photos").arg(labels.size()).arg(pool.rows()));
    if (!(shrinkage > 0)) throw Error(QStringLiteral("within-class whitening needs a positive shrinkage"));
    for (int label : labels)
        if (label < 0) throw Error(QStringLiteral("within-class whitening: a photo without a class"));
    const bool withBackground = background && background->rows() > 0;
    if (withBackground && background->cols() != pool.cols())
        throw Error(QStringLiteral("within-class whitening: background photos of another length"));
    if (withBackground && backgroundKinds && backgroundKinds->size() != size_t(background->rows()))
        throw Error(QStringLiteral("within-class whitening: %1 kinds for %2 background photos")
                        .arg(backgroundKinds->size()).arg(background->rows()));
    Whitening w;
    w.center = pool.colwise().mean().transpose();
    // The span of the pool and the background together; the rows' kinds as one list of groups,
    // the background's numbered after the pool's classes (−1: a photo without a group).
    const int classCount = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
    std::vector<int> groups = labels;
    Matrix stacked;  // pool and background, only when there is a background (the pool is not copied)
    if (withBackground) {
        stacked.resize(pool.rows() + background->rows(), pool.cols());
        stacked << pool, *background;
        for (Eigen::Index i = 0; i < background->rows(); ++i) {
            const int kind = backgroundKinds ? (*backgroundKinds)[size_t(i)] : -1;
            groups.push_back(kind >= 0 ? classCount + kind : -1);
        }
    }
    const PrincipalAxes axes = principalAxes(centeredOn(withBackground ? stacked : pool, w.center), true);

    // Each photo's offset from its group's mean, in the span's coordinates (a group of one photo
    // has no spread: its offset is zero; a photo without a group adds nothing).
    const int groupCount = groups.empty() ? 0 : std::max(0, *std::max_element(groups.begin(), groups.end()) + 1);
    Eigen::MatrixXd means = Eigen::MatrixXd::Zero(groupCount, axes.coordinates.cols());
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(groupCount);
    for (size_t i = 0; i < groups.size(); ++i) {
        if (groups[i] < 0) continue;
        means.row(groups[i]) += axes.coordinates.row(Eigen::Index(i));
        counts[groups[i]] += 1;
    }
    for (int g = 0; g < groupCount; ++g)
        if (counts[g] > 0) means.row(g) /= counts[g];
    Eigen::MatrixXd offsets = axes.coordinates;
    for (size_t i = 0; i < groups.size(); ++i) {
        if (groups[i] >= 0) offsets.row(Eigen::Index(i)) -= means.row(groups[i]);
        else offsets.row(Eigen::Index(i)).setZero();
    }

    const auto grouped = std::count_if(groups.begin(), groups.end(), [](int g) { return g >= 0; });
    Eigen::MatrixXd within = Eigen::MatrixXd::Zero(offsets.cols(), offsets.cols());
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, int(within.rows()), int(offsets.rows()),
                1.0 / double(grouped), offsets.data(), int(offsets.rows()), 0.0, within.data(),
                int(within.rows()));
    Eigen::VectorXd variances;
    symmetricEigen(within, variances);  // within's columns: the within-class axes, in span coordinates
    variances = variances.cwiseMax(0.0);
    const double epsilon = shrinkage * axes.eigenvalues.mean();
    const Eigen::MatrixXd projection =
        (variances.array() + epsilon).rsqrt().matrix().asDiagonal() * within.transpose() * axes.basis.transpose();
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
