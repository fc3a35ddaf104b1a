#pragma once
// Notices when photos are added to, removed from or replaced in a set of folders on disk while
// the project is open, and says so once the folders have been quiet for a moment (a copy of 500
// photos is one change, not 500). The project's unlabeled and background folders are read again
// then: without it the Unlabeled tab kept describing photos that were no longer there until the
// project was reopened (a GUI review).
//
// Only the folders themselves are watched, not their subfolders: a subfolder's change is noticed
// when the folder is read again for another reason. Class folders are not watched: reading them
// again throws away every result of the old photos, so the user asks for it (Run ▸ Embed Photos
// Again, F4).
#include <QObject>
#include <QStringList>

class QFileSystemWatcher;
class QTimer;

namespace exemplar::ui {

class FolderWatch : public QObject {
    Q_OBJECT

public:
    // How long the folders must stay unchanged before foldersChanged is said.
    static constexpr int kQuietMilliseconds = 1500;

    explicit FolderWatch(QObject* parent = nullptr);

    // Watches FOLDERS from now on (none: watches nothing). The same folders again change nothing.
    void setFolders(const QStringList& folders);
    QStringList folders() const { return folders_; }

Q_SIGNALS:
    void foldersChanged();

private:
    QFileSystemWatcher* watcher_;
    QTimer* quiet_;
    QStringList folders_;
};

} // namespace exemplar::ui
