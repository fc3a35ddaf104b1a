#include "controller/ProjectController.h"

#include "Audit.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "Error.h"
#include "HonestEvaluation.h"
#include "ImageDecoder.h"
#include "ModelSpec.h"
#include "Rejection.h"
#include "SimilarityStatistics.h"
#include "controller/TaskRunner.h"
#include "export/ResultExport.h"
#include "project/ProjectFile.h"
#include "thumbnails/ThumbnailCache.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QMetaObject>
#include <cmath>
#include <limits>

namespace exemplar::ui {

// The embedding model, loaded once and used only by jobs on the worker thread (an Embedder is not
// safe to share between threads, and loading it takes a second).
struct WorkerModel {
    QString specPath;
    std::unique_ptr<Embedder> embedder;

    Embedder& load(const QString& path)
    {
        if (!embedder || specPath != path) {
            embedder.reset();
            embedder = std::make_unique<Embedder>(ModelSpec::load(path));
            specPath = path;
        }
        return *embedder;
    }
};

namespace {

// The "folder" of a class of loaded embeddings (see loadEmbeddings): a name, not a path.
const QString kLoadedEmbeddingsPrefix = QStringLiteral("embeddings:");

// Image files directly inside dropped folders, so that a folder of photos can be classified at once.
QStringList expandPhotoPaths(const QStringList& paths)
{
    QStringList files;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            files << path;
            continue;
        }
        for (const QFileInfo& entry : QDir(path).entryInfoList(QDir::Files, QDir::Name))
            if (hasSupportedImageExtension(entry.fileName())) files << entry.absoluteFilePath();
    }
    return files;
}

// Path → row of SET: built by the job that produced SET (50,000 paths take a while to hash).
QHash<QString, int> rowIndex(const EmbeddingSet& set)
{
    QHash<QString, int> rowOf;
    rowOf.reserve(set.size());
    for (int i = 0; i < set.size(); ++i) rowOf.insert(set.paths[i], i);
    return rowOf;
}

// The held-out figures and kept references of TRAINED on DATA's rows, and what the views draw.
std::shared_ptr<const TrainingOutcome> outcomeOn(const TrainedReferenceSet& trained, const EmbeddingSet& data)
{
    auto outcome = std::make_shared<TrainingOutcome>();
    static_cast<TrainedReferenceSet&>(*outcome) = trained;
    static_cast<HeldOutResult&>(*outcome) = scoreOnHeldOut(trained, data);
    if (!outcome->keptRows.empty()) outcome->keptCrossClass = crossClassHistogram(data, outcome->keptRows);
    return outcome;
}

} // namespace

ProjectController::ProjectController(QObject* parent)
    : QObject(parent), embeddings_(std::make_shared<const EmbeddingSet>()), model_(std::make_shared<WorkerModel>()),
      thumbnails_(new ThumbnailCache(this)),
      runner_(new TaskRunner(this))
{
    qRegisterMetaType<exemplar::OptimizerStep>();
    connect(runner_, &TaskRunner::taskStarted, this, &ProjectController::taskStarted);
    connect(runner_, &TaskRunner::progress, this, &ProjectController::taskProgress);
    connect(runner_, &TaskRunner::busyChanged, this, &ProjectController::busyChanged);
    connect(runner_, &TaskRunner::taskFinished, this, [this](const QString& title) { Q_EMIT taskEnded(title, tr("finished")); });
    connect(runner_, &TaskRunner::taskCanceled, this, [this](const QString& title) {
        Q_EMIT taskEnded(title, tr("canceled"));
        Q_EMIT statusMessage(tr("%1 canceled").arg(title));
    });
    connect(runner_, &TaskRunner::taskFailed, this, [this](const QString& title, const QString& message) {
        Q_EMIT taskEnded(title, tr("failed"));
        Q_EMIT errorOccurred(title, message);
    });
}

ProjectController::~ProjectController()
{
    delete runner_;  // cancels and joins the worker before the state it reads goes away
    runner_ = nullptr;
}

bool ProjectController::isBusy() const { return runner_ && runner_->isBusy(); }

QString ProjectController::modelSpecPath() const
{
    return settings_.modelSpecPath.isEmpty() ? defaultModelSpecPath() : settings_.modelSpecPath;
}

