#pragma once
// The honest protocol: per repetition and class, draw M photos as the pool and keep the rest as
// test photos; each method is trained on the pool only and scored on the test photos only.
// Near-identical photos (DuplicateGroups.h) are drawn together: a group is never split between
// pool and test, so a copy of a training photo is never scored.
#include "LearningCurve.h"
#include "TrainingMethods.h"
#include "UnknownEvaluation.h"

#include <QJsonObject>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

namespace exemplar {

struct EmbeddingSet;
class Feedback;

struct EvaluationOptions {
    int pool = 10;
    int repeats = 10;
    quint64 seed = 1;
    QStringList methods = defaultComparedMethods();
    // Optimizer and centrality settings for "least-central"; training.whiteningBackground: background
    // photos for the whitened methods (those near-identical to a photo of the dataset are left out).
    TrainingOptions training;
    // Photos of none of the classes (raw embeddings, one per row). When given, each repetition
    // also measures "unknown" (UnknownEvaluation.h) calibrated at KNOWN_REJECT_RATE.
    Matrix foreign;
    double knownRejectRate = kDefaultKnownRejectRate;
    // Non-empty: also measure this method's learning curve inside every repetition's pool and
    // hold its prediction for the pool size against the method's held-out accuracy.
    QString learningCurveMethod;
    int learningCurveExtra = 5;
    // Self-training (SelfTraining.h) with unlabeled photos: UNLABELED (e.g. a folder without
    // labels; their labels are not read) or, TRANSDUCTIVE, each repetition's test photos, whose
    // pixels the methods then see but never their labels. Unlabeled photos near-identical to a
    // photo of the dataset, or the same picture at another size, are left out.
    EmbeddingSet unlabeled;
    bool transductive = false;
};

// eval --learning-curve: per repetition, the curve measured inside the pool only (as a user would
// measure it on their photos), what it predicts, and what the held-out photos then said.
struct LearningCurveCheck {
    QString method;
    int pool = 0, extraPhotos = 0;
    std::vector<LearningCurve> curves;  // one per repetition
    std::vector<double> actualAtPool;   // the method's held-out accuracy, per repetition
    bool empty() const { return method.isEmpty(); }
    // Repetitions whose held-out accuracy fell inside the curve's range for the pool size.
    int coveredRepetitions() const;
    QJsonObject toJson() const;
    static LearningCurveCheck fromJson(const QJsonObject& json);
};

struct MethodSummary {
    QString name;
    std::vector<double> accuracies;   // one per repetition
    std::vector<double> weightedF1s;
    double accuracyMean = 0, accuracyStd = 0;
    double weightedF1Mean = 0, weightedF1Std = 0;
    // How many independent test pictures the weighted F1 varies as much as, averaged over the
    // repetitions (WeightedF1Interval.h); 0: not known (files written before it).
    double weightedF1Pictures = 0;
    double referencesPerClass = 0;    // mean over repetitions and classes
    double seconds = 0;               // mean training time per repetition
    int selfTrainingUsed = -1;        // repetitions whose inner CV kept self-training; -1: no unlabeled photos
    // With unlabeled photos: the same method trained on the same pools without them, so that the
    // figure with self-training stands beside the plain one (empty without unlabeled photos).
    std::vector<double> plainAccuracies;
    double plainAccuracyMean = 0, plainAccuracyStd = 0;

    // The one serialization of a method's figures (CLI, project files, exports).
    QJsonObject toJson() const;
    static MethodSummary fromJson(const QString& name, const QJsonObject& json);
};

struct EvaluationReport {
    QString dataset;
    int classes = 0;
    int photos = 0;
    int pool = 0;
    int repeats = 0;
    quint64 seed = 0;
    int testPhotosPerRepeat = 0;     // of the last repetition (groups make it vary a little)
    // Independent pictures among them: near-identical copies count once (0: as many as photos, in
    // files written before it). The 95% interval counts these, not the photos: a copy's answer is
    // its original's, not a second trial.
    int testGroupsPerRepeat = 0;
    int duplicateGroups = 0;         // groups of near-identical photos, kept on one side of every split
    int groupedPhotos = 0;           // photos in them
    QString unlabeled;               // empty: none; "folder" (N photos) or "transductive": see EvaluationOptions
    int backgroundPhotos = 0;        // fitted into the whitened methods' whitening (TrainingOptions::whiteningBackground)
    std::vector<MethodSummary> methods;
    QStringList warnings;
    int recommended = -1;  // index into methods: best mean accuracy (then weighted F1); -1 when none
    LearningCurveCheck learningCurve;  // empty unless asked for
    UnknownEvaluation unknown;  // measured only with foreign photos (not read back by fromJson)

