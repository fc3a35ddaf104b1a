#pragma once
// The one object the views talk to: a thin facade over the project model (state and change
// signals), its tasks (long work on the worker thread), the dataset editor and the project files.
// Views call its commands and redraw on its signals, and never call each other. Created by the
// application's main() and handed to the window.
#include "model/ProjectModel.h"

#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>

namespace exemplar::ui {

class DatasetEditor;
class FolderWatch;
class ProjectPersistence;
class ProjectTasks;
class ThumbnailCache;

class ProjectController : public QObject {
    Q_OBJECT

public:
    explicit ProjectController(QObject* parent = nullptr);
    ~ProjectController() override;

    // --- state (read-only for views) ---
    const ProjectModel& model() const { return *model_; }
    const DatasetSources& sources() const { return model_->sources(); }
    const Dataset& dataset() const { return model_->dataset(); }
    const std::vector<Photo>& excludedPhotos() const { return model_->excludedPhotos(); }
    const EmbeddingSet& embeddings() const { return model_->embeddings(); }
    const std::vector<SkippedFile>& skippedFiles() const { return model_->skippedFiles(); }
    // About the dataset as a whole: empty or one-photo classes, a photo filed under two classes, …
    const QStringList& datasetWarnings() const { return model_->datasetWarnings(); }
    const SimilarityAnalysis* analysis() const { return model_->analysis(); }
    // --- the similarity views' space (heatmap, graph, histograms) ---
    // Raw cosine, or the space the active reference set's classifier scores in. The choice is
    // remembered across sessions; until the trained space is computed the views draw raw.
    SimilaritySpace similaritySpace() const { return model_->similaritySpace(); }
    bool showsTrainedSpace() const { return model_->showsTrainedSpace(); }
    // Why the trained space cannot be shown (empty: it can): no set trained, a set that compares
    // by raw cosine anyway, or one made from other embeddings.
    QString trainedSpaceUnavailable() const;
    // What the views draw, and a few words saying which space it is (for captions and axes).
    const EmbeddingSet& viewedEmbeddings() const { return model_->viewedEmbeddings(); }
    const SimilarityAnalysis* viewedAnalysis() const { return model_->viewedAnalysis(); }
    QString viewedSpaceName() const;
    const Histogram* viewedKeptCrossClass() const;  // null: no kept references to overlay
    // Suspect photos of the embedded set (see core/analysis/Audit.h), computed after the analysis.
    const AuditReport* audit() const { return model_->audit(); }
    const SuspectPhoto* suspectOfRow(int row) const { return model_->suspectOfRow(row); }
    const TrainingOutcome* training() const { return model_->training(); }
    const ReferenceSet* activeReferenceSet() const { return model_->activeReferenceSet(); }
    QString activeReferenceSetSource() const { return model_->activeReferenceSetSource(); }
    const std::vector<ClassifiedPhoto>& classifications() const { return model_->classifications(); }
    const MethodComparison* comparison() const { return model_->comparison(); }
    const SimilarityBlock* similarityBlock() const { return model_->similarityBlock(); }  // the last one computed
    const ConfusedPairsReport* confusedPairs() const { return model_->confusedPairs(); }
    const LearningCurve* learningCurve() const { return model_->learningCurve(); }
    const UnlabeledSources& unlabeledSources() const { return model_->unlabeledSources(); }
    const UnlabeledPhotos& unlabeledPhotos() const { return model_->unlabeledPhotos(); }
    const LabelingList& labelingList() const { return model_->labelingList(); }
    // The method a learning curve measures unless told: the comparison's recommendation, else the
    // project's training method.
    QString learningCurveMethod() const;
    const ProjectSettings& settings() const { return model_->settings(); }
    ThumbnailCache* thumbnails() const { return thumbnails_; }
    bool isBusy() const;
    QString projectPath() const { return model_->projectPath(); }
    bool isModified() const { return model_->isModified(); }
    QString selectedPhoto() const { return model_->selectedPhoto(); }
    int selectedClassSource() const { return model_->selectedClassSource(); }

    int rowOfPath(const QString& path) const { return model_->rowOfPath(path); }
    QString pathOfContentHash(const QString& hash) const { return model_->pathOfContentHash(hash); }
    int classSourceOfRow(int row) const { return model_->classSourceOfRow(row); }
    QString modelSpecPath() const { return model_->modelSpecPath(); }

public Q_SLOTS:
    // --- dataset (DatasetEditor) ---
    void addFolders(const QStringList& paths);
    void removeClass(int sourceIndex);
    void setClassExcluded(int sourceIndex, bool excluded);
    void renameClass(int sourceIndex, const QString& name);
    void setPhotoExcluded(const QString& path, bool excluded);
    void selectClass(int sourceIndex);
    void selectPhoto(const QString& path);
    void setModelSpecPath(const QString& specPath);  // empty: the default model
    void setScanSubfolders(bool scan);  // photos in subfolders of class folders belong to the class
    void setPinnedCount(int sourceIndex, int count);  // 0: optimized
    // --- photos without a class ---
    void addUnlabeledFolders(const QStringList& paths);  // embedded, then ranked for labeling
    void clearUnlabeledFolders();
    void assignClass(const QString& unlabeledPhoto, int sourceIndex);  // −1: take the class back
    void writeAssignedLabels();  // copies them into their class folders (a task), then rescans
    // Photos of other things of the same kind as the classes, for the whitened methods' whitening.
    void addBackgroundFolders(const QStringList& paths);
    void clearBackgroundFolders();

