#include "project/FolderWatch.h"

#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSet>
#include <QTimer>

#include <sys/stat.h>

namespace exemplar::ui {

FolderWatch::FolderWatch(QObject* parent)
    : QObject(parent), watcher_(new QFileSystemWatcher(this)), quiet_(new QTimer(this))
{
    quiet_->setSingleShot(true);
    quiet_->setInterval(kQuietMilliseconds);
    connect(watcher_, &QFileSystemWatcher::directoryChanged, this, &FolderWatch::changed);
    connect(quiet_, &QTimer::timeout, this, [this] {
        rewatch();
        Q_EMIT foldersChanged();
    });
}

FolderWatch::Identity FolderWatch::identityOf(const QString& folder)
{
    struct stat status {};
    if (::stat(QFile::encodeName(folder).constData(), &status) != 0 || !S_ISDIR(status.st_mode)) return {};
    return {true, quint64(status.st_dev), quint64(status.st_ino)};
}

void FolderWatch::changed(const QString& path)
{
    // Every change of a folder restarts the wait: one signal for a whole copy. A parent's change
    // (the project file saved beside the folder, say) only when a folder came, went or was
    // replaced.
    bool ours = folders_.contains(path);
    for (auto it = identities_.cbegin(); !ours && it != identities_.cend(); ++it)
        ours = !(identityOf(it.key()) == it.value());
    if (ours) quiet_->start();
}

void FolderWatch::rewatch()
{
    if (!watcher_->directories().isEmpty()) watcher_->removePaths(watcher_->directories());
    identities_.clear();
    QSet<QString> paths;
    for (const QString& folder : folders_) {
        const Identity identity = identityOf(folder);
        identities_.insert(folder, identity);
        if (identity.exists) paths.insert(folder);
        const QString parent = QFileInfo(folder).absolutePath();
        if (parent != folder && QFileInfo(parent).isDir()) paths.insert(parent);
    }
    // A folder that cannot be watched (unreadable, out of inotify watches) is read as before, only
    // not again on its own.
    if (!paths.isEmpty()) watcher_->addPaths(QStringList(paths.begin(), paths.end()));
}

void FolderWatch::setFolders(const QStringList& folders)
{
    if (folders == folders_) return;
    folders_ = folders;
    quiet_->stop();
    rewatch();
}

} // namespace exemplar::ui
