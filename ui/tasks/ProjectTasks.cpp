#include "tasks/ProjectTasks.h"

#include "Audit.h"
#include "ClassifyPhotos.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "Error.h"
#include "HonestEvaluation.h"
#include "LearningCurve.h"
#include "SortIntoFolders.h"
#include "SubfolderKinds.h"
#include "ClassifierSpace.h"
#include "ImageDecoder.h"
#include "ModelForReferenceSet.h"
#include "ModelSpec.h"
#include "OnnxExport.h"
#include "ReferenceSetFile.h"
#include "SimilarityStatistics.h"
#include "TrainWorkflow.h"
#include "TrainingBackground.h"
#include "LabelNext.h"
#include "model/ProjectModel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QMetaObject>
#include <algorithm>

namespace exemplar::ui {

// The embedding model, loaded once and used only by tasks on the worker thread (an Embedder is
// not safe to share between threads, and loading it takes a second).
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

    // The network SET was made with: the loaded one when it is (no file is hashed), else the
    // project's (PREFERRED) or the installed model that is; else PREFERRED, which requireSameModel
    // then refuses with the reason.
    Embedder& loadFor(const ReferenceSet& set, const QString& preferred)
    {
        if (embedder && modelMatch(set, embedder->spec(), QString::fromLatin1(embedder->onnxSha256())) == ModelMatch::Exact)
            return *embedder;
        return load(modelSpecForReferenceSet(set, preferred));
    }
};

namespace {

constexpr qint64 kClassifiedPhotosDeliveryMs = 500;  // how often a classification shows its new answers

// What a drop (or a paste, or the file dialog) gives to classify: files as they are, and every
// photo in a dropped folder and its subfolders, listed as a class folder is (files that are not
// photos left out), as the CLI's `classify --unlabeled DIR` reads a folder. A folder of class
// folders is a folder of photos too.
struct DroppedPhotos {
    QStringList files;
    QStringList foldersWithout;  // dropped folders with no photo in them
};

DroppedPhotos expandPhotoPaths(const QStringList& paths, const Feedback* feedback)
{
    DroppedPhotos dropped;
    for (const QString& path : paths) {
        if (!QFileInfo(path).isDir()) {
            dropped.files << path;
            continue;
        }
        const Dataset found = Dataset::fromClassFolders({path}, ScanOptions{}, feedback);
        for (const Photo& photo : found.photos) dropped.files << photo.path;
        if (found.photos.empty()) dropped.foldersWithout << QDir::toNativeSeparators(path);
    }
    return dropped;
}

// Path → row of SET: built by the task that produced SET (50,000 paths take a while to hash).
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

// "name: reason" per photo that could not be filed, the first ten of them, for a message box.
QString listOfFailures(const std::vector<SkippedFile>& failed)
{
    QStringList lines;
    for (size_t i = 0; i < failed.size() && i < 10; ++i)
        lines << QStringLiteral("%1: %2").arg(QFileInfo(failed[i].path).fileName(), failed[i].reason);
    if (failed.size() > 10) lines << ProjectTasks::tr("… and %1 more").arg(failed.size() - 10);
    return lines.join(QLatin1Char('\n'));
}

// The rows of UNLABELED that are not photos of LABELED (same bytes): a photo the user has since
// written into a class folder is labeled, and must neither be ranked nor self-trained with.
std::vector<int> rowsNotIn(const EmbeddingSet& unlabeled, const EmbeddingSet& labeled)
{
    const QSet<QString> known(labeled.contentHashes.begin(), labeled.contentHashes.end());
    std::vector<int> rows;
    for (int i = 0; i < unlabeled.size(); ++i)
        if (!known.contains(unlabeled.contentHashes.value(i))) rows.push_back(i);
    return rows;
}

// PHOTOS (the project's unlabeled or background photos) when they can join its labeled ones in
// training: made by the same network (same weights, same dimension); null otherwise, or when there
// are none.
std::shared_ptr<const EmbeddingSet> usableWithLabeled(const std::shared_ptr<const EmbeddingSet>& photos,
                                                      const ProjectModel& model)
{
    const bool sameNetwork = model.unlabeledPhotos().model.sha256 == model.embeddingOrigin().model.sha256 &&
                             photos && photos->dim() == model.embeddings().dim();
    return sameNetwork && photos->size() > 0 ? photos : nullptr;
}
std::shared_ptr<const EmbeddingSet> unlabeledPhotosFor(const ProjectModel& model)
{
    return usableWithLabeled(model.unlabeledPhotos().embeddings, model);
}

// The project's settings as the training methods take them, with its background photos (those
// that are not photos of a class, nor of a kind named as one; each task leaves out near-copies of
// the photos it measures on: leaveOutBackgroundNearIdenticalTo).
TrainingOptions trainingOptionsOf(const ProjectModel& model)
{
    const ProjectSettings& settings = model.settings();
    TrainingOptions options;
    if (const auto background = usableWithLabeled(model.unlabeledPhotos().background, model)) {
        const UnlabeledPhotos& photos = model.unlabeledPhotos();
        // A background folder sorted into one subfolder per kind (other car models) also teaches
        // discriminant-centroid what varies within a class.
        const std::vector<int> candidates = rowsNotIn(*background, model.embeddings());
        setTrainingBackground(&options, *background, {photos.backgroundKinds, photos.backgroundKindNames},
                              model.embeddings().classNames, &candidates, nullptr);
    }
    options.method = settings.method;
    options.optimizer.strategy = settings.strategy;
    options.optimizer.budget = settings.budget;
    options.optimizer.seed = settings.seed;
    options.centralityScope = settings.centralityScope;
    return options;
}


// The audit's near-duplicate groups of DATA's photos, when the audit is in and is of these photos;
// empty otherwise (the work then finds them itself). Spares confused pairs and the learning curve a
// second search.
std::vector<int> auditGroupsOf(const std::shared_ptr<const AuditReport>& audit, const EmbeddingSet& data)
{
    return audit && audit->groups.photos() == data.size() ? audit->groups.groupOf : std::vector<int>();
}

} // namespace

