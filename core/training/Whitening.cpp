#include "Whitening.h"

#include "BackgroundSpread.h"
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

// Each photo's offset from its class's mean (rows of COORDINATES, one class label per row).
Eigen::MatrixXd classOffsets(const Eigen::MatrixXd& coordinates, const std::vector<int>& labels)
{
    const int classCount = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
    Eigen::MatrixXd means = Eigen::MatrixXd::Zero(classCount, coordinates.cols());
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(classCount);
    for (size_t i = 0; i < labels.size(); ++i) {
        means.row(labels[i]) += coordinates.row(Eigen::Index(i));
        counts[labels[i]] += 1;
    }
    for (int c = 0; c < classCount; ++c)
        if (counts[c] > 0) means.row(c) /= counts[c];
    Eigen::MatrixXd offsets = coordinates;
    for (size_t i = 0; i < labels.size(); ++i) offsets.row(Eigen::Index(i)) -= means.row(labels[i]);
    return offsets;
}

// The whitening of the scatter of OFFSETS (rows: offsets within a class, in the coordinates of the
// span whose axes are BASIS's columns) over PHOTOS photos: each of its axes divided by
// sqrt(variance + EPSILON).
Whitening withinClassWhitening(Whitening w, const Eigen::MatrixXd& basis, const Eigen::MatrixXd& offsets, double photos,
                               double epsilon)
{
    Eigen::MatrixXd within = Eigen::MatrixXd::Zero(offsets.cols(), offsets.cols());
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, int(within.rows()), int(offsets.rows()), 1.0 / photos,
                offsets.data(), int(offsets.rows()), 0.0, within.data(), int(within.rows()));
    Eigen::VectorXd variances;
    symmetricEigen(within, variances);  // within's columns: the within-class axes, in span coordinates
    variances = variances.cwiseMax(0.0);
    const Eigen::MatrixXd projection =
        (variances.array() + epsilon).rsqrt().matrix().asDiagonal() * within.transpose() * basis.transpose();
    w.projection = projection.cast<float>();
    return w;
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
    const Eigen::MatrixXd poolCentered = centeredOn(pool, w.center);
    if (!withBackground) {
        const PrincipalAxes axes = principalAxes(poolCentered, true);
        return withinClassWhitening(w, axes.basis, classOffsets(axes.coordinates, labels), double(pool.rows()),
                                    shrinkage * axes.eigenvalues.mean());
    }

    // The span of the pool and the background (through its bounded summary: the kinds' places and
    // the leading axes of the spread within them); the within-class scatter adds the background's
    // spread within its kinds to the pool's within its classes.
    const std::vector<int> noKinds(size_t(background->rows()), -1);
    const std::shared_ptr<const BackgroundSpread> summary =
        BackgroundSpread::reused(*background, backgroundKinds ? *backgroundKinds : noKinds);
    const BackgroundSpread& spread = *summary;
    const Eigen::Index poolRows = pool.rows(), positionRows = spread.positions.rows(),
                       betweenRows = spread.betweenAxes.rows(), withinRows = spread.withinAxes.rows();
    Eigen::MatrixXd stacked(poolRows + positionRows + betweenRows + withinRows, pool.cols());
    stacked << poolCentered, centeredOn(spread.positions, w.center), spread.betweenAxes.cast<double>(),
        spread.withinAxes.cast<double>();
    const PrincipalAxes axes = principalAxes(stacked, true);
    Eigen::MatrixXd offsets(poolRows + withinRows, axes.coordinates.cols());
    offsets << classOffsets(axes.coordinates.topRows(poolRows), labels), axes.coordinates.bottomRows(withinRows);

    // ε is relative to the mean eigenvalue of the covariance of all photos, pool and background,
    // around the pool's mean: their total squared distance over the rank of that covariance.
    const double photos = double(poolRows) + double(spread.photos);
    const double sumOfSquares = poolCentered.squaredNorm() + spread.sumOfSquares
        + double(spread.photos) * (spread.mean - w.center).cast<double>().squaredNorm();
    const double rank = std::min(photos - 1.0, double(pool.cols()));
    const double meanEigenvalue = sumOfSquares / photos / std::max(1.0, rank);
    return withinClassWhitening(w, axes.basis, offsets, double(poolRows) + double(spread.photosWithKind),
                                shrinkage * meanEigenvalue);
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
