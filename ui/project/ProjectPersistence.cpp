#include "project/ProjectPersistence.h"

#include "Error.h"
#include "RegularFile.h"
#include "export/ResultExport.h"
#include "model/ProjectModel.h"
#include "project/ProjectFile.h"
#include "tasks/ProjectTasks.h"

#include <QFileInfo>
#include <algorithm>

namespace exemplar::ui {

ProjectPersistence::ProjectPersistence(ProjectModel* model, ProjectTasks* tasks, QObject* parent)
    : QObject(parent), model_(model), tasks_(tasks)
{
}

namespace {
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

QString ProjectPersistence::sidecarHolding(const QByteArray& fingerprint) const
{
    if (sidecar_.path.isEmpty() || sidecar_.fingerprint != fingerprint) return {};
    const QFileInfo file(sidecar_.path);
    const bool unchanged = file.isFile() && file.size() == sidecar_.size && file.lastModified() == sidecar_.modified &&
                           headOf(sidecar_.path) == sidecar_.head;
    return unchanged ? sidecar_.path : QString();
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
    ProjectDocument document;
    QByteArray fingerprint;
    document.sources = model_->sources();
    document.unlabeled = model_->unlabeledSources();
    document.settings = model_->settings();
    if (const TrainingOutcome* training = model_->training()) {
        // Paths, not rows: a set restored from a file is saved whole even before (or without) its
        // photos being embedded again.
        document.training = static_cast<const TrainedReferenceSet&>(*training);
        fingerprint = referenceSetFingerprint(training->set);
        document.trainingSidecar = sidecarHolding(fingerprint);
    } else if (model_->activeReferenceSet() && QFileInfo(model_->activeReferenceSetSource()).isFile()) {
        document.importedReferenceSet = model_->activeReferenceSetSource();
    }
    document.classifications = model_->classifications();
    document.comparison = model_->sharedComparison();
    document.learningCurve = model_->sharedLearningCurve();
    try {
        writeProject(document, path);
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Save project"), error.message());
        return false;
    }
    if (document.training) rememberSidecar(referenceSetSidecarPath(path), fingerprint);
    model_->setProjectPath(QFileInfo(path).absoluteFilePath());
    model_->setModified(false);
    Q_EMIT statusMessage(tr("Project saved to %1").arg(path));
    return true;
}

void ProjectPersistence::openProject(const QString& path)
{
    ProjectDocument document;
    try {
        document = readProject(path);
    } catch (const Error& error) {
        Q_EMIT errorOccurred(tr("Open project"), error.message());
        return;
    }
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
    if (document.training) {
        rememberSidecar(document.trainingSidecar, referenceSetFingerprint(document.training->set));
        auto outcome = std::make_shared<TrainingOutcome>();
        static_cast<TrainedReferenceSet&>(*outcome) = *document.training;
        model_->setTraining(outcome);
    } else if (!document.importedReferenceSet.isEmpty()) {
        try {
            model_->setActiveReferenceSet(std::make_shared<const ReferenceSet>(readReferenceSet(document.importedReferenceSet)),
                                          document.importedReferenceSet);
        } catch (const Error& error) {
            Q_EMIT errorOccurred(tr("Open project"), error.message());
        }
    }
    model_->setProjectPath(QFileInfo(path).absoluteFilePath());
    model_->setModified(false);
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