ProjectTasks::ProjectTasks(ProjectModel* model, QObject* parent)
    : QObject(parent), model_(model), network_(std::make_shared<WorkerModel>()), runner_(new TaskRunner(this))
{
    qRegisterMetaType<exemplar::OptimizerStep>();
    // An embedding stopped (or failed) before its list of photos was shown: the old list would
    // stand beside the new sources (a photo shown included that is excluded, a new class without
    // photos), so none is shown, and the status says how to list them.
    connect(runner_, &TaskRunner::taskEnded, this, [this](TaskId id) {
        if (id == 0 || id != unlisted_) return;
        unlisted_ = 0;
        Dataset none;
        none.warnings << tr("The class folders were not listed (the embedding stopped first): Run ▸ Embed Photos Again (F4) lists them.");
        Q_EMIT statusMessage(none.warnings.front());
        model_->setScan(std::move(none), {});
    });
}

ProjectTasks::~ProjectTasks()
{
    delete runner_;  // cancels and joins the worker before the state it reads goes away
    runner_ = nullptr;
}

QString ProjectTasks::loadedEmbeddingsPrefix() { return QStringLiteral("embeddings:"); }

void ProjectTasks::rescanAndEmbed(std::function<void()> afterAnalysis)
{
    unlisted_ = 0;  // first: the task that invalidate() cancels is replaced, not unlisted
    runner_->invalidate();  // results of the old dataset are worthless now
    // Results first: a view redrawing for the emptied embeddings must not find a training whose
    // rows index the old ones. The old list of photos stays shown until the new one is made.
    model_->clearResults();
    model_->setEmbeddings(std::make_shared<const EmbeddingSet>(), {}, {});

    // The folders are listed on the worker as well: 2,000 photos take a sixth of a second, and a
    // slow or hung disk (a network mount) longer, none of which may stop the window. The list is
    // shown as soon as it is made; reading and embedding the photos follow in the same task.
    const DatasetSources sources = model_->sources();
    if (std::none_of(sources.classes.begin(), sources.classes.end(), [](const ClassSource& c) { return !c.excluded; })) {
        model_->setScan(Dataset(), {});  // nothing to list: no task (a new or emptied project)
        embedUnlabeled();
        return;
    }
    const ScanOptions scan = model_->settings().scan;
    const QString specPath = model_->modelSpecPath();
    auto network = network_;
    unlisted_ = runner_->runStreaming(tr("Embedding photos"), [this, sources, scan, specPath, network, afterAnalysis](
                                                      Feedback& feedback, const TaskRunner::Deliver& deliver) -> TaskRunner::Finisher {
        feedback.report(0, 0, tr("listing the class folders"));
        auto excluded = std::make_shared<std::vector<Photo>>();
        auto listed = std::make_shared<const Dataset>(assembleDataset(sources, scan, excluded.get(), &feedback));
        deliver([this, listed, excluded] {
            unlisted_ = 0;
            Dataset scanned = *listed;
            nameClassesAsSources(model_->sources(), scanned.classFolders, &scanned.classNames);  // renamed meanwhile
            model_->setScan(std::move(scanned), std::move(*excluded));
            for (const QString& warning : listed->warnings) Q_EMIT statusMessage(warning);
        });
        if (listed->photoCount() == 0) return {};
        throwIfCanceled(&feedback);
        feedback.report(0, listed->photoCount(), tr("loading the network"));  // the list is shown: say what comes

        Embedder& embedder = network->load(specPath);
        const EmbeddingCache cache(embedder.identity(), embedder.dim());
        auto report = std::make_shared<EmbedReport>();
        auto set = std::make_shared<const EmbeddingSet>(embedDataset(*listed, embedder, &cache, &feedback, report.get()));
        auto rowOfPath = std::make_shared<QHash<QString, int>>(rowIndex(*set));
        const EmbeddingOrigin origin{embedder.modelIdentity(), embedder.spec().preprocessingJson()};
        return [this, set, listed, rowOfPath, report, afterAnalysis, origin] {
            // A class renamed while its photos were embedded keeps its new name.
            std::shared_ptr<const EmbeddingSet> named = set;
            QStringList names = set->classNames;
            if (nameClassesAsSources(model_->sources(), listed->classFolders, &names)) {
                auto renamed = std::make_shared<EmbeddingSet>(*set);
                renamed->classNames = names;
                named = std::move(renamed);
            }
            model_->setEmbeddings(named, std::move(*rowOfPath), origin);
            model_->addEmbeddingReport(report->skipped, report->warnings);
            for (const QString& warning : report->warnings) Q_EMIT statusMessage(warning);
            Q_EMIT statusMessage(tr("%1 photos embedded (%2 computed, %3 from the cache), %4 files skipped")
                                     .arg(set->size()).arg(report->computed).arg(report->fromCache)
                                     .arg(model_->skippedFiles().size()));
            analyse(afterAnalysis);
        };
    });
    embedUnlabeled();  // invalidate() dropped any embedding of them under way; the cache makes it quick
}

void ProjectTasks::analyse(std::function<void()> afterAnalysis)
{
    auto set = model_->sharedEmbeddings();
    if (set->size() == 0) return;
    runner_->run(tr("Analysing similarity"), [this, set, afterAnalysis](Feedback& feedback) -> TaskRunner::Finisher {
        auto analysis = std::make_shared<const SimilarityAnalysis>(analyzeSimilarity(*set, &feedback));
        return [this, analysis, afterAnalysis] {
            model_->setAnalysis(analysis);
            // Its own task, queued next: the views show the analysis without waiting for it.
            auditPhotos();
            if (afterAnalysis) afterAnalysis();
        };
    });
}

