#pragma once
// The one object every view talks to. It owns the project state, the worker thread (TaskRunner)
// and the thumbnail loader; views call its commands and redraw on its signals, and never call
// each other. Every command that takes more than a moment runs as a cancellable job.
#include "Dataset.h"
#include "EmbeddingSet.h"
#include "controller/DatasetSources.h"
#include "controller/ProjectState.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <memory>

namespace exemplar::ui {

class TaskRunner;
class ThumbnailCache;
struct WorkerModel;

class ProjectController : public QObject {
    Q_OBJECT

public:
    explicit ProjectController(QObject* parent = nullptr);
    ~ProjectController() override;

    // --- state (read-only for views) ---
    const DatasetSources& sources() const { return sources_; }
    const Dataset& dataset() const { return dataset_; }
    const std::vector<Photo>& excludedPhotos() const { return excludedPhotos_; }
    const EmbeddingSet& embeddings() const { return *embeddings_; }
    const std::vector<SkippedFile>& skippedFiles() const { return skipped_; }
    // About the dataset as a whole: empty or one-photo classes, a photo filed under two classes, …
    const QStringList& datasetWarnings() const { return warnings_; }
    const SimilarityAnalysis* analysis() const { return analysis_.get(); }
    // Suspect photos of the embedded set (see core/Audit.h), computed right after the analysis.
    const AuditReport* audit() const { return audit_.get(); }
    const SuspectPhoto* suspectOfRow(int row) const;  // null: not suspect
    const TrainingOutcome* training() const { return training_.get(); }
    const ReferenceSet* activeReferenceSet() const { return activeSet_.get(); }
    QString activeReferenceSetSource() const { return activeSetSource_; }
    const std::vector<ClassifiedPhoto>& classifications() const { return classifications_; }
    const MethodComparison* comparison() const { return comparison_.get(); }
    const SimilarityBlock* similarityBlock() const { return similarityBlock_.get(); }  // the last one computed
    const ProjectSettings& settings() const { return settings_; }
    ThumbnailCache* thumbnails() const { return thumbnails_; }
    bool isBusy() const;
    QString projectPath() const { return projectPath_; }
    bool isModified() const { return modified_; }
    QString selectedPhoto() const { return selectedPhoto_; }
    int selectedClassSource() const { return selectedClass_; }

    int rowOfPath(const QString& path) const;             // embedding row, or -1
    QString pathOfContentHash(const QString& hash) const;  // a reference's photo in this project
    int classSourceOfRow(int row) const;                  // index into sources().classes
    QString modelSpecPath() const;                        // the chosen or the default spec
    static QString unknownRule(const ReferenceHead& head);     // the head's "unknown" threshold in words

public Q_SLOTS:
    // --- dataset ---
    void addFolders(const QStringList& paths);
    void removeClass(int sourceIndex);
    void setClassExcluded(int sourceIndex, bool excluded);
    void renameClass(int sourceIndex, const QString& name);
    void setPhotoExcluded(const QString& path, bool excluded);
    void selectClass(int sourceIndex);
    void selectPhoto(const QString& path);
    // Computes the block of S for ROWS × COLUMNS (embedding rows) off the GUI thread; the views get
    // similarityBlockChanged when it is ready.
    void computeSimilarityBlock(const std::vector<int>& rows, const std::vector<int>& columns);
    void setModelSpecPath(const QString& specPath);  // empty: the default model
    void embedPhotos();  // again, e.g. after a cancel (cached photos are not recomputed)
    // Uses SET as the project's embeddings without any photo files (synthetic or precomputed
    // vectors, e.g. for benchmarks): one class per class of SET, then the analysis as usual. A job:
    // the project changes when it finishes.
    // Adding class folders afterwards starts a photo project again.
    // MODEL names the network that made them (recorded in reference sets trained on them).
    void loadEmbeddings(std::shared_ptr<const EmbeddingSet> set, ModelIdentity model = {});

