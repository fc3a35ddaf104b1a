#pragma once
// Multinomial logistic regression (softmax cross-entropy with an L2 penalty), solved with
// L-BFGS from Debian's liblbfgs. Its class weight vectors and biases are references like any
// other: the classifier is still an argmax of dot products.
#include "Types.h"

#include <vector>

namespace exemplar {

class Feedback;

struct LogisticRegressionOptions {
    // scikit-learn's C: the objective is C·Σ cross-entropy + ½‖W‖². Larger C, weaker penalty.
    double C = 1000;
    int maxIterations = 500;
};

struct LogisticRegressionModel {
    Matrix weights;  // classes × d
    Vector bias;     // classes
    bool converged = false;
};

// X: N×d rows; labels in [0, classCount). Classes without photos get a very low bias, so they
// are never predicted.
LogisticRegressionModel fitLogisticRegression(const Matrix& X, const std::vector<int>& labels, int classCount,
                                              const LogisticRegressionOptions& options = {},
                                              const Feedback* feedback = nullptr);

} // namespace exemplar