QString ProjectController::unknownRule(const ReferenceHead& head)
{
    return std::isfinite(head.rejectBelow)
               ? tr("\"unknown\" below score %1 (calibrated on its training photos)").arg(head.rejectBelow, 0, 'f', 3)
               : tr("never \"unknown\" (no calibrated threshold)");
}

int ProjectController::rowOfPath(const QString& path) const { return rowOfPath_.value(path, -1); }

QString ProjectController::pathOfContentHash(const QString& hash) const
{
    const int row = embeddings_->contentHashes.indexOf(hash);
    return row >= 0 ? embeddings_->paths[row] : QString();
}

int ProjectController::classSourceOfRow(int row) const
{
    if (row < 0 || row >= embeddings_->size()) return -1;
    const int label = embeddings_->labels[size_t(row)];
    return sources_.indexOfFolder(dataset_.classFolders.value(label));
}

const SuspectPhoto* ProjectController::suspectOfRow(int row) const
{
    const auto it = suspectOfRow_.constFind(row);
    return it == suspectOfRow_.cend() ? nullptr : &audit_->suspects[size_t(*it)];
}

void ProjectController::setEmbeddings(std::shared_ptr<const EmbeddingSet> set, QHash<QString, int> rowOfPath,
                                      EmbeddingOrigin origin)
{
    embeddings_ = std::move(set);
    rowOfPath_ = std::move(rowOfPath);
    origin_ = std::move(origin);
}

// ---------------------------------------------------------------- dataset

void ProjectController::addFolders(const QStringList& paths)
{
    std::vector<SkippedFile> rejected;
    const QStringList folders = expandToClassFolders(paths, &rejected);
    // Loaded embeddings have no folders to rescan: photo folders start a project of their own.
    if (!sources_.classes.empty() && sources_.classes.front().folder.startsWith(kLoadedEmbeddingsPrefix) && !folders.isEmpty())
        sources_ = DatasetSources();
    int added = 0;
    for (const QString& folder : folders) {
        if (sources_.indexOfFolder(folder) >= 0) continue;  // already in the project
        sources_.classes.push_back({folder, QFileInfo(folder).fileName(), false});
        ++added;
    }
    for (const SkippedFile& file : rejected)
        Q_EMIT errorOccurred(tr("Add class folders"), QStringLiteral("%1: %2").arg(file.path, file.reason));
    if (added == 0) {
        if (rejected.empty()) Q_EMIT statusMessage(tr("Those class folders are already in the project"));
        return;
    }
    Q_EMIT statusMessage(tr("Added %n class folder(s)", nullptr, added));
    datasetSourcesEdited();
}

void ProjectController::removeClass(int sourceIndex)
{
    if (sourceIndex < 0 || sourceIndex >= int(sources_.classes.size())) return;
    sources_.classes.erase(sources_.classes.begin() + sourceIndex);
    if (selectedClass_ >= int(sources_.classes.size())) selectedClass_ = int(sources_.classes.size()) - 1;
    datasetSourcesEdited();
}

void ProjectController::setClassExcluded(int sourceIndex, bool excluded)
{
    if (sourceIndex < 0 || sourceIndex >= int(sources_.classes.size())) return;
    if (sources_.classes[size_t(sourceIndex)].excluded == excluded) return;
    sources_.classes[size_t(sourceIndex)].excluded = excluded;
    datasetSourcesEdited();
}

void ProjectController::renameClass(int sourceIndex, const QString& name)
{
    const QString trimmed = name.trimmed();
    if (sourceIndex < 0 || sourceIndex >= int(sources_.classes.size())) return;
    if (trimmed.isEmpty() || trimmed == sources_.classes[size_t(sourceIndex)].name) {
        Q_EMIT sourcesChanged();  // let the list show the old name again
        return;
    }
    for (const ClassSource& source : sources_.classes)
        if (source.name == trimmed) {
            Q_EMIT errorOccurred(tr("Rename class"), tr("A class named \"%1\" already exists.").arg(trimmed));
            Q_EMIT sourcesChanged();
            return;
        }
    sources_.classes[size_t(sourceIndex)].name = trimmed;
    // Names live in the dataset, the embeddings and a trained set; nothing needs recomputing.
    const int c = dataset_.classFolders.indexOf(sources_.classes[size_t(sourceIndex)].folder);
    if (c >= 0) {
        dataset_.classNames[c] = trimmed;
        if (c < embeddings_->classNames.size()) {
            auto renamed = std::make_shared<EmbeddingSet>(*embeddings_);  // jobs may still read the old one
            renamed->classNames[c] = trimmed;
            embeddings_ = std::move(renamed);
        }
    }
    setModified(true);
    Q_EMIT sourcesChanged();
    Q_EMIT datasetChanged();
    Q_EMIT analysisChanged();
}

