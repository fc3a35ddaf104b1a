#pragma once
// Classification metrics: accuracy, weighted F1, per-class precision/recall/F1, confusion matrix.
// Conventions (as scikit-learn): precision or recall with a zero denominator is 0; weighted F1
// weights each class's F1 by its support (number of true photos).
#include <QJsonObject>
#include <QStringList>
#include <optional>
#include <vector>

namespace exemplar {

struct ClassMetrics {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    int support = 0;
};

// A range that holds a proportion's true value at a stated rate (95% here).
struct ProportionInterval {
    double low = 0;
    double high = 1;
};

// The z of a two-sided 95% normal interval.
constexpr double kZ95 = 1.959963984540054;

// Wilson's score interval for SUCCESSES out of TRIALS: unlike "p ± 1.96·√(p(1−p)/n)" it stays
// inside [0, 1] and keeps close to its nominal coverage for small held-out sets and for accuracy
// near 100% (where the plain interval collapses to a point). {0, 1} without trials.
ProportionInterval wilsonInterval(int successes, int trials, double z = kZ95);
// The same for a SHARE seen on TRIALS that need not be whole (an effective number of trials).
ProportionInterval wilsonIntervalOfShare(double share, double trials, double z = kZ95);

struct Metrics {
    int total = 0;
    int correct = 0;
    double accuracy = 0;
    // 95% Wilson interval of the accuracy, counting photos as independent trials (near-identical
    // photos are kept together by the splits, so they do not inflate the count of one).
    ProportionInterval accuracyInterval;
    double weightedF1 = 0;
    // Its 95% interval where one was computed (weightedF1Interval(), WeightedF1Interval.h): only
    // for figures that are shown, since it costs a thousand resamples.
    std::optional<ProportionInterval> weightedF1Interval;
    std::vector<ClassMetrics> perClass;
    std::vector<std::vector<int>> confusion;  // [true class][predicted class]

    // predicted[i] may be -1 ("no answer"): counted as wrong, in no column of the matrix.
    static Metrics compute(const std::vector<int>& truth, const std::vector<int>& predicted,
                           int classCount);
    QJsonObject toJson(const QStringList& classNames) const;
};

} // namespace exemplar