void ProjectTasks::auditPhotos()
{
    auto set = model_->sharedEmbeddings();
    runner_->run(tr("Looking for suspect photos"), [this, set](Feedback& feedback) -> TaskRunner::Finisher {
        auto audit = std::make_shared<const AuditReport>(exemplar::auditPhotos(*set, AuditOptions(), &feedback));
        return [this, audit] {
            if (!audit->suspects.empty())
                Q_EMIT statusMessage(tr("%n suspect photo(s): see Suspect photos in the Classes dock", nullptr,
                                        int(audit->suspects.size())));
            if (audit->sampled()) Q_EMIT statusMessage(audit->searchNote());
            model_->setAudit(audit);
        };
    });
}

void ProjectTasks::loadEmbeddings(std::shared_ptr<const EmbeddingSet> embeddings, ModelIdentity identity)
{
    if (identity.name.isEmpty()) identity = {tr("loaded embeddings"), QString(), embeddings->dim()};
    runner_->invalidate();
    // Listing and indexing tens of thousands of photos is a task too: the finisher only swaps the
    // new state in and lets the views redraw.
    runner_->run(tr("Loading embeddings"), [this, embeddings, identity](Feedback&) -> TaskRunner::Finisher {
        const EmbeddingSet& set = *embeddings;
        auto sources = std::make_shared<DatasetSources>();
        auto dataset = std::make_shared<Dataset>();
        for (int c = 0; c < set.classCount(); ++c) {
            // Class folders are the classes' identities; these name no real folder.
            const QString folder = loadedEmbeddingsPrefix() + set.classNames[c];
            sources->classes.push_back({folder, set.classNames[c], false});
            dataset->classNames << set.classNames[c];
            dataset->classFolders << folder;
        }
        dataset->photos.reserve(size_t(set.size()));
        for (int i = 0; i < set.size(); ++i) dataset->photos.push_back(Photo{set.paths[i], set.labels[size_t(i)]});
        auto rowOfPath = std::make_shared<QHash<QString, int>>(rowIndex(set));
        return [this, embeddings, identity, sources, dataset, rowOfPath] {
            model_->setSources(std::move(*sources));
            model_->setScan(std::move(*dataset), {});
            model_->clearResults();
            model_->setEmbeddings(embeddings, std::move(*rowOfPath), {identity, QJsonObject()});
            model_->setModified(true);
            analyse({});
        };
    });
}

void ProjectTasks::computeSimilarityBlock(const std::vector<int>& rows, const std::vector<int>& columns)
{
    auto set = model_->sharedViewedEmbeddings();
    for (const std::vector<int>* side : {&rows, &columns})
        for (int row : *side)
            if (row < 0 || row >= set->size()) return;  // rows of other embeddings: nothing to show
    runner_->run(tr("Computing a heatmap block"), [this, set, rows, columns](Feedback& feedback) -> TaskRunner::Finisher {
        throwIfCanceled(&feedback);
        auto block = std::make_shared<SimilarityBlock>();
        block->rows = rows;
        block->columns = columns;
        block->values = exemplar::similarityBlock(set->vectors, rows, columns);
        return [this, block] { model_->setSimilarityBlock(block); };
    });
}

void ProjectTasks::analyseTrainedSpace()
{
    auto source = model_->sharedActiveReferenceSet();
    auto data = model_->sharedEmbeddings();
    if (!source || data->size() == 0 || model_->trainedSpace()) return;
    if (trainedSpaceSource_.lock() == source && trainedSpaceEmbeddings_.lock() == data) return;  // under way
    trainedSpaceSource_ = source;
    trainedSpaceEmbeddings_ = data;
    auto training = model_->sharedTraining();
    runner_->run(tr("Analysing the trained space"), [this, source, data, training](Feedback& feedback) -> TaskRunner::Finisher {
        auto view = std::make_shared<TrainedSpaceView>();
        view->source = source;
        view->embeddings = std::make_shared<const EmbeddingSet>(inClassifierSpace(*data, source->head));
        view->analysis = analyzeSimilarity(*view->embeddings, &feedback);
        if (training && &training->set == source.get() && !training->keptRows.empty())
            view->keptCrossClass = crossClassHistogram(*view->embeddings, training->keptRows);
        return [this, view] { model_->setTrainedSpace(view); };
    });
}

bool ProjectTasks::requireEmbeddings(const QString& title)
{
    if (model_->embeddings().size() > 0) return true;
    Q_EMIT errorOccurred(title, tr("There are no embedded photos yet: add class folders first."));
    return false;
}

void ProjectTasks::train()
{
    if (!requireEmbeddings(tr("Train"))) return;
    const ProjectSettings& settings = model_->settings();
    TrainRequest request;
    request.training = trainingOptionsOf(*model_);
    request.training.pinnedCounts = model_->pinnedCountsForEmbeddings();
    request.holdoutFraction = settings.holdoutFraction;
    request.knownRejectRate = settings.knownRejectRate;
    request.classFolders = model_->dataset().classFolders;
    request.skipped = model_->skippedFiles();
    // The network that made these embeddings: training itself runs no network.
    request.model = model_->embeddingOrigin().model;
    request.preprocessing = model_->embeddingOrigin().preprocessing;
    auto data = model_->sharedEmbeddings();
    auto audit = model_->sharedAudit();  // the views' audit, when it is ready, saves the workflow a second one
    // The workflow self-trains with the unlabeled photos when the pool's own cross-validation
    // says it helps (and leaves out near-copies of held-out photos).
    auto unlabeled = unlabeledPhotosFor(*model_);
    Q_EMIT trainingStarted();
    training_ = runner_->run(tr("Training"), [=](Feedback& feedback) mutable -> TaskRunner::Finisher {
        request.audit = audit.get();
        if (unlabeled) request.unlabeled = unlabeled->subset(rowsNotIn(*unlabeled, *data));
        const TrainedReferenceSet trained = trainReferenceSet(*data, request, &feedback, [&](const OptimizerStep& step) {
            QMetaObject::invokeMethod(this, [this, step] { Q_EMIT optimizerStepped(step); }, Qt::QueuedConnection);
        });
        auto outcome = outcomeOn(trained, *data);
        return [this, outcome] {
            // The Classify tab's photos were answered by the set before, whose class and reference
            // numbers the new set does not share: they are answered again by the new one (a GUI
            // review saw blank reference boxes, and a reference of another class was possible).
            QStringList answered;
            for (const ClassifiedPhoto& photo : model_->classifications()) answered << photo.path;
            model_->setTraining(outcome);
            model_->setModified(true);
            Q_EMIT statusMessage(outcome->canceled ? tr("Optimization stopped: the best selection so far is kept")
                                                   : tr("Training finished"));
            if (!answered.isEmpty()) {
                model_->setClassifications({});
                classifyAgain(answered);
            }
        };
    }, TaskRunner::OnCancel::KeepResult);  // Stop keeps the best selection so far
}