void ProjectController::setPhotoExcluded(const QString& path, bool excluded)
{
    if (excluded == sources_.excludedPhotos.contains(path)) return;
    if (excluded)
        sources_.excludedPhotos.insert(path);
    else
        sources_.excludedPhotos.remove(path);
    datasetSourcesEdited();
}

void ProjectController::selectClass(int sourceIndex)
{
    if (sourceIndex == selectedClass_) return;
    selectedClass_ = sourceIndex;
    Q_EMIT classSelected(sourceIndex);
}

void ProjectController::selectPhoto(const QString& path)
{
    const int source = classSourceOfRow(rowOfPath(path));
    if (source >= 0) selectClass(source);
    if (path == selectedPhoto_) return;
    selectedPhoto_ = path;
    Q_EMIT photoSelected(path);
}

void ProjectController::computeSimilarityBlock(const std::vector<int>& rows, const std::vector<int>& columns)
{
    auto set = embeddings_;
    for (const std::vector<int>* side : {&rows, &columns})
        for (int row : *side)
            if (row < 0 || row >= set->size()) return;  // rows of other embeddings: nothing to show
    runner_->run(tr("Computing a heatmap block"), [this, set, rows, columns](Feedback& feedback) -> TaskRunner::Finisher {
        throwIfCanceled(&feedback);
        auto block = std::make_shared<SimilarityBlock>();
        block->rows = rows;
        block->columns = columns;
        block->values = exemplar::similarityBlock(set->vectors, rows, columns);
        return [this, block] {
            similarityBlock_ = block;
            Q_EMIT similarityBlockChanged();
        };
    });
}

void ProjectController::setModelSpecPath(const QString& specPath)
{
    if (!specPath.isEmpty()) {
        try {
            ModelSpec::load(specPath);  // a quick check of the JSON before anything is thrown away
        } catch (const Error& error) {
            Q_EMIT errorOccurred(tr("Choose embedding model"), error.message());
            return;
        }
    }
    settings_.modelSpecPath = specPath;
    Q_EMIT settingsChanged();
    datasetSourcesEdited();
}

void ProjectController::datasetSourcesEdited()
{
    setModified(true);
    Q_EMIT sourcesChanged();
    rescanAndEmbed();
}

void ProjectController::invalidateResults()
{
    similarityBlock_.reset();
    analysis_.reset();
    audit_.reset();
    suspectOfRow_.clear();
    Q_EMIT auditChanged();
    training_.reset();
    comparison_.reset();
    Q_EMIT analysisChanged();
    Q_EMIT trainingChanged();
    Q_EMIT comparisonChanged();
}

void ProjectController::rescanAndEmbed(std::function<void()> afterEmbedding)
{
    runner_->invalidate();  // results of the old dataset are worthless now
    // Listing folders is quick, so the browser updates at once; reading and embedding is the job.
    excludedPhotos_.clear();
    dataset_ = assembleDataset(sources_, &excludedPhotos_);
    skipped_ = dataset_.skipped;
    warnings_ = dataset_.warnings;
    setEmbeddings(std::make_shared<const EmbeddingSet>(), {}, {});
    invalidateResults();
    Q_EMIT datasetChanged();
    Q_EMIT embeddingsChanged();
    for (const QString& warning : dataset_.warnings) Q_EMIT statusMessage(warning);
    if (dataset_.photoCount() == 0) return;

    const Dataset dataset = dataset_;
    const QString specPath = modelSpecPath();
    auto model = model_;
    runner_->run(tr("Embedding photos"), [this, dataset, specPath, model,
                                          afterEmbedding](Feedback& feedback) -> TaskRunner::Finisher {
        Embedder& embedder = model->load(specPath);
        const EmbeddingCache cache(embedder.identity(), embedder.dim());
        auto report = std::make_shared<EmbedReport>();
        auto set = std::make_shared<const EmbeddingSet>(embedDataset(dataset, embedder, &cache, &feedback, report.get()));
        auto rowOfPath = std::make_shared<QHash<QString, int>>(rowIndex(*set));
        const EmbeddingOrigin origin{embedder.modelIdentity(), embedder.spec().preprocessingJson()};
        return [this, set, rowOfPath, report, afterEmbedding, origin] {
            setEmbeddings(set, std::move(*rowOfPath), origin);
            skipped_.insert(skipped_.end(), report->skipped.begin(), report->skipped.end());
            warnings_ << report->warnings;
            for (const QString& warning : report->warnings) Q_EMIT statusMessage(warning);
            Q_EMIT datasetChanged();
            Q_EMIT embeddingsChanged();
            Q_EMIT statusMessage(tr("%1 photos embedded (%2 computed, %3 from the cache), %4 files skipped")
                                     .arg(embeddings_->size()).arg(report->computed).arg(report->fromCache)
                                     .arg(skipped_.size()));
            runAnalysis(afterEmbedding);
        };
    });
}

