#include "GaussianProcess.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

// Kernel: squared exponential, k(a,b) = s²·exp(−|a−b|²/(2ℓ²)), one ℓ shared by all coordinates.
// Per-coordinate length scales would need gradient-based fitting and more points than the
// optimizer ever has (a few dozen in up to ~25 dimensions); one shared ℓ is all a grid can fit.

namespace exemplar {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kInvSqrt2 = 0.70710678118654752440;

double squaredExponential(double squaredDistance, double signal, double lengthScale)
{
    return signal * std::exp(-0.5 * squaredDistance / (lengthScale * lengthScale));
}

// The same, elementwise; Eigen's vectorized exp makes this several times faster than a loop, and
// the kernel matrix is recomputed for every grid point of every fit.
template <typename Derived>
auto squaredExponential(const Eigen::ArrayBase<Derived>& squaredDistances, double signal, double lengthScale)
{
    return signal * (squaredDistances * (-0.5 / (lengthScale * lengthScale))).exp();
}

Eigen::MatrixXd squaredDistances(const Eigen::MatrixXd& X)
{
    const Eigen::VectorXd norms = X.rowwise().squaredNorm();
    Eigen::MatrixXd d = -2.0 * X * X.transpose();
    d.colwise() += norms;
    d.rowwise() += norms.transpose();
    return d.cwiseMax(0.0);  // cancellation can leave tiny negatives
}

} // namespace

double GaussianProcess::kernel(const Eigen::RowVectorXd& a, const Eigen::RowVectorXd& b) const
{
    return squaredExponential((a - b).squaredNorm(), signal_, lengthScale_);
}

// noiseRatio is the noise variance relative to the signal variance. For a given ℓ and ratio the
// signal variance that maximizes the likelihood has a closed form, so the grid only spans two
// parameters while the fit still gets all three; with s² fixed, the likelihood would have to pick
// a short ℓ to explain any steep trend, which makes the surrogate needlessly wiggly.
bool GaussianProcess::factorize(double lengthScale, double noiseRatio, double* logLikelihood)
{
    const double n = double(X_.rows());
    const Eigen::MatrixXd C = squaredExponential(squaredDistances(X_).array(), 1.0, lengthScale).matrix();
    // Near-duplicate inputs with a tiny noise term make C numerically singular; a little jitter
    // costs nothing in fit quality at these noise levels.
    for (double jitter : {0.0, 1e-8, 1e-6, 1e-4}) {
        Eigen::MatrixXd A = C;
        A.diagonal().array() += noiseRatio + jitter;
        const Eigen::LLT<Eigen::MatrixXd> llt(A);
        if (llt.info() != Eigen::Success) continue;
        const Eigen::VectorXd a = llt.solve(yCentered_);
        const double quadratic = yCentered_.dot(a);
        // y is standardized, so s² is near 1 unless the data are flat; the floor keeps some
        // uncertainty there instead of a degenerate zero-variance prior.
        const double signal = std::max(quadratic / n, 1e-2);
        L_ = llt.matrixL();
        if (logLikelihood)
            *logLikelihood = -0.5 * quadratic / signal - 0.5 * n * std::log(signal) -
                             L_.diagonal().array().log().sum() - 0.5 * n * kLog2Pi;
        L_ *= std::sqrt(signal);
        alpha_ = a / signal;
        lengthScale_ = lengthScale;
        signal_ = signal;
        noise_ = (noiseRatio + jitter) * signal;
        return true;
    }
    return false;
}

void GaussianProcess::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y)
{
    X_ = X;
    const Eigen::Index n = y.size();
    yMean_ = n > 0 ? y.mean() : 0.0;
    const double variance = n > 1 ? (y.array() - yMean_).square().sum() / double(n - 1) : 0.0;
    // A flat objective (all values equal) is common early on plateaus; keep the unit scale then.
    yScale_ = variance > 1e-24 ? std::sqrt(variance) : 1.0;
    yCentered_ = (y.array() - yMean_) / yScale_;
    signal_ = 1.0;
    if (n == 0) {
        L_.resize(0, 0);
        alpha_.resize(0);
        return;
    }

    // Distances between points in the unit cube grow like √D, so the grid is relative to that.
    const double typical = std::sqrt(double(std::max<Eigen::Index>(X.cols(), 1)));
    double bestLengthScale = typical, bestNoiseRatio = 1.0;
    double bestLikelihood = -std::numeric_limits<double>::infinity();
    for (double relative : {0.05, 0.1, 0.2, 0.35, 0.6, 1.0, 1.7}) {
        for (double noiseRatio : {1e-5, 1e-3, 1e-2, 0.05, 0.2}) {
            double likelihood = 0;
            if (factorize(relative * typical, noiseRatio, &likelihood) && likelihood > bestLikelihood) {
                bestLikelihood = likelihood;
                bestLengthScale = relative * typical;
                bestNoiseRatio = noiseRatio;
            }
        }
    }
    // C + I is always positive definite, so the fallback cannot fail.
    if (!factorize(bestLengthScale, bestNoiseRatio, nullptr)) factorize(typical, 1.0, nullptr);
}

void GaussianProcess::predict(const Eigen::RowVectorXd& x, double* mean, double* stddev) const
{
    double m = 0, variance = signal_;
    if (X_.rows() > 0) {
        const Eigen::ArrayXd d2 = (X_.rowwise() - x).rowwise().squaredNorm();  // stored so exp vectorizes
        const Eigen::VectorXd k = squaredExponential(d2, signal_, lengthScale_).matrix();
        m = k.dot(alpha_);
        const Eigen::VectorXd v = L_.triangularView<Eigen::Lower>().solve(k);
        variance = kernel(x, x) - v.squaredNorm();
    }
    if (mean) *mean = yMean_ + yScale_ * m;
    if (stddev) *stddev = yScale_ * std::sqrt(std::max(variance, 0.0));
}

double expectedImprovement(double mean, double stddev, double best, double xi)
{
    const double gain = mean - best - xi;
    if (!(stddev > 0)) return std::max(gain, 0.0);
    const double z = gain / stddev;
    const double cdf = 0.5 * std::erfc(-z * kInvSqrt2);
    const double pdf = kInvSqrt2Pi * std::exp(-0.5 * z * z);
    return std::max(gain * cdf + stddev * pdf, 0.0);
}

} // namespace exemplar