void ProjectTasks::compareMethods()
{
    if (!requireEmbeddings(tr("Compare methods"))) return;
    const ProjectSettings& settings = model_->settings();
    EvaluationOptions options;
    options.pool = settings.comparisonPool;
    options.repeats = settings.comparisonRepeats;
    options.seed = settings.seed;
    options.methods = settings.comparisonMethods.isEmpty() ? trainingMethodNames() : settings.comparisonMethods;
    options.training = trainingOptionsOf(*model_);
    auto data = model_->sharedEmbeddings();
    // The project's unlabeled photos (those of no class): every method self-trains with them in a
    // repetition when the pool's own cross-validation favours it, as training does. Photos of the
    // dataset are left out, so a test photo is never seen unlabeled.
    auto unlabeled = unlabeledPhotosFor(*model_);
    runner_->run(tr("Comparing methods"), [=](Feedback& feedback) mutable -> TaskRunner::Finisher {
        if (unlabeled) options.unlabeled = unlabeled->subset(rowsNotIn(*unlabeled, *data));
        std::shared_ptr<const EvaluationReport> finished;  // the methods done so far, for a Stop
        const auto methodFinished = [this, data, &finished](const EvaluationReport& soFar) {
            auto partial = std::make_shared<const EvaluationReport>(soFar);
            finished = partial;
            QMetaObject::invokeMethod(this, [this, data, partial] {
                // Rows of embeddings that have been replaced since are not shown.
                if (model_->sharedEmbeddings() == data) Q_EMIT comparisonProgressed(partial);
            }, Qt::QueuedConnection);
        };
        std::shared_ptr<const MethodComparison> comparison;
        try {
            comparison = std::make_shared<const MethodComparison>(evaluateHonestly(*data, options, &feedback, methodFinished));
        } catch (const OperationCanceled&) {
            // Stop keeps the methods already measured (minutes of work at 200 classes), as Stop
            // keeps an optimization's best so far; none is recommended from a part.
            if (!finished || finished->methods.empty()) throw;
            EvaluationReport part = *finished;
            part.warnings << tr("Stopped after %1 of %2 methods: the others were not measured, and none is recommended.")
                                 .arg(part.methods.size()).arg(options.methods.size());
            comparison = std::make_shared<const MethodComparison>(std::move(part));
        }
        return [this, comparison] {
            model_->setComparison(comparison);
            model_->setModified(true);
        };
    }, TaskRunner::OnCancel::KeepResult);
}

void ProjectTasks::findConfusedPairs(const QString& method)
{
    if (!requireEmbeddings(tr("Most confused pairs"))) return;
    if (model_->embeddings().classCount() < 2) {
        Q_EMIT errorOccurred(tr("Most confused pairs"), tr("Pairs need at least two classes."));
        return;
    }
    ConfusionOptions options;
    options.training = trainingOptionsOf(*model_);
    options.training.method = method;
    options.seed = model_->settings().seed;
    auto data = model_->sharedEmbeddings();
    auto audit = model_->sharedAudit();
    runner_->run(tr("Finding confused pairs"), [=](Feedback& feedback) mutable -> TaskRunner::Finisher {
        options.groups = auditGroupsOf(audit, *data);
        // Every photo is scored in some fold: no background photo may be a copy of one.
        leaveOutBackgroundNearIdenticalTo(&options.training, data->vectors, data->nearIdenticalCosineOrDefault());
        auto report = std::make_shared<const ConfusedPairsReport>(exemplar::findConfusedPairs(*data, options, &feedback));
        return [this, report] { model_->setConfusedPairs(report); };
    });
}

void ProjectTasks::measureLearningCurve(const QString& method)
{
    const QString title = tr("Learning curve");
    if (!requireEmbeddings(title)) return;
    if (!isTrainingMethod(method)) {
        Q_EMIT errorOccurred(title, tr("Unknown training method \"%1\".").arg(method));
        return;
    }
    LearningCurveOptions options;
    options.training = trainingOptionsOf(*model_);
    options.training.method = method;
    options.seed = model_->settings().seed;
    auto data = model_->sharedEmbeddings();
    auto audit = model_->sharedAudit();
    runner_->run(tr("Measuring the learning curve"), [=](Feedback& feedback) mutable -> TaskRunner::Finisher {
        EmbeddingSet photos = *data;
        photos.groups = auditGroupsOf(audit, photos);
        // Every photo is scored in some sub-pool's test: no background photo may be a copy of one.
        leaveOutBackgroundNearIdenticalTo(&options.training, photos.vectors, photos.nearIdenticalCosineOrDefault());
        // "auto" would run its whole cross-validation for every sub-pool: measure the method it
        // chooses on all the photos instead (a tenth of the bar).
        const bool chosen = canonicalTrainingMethod(method) == QLatin1String("auto");
        if (chosen) {
            const Feedback choosing(&feedback, 0.0, 0.1);
            options.training = exemplar::train(photos, options.training, &choosing).effectiveOptions;
        }
        const Feedback measuring(&feedback, chosen ? 0.1 : 0.0, 1.0);
        LearningCurve measured = exemplar::measureLearningCurve(photos, options, &measuring);
        if (chosen) measured.chosenBy = canonicalTrainingMethod(method);
        auto curve = std::make_shared<const LearningCurve>(std::move(measured));
        return [this, curve] { model_->setLearningCurve(curve); };
    });
}