void ProjectController::runAnalysis(std::function<void()> afterAnalysis)
{
    if (embeddings_->size() == 0) return;
    auto set = embeddings_;
    runner_->run(tr("Analysing similarity"), [this, set, afterAnalysis](Feedback& feedback) -> TaskRunner::Finisher {
        auto analysis = std::make_shared<const SimilarityAnalysis>(analyzeSimilarity(*set, &feedback));
        return [this, analysis, afterAnalysis] {
            analysis_ = analysis;
            Q_EMIT analysisChanged();
            // Its own job, queued next: the views show the analysis without waiting for it.
            runAudit();
            if (afterAnalysis) afterAnalysis();
        };
    });
}

void ProjectController::runAudit()
{
    auto set = embeddings_;
    runner_->run(tr("Looking for suspect photos"), [this, set](Feedback& feedback) -> TaskRunner::Finisher {
        auto audit = std::make_shared<const AuditReport>(auditPhotos(*set, AuditOptions(), &feedback));
        auto suspectOfRow = std::make_shared<QHash<int, int>>();
        for (size_t i = 0; i < audit->suspects.size(); ++i) suspectOfRow->insert(audit->suspects[i].row, int(i));
        return [this, audit, suspectOfRow] {
            audit_ = audit;
            suspectOfRow_ = std::move(*suspectOfRow);
            if (!audit_->suspects.empty())
                Q_EMIT statusMessage(tr("%n suspect photo(s): see Suspect photos in the Classes dock", nullptr,
                                        int(audit_->suspects.size())));
            if (audit_->sampled()) Q_EMIT statusMessage(audit_->searchNote());
            Q_EMIT auditChanged();
        };
    });
}

void ProjectController::embedPhotos() { rescanAndEmbed(); }

void ProjectController::loadEmbeddings(std::shared_ptr<const EmbeddingSet> embeddings, ModelIdentity model)
{
    if (model.name.isEmpty()) model = {tr("loaded embeddings"), QString(), embeddings->dim()};
    runner_->invalidate();
    // Listing and indexing tens of thousands of photos is a job too: the finisher only swaps the
    // new state in and lets the views redraw.
    runner_->run(tr("Loading embeddings"), [this, embeddings, model](Feedback&) -> TaskRunner::Finisher {
        const EmbeddingSet& set = *embeddings;
        auto sources = std::make_shared<DatasetSources>();
        auto dataset = std::make_shared<Dataset>();
        for (int c = 0; c < set.classCount(); ++c) {
            // Class folders are the classes' identities; these name no real folder.
            const QString folder = kLoadedEmbeddingsPrefix + set.classNames[c];
            sources->classes.push_back({folder, set.classNames[c], false});
            dataset->classNames << set.classNames[c];
            dataset->classFolders << folder;
        }
        dataset->photos.reserve(size_t(set.size()));
        for (int i = 0; i < set.size(); ++i) dataset->photos.push_back(Photo{set.paths[i], set.labels[size_t(i)]});
        auto rowOfPath = std::make_shared<QHash<QString, int>>(rowIndex(set));
        return [this, embeddings, model, sources, dataset, rowOfPath] {
            sources_ = std::move(*sources);
            dataset_ = std::move(*dataset);
            excludedPhotos_.clear();
            skipped_.clear();
            warnings_.clear();
            invalidateResults();
            setEmbeddings(embeddings, std::move(*rowOfPath), {model, QJsonObject()});
            setModified(true);
            Q_EMIT sourcesChanged();
            Q_EMIT datasetChanged();
            Q_EMIT embeddingsChanged();
            runAnalysis();
        };
    });
}

