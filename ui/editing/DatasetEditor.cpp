#include "editing/DatasetEditor.h"

#include "Error.h"
#include "ModelSpec.h"
#include "model/ProjectModel.h"
#include "tasks/ProjectTasks.h"

#include <QFileInfo>

namespace exemplar::ui {

DatasetEditor::DatasetEditor(ProjectModel* model, ProjectTasks* tasks, QObject* parent)
    : QObject(parent), model_(model), tasks_(tasks)
{
}

bool DatasetEditor::isClass(int sourceIndex) const
{
    return sourceIndex >= 0 && sourceIndex < int(model_->sources().classes.size());
}

void DatasetEditor::sourcesEdited()
{
    model_->setModified(true);
    tasks_->rescanAndEmbed();
}

void DatasetEditor::addFolders(const QStringList& paths)
{
    std::vector<SkippedFile> rejected, hidden, empty;
    const QStringList folders = expandToClassFolders(paths, &rejected, &hidden, &empty);
    DatasetSources sources = model_->sources();
    // Loaded embeddings have no folders to rescan: photo folders start a project of their own.
    if (!sources.classes.empty() && sources.classes.front().folder.startsWith(ProjectTasks::loadedEmbeddingsPrefix()) &&
        !folders.isEmpty())
        sources = DatasetSources();
    int added = 0;
    for (const QString& folder : folders) {
        if (sources.indexOfFolder(folder) >= 0) continue;  // already in the project
        sources.classes.push_back({folder, QFileInfo(folder).fileName(), false});
        ++added;
    }
    for (const SkippedFile& file : rejected)
        Q_EMIT errorOccurred(tr("Add class folders"), QStringLiteral("%1: %2").arg(file.path, file.reason));
    // "sub" or "sub and 3 more": the folders of a kind named without a box each.
    const auto named = [](const std::vector<SkippedFile>& folders) {
        return QFileInfo(folders.front().path).fileName() +
               (folders.size() > 1 ? tr(" and %n more", nullptr, int(folders.size() - 1)) : QString());
    };
    if (added == 0) {
        if (!empty.empty())  // nothing else to add: why not, in a box
            Q_EMIT errorOccurred(tr("Add class folders"), tr("No class folder added: %1 has no photos.").arg(named(empty)));
        else if (rejected.empty())
            Q_EMIT statusMessage(tr("Those class folders are already in the project"));
        return;
    }
    // A hidden or empty folder beside the classes is no class, and not worth a warning box.
    QString notes;
    if (!hidden.empty()) notes += tr("; not read, being hidden: %1").arg(named(hidden));
    if (!empty.empty()) notes += tr("; not added, having no photos: %1").arg(named(empty));
    Q_EMIT statusMessage(tr("Added %n class folder(s)", nullptr, added) + notes);
    model_->setSources(std::move(sources));
    sourcesEdited();
}

void DatasetEditor::addUnlabeledFolders(const QStringList& paths)
{
    addPhotoFolders(paths, &UnlabeledSources::folders, tr("unlabeled"));
}

void DatasetEditor::addBackgroundFolders(const QStringList& paths)
{
    addPhotoFolders(paths, &UnlabeledSources::backgroundFolders, tr("background"));
}

void DatasetEditor::addPhotoFolders(const QStringList& paths, QStringList UnlabeledSources::*list, const QString& what)
{
    const QString title = tr("Add %1 folder").arg(what);
    UnlabeledSources sources = model_->unlabeledSources();
    int added = 0;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            Q_EMIT errorOccurred(title, tr("%1: not a folder (%2 photos are added a folder at a time)").arg(path, what));
            continue;
        }
        const QString folder = info.canonicalFilePath();
        if ((sources.*list).contains(folder)) continue;
        if (model_->sources().indexOfFolder(folder) >= 0) {
            Q_EMIT errorOccurred(title, tr("%1 is a class folder of this project: its photos are labeled").arg(folder));
            continue;
        }
        (sources.*list) << folder;
        ++added;
    }
    if (added == 0) return;
    Q_EMIT statusMessage(tr("Added %n %1 folder(s)", nullptr, added).arg(what));
    model_->setUnlabeledSources(std::move(sources));
    model_->setModified(true);
    tasks_->embedUnlabeled();
}

