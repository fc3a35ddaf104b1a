#pragma once
// Notices when photos are added to, removed from or replaced in a set of folders on disk while
// the project is open, and when a folder itself is deleted, made again or renamed, and says so
// once the folders have been quiet for a moment (a copy of 500 photos is one change, not 500).
// The project's unlabeled and background folders are read again then: without it the Unlabeled
// tab kept describing photos that were no longer there until the project was reopened (a GUI
// review).
//
// The folders are watched, and their parent folders for the folders' own coming and going (a
// watch on a deleted or renamed folder ends, or follows it to its new name); a change in a parent
// counts only when one of the folders appeared, disappeared or was replaced by another; a folder
// whose parent went too (a drive unplugged) is noticed again only when the folders are set again
// (the project reopened). The kernel reports changes made on this machine: a network share
// changed by another machine is not noticed. Subfolders are not watched (a background sorted into
// kinds lives in them): their changes are noticed when the folder is read again for another
// reason. Re-reads that overlap are not merged: each is quick, its photos coming from the cache. Class folders are not watched: reading them again throws away every result of the old
// photos, so the user asks for it (Run ▸ Embed Photos Again, F4).
#include <QHash>
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
    // What a folder is on disk: none, or one directory (device and inode).
    struct Identity {
        bool exists = false;
        quint64 device = 0, inode = 0;
        bool operator==(const Identity& other) const
        {
            return exists == other.exists && device == other.device && inode == other.inode;
        }
    };
    static Identity identityOf(const QString& folder);
    void changed(const QString& path);
    void rewatch();  // fresh watches on what is there now, and the folders' identities

    QFileSystemWatcher* watcher_;
    QTimer* quiet_;
    QStringList folders_;
    QHash<QString, Identity> identities_;
};

} // namespace exemplar::ui
