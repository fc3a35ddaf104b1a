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
    // Where L-BFGS starts (classes × d and classes; empty: all zeros). The problem is convex, so a
    // start only changes how many iterations reach the optimum: a neighbouring C's solution is close.
    Matrix startWeights;
    Vector startBias;
    // Stop once the objective has improved by less than this fraction over the last 3 iterations
    // (0: only the gradient test, ‖g‖ ≤ 1e-6·max(1, ‖W‖), which at large C and many classes takes
    // hundreds of iterations or ends in a rounding error). At 1e-3 the cross-validated accuracy of
    // the 200-class benchmark moved by at most 0.2 points of 2,000 photos at a third of the
    // iterations of 1e-4 and a sixth of the gradient test's (bench/auto_training).
    double objectiveTolerance = 1e-3;
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
