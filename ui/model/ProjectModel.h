#pragma once
// The project as the views see it: what the user put in (class folders, exclusions, settings),
// what was computed from it (dataset scan, embeddings, analysis, audit, training, comparison,
// classifications) and what is selected. State and change signals only: it computes nothing and
// starts nothing. Every change goes through a setter that emits its signal, on the GUI thread, and
// replaces a result as a whole, so views never see half-updated state.
#include "Dataset.h"
#include "EmbeddingSet.h"
#include "ModelIdentity.h"
#include "model/DatasetSources.h"
#include "model/ProjectState.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <memory>

namespace exemplar::ui {

// Which network made the embeddings, and how it was fed: what a set trained on them records.
struct EmbeddingOrigin {
    ModelIdentity model;
    QJsonObject preprocessing;
};

class ProjectModel : public QObject {
    Q_OBJECT

public:
    explicit ProjectModel(QObject* parent = nullptr);

    // --- what the user put in ---
    const DatasetSources& sources() const { return sources_; }
    const ProjectSettings& settings() const { return settings_; }
    QString projectPath() const { return projectPath_; }
    bool isModified() const { return modified_; }
    // Counts the changes (each setModified(true)): a save compares it before and after writing.
    quint64 revision() const { return revision_; }
    QString modelSpecPath() const;  // the chosen or the default spec

    // --- what was computed ---
    const Dataset& dataset() const { return dataset_; }
    const std::vector<Photo>& excludedPhotos() const { return excludedPhotos_; }
    // Shared with running tasks, never copied: large projects hold hundreds of megabytes here.
    std::shared_ptr<const EmbeddingSet> sharedEmbeddings() const { return embeddings_; }
    const EmbeddingSet& embeddings() const { return *embeddings_; }
    const EmbeddingOrigin& embeddingOrigin() const { return origin_; }
    const std::vector<SkippedFile>& skippedFiles() const { return skipped_; }
    const QStringList& datasetWarnings() const { return warnings_; }
    const SimilarityAnalysis* analysis() const { return analysis_.get(); }
    // The similarity views' space: the one chosen, and the trained space when it is computed for
    // the active reference set and these embeddings (null otherwise).
    SimilaritySpace similaritySpace() const { return space_; }
    const TrainedSpaceView* trainedSpace() const;
    bool showsTrainedSpace() const { return space_ == SimilaritySpace::Trained && trainedSpace(); }
    // What the similarity views draw: the trained space when it is chosen and ready, else raw.
    const EmbeddingSet& viewedEmbeddings() const;
    std::shared_ptr<const EmbeddingSet> sharedViewedEmbeddings() const;
    const SimilarityAnalysis* viewedAnalysis() const;
    const AuditReport* audit() const { return audit_.get(); }
    std::shared_ptr<const AuditReport> sharedAudit() const { return audit_; }
    const SuspectPhoto* suspectOfRow(int row) const;  // null: not suspect
    const TrainingOutcome* training() const { return training_.get(); }
    std::shared_ptr<const TrainingOutcome> sharedTraining() const { return training_; }
    // The training whose set classifies, while it does: it outlives training() across a rescan
    // (clearResults), so that a save keeps the set the classifications were made with.
    std::shared_ptr<const TrainingOutcome> sharedTrainingBehindActiveSet() const { return activeTraining_; }
    const ReferenceSet* activeReferenceSet() const { return activeSet_.get(); }
    std::shared_ptr<const ReferenceSet> sharedActiveReferenceSet() const { return activeSet_; }
    QString activeReferenceSetSource() const { return activeSetSource_; }
    const std::vector<ClassifiedPhoto>& classifications() const { return classifications_; }
    const MethodComparison* comparison() const { return comparison_.get(); }
    std::shared_ptr<const MethodComparison> sharedComparison() const { return comparison_; }
    const SimilarityBlock* similarityBlock() const { return similarityBlock_.get(); }
    // The most confused class pairs (cross-validated and by similarity), when they were asked for.
    const ConfusedPairsReport* confusedPairs() const { return confusedPairs_.get(); }
    const LearningCurve* learningCurve() const { return learningCurve_.get(); }
    std::shared_ptr<const LearningCurve> sharedLearningCurve() const { return learningCurve_; }
    // Photos without a class: the folders and assignments the user made, the photos as embedded,
    // and the label-next list for the active reference set.
    const UnlabeledSources& unlabeledSources() const { return unlabeledSources_; }
    const UnlabeledPhotos& unlabeledPhotos() const { return unlabeledPhotos_; }
    const LabelingList& labelingList() const { return labelingList_; }
    // The class folder the user assigned PATH (an unlabeled photo) to; empty when none.
    QString assignedClassFolder(const QString& path) const { return unlabeledSources_.assigned.value(path); }

    // --- what is selected ---
    QString selectedPhoto() const { return selectedPhoto_; }
    int selectedClassSource() const { return selectedClass_; }

