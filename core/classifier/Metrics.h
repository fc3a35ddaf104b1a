#pragma once
// Classification metrics: accuracy, weighted F1, per-class precision/recall/F1, confusion matrix.
// Conventions (as scikit-learn): precision or recall with a zero denominator is 0; weighted F1
// weights each class's F1 by its support (number of true photos).
#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace exemplar {

struct ClassMetrics {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    int support = 0;
};

struct Metrics {
    int total = 0;
    int correct = 0;
    double accuracy = 0;
    double weightedF1 = 0;
    std::vector<ClassMetrics> perClass;
    std::vector<std::vector<int>> confusion;  // [true class][predicted class]

    // predicted[i] may be -1 ("no answer"): counted as wrong, in no column of the matrix.
    static Metrics compute(const std::vector<int>& truth, const std::vector<int>& predicted,
                           int classCount);
    QJsonObject toJson(const QStringList& classNames) const;
};

} // namespace exemplar
