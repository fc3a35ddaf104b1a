#pragma once
// What the user does to the photo set: add class folders, remove, exclude or rename a class,
// exclude a photo, pin a class's count, choose another embedding model, read subfolders or not. Each edit changes the
// project model and, when the photos the methods see have changed, rescans and re-embeds (the
// cache makes that cheap).
#include <QObject>
#include <QStringList>

namespace exemplar::ui {

class ProjectModel;
class ProjectTasks;
struct UnlabeledSources;

class DatasetEditor : public QObject {
    Q_OBJECT

public:
    DatasetEditor(ProjectModel* model, ProjectTasks* tasks, QObject* parent = nullptr);

    void addFolders(const QStringList& paths);
    void removeClass(int sourceIndex);
    void setClassExcluded(int sourceIndex, bool excluded);
    void renameClass(int sourceIndex, const QString& name);
    void setPhotoExcluded(const QString& path, bool excluded);
    void setPinnedCount(int sourceIndex, int count);  // 0: optimized
    void setModelSpecPath(const QString& specPath);   // empty: the default model
    void setScanSubfolders(bool scan);                // photos in subfolders of class folders
    // Photos without a class: folders of them (embedded and ranked for labeling), and the class
    // the user gives one of them (SOURCE_INDEX −1: none), kept until written into class folders.
    void addUnlabeledFolders(const QStringList& paths);
    void clearUnlabeledFolders();
    void assignClass(const QString& unlabeledPhoto, int sourceIndex);
    // Background folders: photos of other things of the same kind, for the whitening only.
    void addBackgroundFolders(const QStringList& paths);
    void clearBackgroundFolders();

Q_SIGNALS:
    void statusMessage(const QString& message);
    void errorOccurred(const QString& title, const QString& message);

private:
    bool isClass(int sourceIndex) const;
    // Adds the folders of PATHS to LIST (a list of UnlabeledSources) and embeds them; WHAT names the
    // kind of folder in messages. A class folder of the project or a folder already there is not added.
    void addPhotoFolders(const QStringList& paths, QStringList UnlabeledSources::*list, const QString& what);
    void clearPhotoFolders(QStringList UnlabeledSources::*list);
    void sourcesEdited();  // rescan and re-embed

    ProjectModel* model_;
    ProjectTasks* tasks_;
};

} // namespace exemplar::ui
