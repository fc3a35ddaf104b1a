#include "LogisticRegression.h"

#include "Error.h"
#include "Feedback.h"

#include <memory>
#include <lbfgs.h>

#include <cmath>

namespace exemplar {

namespace {

struct Problem {
    Eigen::MatrixXd X;        // N×d
    std::vector<int> labels;
    int classes = 0;
    double C = 1;
    const Feedback* feedback = nullptr;
};

// Parameters are laid out as W (classes×d, column-major) followed by the biases.
lbfgsfloatval_t evaluate(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g, const int n, const lbfgsfloatval_t)
{
    const Problem& p = *static_cast<const Problem*>(instance);
    const Eigen::Index d = p.X.cols(), k = p.classes;
    const Eigen::Map<const Eigen::MatrixXd> W(x, k, d);
    const Eigen::Map<const Eigen::VectorXd> b(x + k * d, k);
    Eigen::Map<Eigen::MatrixXd> gW(g, k, d);
    Eigen::Map<Eigen::VectorXd> gb(g + k * d, k);

    Eigen::MatrixXd scores = (p.X * W.transpose()).rowwise() + b.transpose();  // N×k
    double loss = 0;
    for (Eigen::Index i = 0; i < scores.rows(); ++i) {
        // Softmax with the maximum subtracted, so exp never overflows.
        const double top = scores.row(i).maxCoeff();
        scores.row(i) = (scores.row(i).array() - top).exp().matrix();
        const double sum = scores.row(i).sum();
        loss += std::log(sum) + top - (std::log(scores(i, p.labels[size_t(i)])) + top);
        scores.row(i) /= sum;
        scores(i, p.labels[size_t(i)]) -= 1.0;  // now the gradient of the loss w.r.t. the scores
    }
    gW = p.C * scores.transpose() * p.X + W;
    gb = p.C * scores.colwise().sum().transpose();
    (void)n;
    return p.C * loss + 0.5 * W.squaredNorm();
}

int progress(void* instance, const lbfgsfloatval_t*, const lbfgsfloatval_t*, const lbfgsfloatval_t,
             const lbfgsfloatval_t, const lbfgsfloatval_t, const lbfgsfloatval_t, int, int, int)
{
    // A non-zero return stops L-BFGS: that is how a cancel reaches the solver.
    return isCanceled(static_cast<const Problem*>(instance)->feedback) ? 1 : 0;
}

} // namespace

LogisticRegressionModel fitLogisticRegression(const Matrix& X, const std::vector<int>& labels, int classCount,
                                              const LogisticRegressionOptions& options, const Feedback* feedback)
{
    if (X.rows() == 0 || size_t(X.rows()) != labels.size())
        throw Error(QStringLiteral("logistic regression needs one label per training photo"));
    if (classCount < 1) throw Error(QStringLiteral("logistic regression needs at least one class"));
    for (int label : labels)
        if (label < 0 || label >= classCount)
            throw Error(QStringLiteral("logistic regression: label %1 outside 0…%2").arg(label).arg(classCount - 1));
    Problem problem;
    problem.X = X.cast<double>();
    problem.labels = labels;
    problem.classes = classCount;
    problem.C = options.C;
    problem.feedback = feedback;

    const int d = int(X.cols());
    const int n = classCount * d + classCount;
    // Owned, so that a cancel (thrown below) does not leak the solver's buffer.
    const std::unique_ptr<lbfgsfloatval_t, void (*)(lbfgsfloatval_t*)> buffer(lbfgs_malloc(n), lbfgs_free);
    lbfgsfloatval_t* x = buffer.get();
    if (!x) throw Error(QStringLiteral("out of memory for logistic regression"));
    std::fill(x, x + n, 0.0);
    lbfgs_parameter_t parameters;
    lbfgs_parameter_init(&parameters);
    parameters.max_iterations = options.maxIterations;
    parameters.epsilon = 1e-6;
    lbfgsfloatval_t objective = 0;
    const int status = lbfgs(n, x, &objective, evaluate, progress, &problem, &parameters);
    throwIfCanceled(feedback);

    LogisticRegressionModel model;
    model.converged = status == LBFGS_SUCCESS || status == LBFGS_STOP || status == LBFGS_ALREADY_MINIMIZED;
    model.weights = Eigen::Map<const Eigen::MatrixXd>(x, classCount, d).cast<float>();
    model.bias = Eigen::Map<const Eigen::VectorXd>(x + classCount * d, classCount).cast<float>();

    std::vector<bool> present(size_t(classCount), false);
    for (int label : labels) present[size_t(label)] = true;
    for (int c = 0; c < classCount; ++c)
        if (!present[size_t(c)]) model.bias[c] = -1e6f;
    return model;
}

} // namespace exemplar