// ---------------------------------------------------------------- training & evaluation

void ProjectController::setSettings(const ProjectSettings& settings)
{
    settings_ = settings;
    setModified(true);
    Q_EMIT settingsChanged();
}

void ProjectController::setPinnedCount(int sourceIndex, int count)
{
    if (sourceIndex < 0 || sourceIndex >= int(sources_.classes.size())) return;
    const QString folder = sources_.classes[size_t(sourceIndex)].folder;
    if (count > 0)
        settings_.pinnedCounts.insert(folder, count);
    else
        settings_.pinnedCounts.remove(folder);
    setModified(true);
    Q_EMIT settingsChanged();
}

std::vector<int> ProjectController::pinnedCountsForEmbeddings() const
{
    std::vector<int> pinned;
    for (const QString& folder : dataset_.classFolders) pinned.push_back(settings_.pinnedCounts.value(folder, 0));
    return pinned;
}

void ProjectController::startTraining()
{
    if (embeddings_->size() == 0) {
        Q_EMIT errorOccurred(tr("Train"), tr("There are no embedded photos yet: add class folders first."));
        return;
    }
    TrainRequest request;
    request.training.method = settings_.method;
    request.training.optimizer.strategy = settings_.strategy;
    request.training.optimizer.budget = settings_.budget;
    request.training.optimizer.seed = settings_.seed;
    request.training.centralityScope = settings_.centralityScope;
    request.training.pinnedCounts = pinnedCountsForEmbeddings();
    request.holdoutFraction = settings_.holdoutFraction;
    request.knownRejectRate = settings_.knownRejectRate;
    request.classFolders = dataset_.classFolders;
    request.skipped = skipped_;
    // The network that made these embeddings: training itself runs no network.
    request.model = origin_.model;
    request.preprocessing = origin_.preprocessing;
    auto data = embeddings_;
    auto audit = audit_;  // the views' audit, when it is ready, saves the workflow a second one
    Q_EMIT trainingStarted();
    runner_->run(tr("Training"), [=](Feedback& feedback) mutable -> TaskRunner::Finisher {
        request.audit = audit.get();
        const TrainedReferenceSet trained = trainReferenceSet(*data, request, &feedback, [&](const OptimizerStep& step) {
            QMetaObject::invokeMethod(this, [this, step] { Q_EMIT optimizerStepped(step); }, Qt::QueuedConnection);
        });
        auto outcome = outcomeOn(trained, *data);
        return [this, outcome] {
            training_ = outcome;
            // The outcome's own set, shared rather than copied (its references can be megabytes).
            activeSet_ = std::shared_ptr<const ReferenceSet>(outcome, &outcome->set);
            activeSetSource_ = tr("trained in this project (%1)").arg(outcome->set.method);
            setModified(true);
            Q_EMIT trainingChanged();
            Q_EMIT activeReferenceSetChanged();
            Q_EMIT statusMessage(outcome->canceled ? tr("Optimization stopped: the best selection so far is kept")
                                                   : tr("Training finished"));
        };
    }, TaskRunner::OnCancel::KeepResult);
}

void ProjectController::compareMethods()
{
    if (embeddings_->size() == 0) {
        Q_EMIT errorOccurred(tr("Compare methods"), tr("There are no embedded photos yet: add class folders first."));
        return;
    }
    EvaluationOptions options;
    options.pool = settings_.comparisonPool;
    options.repeats = settings_.comparisonRepeats;
    options.seed = settings_.seed;
    options.methods = settings_.comparisonMethods.isEmpty() ? trainingMethodNames() : settings_.comparisonMethods;
    options.training.optimizer.strategy = settings_.strategy;
    options.training.optimizer.budget = settings_.budget;
    options.training.centralityScope = settings_.centralityScope;
    auto data = embeddings_;
    runner_->run(tr("Comparing methods"), [=](Feedback& feedback) -> TaskRunner::Finisher {
        auto comparison = std::make_shared<const MethodComparison>(evaluateHonestly(*data, options, &feedback));
        return [this, comparison] {
            comparison_ = comparison;
            setModified(true);
            Q_EMIT comparisonChanged();
        };
    });
}

