#pragma once
// "How many more photos?": a learning curve measured inside the user's own labeled photos and
// extrapolated. Sub-pools of m photos per class (m < the photos a class has) are drawn at random,
// trained on, and scored on the remaining photos of the set; the mean accuracies at the measured
// sizes are fitted with the inverse power law accuracy(m) = a − b·m^(−c) that learning curves of
// classifiers follow (Cortes et al. 1994; Figueroa et al. 2012), and read off at today's photos
// per class and at a few more. The range comes from refitting on resampled trials and resampled
// photos (bootstrap): how far the measured points pin the curve down, and how far today's photos
// may be unrepresentative; it cannot know whether new photos will be like the old ones.
#include "TrainingMethod.h"

#include <QJsonObject>
#include <QString>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct LearningCurveOptions {
    // The method measured. For "auto", pass a trained result's effectiveOptions: the curve of the
    // method it chose, not of a new choice per sub-pool (that would cost its cross-validation
    // for every trial).
    TrainingOptions training;
    int trialsPerSize = 5;   // random sub-pools at the smallest size; up to 3× more at larger sizes, which leave fewer test photos
    int maxSizes = 6;        // sizes measured between 1 and (photos per class − 1)
    int extraPhotos = 5;     // "with N more photos per class"
    quint64 seed = 1;
};

// A law accuracy(m) of the photos per class m, one of two shapes; the fit takes whichever follows
// the measured points more closely. The inverse power law a − b·m^(−c) is the classic shape
// (Cortes et al. 1994); in the few-shot range, sets of many or near-identical classes rise
// S-shaped in log m instead (cars24, 200 synthetic classes), which the logistic in log m,
// 1 / (1 + e^−(α + β·ln m)), follows and the power law under 1 cannot.
struct LearningCurveLaw {
    enum class Shape { InversePower, LogisticInLogSize };
    Shape shape = Shape::InversePower;
    double asymptote = 0, scale = 0, exponent = 0;  // inverse power
    double intercept = 0, slope = 0;                // logistic in log m
    double at(double photosPerClass) const;         // clamped to 0…1
    QString formula() const;                        // for legends and JSON
    QJsonObject toJson() const;
    static LearningCurveLaw fromJson(const QJsonObject& json);
};

struct LearningCurvePoint {
    int photosPerClass = 0;          // the sub-pool size m asked for (a class with fewer gets fewer)
    std::vector<double> accuracies;  // one per trial, on the photos left out of its sub-pool
    int testPhotos = 0;              // summed over the trials
    double meanAccuracy() const;
};

struct LearningCurve {
    QString method;          // what was measured (canonical id)
    // The method that chose METHOD by looking at these same photos ("auto"), empty when METHOD was
    // asked for: such a choice favours these photos a little, so its curve runs a little high.
    QString chosenBy;
    int photosPerClass = 0;  // today's photos per class (median over classes)
    int extraPhotos = 0;
    std::vector<LearningCurvePoint> points;

    // fitted is false when the photos were too few to measure two sizes, and then reason says why.
    bool fitted = false;
    QString reason;
    LearningCurveLaw law;

    // The curve read off at today's photos per class and at photosPerClass + extraPhotos, each
    // with the 2.5th–97.5th percentile of the bootstrap refits.
    double expectedNow = 0, expectedNowLow = 0, expectedNowHigh = 0;
    double expectedMore = 0, expectedMoreLow = 0, expectedMoreHigh = 0;

    double accuracyAt(double photosPerClass) const;
    // "With 5 more photos per class (15), expect about 84% (80–88%); today's 10 give about 81%."
    QString summary() const;
    QJsonObject toJson() const;
    // Tolerant: missing fields read as 0 or empty. A curve read from a file goes through
    // implausibility() before it is shown.
    static LearningCurve fromJson(const QJsonObject& json);
    // What no measurement can produce (sizes out of range, accuracies outside 0…1, non-finite
    // numbers, absurd counts), said in words; empty for a curve this code could have measured.
    // A damaged project file must not make a view draw billions of points.
    QString implausibility() const;
};

// The sizes measured for a set whose classes have TYPICAL photos: up to MAXSIZES distinct values
// from 1 to TYPICAL − 1, spaced geometrically (small sizes change the curve most), the largest
// always included. Empty when TYPICAL < 3 (one size cannot place a curve).
std::vector<int> learningCurveSizes(int typical, int maxSizes);

// The fits alone, for measured means, by weighted least squares (weights = test photos); each
// returns false when fewer than two sizes are given. The inverse power law searches a grid of
// exponents with 0 ≤ scale and asymptote ≤ 1, and is a flat line when no rising curve fits. The
// logistic regresses logit(accuracy) on ln m (delta-method weights). fitLearningCurve takes the
// one with the smaller weighted squared error in accuracy.
bool fitInversePowerLaw(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                        const std::vector<double>& weights, LearningCurveLaw* law);
bool fitLogisticLaw(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                    const std::vector<double>& weights, LearningCurveLaw* law);
bool fitLearningCurve(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                      const std::vector<double>& weights, LearningCurveLaw* law);

// Measures and fits. DATA's groups (when set) are kept on one side of every split; otherwise
// near-duplicates are found first. Throws Error on an unknown method, OperationCanceled on cancel.
LearningCurve measureLearningCurve(const EmbeddingSet& data, const LearningCurveOptions& options,
                                   const Feedback* feedback = nullptr);

} // namespace exemplar
