#include "project/FolderWatch.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace exemplar::ui {

FolderWatch::FolderWatch(QObject* parent)
    : QObject(parent), watcher_(new QFileSystemWatcher(this)), quiet_(new QTimer(this))
{
    quiet_->setSingleShot(true);
    quiet_->setInterval(kQuietMilliseconds);
    // Every change restarts the wait: one signal for a whole copy.
    connect(watcher_, &QFileSystemWatcher::directoryChanged, quiet_, qOverload<>(&QTimer::start));
    connect(quiet_, &QTimer::timeout, this, [this] {
        // A folder deleted and made again (a "replace all" by some file managers) drops out of
        // the watcher: watch it again if it is back.
        const QStringList watched = watcher_->directories();
        QStringList missing;
        for (const QString& folder : folders_)
            if (!watched.contains(folder) && QFileInfo(folder).isDir()) missing << folder;
        if (!missing.isEmpty()) watcher_->addPaths(missing);
        Q_EMIT foldersChanged();
    });
}

void FolderWatch::setFolders(const QStringList& folders)
{
    if (folders == folders_) return;
    folders_ = folders;
    quiet_->stop();
    if (!watcher_->directories().isEmpty()) watcher_->removePaths(watcher_->directories());
    // A folder that cannot be watched (gone, unreadable, out of inotify watches) is read as before,
    // only not again on its own.
    QStringList existing;
    for (const QString& folder : folders_)
        if (QFileInfo(folder).isDir()) existing << folder;
    if (!existing.isEmpty()) watcher_->addPaths(existing);
}

} // namespace exemplar::ui