void ProjectTasks::classify(const QStringList& paths)
{
    if (paths.isEmpty()) return;
    classifyListed([paths](Feedback& feedback) {
        // A dropped folder is listed here, not on the GUI thread: a whole disk dropped by mistake
        // takes minutes to list, and Stop ends the listing as it ends the classifying.
        feedback.report(0, 0, tr("listing the dropped folders"));
        const DroppedPhotos dropped = expandPhotoPaths(paths, &feedback);
        if (dropped.files.isEmpty() && !dropped.foldersWithout.isEmpty())
            throw Error(tr("There is no photo in %1 or its subfolders.").arg(dropped.foldersWithout.join(QStringLiteral(", "))));
        return dropped.files;
    });
}

void ProjectTasks::classifyUnlabeled()
{
    const QStringList folders = model_->unlabeledSources().folders;
    if (folders.isEmpty()) return;
    const ScanOptions scanOptions = model_->settings().scan;
    // Photos the user gave a class (still to be written, or written: the same bytes are a labeled
    // photo now) are not classified: a prediction would contradict the label, and Sort into
    // Folders filed them by it (a GUI review).
    QSet<QString> labeled;
    for (auto it = model_->unlabeledSources().assigned.cbegin(); it != model_->unlabeledSources().assigned.cend(); ++it)
        labeled.insert(QFileInfo(it.key()).absoluteFilePath());
    if (const auto pile = model_->unlabeledPhotos().embeddings) {
        const std::vector<int> unlabeledRows = rowsNotIn(*pile, model_->embeddings());
        const QSet<int> stillUnlabeled(unlabeledRows.begin(), unlabeledRows.end());
        for (int row = 0; row < pile->size(); ++row)
            if (!stillUnlabeled.contains(row)) labeled.insert(QFileInfo(pile->paths[row]).absoluteFilePath());
    }
    if (!labeled.isEmpty())
        Q_EMIT statusMessage(tr("%n photo(s) you gave a class are not classified: their class is yours", nullptr,
                                int(labeled.size())));
    // A set that self-trained on these photos has seen them: say so, or its scores read as a new
    // photo's would (a review: 0.93 against 0.70-0.77 for fresh photos of the same classes).
    if (const ReferenceSet* set = model_->activeReferenceSet();
        set && set->selection.value(QStringLiteral("self_training")).toObject().value(QStringLiteral("used")).toBool())
        Q_EMIT statusMessage(tr("This reference set learned from these unlabeled photos (self-training): their scores "
                                "and margins run higher, and fewer are \"unknown\", than a new photo's would"));
    classifyListed([folders, scanOptions, labeled](Feedback& feedback) {
        // Listed as the Unlabeled tab lists them (the project's subfolder setting applies), not as
        // a drop, which reads every subfolder. Only photos go, as a drop sends them: a photo that
        // cannot be decoded gets its error on the Classify tab; the listing's other skipped
        // entries (sidecar files, subfolders, a folder gone) stay on the Unlabeled tab's list.
        const Dataset unlabeled = Dataset::fromClassFolders(folders, scanOptions, &feedback);
        QStringList files;
        for (const Photo& photo : unlabeled.photos)
            if (!labeled.contains(QFileInfo(photo.path).absoluteFilePath())) files << photo.path;
        if (files.isEmpty())
            throw Error(labeled.isEmpty() ? tr("There is no photo in the unlabeled folders.")
                                          : tr("Every photo in the unlabeled folders has a class you gave it."));
        return files;
    });
}

void ProjectTasks::classifyListed(std::function<QStringList(Feedback&)> listPhotos)
{
    auto set = model_->sharedActiveReferenceSet();
    if (!set) {
        Q_EMIT errorOccurred(tr("Classify"), tr("There is no reference set yet: train one (Optimize tab) or import "
                                                "an .exref file."));
        return;
    }
    // Said, or a click on Classify All behind a long comparison showed an empty tab for minutes.
    if (runner_->isBusy())
        Q_EMIT statusMessage(tr("Classifying waits for \"%1\" to finish (Esc stops it; classifying then starts)").arg(runner_->firstTitle()));
    const QString specPath = model_->modelSpecPath();
    auto network = network_;
    auto unanswered = std::make_shared<QStringList>();  // read and written on the GUI thread only
    runner_->runStreaming(tr("Classifying"), [=](Feedback& feedback, const TaskRunner::Deliver& deliver) -> TaskRunner::Finisher {
        const QStringList files = listPhotos(feedback);
        if (files.isEmpty()) return {};
        Embedder& embedder = network->loadFor(*set, specPath);
        requireSameModel(*set, embedder.modelIdentity());
        const QString difference = preprocessingDifference(*set, embedder.spec());
        const EmbeddingCache cache(embedder.identity(), embedder.dim());  // a photo dropped again: answered at once
        // The photos classified so far go to the Classify tab in batches, at most twice a second:
        // a long drop shows its answers as they come, and the GUI's queue stays short.
        std::vector<ClassifiedPhoto> batch;
        qsizetype classified = 0;
        QElapsedTimer sinceDelivery;
        sinceDelivery.start();
        const auto deliverBatch = [&] {
            if (batch.empty()) return;
            const qsizetype at = classified - qsizetype(batch.size());  // after this drop's earlier batches
            deliver([this, at, set, unanswered, photos = std::move(batch)] {
                // Answers of a set that is no longer the active one (a set trained or imported while
                // this waited or ran) would be shown beside the new set, whose numbers they do not
                // share: the photos are answered again by the set now active (a review).
                if (model_->sharedActiveReferenceSet() != set) {
                    for (const ClassifiedPhoto& photo : photos) *unanswered << photo.path;
                    return;
                }
                model_->addClassifications(photos, at);
                model_->setModified(true);
            });
            batch.clear();
            sinceDelivery.restart();
        };
        bool stopped = false;
        try {
            classifyPhotoFiles(files, set->head, embedder, &cache, &feedback, [&](int i, const PhotoVerdict& verdict) {
                ClassifiedPhoto result;
                result.path = QFileInfo(files[i]).absoluteFilePath();
                result.error = verdict.error;
                result.prediction = verdict.prediction;
                batch.push_back(std::move(result));
                ++classified;
                if (sinceDelivery.elapsed() >= kClassifiedPhotosDeliveryMs) deliverBatch();
            });
        } catch (const OperationCanceled&) {
            // Stop keeps the photos classified so far (verdicts come in list order: the first
            // N of the drop), as an optimization keeps its best selection so far.
            stopped = true;
        } catch (const Error& error) {
            // The photos answered before the failure stay, all of them: the pending batch goes
            // to the tab before the task fails, and the message says how far it got.
            deliverBatch();
            if (classified == 0) throw;
            throw Error(tr("%1 (after %2 of %3 photos, which are kept)")
                            .arg(error.message(), QString::number(classified), QString::number(files.size())));
        } catch (...) {
            deliverBatch();  // anything else (memory) fails the task too; what was answered stays
            throw;
        }
        deliverBatch();
        if (!stopped) feedback.report(files.size(), files.size(), QString());
        const qsizetype total = files.size();
        return [this, difference, stopped, classified, total, unanswered] {
            if (!unanswered->isEmpty() && model_->sharedActiveReferenceSet()) {
                classifyAgain(*unanswered);
                return;
            }
            if (stopped)
                Q_EMIT statusMessage(tr("Classification stopped: the first %1 of %2 photos are classified and kept")
                                         .arg(classified).arg(total));
            else if (!difference.isEmpty())
                Q_EMIT statusMessage(tr("Classified with the reference set's network but other preprocessing (%1): "
                                        "answers may differ a little from its own model's").arg(difference));
        };
    }, TaskRunner::OnCancel::KeepResult);
}