    // --- lookups ---
    int rowOfPath(const QString& path) const;             // embedding row, or -1
    QString pathOfContentHash(const QString& hash) const;  // a reference's photo in this project
    int classSourceOfRow(int row) const;                  // index into sources().classes
    std::vector<int> pinnedCountsForEmbeddings() const;   // per class of the embeddings; 0: optimized

    // --- changes (each emits its signal) ---
    void setSources(DatasetSources sources);
    void setSettings(const ProjectSettings& settings);
    void setProjectPath(const QString& path);
    void setModified(bool modified);
    // A new scan: the dataset, the photos excluded by hand, and what could not be listed.
    void setScan(Dataset dataset, std::vector<Photo> excluded);
    void setEmbeddings(std::shared_ptr<const EmbeddingSet> set, QHash<QString, int> rowOfPath, EmbeddingOrigin origin);
    void addEmbeddingReport(const std::vector<SkippedFile>& skipped, const QStringList& warnings);
    // The class of SOURCE_INDEX is called NAME from now on, everywhere (nothing is recomputed).
    void renameClass(int sourceIndex, const QString& name);
    void setAnalysis(std::shared_ptr<const SimilarityAnalysis> analysis);
    void setSimilaritySpace(SimilaritySpace space);
    void setTrainedSpace(std::shared_ptr<const TrainedSpaceView> view);
    void setAudit(std::shared_ptr<const AuditReport> audit);
    void setSimilarityBlock(std::shared_ptr<const SimilarityBlock> block);
    // A set trained in this project, which becomes the active one (what Classify uses).
    void setTraining(std::shared_ptr<const TrainingOutcome> outcome);
    void setActiveReferenceSet(std::shared_ptr<const ReferenceSet> set, const QString& source);
    void setClassifications(std::vector<ClassifiedPhoto> classifications);
    // Lists NEWEST from row AT (0: first); the rows from AT on move down.
    void addClassifications(const std::vector<ClassifiedPhoto>& newest, qsizetype at = 0);
    void setComparison(std::shared_ptr<const MethodComparison> comparison);
    void setConfusedPairs(std::shared_ptr<const ConfusedPairsReport> report);
    void setLearningCurve(std::shared_ptr<const LearningCurve> curve);
    void setUnlabeledSources(UnlabeledSources sources);
    void setUnlabeledPhotos(UnlabeledPhotos photos);
    void setLabelingList(LabelingList list);
    // Everything computed from the embeddings (analysis, audit, training, comparison).
    void clearResults();
    void selectClass(int sourceIndex);
    void selectPhoto(const QString& path);

Q_SIGNALS:
    void sourcesChanged();           // class list, names, exclusions
    void datasetChanged();           // scanned photos and skipped files
    void embeddingsChanged();
    void analysisChanged();          // also when what the similarity views draw changes space
    void similaritySpaceChanged();
    void similarityBlockChanged();
    void auditChanged();             // suspect photos
    void trainingChanged();
    void activeReferenceSetChanged();
    void classificationsChanged();   // replaced or cleared
    void classificationsAdded(int at, int count);  // COUNT new ones from row AT; the others unchanged
    void comparisonChanged();
    void confusedPairsChanged();
    void learningCurveChanged();
    void unlabeledSourcesChanged();  // folders or assignments
    void unlabeledPhotosChanged();   // embedded (or cleared)
    void labelingListChanged();
    void settingsChanged();
    void classSelected(int sourceIndex);
    void photoSelected(const QString& path);
    void projectChanged();           // path or modified flag

private:
    DatasetSources sources_;
    ProjectSettings settings_;
    QString projectPath_;
    bool modified_ = false;
    quint64 revision_ = 0;
    Dataset dataset_;
    std::vector<Photo> excludedPhotos_;
    std::shared_ptr<const EmbeddingSet> embeddings_;
    QHash<QString, int> rowOfPath_;
    QHash<QString, int> rowOfContentHash_;  // the first row of each content hash
    EmbeddingOrigin origin_;
    std::vector<SkippedFile> skipped_;
    QStringList warnings_;
    std::shared_ptr<const SimilarityAnalysis> analysis_;
    SimilaritySpace space_ = SimilaritySpace::Raw;
    std::shared_ptr<const TrainedSpaceView> trainedSpace_;
    std::shared_ptr<const AuditReport> audit_;
    QHash<int, int> suspectOfRow_;  // embedding row → index into audit_->suspects
    std::shared_ptr<const SimilarityBlock> similarityBlock_;
    std::shared_ptr<const TrainingOutcome> training_;
    std::shared_ptr<const TrainingOutcome> activeTraining_;  // behind activeSet_, or null (imported)
    std::shared_ptr<const ReferenceSet> activeSet_;
    QString activeSetSource_;
    std::vector<ClassifiedPhoto> classifications_;
    std::shared_ptr<const MethodComparison> comparison_;
    std::shared_ptr<const ConfusedPairsReport> confusedPairs_;
    std::shared_ptr<const LearningCurve> learningCurve_;
    UnlabeledSources unlabeledSources_;
    UnlabeledPhotos unlabeledPhotos_;
    LabelingList labelingList_;
    QString selectedPhoto_;
    int selectedClass_ = -1;
};

} // namespace exemplar::ui
