#pragma once
// "Which classes does the classifier confuse?": every class pair ranked two ways.
//   • By cross-validated confusion inside the labeled photos: k stratified folds (near-identical
//     photos kept on one side, see DuplicateGroups.h), a method trained on all folds but one and
//     asked about the held-out one; a pair's errors are A taken for B plus B taken for A, i.e. the
//     two off-diagonal cells of the pooled confusion matrix.
//   • By similarity before any training: the cosine of the two class means
//     (ClassPairSimilarity.h), with the mean cosine of the closest photo pairs beside it.
#include "TrainingMethod.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct ConfusionOptions {
    TrainingOptions training;        // the method asked about (the project's, or the one a set was trained with)
    int folds = 5;
    quint64 seed = 1;
    std::vector<int> groups;         // near-identical groups, one number per photo; empty: found here
    int closestPairs = 3;            // k of the "closest photo pairs" cosine
    int similarPairs = 100;          // the most similar pairs listed even without an error
};

struct ConfusedPair {
    int a = 0, b = 0;                // class indices, a < b
    int aAsB = 0, bAsA = 0;          // held-out photos of A predicted B, and of B predicted A
    int heldOut = 0;                 // held-out photos of A and B together
    double centroidCosine = 0;       // cosine of the class means
    double closestCosine = 0;        // mean cosine of the closest photo pairs across A and B

    int errors() const { return aAsB + bAsA; }
    double errorRate() const { return heldOut > 0 ? double(errors()) / heldOut : 0.0; }
};

struct ConfusedPairsReport {
    QStringList classNames;
    QString method;                  // the method that was cross-validated
    int folds = 0;
    int heldOut = 0;                 // photos that were held out once (a class of one group never is)
    double accuracy = 0;             // of those predictions, pooled
    int duplicateGroups = 0;         // groups of two or more near-identical photos kept together
    std::vector<std::vector<int>> confusion;  // [true class][predicted class], pooled over the folds
    // Every pair with a cross-validated error, and the similarPairs most similar pairs besides.
    std::vector<ConfusedPair> pairs;

    // Indices into pairs: most errors first (then higher rate, then more similar); pairs without
    // an error are left out.
    std::vector<int> byConfusion() const;
    // Indices into pairs: most similar class means first.
    std::vector<int> bySimilarity() const;
    // {"method", "folds", "held_out", "accuracy", "by_confusion": [{"a","b","a_as_b","b_as_a","errors",
    //  "error_rate","centroid_cosine","closest_cosine"}…], "by_similarity": […]}, each list at most LIMIT long.
    QJsonObject toJson(int limit = 20) const;
};

// Throws OperationCanceled when FEEDBACK is canceled, Error when the method cannot train.
ConfusedPairsReport findConfusedPairs(const EmbeddingSet& data, const ConfusionOptions& options,
                                      Feedback* feedback = nullptr);

} // namespace exemplar