    // --- training, evaluation, classification ---
    void setSettings(const ProjectSettings& settings);  // method, optimizer, holdout, …
    void setPinnedCount(int sourceIndex, int count);     // 0: optimized
    void startTraining();
    void compareMethods();
    void classifyPhotos(const QStringList& paths);
    void clearClassifications();
    void importReferenceSet(const QString& path);
    // Exports throw nothing: errors are signalled (errorOccurred) and the destination is left as it was.
    void exportReferenceSet(const QString& path);
    void exportPredictions(const QString& path);  // .csv or .json
    void exportMetrics(const QString& path);      // .csv or .json
    void cancel();

    // --- project ---
    void newProject();
    bool saveProject(const QString& path);
    void openProject(const QString& path);

Q_SIGNALS:
    void sourcesChanged();           // class list, names, exclusions
    void datasetChanged();           // scanned photos and skipped files
    void embeddingsChanged();
    void analysisChanged();
    void similarityBlockChanged();
    void auditChanged();             // suspect photos (after the analysis; sampled pair searches in large projects)
    void trainingStarted();
    void optimizerStepped(const exemplar::OptimizerStep& step);
    void trainingChanged();
    void activeReferenceSetChanged();
    void classificationsChanged();
    void comparisonChanged();
    void settingsChanged();
    void classSelected(int sourceIndex);
    void photoSelected(const QString& path);
    void projectChanged();           // path or modified flag

    void taskStarted(const QString& title);
    void taskProgress(const QString& title, qint64 done, qint64 total, const QString& what);
    void taskEnded(const QString& title, const QString& outcome);  // outcome: finished/canceled/failed
    void busyChanged(bool busy);
    void errorOccurred(const QString& title, const QString& message);
    void statusMessage(const QString& message);

private:
    void datasetSourcesEdited();  // rescan and re-embed (the cache makes this cheap)
    void rescanAndEmbed(std::function<void()> afterEmbedding = {});
    // Which network made the embeddings, and how it was fed: what a trained set records.
    struct EmbeddingOrigin {
        ModelIdentity model;
        QJsonObject preprocessing;
    };
    void setEmbeddings(std::shared_ptr<const EmbeddingSet> set, QHash<QString, int> rowOfPath, EmbeddingOrigin origin);
    void runAnalysis(std::function<void()> afterAnalysis = {});
    void runAudit();
    // Scores the trained set (restored from a project file) on the embeddings now present.
    void attachTrainingToRows();
    void setModified(bool modified);
    void invalidateResults();
    std::vector<int> pinnedCountsForEmbeddings() const;

    DatasetSources sources_;
    Dataset dataset_;
    std::vector<Photo> excludedPhotos_;
    // Shared with running jobs, never copied: large projects hold hundreds of megabytes here.
    std::shared_ptr<const EmbeddingSet> embeddings_;
    QHash<QString, int> rowOfPath_;
    EmbeddingOrigin origin_;
    std::vector<SkippedFile> skipped_;
    QStringList warnings_;
    std::shared_ptr<const SimilarityAnalysis> analysis_;
    std::shared_ptr<const AuditReport> audit_;
    std::shared_ptr<const SimilarityBlock> similarityBlock_;
    QHash<int, int> suspectOfRow_;  // embedding row → index into audit_->suspects
    std::shared_ptr<const TrainingOutcome> training_;
    std::shared_ptr<const ReferenceSet> activeSet_;
    QString activeSetSource_;
    std::vector<ClassifiedPhoto> classifications_;
    std::shared_ptr<const MethodComparison> comparison_;
    ProjectSettings settings_;
    QString projectPath_;
    bool modified_ = false;
    QString selectedPhoto_;
    int selectedClass_ = -1;

    std::shared_ptr<WorkerModel> model_;  // the Embedder; touched on the worker thread only
    ThumbnailCache* thumbnails_ = nullptr;
    TaskRunner* runner_ = nullptr;        // last: destroyed first, so no job outlives the state
};

} // namespace exemplar::ui

Q_DECLARE_METATYPE(exemplar::OptimizerStep)