void ProjectController::classifyPhotos(const QStringList& paths)
{
    if (!activeSet_) {
        Q_EMIT errorOccurred(tr("Classify"), tr("There is no reference set yet: train one (Optimize tab) or import "
                                                "an .exref file."));
        return;
    }
    const QStringList files = expandPhotoPaths(paths);
    if (files.isEmpty()) return;
    auto set = activeSet_;
    const QString specPath = modelSpecPath();
    auto model = model_;
    runner_->run(tr("Classifying"), [=](Feedback& feedback) -> TaskRunner::Finisher {
        Embedder& embedder = model->load(specPath);
        requireSameModel(*set, embedder.modelIdentity());
        auto results = std::make_shared<std::vector<ClassifiedPhoto>>();
        for (int i = 0; i < files.size(); ++i) {
            throwIfCanceled(&feedback);
            feedback.report(i, files.size(), QFileInfo(files[i]).fileName());
            ClassifiedPhoto result;
            result.path = QFileInfo(files[i]).absoluteFilePath();
            const PhotoBytes bytes = readPhotoBytes(files[i]);
            const DecodedPhoto decoded = bytes.ok() ? decodePhoto(bytes.data) : DecodedPhoto{cv::Mat(), bytes.error};
            if (!decoded.ok()) {
                result.error = decoded.error;
            } else {
                // The set's own threshold decides "unknown" (calibrated when it was trained).
                result.prediction = set->head.predict(embedder.embed(decoded.bgr));
            }
            results->push_back(result);
        }
        feedback.report(files.size(), files.size(), QString());
        return [this, results] {
            classifications_.insert(classifications_.begin(), results->begin(), results->end());
            setModified(true);
            Q_EMIT classificationsChanged();
        };
    });
}

void ProjectController::clearClassifications()
{
    classifications_.clear();
    Q_EMIT classificationsChanged();
}

void ProjectController::importReferenceSet(const QString& path)
{
    const QString specPath = modelSpecPath();
    auto model = model_;
    runner_->run(tr("Importing reference set"), [=](Feedback&) -> TaskRunner::Finisher {
        auto set = std::make_shared<const ReferenceSet>(readReferenceSet(path));
        requireSameModel(*set, model->load(specPath).modelIdentity());
        return [this, set, path] {
            activeSet_ = set;
            activeSetSource_ = QFileInfo(path).absoluteFilePath();
            classifications_.clear();
            setModified(true);
            Q_EMIT activeReferenceSetChanged();
            Q_EMIT classificationsChanged();
            Q_EMIT statusMessage(tr("Imported %1: %2 classes, %3 references")
                                     .arg(QFileInfo(path).fileName()).arg(set->head.classNames.size())
                                     .arg(set->head.referenceCount()));
        };
    });
}

