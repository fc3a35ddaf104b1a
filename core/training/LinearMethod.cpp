// The linear head: multinomial logistic regression on the embeddings (or on their whitened
// version), its C chosen by cross-validation inside the pool unless fixed.
#include "Error.h"
#include "Feedback.h"
#include "LogisticRegression.h"
#include "TrainingSupport.h"

#include <Eigen/SVD>

#include <algorithm>
#include <numeric>

namespace exemplar {

using namespace detail;

namespace {

// The logistic regression as it is solved: in the pool's feature space, and, when there are fewer
// photos than dimensions, in coordinates of the rows' span. L2-penalized weights lie in that span,
// so the smaller problem (N ≤ a few hundred instead of 1280) gives the same model faster.
class LinearProblem {
public:
    LinearProblem(const EmbeddingSet& pool, bool whitened, const TrainingOptions& options)
        : space_(FeatureSpace::of(pool, whitened, options.whiteningShrinkage, options.whiteningBackground.get(),
                                  options.whiteningBackgroundKinds.get()))
    {
        const Matrix& X = space_.features;
        if (X.rows() >= X.cols()) {
            coordinates_ = X;
            return;
        }
        const Eigen::BDCSVD<Eigen::MatrixXd> svd(X.cast<double>(), Eigen::ComputeThinU | Eigen::ComputeThinV);
        Eigen::Index rank = 0;
        const Eigen::VectorXd& s = svd.singularValues();
        while (rank < s.size() && s[rank] > 1e-6 * s[0]) ++rank;
        basis_ = svd.matrixV().leftCols(rank);  // d×r, orthonormal columns
        coordinates_ = (X.cast<double>() * basis_).cast<float>();
    }

    // The fit at C in the problem's own coordinates; START (same coordinates) is where it begins.
    LogisticRegressionModel fit(const EmbeddingSet& pool, double C, const LogisticRegressionModel* start,
                                const Feedback* feedback) const
    {
        LogisticRegressionOptions options;
        options.C = C;
        options.maxIterations = 500;
        if (start) {
            options.startWeights = start->weights;
            options.startBias = start->bias;
        }
        return fitLogisticRegression(coordinates_, pool.labels, pool.classCount(), options, feedback);
    }

