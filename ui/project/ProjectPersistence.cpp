#include "project/ProjectPersistence.h"

#include "Error.h"
#include "Feedback.h"
#include "RegularFile.h"
#include "export/ResultExport.h"
#include "model/ProjectModel.h"
#include "project/ProjectFile.h"
#include "tasks/ProjectTasks.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QThread>
#include <algorithm>
#include <functional>
#include <memory>

namespace exemplar::ui {

ProjectPersistence::ProjectPersistence(ProjectModel* model, ProjectTasks* tasks, QObject* parent)
    : QObject(parent), model_(model), tasks_(tasks)
{
    connect(tasks_->runner(), &TaskRunner::taskEnded, this, [this](TaskId id) {
        if (id != opening_) return;
        opening_ = 0;
        Q_EMIT openingChanged(false);
    });
}

namespace {
// Runs WORK on a thread of its own and returns when it is done. The GUI thread's event loop runs
// meanwhile without user input: the window repaints and shows messages, and what the user does
// waits until the work is done. For work whose outcome the caller needs before it goes on.
void runOffTheGuiThread(std::function<void()> work)
{
    std::unique_ptr<QThread> thread(QThread::create(std::move(work)));
    QEventLoop loop;
    QObject::connect(thread.get(), &QThread::finished, &loop, &QEventLoop::quit);
    thread->start();
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    thread->wait();
}

// The first bytes of the reference set at PATH, its checksum among them (read without blocking on
// a FIFO or a device put in its place); empty when it cannot be read.
QByteArray headOf(const QString& path)
{
    RegularFileReader reader(path, kMaxReferenceSetBytes);
    if (!reader.ok()) return {};
    QByteArray head(qsizetype(std::min<qint64>(128, reader.size())), Qt::Uninitialized);
    return reader.read(head.data(), head.size()) ? head : QByteArray();
}
}

void ProjectPersistence::rememberSidecar(const QString& path, const QByteArray& fingerprint)
{
    const QFileInfo file(path);
    const QByteArray head = file.isFile() ? headOf(path) : QByteArray();
    sidecar_ = !head.isEmpty()
        ? KnownSidecar{file.absoluteFilePath(), fingerprint, file.size(), file.lastModified(), head}
        : KnownSidecar();
}

QString ProjectPersistence::sidecarHolding(const KnownSidecar& known, const QByteArray& fingerprint)
{
    if (known.path.isEmpty() || known.fingerprint != fingerprint) return {};
    const QFileInfo file(known.path);
    const bool unchanged = file.isFile() && file.size() == known.size && file.lastModified() == known.modified &&
                           headOf(known.path) == known.head;
    return unchanged ? known.path : QString();
}

void ProjectPersistence::newProject()
{
    sidecar_ = KnownSidecar();
    model_->setSources(DatasetSources());
    model_->setUnlabeledSources({});
    model_->setUnlabeledPhotos({});
    model_->setLabelingList({});
    model_->setSettings(ProjectSettings());
    model_->setActiveReferenceSet(nullptr, QString());
    model_->setClassifications({});
    model_->selectPhoto(QString());
    model_->selectClass(-1);
    tasks_->rescanAndEmbed();
    model_->setProjectPath(QString());
    model_->setModified(false);
}

bool ProjectPersistence::saveProject(const QString& path)
{
    if (saving_) {  // asked again from inside the save's own event loop
        Q_EMIT errorOccurred(tr("Save project"), tr("The project is being saved: try again when that is done."));
        return false;
    }
    saving_ = true;
    ProjectDocument document;
    QByteArray fingerprint;
    document.sources = model_->sources();
    document.unlabeled = model_->unlabeledSources();
    document.settings = model_->settings();
    if (model_->training()) {
        // Paths, not rows: a set restored from a file is saved whole even before (or without) its
        // photos being embedded again.
        document.training = model_->sharedTraining();
    } else if (model_->sharedTrainingBehindActiveSet()) {
        // Trained here, its photos rescanned since (labels written, a folder added): the set still
        // classifies, and the saved classifications need it.
        document.training = model_->sharedTrainingBehindActiveSet();
    } else if (model_->activeReferenceSet() && QFileInfo(model_->activeReferenceSetSource()).isFile()) {
        document.importedReferenceSet = model_->activeReferenceSetSource();
    }
    document.classifications = model_->classifications();
    document.comparison = model_->sharedComparison();
    document.learningCurve = model_->sharedLearningCurve();
    // A newly trained set of hundreds of MB takes seconds to write: it is written on a thread of
    // its own while the window keeps painting. The caller still gets the outcome (Save, then
    // Close or Open): input waits meanwhile, and the tasks' results are held, so nothing changes
    // the project under the save; they are applied after it, and mark it modified as usual.
    const quint64 revision = model_->revision();
    Q_EMIT statusMessage(tr("Saving the project to %1…").arg(path));
    QString failure;
    tasks_->runner()->holdResults();
    const KnownSidecar known = sidecar_;  // the save's thread reads its own copy
    runOffTheGuiThread([&known, &document, &fingerprint, &path, &failure] {
        try {
            // The sidecar's check reads the whole set (a fraction of a second per 100 MB): here too.
            if (document.training) {
                fingerprint = referenceSetFingerprint(document.training->set);
                document.trainingSidecar = sidecarHolding(known, fingerprint);
            }
            writeProject(document, path);
        } catch (const Error& error) {
            failure = error.message();
        } catch (const std::exception& error) {  // an exhausted resource: still a message
            failure = QString::fromLocal8Bit(error.what());
        }
    });
    if (failure.isEmpty()) {
        if (document.training) rememberSidecar(referenceSetSidecarPath(path), fingerprint);
        model_->setProjectPath(QFileInfo(path).absoluteFilePath());
        // A change that came in meanwhile (a drop: Qt does not count it as user input) is not in
        // the file, so the project stays modified.
        if (model_->revision() == revision) model_->setModified(false);
        Q_EMIT statusMessage(tr("Project saved to %1").arg(path));
    }
    saving_ = false;  // before the held results: one of them may save
    tasks_->runner()->releaseResults();
    if (!failure.isEmpty()) Q_EMIT errorOccurred(tr("Save project"), failure);
    return failure.isEmpty();
}

void ProjectPersistence::openProject(const QString& path)
{
    // Beside the project's own tasks, not after them: the current project goes on (its embedding,
    // say) until the file has been read, and is left as it was when it cannot be.
    opening_ = tasks_->runner()->runAlongside(tr("Open project"), [this, path](Feedback& feedback) -> TaskRunner::Finisher {
        // Its own thread: only the file is touched here, the model when the finisher runs.
        auto document = std::make_shared<ProjectDocument>(readProject(path, &feedback));
        throwIfCanceled(&feedback);
        QByteArray fingerprint;
        std::shared_ptr<TrainingOutcome> training;
        if (document->training) {
            fingerprint = referenceSetFingerprint(document->training->set);
            // The model's form of it, made here: a copy of a set of hundreds of MB takes most of a
            // second.
            training = std::make_shared<TrainingOutcome>();
            static_cast<TrainedReferenceSet&>(*training) = *document->training;
            document->training.reset();
        }
        std::shared_ptr<const ReferenceSet> imported;
        QString importError;
        if (!document->importedReferenceSet.isEmpty()) {
            try {
                imported = std::make_shared<const ReferenceSet>(readReferenceSet(document->importedReferenceSet));
            } catch (const Error& error) {
                importError = error.message();
            }
        }
        throwIfCanceled(&feedback);
        return [this, path, document, fingerprint, training, imported, importError] {
            applyOpened(path, *document, {training, fingerprint}, imported, importError);
        };
    });
    Q_EMIT openingChanged(true);
    Q_EMIT statusMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
}

void ProjectPersistence::applyOpened(const QString& path, const ProjectDocument& document, const OpenedTraining& training,
                                     std::shared_ptr<const ReferenceSet> imported, const QString& importError)
{
    for (const QString& warning : document.warnings) Q_EMIT errorOccurred(tr("Open project"), warning);
    newProject();
    model_->setSources(document.sources);
    model_->setUnlabeledSources(document.unlabeled);
    model_->setSettings(document.settings);
    // Rescanning clears every result of the old photos, so the saved ones are put in after it.
    tasks_->rescanAndEmbed([this] { tasks_->attachTrainingToRows(); });
    model_->setClassifications(document.classifications);
    model_->setComparison(document.comparison);
    model_->setLearningCurve(document.learningCurve);
    if (training.outcome) {
        rememberSidecar(document.trainingSidecar, training.fingerprint);
        model_->setTraining(training.outcome);
    } else if (imported) {
        model_->setActiveReferenceSet(std::move(imported), document.importedReferenceSet);
    } else if (!importError.isEmpty()) {
        Q_EMIT errorOccurred(tr("Open project"), importError);
    }
    model_->setProjectPath(QFileInfo(path).absoluteFilePath());
    model_->setModified(false);
    Q_EMIT projectOpened(model_->projectPath());
}

void ProjectPersistence::exportReferenceSet(const QString& path)
{
    if (!model_->activeReferenceSet()) {
        Q_EMIT errorOccurred(tr("Export reference set"), tr("There is no reference set yet: train one first."));
        return;
    }
    try {
        writeReferenceSet(*model_->activeReferenceSet(), path);
        Q_EMIT statusMessage(tr("Reference set written to %1").arg(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Export reference set"), error.message());
    }
}

void ProjectPersistence::exportPredictions(const QString& path)
{
    if (model_->classifications().empty() || !model_->activeReferenceSet()) {
        Q_EMIT errorOccurred(tr("Export predictions"), tr("There are no predictions yet: drop photos on the Classify tab."));
        return;
    }
    try {
        exemplar::ui::exportPredictions(model_->classifications(), model_->activeReferenceSet()->head.classNames, path);
        Q_EMIT statusMessage(tr("Predictions written to %1").arg(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Export predictions"), error.message());
    }
}

void ProjectPersistence::exportMetrics(const QString& path)
{
    if (!model_->training()) {
        Q_EMIT errorOccurred(tr("Export metrics"), tr("There are no metrics yet: train a reference set first."));
        return;
    }
    try {
        exemplar::ui::exportMetrics(*model_->training(), model_->embeddings().classNames, model_->comparison(), path);
        Q_EMIT statusMessage(tr("Metrics written to %1").arg(path));
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Export metrics"), error.message());
    }
}

} // namespace exemplar::ui