void ProjectController::exportReferenceSet(const QString& path)
{
    if (!activeSet_) {
        Q_EMIT errorOccurred(tr("Export reference set"), tr("There is no reference set yet: train one first."));
        return;
    }
    try {
        writeReferenceSet(*activeSet_, path);
        Q_EMIT statusMessage(tr("Reference set written to %1").arg(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Export reference set"), error.message());
    }
}

void ProjectController::exportPredictions(const QString& path)
{
    if (classifications_.empty() || !activeSet_) {
        Q_EMIT errorOccurred(tr("Export predictions"), tr("There are no predictions yet: drop photos on the Classify tab."));
        return;
    }
    try {
        exemplar::ui::exportPredictions(classifications_, activeSet_->head.classNames, path);
        Q_EMIT statusMessage(tr("Predictions written to %1").arg(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Export predictions"), error.message());
    }
}

void ProjectController::exportMetrics(const QString& path)
{
    if (!training_) {
        Q_EMIT errorOccurred(tr("Export metrics"), tr("There are no metrics yet: train a reference set first."));
        return;
    }
    try {
        exemplar::ui::exportMetrics(*training_, embeddings_->classNames, comparison_.get(), path);
        Q_EMIT statusMessage(tr("Metrics written to %1").arg(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Export metrics"), error.message());
    }
}

void ProjectController::cancel() { runner_->cancelAll(); }

// ---------------------------------------------------------------- project

void ProjectController::setModified(bool modified)
{
    if (modified_ == modified) return;
    modified_ = modified;
    Q_EMIT projectChanged();
}

void ProjectController::newProject()
{
    sources_ = DatasetSources();
    settings_ = ProjectSettings();
    activeSet_.reset();
    activeSetSource_.clear();
    classifications_.clear();
    projectPath_.clear();
    selectedPhoto_.clear();
    selectedClass_ = -1;
    rescanAndEmbed();
    modified_ = false;
    Q_EMIT sourcesChanged();
    Q_EMIT settingsChanged();
    Q_EMIT activeReferenceSetChanged();
    Q_EMIT classificationsChanged();
    Q_EMIT classSelected(-1);
    Q_EMIT projectChanged();
}

bool ProjectController::saveProject(const QString& path)
{
    ProjectDocument document;
    document.sources = sources_;
    document.settings = settings_;
    if (training_) {
        // Paths, not rows: a set restored from a file is saved whole even before (or without) its
        // photos being embedded again.
        document.training = static_cast<const TrainedReferenceSet&>(*training_);
    } else if (activeSet_ && QFileInfo(activeSetSource_).isFile()) {
        document.importedReferenceSet = activeSetSource_;
    }
    document.classifications = classifications_;
    document.comparison = comparison_;
    try {
        writeProject(document, path);
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Save project"), error.message());
        return false;
    }
    projectPath_ = QFileInfo(path).absoluteFilePath();
    modified_ = false;
    Q_EMIT projectChanged();
    Q_EMIT statusMessage(tr("Project saved to %1").arg(path));
    return true;
}

void ProjectController::openProject(const QString& path)
{
    std::shared_ptr<ProjectDocument> document;
    try {
        document = std::make_shared<ProjectDocument>(readProject(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Open project"), error.message());
        return;
    }
    for (const QString& warning : document->warnings) Q_EMIT errorOccurred(tr("Open project"), warning);
    newProject();
    sources_ = document->sources;
    settings_ = document->settings;
    projectPath_ = QFileInfo(path).absoluteFilePath();
    // Embeddings come back from the cache: a job. The saved results are the project's from now
    // on, whatever happens to that job (canceled, failed, photos moved): they are attached to the
    // rows when the embeddings arrive, and saved as they were read until then.
    rescanAndEmbed([this] { attachTrainingToRows(); });
    classifications_ = document->classifications;
    comparison_ = document->comparison;
    if (document->training) {
        auto outcome = std::make_shared<TrainingOutcome>();
        static_cast<TrainedReferenceSet&>(*outcome) = *document->training;
        training_ = outcome;
        activeSet_ = std::shared_ptr<const ReferenceSet>(outcome, &outcome->set);
        activeSetSource_ = tr("trained in this project (%1)").arg(outcome->set.method);
    } else if (!document->importedReferenceSet.isEmpty()) {
        try {
            activeSet_ = std::make_shared<const ReferenceSet>(readReferenceSet(document->importedReferenceSet));
            activeSetSource_ = document->importedReferenceSet;
        } catch (const Error& error) {
            Q_EMIT errorOccurred(tr("Open project"), error.message());
        }
    }
    modified_ = false;
    Q_EMIT sourcesChanged();
    Q_EMIT settingsChanged();
    Q_EMIT trainingChanged();
    Q_EMIT comparisonChanged();
    Q_EMIT activeReferenceSetChanged();
    Q_EMIT classificationsChanged();
    Q_EMIT projectChanged();
}

void ProjectController::attachTrainingToRows()
{
    if (!training_) return;
    auto trained = training_;
    auto data = embeddings_;
    runner_->run(tr("Restoring results"), [this, trained, data](Feedback&) -> TaskRunner::Finisher {
        auto outcome = outcomeOn(*trained, *data);
        return [this, outcome] {
            training_ = outcome;
            activeSet_ = std::shared_ptr<const ReferenceSet>(outcome, &outcome->set);
            Q_EMIT trainingChanged();
        };
    });
}

} // namespace exemplar::ui