void ProjectTasks::classifyAgain(const QStringList& paths)
{
    // Answers belong to the set that made them: its class and reference numbers are not another
    // set's. Photos answered by a set no longer active are asked again of the one that is.
    if (paths.isEmpty()) return;
    classifyListed([paths](Feedback&) { return paths; });
}

void ProjectTasks::sortClassifiedPhotos(const QString& folder, bool link)
{
    const QString title = tr("Sort into folders");
    auto set = model_->sharedActiveReferenceSet();
    // A photo given a class by hand is not filed by the set's answer, which may contradict it:
    // Write Labels into Class Folders files it by the class given.
    QSet<QString> given;
    for (auto it = model_->unlabeledSources().assigned.cbegin(); it != model_->unlabeledSources().assigned.cend(); ++it)
        given.insert(QFileInfo(it.key()).absoluteFilePath());
    std::vector<PhotoToFile> photos;
    int leftToTheirLabel = 0;
    for (const ClassifiedPhoto& photo : model_->classifications()) {
        if (!photo.error.isEmpty() || !set) continue;
        if (given.contains(QFileInfo(photo.path).absoluteFilePath())) {
            ++leftToTheirLabel;
            continue;
        }
        photos.push_back({photo.path, photo.prediction.unknown ? QString() : set->head.classNames.value(photo.prediction.bestClass())});
    }
    if (leftToTheirLabel > 0)
        Q_EMIT statusMessage(tr("%n photo(s) you gave a class are not filed by the set's answer: \"Write Labels into Class "
                                "Folders\" files them by yours", nullptr, leftToTheirLabel));
    if (photos.empty()) {
        Q_EMIT errorOccurred(title, tr("There are no classified photos yet: classify some first."));
        return;
    }
    const QStringList classNames = set->head.classNames;
    runner_->run(tr("Sorting photos into folders"), [=](Feedback& feedback) -> TaskRunner::Finisher {
        const FilingOutcome outcome = fileIntoClassFolders(photos, classNames, folder,
                                                           link ? FilingAction::Link : FilingAction::Copy, &feedback);
        return [this, outcome, folder, link] {
            Q_EMIT statusMessage(tr("%1 %2 photo(s) into %3; %4 were there already")
                                     .arg(link ? tr("Linked") : tr("Copied")).arg(outcome.filed)
                                     .arg(QDir::toNativeSeparators(folder)).arg(outcome.alreadyFiled));
            if (!outcome.failed.empty())
                Q_EMIT errorOccurred(tr("Sort into folders"),
                                     tr("%n photo(s) could not be filed:\n", nullptr, int(outcome.failed.size())) + listOfFailures(outcome.failed));
        };
    });
}

void ProjectTasks::exportClassifierOnnx(const QString& path)
{
    const QString title = tr("Export ONNX classifier");
    auto set = model_->sharedActiveReferenceSet();
    if (!set) {
        Q_EMIT errorOccurred(title, tr("There is no reference set yet: train one (Optimize tab) or import an .exref file."));
        return;
    }
    const QString specPath = model_->modelSpecPath();
    runner_->run(tr("Exporting the ONNX classifier"), [=](Feedback&) -> TaskRunner::Finisher {
        const ModelSpec spec = ModelSpec::load(modelSpecForReferenceSet(*set, specPath));
        exemplar::exportClassifierOnnx(*set, spec, path);
        const double megabytes = double(QFileInfo(path).size()) / (1 << 20);
        const QString input = QStringLiteral("1×3×%1×%2").arg(spec.inputHeight).arg(spec.inputWidth);
        return [this, path, megabytes, input] {
            Q_EMIT statusMessage(tr("ONNX classifier written to %1 (%2 MB; input \"input\" %3, output \"scores\")")
                                     .arg(path).arg(megabytes, 0, 'f', 1).arg(input));
        };
    });
}

