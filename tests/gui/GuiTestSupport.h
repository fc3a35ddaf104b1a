#pragma once
// What the GUI tests share: dropping paths as a file manager does, waiting for the controller's
// worker to settle, and linking photos of the shared sets into a temporary dataset (symlinks:
// the photo sets are read in place, never copied).
#include "controller/ProjectController.h"
#include "window/MainWindow.h"

#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <functional>
#include <QMimeData>
#include <QTest>
#include <QUrl>

namespace exemplar::test {

// The application as main() assembles it: a controller, and the window it is handed (declared
// after it, so the window goes first).
struct AppWindow {
    ui::ProjectController controller;
    ui::MainWindow window{&controller};
};

// Drag enter, then drop, with file URLs, onto TARGET; true when the drop was accepted.
inline bool dropPaths(QWidget* target, const QStringList& paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& path : paths) urls << QUrl::fromLocalFile(path);
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    if (!enter.isAccepted()) return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

// Opens PATH as the window's File > Open does (a task) and waits until the file has been read,
// or refused: true when it is now the project.
inline bool openProject(ui::ProjectController* controller, const QString& path, int timeoutMs = 60000)
{
    bool opened = false;
    const auto connection = QObject::connect(controller, &ui::ProjectController::projectOpened,
                                             [&opened](const QString&) { opened = true; });
    controller->openProject(path);
    QElapsedTimer timer;
    timer.start();
    while (controller->isOpening() && timer.elapsed() < timeoutMs) QTest::qWait(20);
    QObject::disconnect(connection);
    return opened;
}

// Waits for CONTROLLER's worker to go idle (jobs queue further jobs, so idle must last a moment).
inline bool waitIdle(const ui::ProjectController* controller, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    int idleFor = 0;
    while (timer.elapsed() < timeoutMs) {
        QTest::qWait(50);
        idleFor = controller->isBusy() ? 0 : idleFor + 50;
        if (idleFor >= 300) return true;
    }
    return false;
}

// Links FILES (absolute paths) into the folder TARGET, creating it; returns the links made.
inline QStringList linkInto(const QStringList& files, const QString& target)
{
    QDir().mkpath(target);
    QStringList links;
    for (const QString& file : files) {
        const QString link = target + QLatin1Char('/') + QFileInfo(file).fileName();
        if (QFile::link(file, link)) links << link;
    }
    return links;
}

// The photos of one class of a shared set, sorted by name, [FIRST, FIRST + COUNT).
inline QStringList sharedPhotos(const QString& classFolder, int first, int count)
{
    const QDir source(classFolder);
    QStringList paths;
    for (const QString& name : source.entryList(QDir::Files, QDir::Name).mid(first, count))
        paths << source.absoluteFilePath(name);
    return paths;
}

// The pixels of IMAGE inside RECT for which WANTED holds (a painted thumbnail's, a colour's).
inline int countPixels(const QImage& image, const QRect& rect, const std::function<bool(QColor)>& wanted)
{
    int n = 0;
    const QRect inside = rect.intersected(image.rect());
    for (int y = inside.top(); y <= inside.bottom(); ++y)
        for (int x = inside.left(); x <= inside.right(); ++x) n += wanted(image.pixelColor(x, y));
    return n;
}

// The pure red of the test photos that must stay inside their boxes.
inline bool isRed(QColor c) { return c.red() > 200 && c.green() < 60 && c.blue() < 60; }

} // namespace exemplar::test
