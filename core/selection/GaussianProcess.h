#pragma once
// A small Gaussian-process regressor (squared-exponential kernel, noise term, hyperparameters by
// maximum marginal likelihood over a coarse grid) used as the Bayesian optimizer's surrogate.
#include <Eigen/Core>

namespace exemplar {

class GaussianProcess {
public:
    // X: n×D inputs scaled to [0,1]; y: n values. Refits hyperparameters.
    void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y);
    // Posterior mean and standard deviation at x (1×D), in the units of y.
    void predict(const Eigen::RowVectorXd& x, double* mean, double* stddev) const;

    double lengthScale() const { return lengthScale_; }

private:
    double kernel(const Eigen::RowVectorXd& a, const Eigen::RowVectorXd& b) const;
    bool factorize(double lengthScale, double noise, double* logLikelihood);

    Eigen::MatrixXd X_;
    Eigen::VectorXd yCentered_;
    double yMean_ = 0, yScale_ = 1;
    double lengthScale_ = 0.3, noise_ = 1e-3, signal_ = 1.0;
    Eigen::MatrixXd L_;      // Cholesky factor of K + noise·I
    Eigen::VectorXd alpha_;  // (K + noise·I)⁻¹ y
};

// Expected improvement of a normal(mean, stddev) over the incumbent best (maximization).
double expectedImprovement(double mean, double stddev, double best, double xi = 0.0);

} // namespace exemplar
