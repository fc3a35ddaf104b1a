#include "LogisticRegression.h"

#include "Error.h"
#include "Feedback.h"

#include <cblas-openblas.h>
#include <lbfgs.h>

#include <cmath>
#include <memory>

namespace exemplar {

namespace {

struct Problem {
    Eigen::MatrixXf X;  // N×d (column-major, as BLAS is called below), in float like the embeddings
    std::vector<int> labels;
    int classes = 0;
    double C = 1;
    const Feedback* feedback = nullptr;
    // Buffers reused by every evaluation.
    Eigen::MatrixXf weights;       // classes×d
    Eigen::MatrixXf scores;        // classes×N
    Eigen::MatrixXf lossGradient;  // classes×d
};

// Parameters are laid out as W (classes×d, column-major) followed by the biases. The two products
// (scores and gradient, 2·N·d·classes multiply-adds each) are all of the cost at many classes; they
// run in single precision in OpenBLAS, whose kernels are chosen for the CPU at run time (this build
// targets plain x86-64, so Eigen's own products would use SSE2 only: bench/auto_training). The
// embeddings are floats anyway; the softmax, the sums and the optimizer's state stay in double.
lbfgsfloatval_t evaluate(void* instance, const lbfgsfloatval_t* x, lbfgsfloatval_t* g, const int n, const lbfgsfloatval_t)
{
    Problem& p = *static_cast<Problem*>(instance);
    const Eigen::Index N = p.X.rows(), d = p.X.cols(), k = p.classes;
    const Eigen::Map<const Eigen::MatrixXd> W(x, k, d);
    const Eigen::Map<const Eigen::VectorXd> b(x + k * d, k);
    Eigen::Map<Eigen::MatrixXd> gW(g, k, d);
    Eigen::Map<Eigen::VectorXd> gb(g + k * d, k);

    p.weights = W.cast<float>();
    // One column per photo (k×N), so that each photo's softmax runs over contiguous memory.
    p.scores.resize(k, N);
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasTrans, int(k), int(N), int(d), 1.0f, p.weights.data(), int(k),
                p.X.data(), int(N), 0.0f, p.scores.data(), int(k));
    double loss = 0;
    gb.setZero();
    Eigen::VectorXd column(k);
    for (Eigen::Index i = 0; i < N; ++i) {
        column = p.scores.col(i).cast<double>() + b;
        // Softmax with the maximum subtracted, so exp never overflows.
        const double top = column.maxCoeff();
        const int label = p.labels[size_t(i)];
        const double labelScore = column[label];
        column = (column.array() - top).exp().matrix();
        const double sum = column.sum();
        loss += std::log(sum) + top - labelScore;
        column /= sum;
        column[label] -= 1.0;  // now the gradient of the loss w.r.t. the scores
        gb += column;
        p.scores.col(i) = column.cast<float>();
    }
    p.lossGradient.resize(k, d);
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, int(k), int(d), int(N), 1.0f, p.scores.data(), int(k),
                p.X.data(), int(N), 0.0f, p.lossGradient.data(), int(k));
    gW = p.C * p.lossGradient.cast<double>() + W;
    gb *= p.C;
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
    problem.X = X;
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
    if (options.startWeights.rows() == classCount && options.startWeights.cols() == d
        && options.startBias.size() == classCount) {
        Eigen::Map<Eigen::MatrixXd>(x, classCount, d) = options.startWeights.cast<double>();
        // A class absent from the earlier fit carries its "never predicted" bias; start it at zero.
        Eigen::Map<Eigen::VectorXd>(x + classCount * d, classCount) =
            options.startBias.cast<double>().unaryExpr([](double b) { return b < -1e5 ? 0.0 : b; });
    }
    lbfgs_parameter_t parameters;
    lbfgs_parameter_init(&parameters);
    parameters.max_iterations = options.maxIterations;
    parameters.epsilon = 1e-6;
    if (options.objectiveTolerance > 0) {
        parameters.past = 3;
        parameters.delta = options.objectiveTolerance;
    }
    lbfgsfloatval_t objective = 0;
    int status = lbfgs(n, x, &objective, evaluate, progress, &problem, &parameters);
    throwIfCanceled(feedback);
    // The scores are computed in single precision (above): the line search can meet a step whose
    // rounding hides its descent and stop (LBFGSERR_ROUNDING_ERROR, or another line-search error)
    // well short of the optimum, with every training photo right and poor answers on new photos (a
    // 12-class pool of 5 photos whitened with background photos: 32% held-out instead of 55%;
    // tst_logisticregression). Starting again from that point, with the quasi-Newton memory
    // cleared, gets past it; a few restarts are enough.
    for (int restart = 0; restart < 3 && status < 0 && status != LBFGSERR_MAXIMUMITERATION; ++restart) {
        status = lbfgs(n, x, &objective, evaluate, progress, &problem, &parameters);
        throwIfCanceled(feedback);
    }
    LogisticRegressionModel model;
    // LBFGS_STOP: the objective tolerance was met.
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
