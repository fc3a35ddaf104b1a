#include "controller/ProjectController.h"

#include "editing/DatasetEditor.h"
#include "project/FolderWatch.h"
#include "project/ProjectPersistence.h"
#include "tasks/ProjectTasks.h"
#include "thumbnails/ThumbnailCache.h"

#include <QSettings>
#include <cmath>

namespace exemplar::ui {

namespace {
const QString kSpaceSetting = QStringLiteral("views/similaritySpace");
}

ProjectController::ProjectController(QObject* parent)
    : QObject(parent),
      model_(new ProjectModel(this)),
      thumbnails_(new ThumbnailCache(this)),
      tasks_(new ProjectTasks(model_, this)),
      editor_(new DatasetEditor(model_, tasks_, this)),
      persistence_(new ProjectPersistence(model_, tasks_, this)),
      unlabeledWatch_(new FolderWatch(this))
{
    // The model's change signals are the controller's: views connect to one object.
    connect(model_, &ProjectModel::sourcesChanged, this, &ProjectController::sourcesChanged);
    connect(model_, &ProjectModel::datasetChanged, this, &ProjectController::datasetChanged);
    // The folders were read again: a photo whose thumbnail failed may be back.
    connect(model_, &ProjectModel::datasetChanged, thumbnails_, &ThumbnailCache::retryFailed);
    connect(model_, &ProjectModel::unlabeledPhotosChanged, thumbnails_, &ThumbnailCache::retryFailed);
    connect(model_, &ProjectModel::embeddingsChanged, this, &ProjectController::embeddingsChanged);
    connect(model_, &ProjectModel::analysisChanged, this, &ProjectController::analysisChanged);
    connect(model_, &ProjectModel::similaritySpaceChanged, this, &ProjectController::similaritySpaceChanged);
    connect(model_, &ProjectModel::similarityBlockChanged, this, &ProjectController::similarityBlockChanged);
    connect(model_, &ProjectModel::auditChanged, this, &ProjectController::auditChanged);
    connect(model_, &ProjectModel::trainingChanged, this, &ProjectController::trainingChanged);
    connect(model_, &ProjectModel::activeReferenceSetChanged, this, &ProjectController::activeReferenceSetChanged);
    connect(model_, &ProjectModel::classificationsChanged, this, &ProjectController::classificationsChanged);
    connect(model_, &ProjectModel::classificationsAdded, this, &ProjectController::classificationsAdded);
    connect(model_, &ProjectModel::comparisonChanged, this, &ProjectController::comparisonChanged);
    connect(model_, &ProjectModel::confusedPairsChanged, this, &ProjectController::confusedPairsChanged);
    connect(model_, &ProjectModel::learningCurveChanged, this, &ProjectController::learningCurveChanged);
    connect(model_, &ProjectModel::unlabeledSourcesChanged, this, &ProjectController::unlabeledSourcesChanged);
    connect(model_, &ProjectModel::unlabeledPhotosChanged, this, &ProjectController::unlabeledPhotosChanged);
    connect(model_, &ProjectModel::labelingListChanged, this, &ProjectController::labelingListChanged);
    connect(model_, &ProjectModel::settingsChanged, this, &ProjectController::settingsChanged);
    connect(model_, &ProjectModel::classSelected, this, &ProjectController::classSelected);
    connect(model_, &ProjectModel::photoSelected, this, &ProjectController::photoSelected);
    connect(model_, &ProjectModel::projectChanged, this, &ProjectController::projectChanged);

    connect(tasks_, &ProjectTasks::trainingStarted, this, &ProjectController::trainingStarted);
    connect(tasks_, &ProjectTasks::optimizerStepped, this, &ProjectController::optimizerStepped);
    connect(tasks_, &ProjectTasks::comparisonProgressed, this, &ProjectController::comparisonProgressed);
    TaskRunner* runner = tasks_->runner();
    connect(runner, &TaskRunner::taskStarted, this, &ProjectController::taskStarted);
    connect(runner, &TaskRunner::progress, this, &ProjectController::taskProgress);
    connect(runner, &TaskRunner::busyChanged, this, &ProjectController::busyChanged);
    connect(runner, &TaskRunner::taskFinished, this, [this](const QString& title) { Q_EMIT taskEnded(title, tr("finished")); });
    connect(runner, &TaskRunner::taskCanceled, this, [this](const QString& title) {
        Q_EMIT taskEnded(title, tr("canceled"));
        Q_EMIT statusMessage(tr("%1 canceled").arg(title));
    });
    connect(runner, &TaskRunner::taskFailed, this, [this](const QString& title, const QString& message) {
        Q_EMIT taskEnded(title, tr("failed"));
        Q_EMIT errorOccurred(title, message);
    });
    forwardMessages(tasks_);
    forwardMessages(editor_);
    forwardMessages(persistence_);
    connect(persistence_, &ProjectPersistence::openingChanged, this, &ProjectController::openingChanged);
    connect(persistence_, &ProjectPersistence::projectOpened, this, &ProjectController::projectOpened);

    model_->setSimilaritySpace(QSettings().value(kSpaceSetting).toString() == QLatin1String("trained")
                                   ? SimilaritySpace::Trained : SimilaritySpace::Raw);
    // The trained space follows the active set and the embeddings, when it is the one shown.
    connect(model_, &ProjectModel::activeReferenceSetChanged, this, &ProjectController::analyseTrainedSpaceIfShown);
    connect(model_, &ProjectModel::analysisChanged, this, &ProjectController::analyseTrainedSpaceIfShown);
    // The label-next list asks the active set, and leaves out photos that are labeled now.
    connect(model_, &ProjectModel::activeReferenceSetChanged, tasks_, &ProjectTasks::rankUnlabeled);
    connect(model_, &ProjectModel::embeddingsChanged, this, [this] {
        if (model_->unlabeledPhotos().embeddings) tasks_->rankUnlabeled();
    });
    // Its message follows the folders at once ("add a folder" would stay while a dropped one is
    // being embedded); the list itself follows their embeddings.
    connect(model_, &ProjectModel::unlabeledSourcesChanged, this, [this] {
        const auto& unlabeled = model_->unlabeledPhotos().embeddings;
        if (!unlabeled || unlabeled->size() == 0) tasks_->rankUnlabeled();
        unlabeledWatch_->setFolders(model_->unlabeledSources().folders + model_->unlabeledSources().backgroundFolders);
    });
    // Photos added to or taken from those folders on disk are read again (the cache makes it
    // quick), so that the Unlabeled tab and training see what is there now.
    connect(unlabeledWatch_, &FolderWatch::foldersChanged, this, [this] {
        // Said with the outcome: a message before the work is replaced by the work's at once.
        tasks_->embedUnlabeled(tr("The unlabeled or background folders changed on disk"));
    });
}

ProjectController::~ProjectController()
{
    delete tasks_;  // cancels and joins the worker before the model it reads goes away
}

template <typename Source>
void ProjectController::forwardMessages(Source* source)
{
    connect(source, &Source::statusMessage, this, &ProjectController::statusMessage);
    connect(source, &Source::errorOccurred, this, &ProjectController::errorOccurred);
}

bool ProjectController::isBusy() const { return tasks_->runner()->isBusy(); }

QString ProjectController::trainedSpaceUnavailable() const
{
    const ReferenceSet* set = activeReferenceSet();
    if (!set)
        return tr("Train a reference set first (Optimize tab), or import one: this shows the photos as its "
                  "classifier compares them.");
    if (!set->head.hasTransform())
        return tr("The reference set (%1) compares photos by raw cosine: there is no other space to show.")
            .arg(set->method);
    if (embeddings().size() > 0 && set->head.inputDim() != embeddings().dim())
        return tr("The reference set was made from other embeddings (%1 values per photo, these have %2).")
            .arg(set->head.inputDim())
            .arg(embeddings().dim());
    // Same size is not same meaning: both installed models give 1,280 values per photo.
    const ModelIdentity& embedded = model_->embeddingOrigin().model;
    if (embeddings().size() > 0 && !embedded.sha256.isEmpty() &&
        set->modelSha256.compare(embedded.sha256, Qt::CaseInsensitive) != 0)
        return tr("The reference set was made with another model (%1) than these photos' embeddings (%2): "
                  "choose its model in the Model menu to see them as it does.")
            .arg(set->modelName, embedded.name);
    return {};
}

QString ProjectController::viewedSpaceName() const
{
    if (showsTrainedSpace()) return tr("cosine in the trained space (%1)").arg(activeReferenceSet()->method);
    if (similaritySpace() == SimilaritySpace::Trained && trainedSpaceUnavailable().isEmpty())
        return tr("raw cosine (the trained space is being computed)");
    return tr("raw cosine");
}

const Histogram* ProjectController::viewedKeptCrossClass() const
{
    const Histogram* kept = showsTrainedSpace() ? &model_->trainedSpace()->keptCrossClass
                                                : (training() ? &training()->keptCrossClass : nullptr);
    return kept && kept->total > 0 ? kept : nullptr;
}

void ProjectController::setSimilaritySpace(SimilaritySpace space)
{
    QSettings().setValue(kSpaceSetting, space == SimilaritySpace::Trained ? QStringLiteral("trained") : QStringLiteral("raw"));
    model_->setSimilaritySpace(space);
    analyseTrainedSpaceIfShown();
}

void ProjectController::analyseTrainedSpaceIfShown()
{
    if (similaritySpace() == SimilaritySpace::Trained && trainedSpaceUnavailable().isEmpty()) tasks_->analyseTrainedSpace();
}

void ProjectController::addFolders(const QStringList& paths) { editor_->addFolders(paths); }
void ProjectController::removeClass(int sourceIndex) { editor_->removeClass(sourceIndex); }
void ProjectController::setClassExcluded(int sourceIndex, bool excluded) { editor_->setClassExcluded(sourceIndex, excluded); }
void ProjectController::renameClass(int sourceIndex, const QString& name) { editor_->renameClass(sourceIndex, name); }
void ProjectController::setPhotoExcluded(const QString& path, bool excluded) { editor_->setPhotoExcluded(path, excluded); }
void ProjectController::selectClass(int sourceIndex) { model_->selectClass(sourceIndex); }
void ProjectController::selectPhoto(const QString& path) { model_->selectPhoto(path); }
void ProjectController::setModelSpecPath(const QString& specPath) { editor_->setModelSpecPath(specPath); }
void ProjectController::setScanSubfolders(bool scan) { editor_->setScanSubfolders(scan); }
void ProjectController::setPinnedCount(int sourceIndex, int count) { editor_->setPinnedCount(sourceIndex, count); }

void ProjectController::addUnlabeledFolders(const QStringList& paths) { editor_->addUnlabeledFolders(paths); }
void ProjectController::clearUnlabeledFolders() { editor_->clearUnlabeledFolders(); }
void ProjectController::addBackgroundFolders(const QStringList& paths) { editor_->addBackgroundFolders(paths); }
void ProjectController::clearBackgroundFolders() { editor_->clearBackgroundFolders(); }
void ProjectController::assignClass(const QString& unlabeledPhoto, int sourceIndex) { editor_->assignClass(unlabeledPhoto, sourceIndex); }
void ProjectController::writeAssignedLabels() { tasks_->writeAssignedLabels(); }

void ProjectController::computeSimilarityBlock(const std::vector<int>& rows, const std::vector<int>& columns)
{
    tasks_->computeSimilarityBlock(rows, columns);
}
void ProjectController::embedPhotos() { tasks_->rescanAndEmbed(); }
void ProjectController::loadEmbeddings(std::shared_ptr<const EmbeddingSet> set, ModelIdentity model)
{
    tasks_->loadEmbeddings(std::move(set), std::move(model));
}
void ProjectController::startTraining() { tasks_->train(); }
void ProjectController::compareMethods() { tasks_->compareMethods(); }
void ProjectController::findConfusedPairs(const QString& method) { tasks_->findConfusedPairs(method); }
void ProjectController::measureLearningCurve(const QString& method) { tasks_->measureLearningCurve(method); }

QString ProjectController::learningCurveMethod() const
{
    const MethodComparison* comparison = model_->comparison();
    if (comparison && comparison->recommended >= 0) return comparison->methods[size_t(comparison->recommended)].name;
    return model_->settings().method;
}
void ProjectController::classifyPhotos(const QStringList& paths) { tasks_->classify(paths); }
void ProjectController::classifyUnlabeledPhotos() { tasks_->classifyUnlabeled(); }
void ProjectController::sortClassifiedPhotos(const QString& folder, bool link) { tasks_->sortClassifiedPhotos(folder, link); }
void ProjectController::importReferenceSet(const QString& path) { tasks_->importReferenceSet(path); }
void ProjectController::cancel()
{
    // The task the status bar names (and those that need its result), not the ones queued after
    // it: Cancel while comparing methods also dropped the embedding of an unlabeled folder added
    // meanwhile, which nothing then redid (a GUI review). A project being opened runs beside the
    // queue and is what the status bar names then: it is canceled with the rest, as before.
    cancelAndSay([this] {
        if (isOpening()) tasks_->runner()->cancelAll();
        else tasks_->runner()->cancel(tasks_->runner()->firstTask());
    });
}

void ProjectController::stopTraining()
{
    cancelAndSay([this] { tasks_->stopTraining(); });
}

void ProjectController::cancelEverything()
{
    cancelAndSay([this] { tasks_->runner()->cancelAll(); });
}

void ProjectController::cancelAndSay(const std::function<void()>& cancelTasks)
{
    const bool busy = isBusy();
    cancelTasks();
    if (busy) Q_EMIT cancelRequested();
}

void ProjectController::setSettings(const ProjectSettings& settings)
{
    model_->setSettings(settings);
    model_->setModified(true);
}
void ProjectController::clearClassifications() { model_->setClassifications({}); }

void ProjectController::exportReferenceSet(const QString& path) { persistence_->exportReferenceSet(path); }
void ProjectController::exportClassifierOnnx(const QString& path) { tasks_->exportClassifierOnnx(path); }
void ProjectController::exportPredictions(const QString& path) { persistence_->exportPredictions(path); }
void ProjectController::exportMetrics(const QString& path) { persistence_->exportMetrics(path); }
void ProjectController::newProject() { persistence_->newProject(); }
bool ProjectController::saveProject(const QString& path) { return persistence_->saveProject(path); }
void ProjectController::openProject(const QString& path) { persistence_->openProject(path); }
bool ProjectController::isOpening() const { return persistence_->isOpening(); }

} // namespace exemplar::ui
