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
// only the within-class whitening needs). PHOTOS (> 0): how many photos the rows stand for, when
// some rows are summaries of many (a background's weighted places and axes); the covariance is
// the rows' scatter over it. Otherwise one photo per row.
struct PrincipalAxes {
    Eigen::VectorXd eigenvalues;
    Eigen::MatrixXd basis;
    Eigen::MatrixXd coordinates;
};

PrincipalAxes principalAxes(const Eigen::MatrixXd& centered, bool withCoordinates, double photos = 0)
{
    // The covariance's eigenvectors come from the smaller of the two symmetric products of the
    // centered N×d pool: the d×d covariance itself, or, with fewer photos than dimensions, the
    // N×N Gram matrix, whose eigenvectors map onto the covariance's through the pool.
    const Eigen::Index N = centered.rows(), d = centered.cols();
    const bool gram = N < d;
    const double divisor = photos > 0 ? photos : double(N);
    Eigen::MatrixXd S = Eigen::MatrixXd::Zero(gram ? N : d, gram ? N : d);
    cblas_dsyrk(CblasColMajor, CblasLower, gram ? CblasNoTrans : CblasTrans, int(S.rows()), int(gram ? d : N),
                1.0 / divisor, centered.data(), int(N), 0.0, S.data(), int(S.rows()));
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
        // Gram eigenvector u with eigenvalue λ (of AAᵀ/divisor): the photos' coordinates on the axis
        // are u·sqrt(divisor·λ), and the axis itself is Aᵀu / sqrt(divisor·λ).
        const Eigen::VectorXd scale = (axes.eigenvalues * divisor).cwiseSqrt();
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

void requireMatchingBackground(const Matrix& pool, const Matrix& background, const std::vector<int>* kinds,
                               const QString& what)
{
    if (background.cols() != pool.cols())
        throw Error(QStringLiteral("%1: background photos of another length").arg(what));
    if (kinds && kinds->size() != size_t(background.rows()))
        throw Error(QStringLiteral("%1: %2 kinds for %3 background photos").arg(what).arg(kinds->size()).arg(background.rows()));
}


// The mean eigenvalue of the covariance of the pool (POOL_CENTERED: its rows minus CENTER) and the
// background together, around CENTER, from exact sums: their total squared distance to CENTER over
// the number of photos, over the rank of that covariance (photos in general position). What ε is
// relative to; the same as without a background, where it is the mean of the nonzero eigenvalues.
double jointMeanEigenvalue(const Eigen::MatrixXd& poolCentered, const BackgroundSpread& spread, const Vector& center,
                           Eigen::Index dim)
{
    const double photos = double(poolCentered.rows()) + double(spread.photos);
    const double sumOfSquares = poolCentered.squaredNorm() + spread.sumOfSquares
        + double(spread.photos) * (spread.mean - center).cast<double>().squaredNorm();
    const double rank = std::min(photos - 1.0, double(dim));
    return sumOfSquares / photos / std::max(1.0, rank);
}

} // namespace

std::shared_ptr<const BackgroundSpread> backgroundSummary(const Matrix& background, const std::vector<int>* kinds,
                                                         const Feedback* feedback)
{
    if (kinds) return BackgroundSpread::reused(background, *kinds, kMaxBackgroundAxes, feedback);
    return BackgroundSpread::reused(background, std::vector<int>(size_t(background.rows()), -1), kMaxBackgroundAxes,
                                    feedback);
}

Whitening Whitening::fit(const Matrix& pool, const WhiteningOptions& options, const Matrix* background,
                         const std::vector<int>* backgroundKinds)
{
    if (pool.rows() < 2) throw Error(QStringLiteral("whitening needs at least two training photos"));
    const bool withBackground = background && background->rows() > 0;
    if (withBackground) requireMatchingBackground(pool, *background, backgroundKinds, QStringLiteral("whitening"));
    Whitening w;
    PrincipalAxes axes;
    double epsilon = 0;
    if (!withBackground) {
        w.center = pool.colwise().mean().transpose();
        axes = principalAxes(centeredOn(pool, w.center), false);
        epsilon = options.shrinkage * axes.eigenvalues.mean();
    } else {
        // The covariance of the pool and the background together, around their joint mean, from the
        // background's bounded summary: each place weighted by the photos it stands for, plus the
        // leading axes of the spread around the places (within the kinds, and among the places when
        // there were too many to keep). The same fit as on every background photo when the summary
        // holds all of their spread, and measured as good when it does not (docs/accuracy.md, "A
        // bounded background").
        const std::shared_ptr<const BackgroundSpread> summary = backgroundSummary(*background, backgroundKinds);
        const BackgroundSpread& spread = *summary;
        const double photos = double(pool.rows()) + double(spread.photos);
        w.center = ((pool.colwise().sum().transpose().cast<double>() + double(spread.photos) * spread.mean.cast<double>())
                    / photos)
                       .cast<float>();
        const Eigen::MatrixXd poolCentered = centeredOn(pool, w.center);
        Eigen::MatrixXd places = centeredOn(spread.positions, w.center);
        places = spread.positionWeights.cast<double>().cwiseSqrt().asDiagonal() * places;
        Eigen::MatrixXd stacked(poolCentered.rows() + places.rows() + spread.betweenAxes.rows() + spread.withinAxes.rows(),
                                pool.cols());
        stacked << poolCentered, places, spread.betweenAxes.cast<double>(), spread.withinAxes.cast<double>();
        axes = principalAxes(stacked, false, photos);
        epsilon = options.shrinkage * jointMeanEigenvalue(poolCentered, spread, w.center, pool.cols());
    }
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
    if (withBackground)
        requireMatchingBackground(pool, *background, backgroundKinds, QStringLiteral("within-class whitening"));
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
    const std::shared_ptr<const BackgroundSpread> summary = backgroundSummary(*background, backgroundKinds);
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
    // around the pool's mean.
    return withinClassWhitening(w, axes.basis, offsets, double(poolRows) + double(spread.photosWithKind),
                                shrinkage * jointMeanEigenvalue(poolCentered, spread, w.center, pool.cols()));
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