    // The one serialization of a comparison (CLI --json, project files, exports). fromJson also
    // reads what earlier versions wrote.
    QJsonObject toJson() const;
    static EvaluationReport fromJson(const QJsonObject& json);
    // The 95% Wilson interval of METHOD's mean accuracy, counting each test photo once (one
    // repetition's worth): the repetitions score overlapping test photos of one photo set, so
    // pooling their answers as independent trials would overstate the certainty. It covers what
    // the method reaches on such photos at this pool size (tst_honestevaluation measures how often).
    ProportionInterval accuracyInterval(const MethodSummary& method) const;
    // The same for METHOD's mean weighted F1: Wilson's interval at the pictures it varies as much
    // as within one repetition (a bootstrap of each repetition's test pictures), so again one
    // repetition's worth. None for a report read from a file written before it.
    std::optional<ProportionInterval> weightedF1Interval(const MethodSummary& method) const;
    // Why a report read back from a file cannot be what evaluateHonestly made (counts out of range,
    // accuracies outside 0…1, non-finite numbers, more figures than repetitions); empty when plausible.
    // A damaged project then opens without it instead of showing, or looping over, such numbers.
    QString implausibility() const;
};

// The index of the method with the best mean accuracy (ties: weighted F1, then the earlier one).
int recommendedMethod(const std::vector<MethodSummary>& methods);

// Both splits move whole duplicate groups (GROUPS: one number per row, or empty when every photo
// is alone), stratified by class, each class's side as close to the asked size as its groups
// allow; a class of two or more groups keeps at least one group on each side.

// The classes that have no more photos than POOLPERCLASS (COUNTS: photos per class), whose pools
// drawPoolSplit makes smaller so that photos are left to test; FEWEST: the smallest of them.
struct ClassesShortOfPool {
    std::vector<int> classes;
    int fewest = 0;
};
ClassesShortOfPool classesShortOfPool(const std::vector<int>& counts, int poolPerClass);

// Splits for one repetition: pool and test row indices (disjoint, stratified by class): POOLPERCLASS
// photos of each class in the pool, fewer when the class has no more (one is always tested).
void drawPoolSplit(const std::vector<int>& labels, const std::vector<int>& groups, int classCount, int poolPerClass,
                   quint64 seed, std::vector<int>* poolRows, std::vector<int>* testRows);

// A held-out split for training a reference set that is reported on honestly: per class, a
// FRACTION of the photos (rounded, at least one when the class has two or more) is held out.
void drawHoldoutSplit(const std::vector<int>& labels, const std::vector<int>& groups, int classCount, double fraction,
                      quint64 seed, std::vector<int>* poolRows, std::vector<int>* heldOutRows);

// Called (on the evaluating thread) each time a method has finished all its repetitions, with the
// report so far: the finished methods, in the order asked for; none recommended until all are in.
using MethodFinishedObserver = std::function<void(const EvaluationReport& soFar)>;

// Leaves out of OPTIONS' background photos (and their kinds) those near-identical to a row of
// PHOTOS, the photos a figure is measured on (at COSINE, their embeddings' own threshold:
// EmbeddingSet::nearIdenticalCosineOrDefault); *LEFT_OUT: how many.
void leaveOutBackgroundNearIdenticalTo(TrainingOptions* options, const Matrix& photos, double cosine,
                                       int* leftOut = nullptr);

// Methods are evaluated one after another, each over every repetition's split (the splits depend
// only on the seed and the repetition), so a caller can show each method as soon as it is done.
EvaluationReport evaluateHonestly(const EmbeddingSet& data, const EvaluationOptions& options,
                                  Feedback* feedback = nullptr, const MethodFinishedObserver& observer = {});

} // namespace exemplar