void DatasetEditor::clearUnlabeledFolders()
{
    clearPhotoFolders(&UnlabeledSources::folders);  // classes given by hand stay until written or cleared one by one
}

void DatasetEditor::clearBackgroundFolders()
{
    clearPhotoFolders(&UnlabeledSources::backgroundFolders);
}

void DatasetEditor::clearPhotoFolders(QStringList UnlabeledSources::*list)
{
    if ((model_->unlabeledSources().*list).isEmpty()) return;
    UnlabeledSources sources = model_->unlabeledSources();
    (sources.*list).clear();
    model_->setUnlabeledSources(std::move(sources));
    model_->setModified(true);
    tasks_->embedUnlabeled();
}

void DatasetEditor::assignClass(const QString& unlabeledPhoto, int sourceIndex)
{
    UnlabeledSources unlabeled = model_->unlabeledSources();
    if (sourceIndex < 0) {
        if (unlabeled.assigned.remove(unlabeledPhoto) == 0) return;
    } else {
        if (!isClass(sourceIndex)) return;
        unlabeled.assigned.insert(unlabeledPhoto, model_->sources().classes[size_t(sourceIndex)].folder);
    }
    model_->setUnlabeledSources(std::move(unlabeled));
    model_->setModified(true);
}

void DatasetEditor::removeClass(int sourceIndex)
{
    if (!isClass(sourceIndex)) return;
    DatasetSources sources = model_->sources();
    sources.classes.erase(sources.classes.begin() + sourceIndex);
    model_->setSources(std::move(sources));
    sourcesEdited();
}

void DatasetEditor::setClassExcluded(int sourceIndex, bool excluded)
{
    if (!isClass(sourceIndex) || model_->sources().classes[size_t(sourceIndex)].excluded == excluded) return;
    DatasetSources sources = model_->sources();
    sources.classes[size_t(sourceIndex)].excluded = excluded;
    model_->setSources(std::move(sources));
    sourcesEdited();
}

void DatasetEditor::renameClass(int sourceIndex, const QString& name)
{
    if (!isClass(sourceIndex)) return;
    const QString trimmed = name.trimmed();
    const DatasetSources& sources = model_->sources();
    if (trimmed.isEmpty() || trimmed == sources.classes[size_t(sourceIndex)].name) {
        model_->setSources(sources);  // let the list show the old name again
        return;
    }
    for (const ClassSource& source : sources.classes)
        if (source.name == trimmed) {
            Q_EMIT errorOccurred(tr("Rename class"), tr("A class named \"%1\" already exists.").arg(trimmed));
            model_->setSources(sources);
            return;
        }
    model_->renameClass(sourceIndex, trimmed);
    model_->setModified(true);
}

void DatasetEditor::setPhotoExcluded(const QString& path, bool excluded)
{
    if (excluded == model_->sources().excludedPhotos.contains(path)) return;
    DatasetSources sources = model_->sources();
    if (excluded)
        sources.excludedPhotos.insert(path);
    else
        sources.excludedPhotos.remove(path);
    model_->setSources(std::move(sources));
    sourcesEdited();
}

void DatasetEditor::setPinnedCount(int sourceIndex, int count)
{
    if (!isClass(sourceIndex)) return;
    ProjectSettings settings = model_->settings();
    const QString folder = model_->sources().classes[size_t(sourceIndex)].folder;
    if (count > 0)
        settings.pinnedCounts.insert(folder, count);
    else
        settings.pinnedCounts.remove(folder);
    model_->setSettings(settings);
    model_->setModified(true);
}

void DatasetEditor::setModelSpecPath(const QString& specPath)
{
    if (!specPath.isEmpty()) {
        try {
            ModelSpec::load(specPath);  // a quick check of the JSON before anything is thrown away
        } catch (const Error& error) {
            Q_EMIT errorOccurred(tr("Choose embedding model"), error.message());
            return;
        }
    }
    ProjectSettings settings = model_->settings();
    settings.modelSpecPath = specPath;
    model_->setSettings(settings);
    sourcesEdited();
}

void DatasetEditor::setScanSubfolders(bool scan)
{
    if (model_->settings().scan.recursive == scan) return;
    ProjectSettings settings = model_->settings();
    settings.scan.recursive = scan;
    model_->setSettings(settings);
    sourcesEdited();  // the photos of every class change
}

} // namespace exemplar::ui