    // --- long work (ProjectTasks) ---
    // Computes the block of S for ROWS × COLUMNS (embedding rows) off the GUI thread; the views get
    // similarityBlockChanged when it is ready.
    void computeSimilarityBlock(const std::vector<int>& rows, const std::vector<int>& columns);
    void embedPhotos();  // again, e.g. after a cancel (cached photos are not recomputed)
    // Uses SET as the project's embeddings without any photo files (synthetic or precomputed
    // vectors, e.g. for benchmarks and tests): one class per class of SET, then the analysis as
    // usual; MODEL names the network that made them. A task: the project changes when it ends.
    // Adding class folders afterwards starts a photo project again.
    void loadEmbeddings(std::shared_ptr<const EmbeddingSet> set, ModelIdentity model = {});
    void startTraining();
    void compareMethods();
    // Cross-validates METHOD (a training method id) over the labeled photos and ranks the class
    // pairs it confuses, and those that look alike (a task; confusedPairsChanged when done).
    void findConfusedPairs(const QString& method);
    // How accuracy grows with photos per class, measured on the labeled photos for METHOD (a task;
    // learningCurveChanged when done): "with 5 more photos per class expect about X%".
    void measureLearningCurve(const QString& method);
    void classifyPhotos(const QStringList& paths);
    void classifyUnlabeledPhotos();  // every photo the Unlabeled tab counts, onto the Classify tab
    void sortClassifiedPhotos(const QString& folder, bool link);  // copies (or links) into FOLDER/CLASS/, FOLDER/unknown/
    void importReferenceSet(const QString& path);
    void cancel();            // the running task (and what depends on it); queued ones go on
    void cancelEverything();  // every task, running and queued (the window closes)
    void stopTraining();      // the training queued last (the Optimize tab's Stop), not what runs before it

    // --- settings and results ---
    void setSettings(const ProjectSettings& settings);  // method, optimizer, holdout, …
    void setSimilaritySpace(SimilaritySpace space);
    void clearClassifications();

    // --- project files and exports (ProjectPersistence) ---
    // Exports throw nothing: errors are signalled (errorOccurred) and the destination is left as it was.
    void exportReferenceSet(const QString& path);
    void exportClassifierOnnx(const QString& path);  // a task: the network and the set as one .onnx
    void exportPredictions(const QString& path);  // .csv or .json
    void exportMetrics(const QString& path);      // .csv or .json
    void newProject();
    bool saveProject(const QString& path);
    // A task (see ProjectPersistence::openProject): projectOpened when the file is the project.
    void openProject(const QString& path);
    bool isOpening() const;

Q_SIGNALS:
    // The model's changes (see ProjectModel).
    void sourcesChanged();
    void datasetChanged();
    void embeddingsChanged();
    void analysisChanged();  // also when the similarity views change space
    void similaritySpaceChanged();
    void similarityBlockChanged();
    void auditChanged();
    void trainingChanged();
    void activeReferenceSetChanged();
    void classificationsChanged();
    void classificationsAdded(int at, int count);  // COUNT new ones from row AT
    void comparisonChanged();
    void confusedPairsChanged();
    void learningCurveChanged();
    void unlabeledSourcesChanged();
    void unlabeledPhotosChanged();
    void labelingListChanged();
    void settingsChanged();
    void classSelected(int sourceIndex);
    void photoSelected(const QString& path);
    void projectChanged();
    void openingChanged(bool opening);        // a project file is being read
    void projectOpened(const QString& path);  // read, and now the project

    // The tasks'.
    void trainingStarted();
    void optimizerStepped(const exemplar::OptimizerStep& step);
    // The methods of a running comparison finished so far; comparisonChanged follows with all.
    void comparisonProgressed(std::shared_ptr<const exemplar::EvaluationReport> soFar);
    void taskStarted(const QString& title);
    void taskProgress(const QString& title, qint64 done, qint64 total, const QString& what);
    void taskEnded(const QString& title, const QString& outcome);  // outcome: finished/canceled/failed
    void busyChanged(bool busy);
    // cancel() was asked while work runs: it stops at its next step (the window says so until then).
    void cancelRequested();

    // Everyone's.
    void errorOccurred(const QString& title, const QString& message);
    void statusMessage(const QString& message);

private:
    template <typename Source>
    void forwardMessages(Source* source);
    void analyseTrainedSpaceIfShown();
    // Runs CANCELTASKS, and says a cancel was asked (the views' Stop buttons) when work was running.
    void cancelAndSay(const std::function<void()>& cancelTasks);

    ProjectModel* model_;
    ThumbnailCache* thumbnails_;
    ProjectTasks* tasks_;
    DatasetEditor* editor_;
    ProjectPersistence* persistence_;
    FolderWatch* unlabeledWatch_;  // the unlabeled and background folders on disk
};

} // namespace exemplar::ui

Q_DECLARE_METATYPE(exemplar::OptimizerStep)
