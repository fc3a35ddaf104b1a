#include "model/ProjectModel.h"

#include "InstalledModels.h"
#include "ModelSpec.h"

#include <algorithm>

namespace exemplar::ui {

ProjectModel::ProjectModel(QObject* parent) : QObject(parent), embeddings_(std::make_shared<const EmbeddingSet>()) {}

QString ProjectModel::modelSpecPath() const
{
    return settings_.modelSpecPath.isEmpty() ? defaultModelSpecPath() : settings_.modelSpecPath;
}

const SuspectPhoto* ProjectModel::suspectOfRow(int row) const
{
    const auto it = suspectOfRow_.constFind(row);
    return it == suspectOfRow_.cend() ? nullptr : &audit_->suspects[size_t(*it)];
}

const TrainedSpaceView* ProjectModel::trainedSpace() const
{
    // Stale once the active set or the embeddings changed (a task computes the next one).
    if (!trainedSpace_ || trainedSpace_->source != activeSet_ || trainedSpace_->embeddings->size() != embeddings_->size())
        return nullptr;
    return trainedSpace_.get();
}

const EmbeddingSet& ProjectModel::viewedEmbeddings() const
{
    return showsTrainedSpace() ? *trainedSpace_->embeddings : *embeddings_;
}

std::shared_ptr<const EmbeddingSet> ProjectModel::sharedViewedEmbeddings() const
{
    return showsTrainedSpace() ? trainedSpace_->embeddings : embeddings_;
}

const SimilarityAnalysis* ProjectModel::viewedAnalysis() const
{
    return showsTrainedSpace() ? &trainedSpace_->analysis : analysis_.get();
}

int ProjectModel::rowOfPath(const QString& path) const { return rowOfPath_.value(path, -1); }

QString ProjectModel::pathOfContentHash(const QString& hash) const
{
    const int row = rowOfContentHash_.value(hash, -1);
    return row >= 0 && row < embeddings_->paths.size() ? embeddings_->paths[row] : QString();
}

int ProjectModel::classSourceOfRow(int row) const
{
    if (row < 0 || row >= embeddings_->size()) return -1;
    const int label = embeddings_->labels[size_t(row)];
    return sources_.indexOfFolder(dataset_.classFolders.value(label));
}

std::vector<int> ProjectModel::pinnedCountsForEmbeddings() const
{
    std::vector<int> pinned;
    for (const QString& folder : dataset_.classFolders) pinned.push_back(settings_.pinnedCounts.value(folder, 0));
    return pinned;
}

void ProjectModel::setSources(DatasetSources sources)
{
    sources_ = std::move(sources);
    if (selectedClass_ >= int(sources_.classes.size())) selectedClass_ = int(sources_.classes.size()) - 1;
    Q_EMIT sourcesChanged();
}

void ProjectModel::setSettings(const ProjectSettings& settings)
{
    settings_ = settings;
    Q_EMIT settingsChanged();
}

void ProjectModel::setProjectPath(const QString& path)
{
    projectPath_ = path;
    Q_EMIT projectChanged();
}

void ProjectModel::setModified(bool modified)
{
    if (modified) ++revision_;
    if (modified_ == modified) return;
    modified_ = modified;
    Q_EMIT projectChanged();
}

void ProjectModel::setScan(Dataset dataset, std::vector<Photo> excluded)
{
    dataset_ = std::move(dataset);
    excludedPhotos_ = std::move(excluded);
    skipped_ = dataset_.skipped;
    warnings_ = dataset_.warnings;
    Q_EMIT datasetChanged();
}

void ProjectModel::setEmbeddings(std::shared_ptr<const EmbeddingSet> set, QHash<QString, int> rowOfPath,
                                 EmbeddingOrigin origin)
{
    embeddings_ = std::move(set);
    rowOfPath_ = std::move(rowOfPath);
    // Each classified photo's nearest references are looked up by content hash as the Classify
    // tab paints them; the first photo of a hash answers, as a search of the list did.
    rowOfContentHash_.clear();
    for (int row = embeddings_ ? int(embeddings_->contentHashes.size()) - 1 : -1; row >= 0; --row)
        if (!embeddings_->contentHashes[row].isEmpty()) rowOfContentHash_.insert(embeddings_->contentHashes[row], row);
    origin_ = std::move(origin);
    Q_EMIT embeddingsChanged();
}

void ProjectModel::addEmbeddingReport(const std::vector<SkippedFile>& skipped, const QStringList& warnings)
{
    skipped_.insert(skipped_.end(), skipped.begin(), skipped.end());
    warnings_ << warnings;
    Q_EMIT datasetChanged();
}

void ProjectModel::renameClass(int sourceIndex, const QString& name)
{
    sources_.classes[size_t(sourceIndex)].name = name;
    // Names live in the dataset, the embeddings and a trained set; nothing needs recomputing.
    const int c = dataset_.classFolders.indexOf(sources_.classes[size_t(sourceIndex)].folder);
    if (c >= 0) {
        dataset_.classNames[c] = name;
        if (c < embeddings_->classNames.size()) {
            auto renamed = std::make_shared<EmbeddingSet>(*embeddings_);  // tasks may still read the old one
            renamed->classNames[c] = name;
            embeddings_ = std::move(renamed);
        }
        if (trainedSpace_ && c < trainedSpace_->embeddings->classNames.size()) {
            auto view = std::make_shared<TrainedSpaceView>(*trainedSpace_);
            auto renamed = std::make_shared<EmbeddingSet>(*view->embeddings);
            renamed->classNames[c] = name;
            view->embeddings = std::move(renamed);
            trainedSpace_ = std::move(view);
        }
    }
    Q_EMIT sourcesChanged();
    Q_EMIT datasetChanged();
    Q_EMIT analysisChanged();
}

void ProjectModel::setAnalysis(std::shared_ptr<const SimilarityAnalysis> analysis)
{
    analysis_ = std::move(analysis);
    Q_EMIT analysisChanged();
}

void ProjectModel::setSimilaritySpace(SimilaritySpace space)
{
    if (space == space_) return;
    const bool shownBefore = showsTrainedSpace();
    space_ = space;
    Q_EMIT similaritySpaceChanged();
    if (shownBefore != showsTrainedSpace()) {
        similarityBlock_.reset();  // a drill-down block of the other space
        Q_EMIT analysisChanged();
    }
}

void ProjectModel::setTrainedSpace(std::shared_ptr<const TrainedSpaceView> view)
{
    const bool shownBefore = showsTrainedSpace();
    trainedSpace_ = std::move(view);
    if (shownBefore || showsTrainedSpace()) {
        similarityBlock_.reset();
        Q_EMIT analysisChanged();
    }
}

void ProjectModel::setAudit(std::shared_ptr<const AuditReport> audit)
{
    audit_ = std::move(audit);
    suspectOfRow_.clear();
    if (audit_)
        for (size_t i = 0; i < audit_->suspects.size(); ++i) suspectOfRow_.insert(audit_->suspects[i].row, int(i));
    Q_EMIT auditChanged();
}

void ProjectModel::setSimilarityBlock(std::shared_ptr<const SimilarityBlock> block)
{
    similarityBlock_ = std::move(block);
    Q_EMIT similarityBlockChanged();
}

void ProjectModel::setTraining(std::shared_ptr<const TrainingOutcome> outcome)
{
    const bool shownBefore = showsTrainedSpace();
    training_ = std::move(outcome);
    Q_EMIT trainingChanged();
    if (!training_) return;
    // The outcome's own set, shared rather than copied (its references can be megabytes).
    activeTraining_ = training_;
    activeSet_ = std::shared_ptr<const ReferenceSet>(training_, &training_->set);
    activeSetSource_ = tr("trained in this project (%1)").arg(training_->set.method);
    Q_EMIT activeReferenceSetChanged();
    if (shownBefore) Q_EMIT analysisChanged();  // the views go back to raw until the new space is in
}

void ProjectModel::setActiveReferenceSet(std::shared_ptr<const ReferenceSet> set, const QString& source)
{
    const bool shownBefore = showsTrainedSpace();
    activeSet_ = std::move(set);
    activeTraining_.reset();
    activeSetSource_ = source;
    Q_EMIT activeReferenceSetChanged();
    if (shownBefore) Q_EMIT analysisChanged();  // the views go back to raw until the new space is in
}

void ProjectModel::setClassifications(std::vector<ClassifiedPhoto> classifications)
{
    classifications_ = std::move(classifications);
    Q_EMIT classificationsChanged();
}

void ProjectModel::addClassifications(const std::vector<ClassifiedPhoto>& newest, qsizetype at)
{
    if (newest.empty()) return;
    // A drop's batches come one after the other: each goes after the ones before it, so the list
    // keeps the drop's order whatever the batching.
    const qsizetype row = std::clamp<qsizetype>(at, 0, qsizetype(classifications_.size()));
    classifications_.insert(classifications_.begin() + row, newest.begin(), newest.end());
    Q_EMIT classificationsAdded(int(row), int(newest.size()));
}

void ProjectModel::setComparison(std::shared_ptr<const MethodComparison> comparison)
{
    comparison_ = std::move(comparison);
    Q_EMIT comparisonChanged();
}

void ProjectModel::setConfusedPairs(std::shared_ptr<const ConfusedPairsReport> report)
{
    confusedPairs_ = std::move(report);
    Q_EMIT confusedPairsChanged();
}

void ProjectModel::setLearningCurve(std::shared_ptr<const LearningCurve> curve)
{
    learningCurve_ = std::move(curve);
    Q_EMIT learningCurveChanged();
}

void ProjectModel::setUnlabeledSources(UnlabeledSources sources)
{
    unlabeledSources_ = std::move(sources);
    Q_EMIT unlabeledSourcesChanged();
}

void ProjectModel::setUnlabeledPhotos(UnlabeledPhotos photos)
{
    unlabeledPhotos_ = std::move(photos);
    Q_EMIT unlabeledPhotosChanged();
}

void ProjectModel::setLabelingList(LabelingList list)
{
    labelingList_ = std::move(list);
    Q_EMIT labelingListChanged();
}

void ProjectModel::clearResults()
{
    similarityBlock_.reset();
    setAudit(nullptr);
    analysis_.reset();
    trainedSpace_.reset();
    training_.reset();
    comparison_.reset();
    confusedPairs_.reset();
    learningCurve_.reset();
    Q_EMIT analysisChanged();
    Q_EMIT trainingChanged();
    Q_EMIT comparisonChanged();
    Q_EMIT confusedPairsChanged();
    Q_EMIT learningCurveChanged();
}

void ProjectModel::selectClass(int sourceIndex)
{
    if (sourceIndex == selectedClass_) return;
    selectedClass_ = sourceIndex;
    Q_EMIT classSelected(sourceIndex);
}

void ProjectModel::selectPhoto(const QString& path)
{
    const int source = classSourceOfRow(rowOfPath(path));
    if (source >= 0) selectClass(source);
    if (path == selectedPhoto_) return;
    selectedPhoto_ = path;
    Q_EMIT photoSelected(path);
}

} // namespace exemplar::ui
