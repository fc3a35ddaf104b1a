#pragma once
// The results the controller holds and the views read: plain values, replaced as a whole on the
// GUI thread when a job finishes (views never see half-updated state).
#include "ConfusedPairs.h"
#include "HonestEvaluation.h"
#include "LearningCurve.h"
#include "Metrics.h"
#include "Optimizer.h"
#include "ReferenceSetFile.h"
#include "Audit.h"
#include "Dataset.h"
#include "TrainWorkflow.h"
#include "TrainingMethods.h"
#include "SimilarityAnalysis.h"
#include "EmbeddingSet.h"
#include "LabelNext.h"
#include "ModelIdentity.h"

#include <QMap>
#include <memory>
#include <QString>
#include <QStringList>
#include <vector>

namespace exemplar::ui {

// The user's choices that a project file keeps.
struct ProjectSettings {
    QString modelSpecPath;  // empty: the default model
    ScanOptions scan;       // how class folders are read (subfolders too, by default)
    QString method = interactiveTrainingMethod();  // the article's; "auto" is one click away
    OptimizerStrategy strategy = OptimizerOptions{}.strategy;
    int budget = OptimizerOptions{}.budget;
    quint64 seed = 1;
    CentralityScope centralityScope = CentralityScope::WholeGraph;
    double holdoutFraction = kDefaultHoldoutFraction;
    QMap<QString, int> pinnedCounts;  // class folder → count kept (absent or 0: optimized)
    int comparisonPool = 10;
    int comparisonRepeats = 5;
    QStringList comparisonMethods;    // empty: every training method
    // "Unknown": after training, a threshold is calibrated on the training photos so that about
    // this share of photos of known classes is rejected (0: never answer "unknown").
    double knownRejectRate = kDefaultKnownRejectRate;
    int topK = 3;
};

// Photos without a class that the project holds (issue 12, item 3): the folders the user added,
// and the classes the user has given some of them in the label-next list (photo path → class
// folder), kept in the project until an explicit action writes them into the class folders.
// Background folders hold photos of other things of the same kind as the classes (other models,
// other machines): never a class, never ranked or sorted; the whitened methods fit their whitening
// on them with the training photos (TrainingOptions::whiteningBackground).
struct UnlabeledSources {
    QStringList folders;               // absolute paths
    QMap<QString, QString> assigned;   // absolute photo path → class folder (ClassSource::folder)
    QStringList backgroundFolders;     // absolute paths
    bool isEmpty() const { return folders.isEmpty() && assigned.isEmpty() && backgroundFolders.isEmpty(); }
};

// The unlabeled photos as the project has embedded and ranked them.
struct UnlabeledPhotos {
    std::shared_ptr<const EmbeddingSet> embeddings;  // of every readable photo under the folders
    std::shared_ptr<const EmbeddingSet> background;  // of every readable photo under the background folders
    std::vector<int> backgroundKinds;                // per row of background: its subfolder's kind, or −1 (SubfolderKinds.h)
    QStringList backgroundKindNames;                 // per kind: "folder/subfolder"
    std::vector<SkippedFile> skipped;
    ModelIdentity model;  // the network that made them
};

// The label-next list for the active reference set: rows of UnlabeledPhotos::embeddings, best
// first (core/workflow/LabelNext.h), or why there is none.
struct LabelingList {
    std::vector<LabelingCandidate> candidates;  // row: into UnlabeledPhotos::embeddings
    QStringList classNames;                      // of the set that ranked them
    QString unavailable;                         // non-empty: why nothing is ranked
};

// A trained reference set (with the photos it came from, by path) and its honest report on the
// current embeddings (rows), plus what the views draw of it.
struct TrainingOutcome : TrainedReferenceSet, HeldOutResult {
    Histogram keptCrossClass;  // cross-class similarity among the kept references
};

struct ClassifiedPhoto {
    QString path;
    QString error;          // non-empty: could not be read or embedded
    Prediction prediction;  // prediction.unknown: below the set's own rejection threshold
};

// The method comparison (repeated honest splits) as core reports and serializes it.
using MethodComparison = EvaluationReport;

// Which similarity the heatmap, graph and histograms show: raw cosine of the embeddings, or cosine
// in the space the active reference set's classifier scores in (workflow/ClassifierSpace.h).
enum class SimilaritySpace { Raw, Trained };

// The photos as the active reference set compares them, and what the similarity views draw there.
struct TrainedSpaceView {
    std::shared_ptr<const ReferenceSet> source;      // the set whose transform made it
    std::shared_ptr<const EmbeddingSet> embeddings;  // same rows, labels and paths as the project's
    SimilarityAnalysis analysis;
    Histogram keptCrossClass;  // among the trained set's kept references (empty when it keeps none)
};

// One block of S = A·Aᵀ for the heatmap's drill-down into a pair of classes of a large project
// (small projects keep S whole in the analysis): computed by a job, O(rows·columns·d).
struct SimilarityBlock {
    std::vector<int> rows;     // embedding rows along the vertical axis
    std::vector<int> columns;  // along the horizontal axis
    Matrix values;             // rows × columns cosines
};

} // namespace exemplar::ui