void ProjectTasks::importReferenceSet(const QString& path)
{
    const QString specPath = model_->modelSpecPath();
    auto network = network_;
    runner_->run(tr("Importing reference set"), [=](Feedback&) -> TaskRunner::Finisher {
        auto set = std::make_shared<const ReferenceSet>(readReferenceSet(path));
        requireSameModel(*set, network->loadFor(*set, specPath).modelIdentity());
        return [this, set, path] {
            model_->setActiveReferenceSet(set, QFileInfo(path).absoluteFilePath());
            model_->setClassifications({});
            model_->setModified(true);
            Q_EMIT statusMessage(tr("Imported %1: %2 classes, %3 references")
                                     .arg(QFileInfo(path).fileName()).arg(set->head.classNames.size())
                                     .arg(set->head.referenceCount()));
        };
    });
}

void ProjectTasks::embedUnlabeled(const QString& why)
{
    const UnlabeledSources& sources = model_->unlabeledSources();
    if (sources.folders.isEmpty() && sources.backgroundFolders.isEmpty()) {
        model_->setUnlabeledPhotos({});
        model_->setLabelingList({});
        return;
    }
    // Photos without a class, for label next and self-training, and the background photos: both
    // listed (on the worker, like the class folders) and embedded here, in one task. Unlabeled
    // folders as the project reads class folders (Classify All lists them the same way); the
    // background at any depth whatever it says, since a sorted background's kinds are its subfolders.
    const ScanOptions scanOptions = model_->settings().scan;
    const QString specPath = model_->modelSpecPath();
    auto network = network_;
    runner_->run(tr("Embedding unlabeled photos"), [=](Feedback& feedback) -> TaskRunner::Finisher {
        const auto scan = [&](const QStringList& folders, const ScanOptions& options) {
            return folders.isEmpty() ? Dataset() : Dataset::fromClassFolders(folders, options, &feedback);
        };
        const Dataset unlabeled = scan(sources.folders, scanOptions), background = scan(sources.backgroundFolders, ScanOptions{true});
        throwIfCanceled(&feedback);
        Embedder& embedder = network->load(specPath);
        const EmbeddingCache cache(embedder.identity(), embedder.dim());
        auto photos = std::make_shared<UnlabeledPhotos>();
        const double split = double(unlabeled.photoCount()) / std::max(1, unlabeled.photoCount() + background.photoCount());
        const auto embed = [&](const Dataset& dataset, double from, double to) {
            Feedback part(&feedback, from, to);
            EmbedReport report;
            auto set = std::make_shared<const EmbeddingSet>(embedDataset(dataset, embedder, &cache, &part, &report));
            photos->skipped.insert(photos->skipped.end(), dataset.skipped.begin(), dataset.skipped.end());
            photos->skipped.insert(photos->skipped.end(), report.skipped.begin(), report.skipped.end());
            return set;
        };
        if (!sources.folders.isEmpty()) photos->embeddings = embed(unlabeled, 0.0, split);
        if (!sources.backgroundFolders.isEmpty()) {
            photos->background = embed(background, split, 1.0);
            SubfolderKinds kinds = subfolderKinds(photos->background->paths, sources.backgroundFolders);
            photos->backgroundKinds = std::move(kinds.kinds);
            photos->backgroundKindNames = std::move(kinds.names);
        }
        photos->model = embedder.modelIdentity();
        return [this, photos, why] {
            const int count = photos->embeddings ? photos->embeddings->size() : 0;
            const int backgroundCount = photos->background ? photos->background->size() : 0;
            const QString embedded =
                (backgroundCount ? tr("%n unlabeled and %1 background photo(s) embedded, %2 file(s) skipped", nullptr, count)
                                       .arg(backgroundCount)
                                 : tr("%n unlabeled photo(s) embedded, %1 file(s) skipped", nullptr, count))
                    .arg(photos->skipped.size());
            Q_EMIT statusMessage(why.isEmpty() ? embedded : why + QStringLiteral(": ") + embedded);
            model_->setUnlabeledPhotos(std::move(*photos));
            rankUnlabeled();
        };
    });
}

void ProjectTasks::rankUnlabeled()
{
    auto unlabeled = model_->unlabeledPhotos().embeddings;
    auto set = model_->sharedActiveReferenceSet();
    auto labeled = model_->sharedEmbeddings();
    LabelingList none;
    if (!unlabeled || unlabeled->size() == 0)
        none.unavailable = model_->unlabeledSources().folders.isEmpty() ? tr("No unlabeled photos: add a folder of them.")
                                                                        : tr("No unlabeled photos embedded yet.");
    else if (!set)
        none.unavailable = tr("Train a reference set (F5) to rank the unlabeled photos: the ranking asks it which photos it is unsure of.");
    if (!none.unavailable.isEmpty()) {
        model_->setLabelingList(std::move(none));
        return;
    }
    const ModelIdentity model = model_->unlabeledPhotos().model;
    runner_->run(tr("Ranking unlabeled photos"), [=](Feedback& feedback) -> TaskRunner::Finisher {
        auto list = std::make_shared<LabelingList>();
        list->classNames = set->head.classNames;
        try {
            requireSameModel(*set, model);
        } catch (const Error& error) {
            list->unavailable = tr("The reference set cannot rank these photos: %1").arg(error.message());
            return [this, list] { model_->setLabelingList(std::move(*list)); };
        }
        const std::vector<int> rows = rowsNotIn(*unlabeled, *labeled);
        LabelNextOptions options;
        options.nearCopyCosine = unlabeled->nearIdenticalCosineOrDefault();  // the model's own, as the splits'
        list->candidates = rankForLabeling(set->head, unlabeled->subset(rows).vectors, options, &feedback);
        for (LabelingCandidate& c : list->candidates) {
            c.row = rows[size_t(c.row)];
            if (c.copyOf >= 0) c.copyOf = rows[size_t(c.copyOf)];
        }
        if (list->candidates.empty()) list->unavailable = tr("Every unlabeled photo is already a photo of a class.");
        return [this, list, unlabeled] {
            if (model_->unlabeledPhotos().embeddings == unlabeled) model_->setLabelingList(std::move(*list));
        };
    });
}

