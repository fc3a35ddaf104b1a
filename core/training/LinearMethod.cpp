// The linear head: multinomial logistic regression on the embeddings (or on their whitened
// version), its C chosen by cross-validation inside the pool unless fixed.
#include "Error.h"
#include "Feedback.h"
#include "LogisticRegression.h"
#include "TrainingSupport.h"

#include <Eigen/SVD>

namespace exemplar {

using namespace detail;

namespace {

// L2-penalized weights lie in the span of the training rows, so fitting in coordinates of that
// span (N ≤ a few hundred) instead of the 1280 embedding dimensions gives the same model faster.
LogisticRegressionModel fitInRowSpace(const Matrix& X, const std::vector<int>& labels, int classCount, double C,
                                      const Feedback* feedback)
{
    if (X.rows() >= X.cols()) return fitLogisticRegression(X, labels, classCount, {C, 500}, feedback);
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(X.cast<double>(), Eigen::ComputeThinU | Eigen::ComputeThinV);
    Eigen::Index rank = 0;
    const Eigen::VectorXd& s = svd.singularValues();
    while (rank < s.size() && s[rank] > 1e-6 * s[0]) ++rank;
    const Eigen::MatrixXd basis = svd.matrixV().leftCols(rank);  // d×r, orthonormal columns
    const Matrix coordinates = (X.cast<double>() * basis).cast<float>();
    LogisticRegressionModel model = fitLogisticRegression(coordinates, labels, classCount, {C, 500}, feedback);
    model.weights = (model.weights.cast<double>() * basis.transpose()).cast<float>();
    return model;
}

} // namespace

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
        double best = -1;
        for (double candidate : options.linearCGrid) {
            TrainingOptions fixed = options;
            fixed.linearC = candidate;
            fixed.method = whitened ? QStringLiteral("whitened-linear") : QStringLiteral("linear");
            const CrossValidationScore score = crossValidate(pool, fixed, folds, feedback);
            candidates.append(QJsonObject{{QStringLiteral("C"), candidate}, {QStringLiteral("cv_accuracy"), score.accuracy}});
            if (score.accuracy > best + 1e-12) {
                best = score.accuracy;
                C = candidate;
            }
        }
        if (C <= 0) C = 1000;
    }

    const FeatureSpace space = FeatureSpace::of(pool, whitened, options.whiteningShrinkage);
    const LogisticRegressionModel model = fitInRowSpace(space.features, pool.labels, pool.classCount(), C, feedback);

    TrainingResult result;
    ReferenceHead head = space.emptyHead(pool.classNames);
    const std::vector<int> counts = pool.countsPerClass();
    for (int c = 0; c < pool.classCount(); ++c) {
        if (counts[size_t(c)] == 0) continue;  // a class without photos gets no reference at all
        head.references.conservativeResize(head.references.rows() + 1, Eigen::NoChange);
        head.references.row(head.references.rows() - 1) = model.weights.row(c);
        head.bias.conservativeResize(head.references.rows());
        head.bias[head.bias.size() - 1] = model.bias[c];
        head.referenceClass.push_back(c);
        head.referenceInfo.push_back({QStringLiteral("linear weights from %1 photos").arg(counts[size_t(c)]), QString()});
    }
    if (head.bias.size() != head.references.rows()) head.bias = Vector::Zero(head.references.rows());
    result.head = std::move(head);
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
