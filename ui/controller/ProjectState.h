#pragma once
// The results the controller holds and the views read: plain values, replaced as a whole on the
// GUI thread when a job finishes (views never see half-updated state).
#include "HonestEvaluation.h"
#include "Metrics.h"
#include "Optimizer.h"
#include "ReferenceSetFile.h"
#include "Audit.h"
#include "TrainingMethod.h"
#include "SimilarityAnalysis.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <vector>

namespace exemplar::ui {

// The user's choices that a project file keeps.
struct ProjectSettings {
    QString modelSpecPath;  // empty: the default model
    QString method = QStringLiteral("seed");  // the article's; "auto" is the recommended alternative
    OptimizerStrategy strategy = OptimizerStrategy::Bayesian;
    int budget = 60;
    quint64 seed = 1;
    CentralityScope centralityScope = CentralityScope::WholeGraph;
    double holdoutFraction = 0.2;
    QMap<QString, int> pinnedCounts;  // class folder → count kept (absent or 0: optimized)
    int comparisonPool = 10;
    int comparisonRepeats = 5;
    QStringList comparisonMethods;    // empty: every training method
    // "Unknown": after training, a threshold is calibrated on the training photos so that about
    // this share of photos of known classes is rejected (0: never answer "unknown").
    double knownRejectRate = 0.05;
    int topK = 3;
};

// A trained reference set and its honest report. Rows are rows of the controller's embeddings.
struct TrainingOutcome {
    QString method;
    ReferenceSet set;
    std::vector<int> poolRows;          // photos the method saw
    std::vector<int> heldOutRows;       // photos it never saw: the honest report is on these
    std::vector<int> heldOutPredicted;  // class per held-out row (-1: none)
    std::vector<int> keptRows;          // pool rows kept as references (empty for centroid)
    Metrics heldOut;
    std::vector<OptimizerStep> trace;
    bool canceled = false;
    Histogram keptCrossClass;           // cross-class similarity among the kept references
    QString rejectionNote;              // how "unknown" was calibrated, or why it was not

    bool hasHeldOut() const { return !heldOutRows.empty(); }
};

struct ClassifiedPhoto {
    QString path;
    QString error;          // non-empty: could not be read or embedded
    Prediction prediction;  // prediction.unknown: below the set's own rejection threshold
};

struct MethodComparison {
    int pool = 0;
    int repeats = 0;
    int testPhotosPerRepeat = 0;
    std::vector<MethodSummary> methods;
    QStringList warnings;
    int recommended = -1;   // index into methods: best mean held-out accuracy
};

// One block of S = A·Aᵀ for the heatmap's drill-down into a pair of classes of a large project
// (small projects keep S whole in the analysis): computed by a job, O(rows·columns·d).
struct SimilarityBlock {
    std::vector<int> rows;     // embedding rows along the vertical axis
    std::vector<int> columns;  // along the horizontal axis
    Matrix values;             // rows × columns cosines
};

} // namespace exemplar::ui