void ProjectTasks::writeAssignedLabels()
{
    const QString title = tr("Write labels into class folders");
    std::vector<PhotoToPlace> photos;
    QStringList refused;
    const UnlabeledSources& unlabeled = model_->unlabeledSources();
    for (auto it = unlabeled.assigned.cbegin(); it != unlabeled.assigned.cend(); ++it) {
        if (it.value().startsWith(loadedEmbeddingsPrefix()) || model_->sources().indexOfFolder(it.value()) < 0)
            refused << QFileInfo(it.key()).fileName();  // a class without a folder, or removed since
        else
            photos.push_back({it.key(), it.value()});
    }
    if (!refused.isEmpty())
        Q_EMIT errorOccurred(title, tr("%n photo(s) were assigned to a class that has no folder in this project (or was "
                                       "removed) and are left as they are: %1", nullptr, int(refused.size()))
                                        .arg(refused.mid(0, 10).join(QStringLiteral(", "))));
    if (photos.empty()) {
        if (refused.isEmpty()) Q_EMIT errorOccurred(title, tr("No photo has been given a class yet: click a class beside a photo in the label-next list."));
        return;
    }
    runner_->run(tr("Writing labels into class folders"), [=](Feedback& feedback) -> TaskRunner::Finisher {
        const FilingOutcome outcome = fileIntoFolders(photos, FilingAction::Copy, &feedback);
        // A photo deleted since it was given its class has nothing left to write: its class is
        // forgotten too, or every later Write failed on it again (a GUI review). Only when its
        // folder is there: a photo on a drive unplugged or a share offline keeps its class.
        // Looked at here, once per failure, not on the GUI thread: a hung share would freeze it.
        int gone = 0;
        std::vector<SkippedFile> keptFailed;  // failures other than that: these keep their class
        QSet<QString> keptClass;
        for (const SkippedFile& f : outcome.failed) {
            if (!QFileInfo::exists(f.path) && QFileInfo(QFileInfo(f.path).absolutePath()).isDir()) {
                ++gone;
            } else {
                keptFailed.push_back(f);
                keptClass.insert(f.path);
            }
        }
        return [this, outcome, photos, title, gone, keptFailed, keptClass] {
            UnlabeledSources sources = model_->unlabeledSources();
            // A photo given another class while this ran keeps the class given since (it was
            // dropped, unsaid): its copy went into the first class's folder, which the user hears.
            QStringList changedSince;
            for (const PhotoToPlace& photo : photos) {
                const auto now = sources.assigned.constFind(photo.path);
                if (now == sources.assigned.cend() || keptClass.contains(photo.path)) continue;
                if (*now == photo.folder) sources.assigned.erase(now);
                else changedSince << tr("%1: copied into %2, given %3 since")
                                         .arg(QFileInfo(photo.path).fileName(), QDir::toNativeSeparators(photo.folder),
                                              QDir::toNativeSeparators(*now));
            }
            model_->setUnlabeledSources(std::move(sources));
            model_->setModified(true);
            if (!changedSince.isEmpty())
                Q_EMIT errorOccurred(title, tr("%n photo(s) were given another class while the labels were being written. "
                                               "Each was copied into the folder of the class it had, and keeps the class "
                                               "given since, which the next Write Labels copies it into: delete the first "
                                               "copy if that class was wrong.\n", nullptr, int(changedSince.size())) +
                                                changedSince.mid(0, 10).join(QLatin1Char('\n')));
            Q_EMIT statusMessage(tr("Copied %1 labeled photo(s) into their class folders; %2 were there already")
                                     .arg(outcome.filed).arg(outcome.alreadyFiled));
            if (!outcome.renamed.empty()) {
                // Said in a dialog: a status line is replaced within a second by the rescan's.
                QStringList lines;
                for (size_t i = 0; i < outcome.renamed.size() && i < 10; ++i)
                    lines << tr("%1 → %2").arg(QFileInfo(outcome.renamed[i].first).fileName(),
                                                QDir::toNativeSeparators(outcome.renamed[i].second));
                if (outcome.renamed.size() > 10) lines << tr("… and %1 more").arg(outcome.renamed.size() - 10);
                Q_EMIT errorOccurred(title, tr("%n photo(s) were copied under another name, since a different file in "
                                               "the class folder has theirs (nothing was replaced):\n", nullptr,
                                               int(outcome.renamed.size())) + lines.join(QLatin1Char('\n')));
            }
            if (!keptFailed.empty())
                Q_EMIT errorOccurred(title, tr("%n photo(s) could not be copied and keep their class here:\n", nullptr,
                                               int(keptFailed.size())) + listOfFailures(keptFailed));
            if (gone > 0)
                Q_EMIT errorOccurred(title, tr("%n photo(s) given a class are no longer on disk: their classes are "
                                               "forgotten", nullptr, gone));
            // They are photos of their classes now. The set trained before stays the project's (it
            // was silently dropped, and a save then kept its classifications without it): written
            // labels add photos, they change nothing it was trained or measured on.
            const auto kept = model_->sharedTrainingBehindActiveSet();
            rescanAndEmbed([this, kept] {
                if (kept && model_->sharedTrainingBehindActiveSet() == kept && !model_->training())
                    attachTrainingToRows(kept);
            });
        };
    });
}

void ProjectTasks::attachTrainingToRows(std::shared_ptr<const TrainingOutcome> trained)
{
    if (!trained) trained = model_->sharedTraining();
    if (!trained) return;
    auto data = model_->sharedEmbeddings();
    runner_->run(tr("Restoring results"), [this, trained, data](Feedback&) -> TaskRunner::Finisher {
        auto outcome = outcomeOn(*trained, *data);
        return [this, outcome] { model_->setTraining(outcome); };
    });
}

} // namespace exemplar::ui