    // The reference head of a fit: one weight vector per class that has photos, in feature space.
    ReferenceHead head(const EmbeddingSet& pool, const LogisticRegressionModel& fitted) const
    {
        const Matrix weights = basis_.size() ? Matrix((fitted.weights.cast<double>() * basis_.transpose()).cast<float>())
                                             : fitted.weights;
        ReferenceHead head = space_.emptyHead(pool.classNames);
        const std::vector<int> counts = pool.countsPerClass();
        for (int c = 0; c < pool.classCount(); ++c) {
            if (counts[size_t(c)] == 0) continue;  // a class without photos gets no reference at all
            head.references.conservativeResize(head.references.rows() + 1, Eigen::NoChange);
            head.references.row(head.references.rows() - 1) = weights.row(c);
            head.bias.conservativeResize(head.references.rows());
            head.bias[head.bias.size() - 1] = fitted.bias[c];
            head.referenceClass.push_back(c);
            head.referenceInfo.push_back({QStringLiteral("linear weights from %1 photos").arg(counts[size_t(c)]), QString()});
        }
        if (head.bias.size() != head.references.rows()) head.bias = Vector::Zero(head.references.rows());
        return head;
    }

private:
    FeatureSpace space_;
    Eigen::MatrixXd basis_;  // empty: solved in feature coordinates
    Matrix coordinates_;
};

} // namespace

namespace detail {

std::vector<CrossValidationScore> crossValidateLinearPath(const EmbeddingSet& pool, const TrainingOptions& options,
                                                          bool whitened, const std::vector<double>& grid,
                                                          const std::vector<std::vector<int>>& folds,
                                                          const Feedback* feedback)
{
    // Weakest penalty last: a larger C's optimum lies further from zero, so each fit starts from
    // the nearest solution already found.
    std::vector<size_t> byC(grid.size());
    std::iota(byC.begin(), byC.end(), size_t(0));
    std::stable_sort(byC.begin(), byC.end(), [&](size_t a, size_t b) { return grid[a] < grid[b]; });

    // Every fold's problem is set up once and keeps its latest solution, so that the path can be
    // walked one C at a time over all folds: the pooled held-out accuracy of a C is known before
    // the next, more expensive C is fitted.
    struct FoldPath {
        FoldSplit split;
        LinearProblem problem;
        LogisticRegressionModel previous;
        bool havePrevious = false;
    };
    std::vector<FoldPath> paths;
    for (const std::vector<int>& fold : folds) {
        if (fold.empty()) continue;
        FoldSplit split = FoldSplit::of(pool, fold);
        LinearProblem problem(split.train, whitened, options);
        paths.push_back({std::move(split), std::move(problem), {}, false});
        throwIfCanceled(feedback);
    }

    std::vector<CrossValidationScore> scores(grid.size());
    double best = -1;
    bool stopped = false;
    for (size_t index : byC) {
        if (stopped) {
            scores[index].skipped = true;
            continue;
        }
        HeldOutPredictions predictions;
        for (FoldPath& path : paths) {
            path.previous = path.problem.fit(path.split.train, grid[index], path.havePrevious ? &path.previous : nullptr,
                                             feedback);
            path.havePrevious = true;
            throwIfCanceled(feedback);
            predictions.add(path.problem.head(path.split.train, path.previous), path.split.heldOut);
        }
        scores[index] = predictions.score(pool.classCount());
        // Held-out accuracy along C rises while the penalty is too strong and falls once it is too
        // weak; the first C that does not beat the smaller ones marks the top, and the larger Cs
        // (the slowest fits) are left out. Ties go to the stronger penalty anyway.
        if (scores[index].accuracy > best + 1e-12)
            best = scores[index].accuracy;
        else
            stopped = options.linearPathStopsAtPeak;
    }
    return scores;
}

} // namespace detail

TrainingResult trainLinear(const EmbeddingSet& pool, const TrainingOptions& options, bool whitened,
                           const Feedback* feedback)
{
    requireNonEmpty(pool);
    double C = options.linearC;
    QJsonArray candidates;
    if (C <= 0) {
        // Choose C by cross-validation inside the pool; ties go to the stronger penalty.
        const auto folds = stratifiedFolds(pool.labels, pool.groups, pool.classCount(), options.crossValidationFolds,
                                           options.optimizer.seed);
        const std::vector<CrossValidationScore> scores =
            crossValidateLinearPath(pool, options, whitened, options.linearCGrid, folds, feedback);
        double best = -1;
        for (size_t i = 0; i < scores.size(); ++i) {
            const double candidate = options.linearCGrid[i];
            if (scores[i].skipped) {
                candidates.append(QJsonObject{{QStringLiteral("C"), candidate}, {QStringLiteral("skipped"), kSkippedAfterPeak}});
                continue;
            }
            candidates.append(QJsonObject{{QStringLiteral("C"), candidate}, {QStringLiteral("cv_accuracy"), scores[i].accuracy}});
            if (scores[i].accuracy > best + 1e-12) {
                best = scores[i].accuracy;
                C = candidate;
            }
        }
        if (C <= 0) C = 1000;
    }

    const LinearProblem problem(pool, whitened, options);
    const LogisticRegressionModel model = problem.fit(pool, C, nullptr, feedback);

    TrainingResult result;
    result.head = problem.head(pool, model);
    result.details = {
        {QStringLiteral("description"), whitened ? QStringLiteral("logistic regression on the pool's whitened embeddings")
                                                 : QStringLiteral("logistic regression on the embeddings")},
        {QStringLiteral("C"), C},
        {QStringLiteral("converged"), model.converged},
    };
    if (!candidates.isEmpty()) result.details.insert(QStringLiteral("C_cross_validation"), candidates);
    return result;
}

} // namespace exemplar
