#pragma once
// The one worker thread of the application (the render thread of Qt's Mandelbrot example, with
// QGIS's QgsTask/QgsFeedback split): jobs run there one after another, each with its own
// exemplar::Feedback for progress and cancellation, and hand back a "finisher" that applies their
// result on the GUI thread. Only the controller uses it, so results change state in one place.
#include "Feedback.h"

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>
#include <vector>

namespace exemplar::ui {

class TaskRunner : public QObject {
    Q_OBJECT

public:
    using Finisher = std::function<void()>;                 // runs on the GUI thread
    using Job = std::function<Finisher(Feedback& feedback)>;  // runs on the worker thread

    explicit TaskRunner(QObject* parent = nullptr);
    ~TaskRunner() override;  // cancels everything and waits for the running job

    // Queues JOB; jobs run in the order they were queued. Error and OperationCanceled thrown by
    // the job end it with taskFailed / taskCanceled; a finisher is never run for them.
    void run(const QString& title, Job job);
    void cancelAll();
    bool isBusy() const { return !active_.empty(); }

Q_SIGNALS:
    void taskStarted(const QString& title);
    void progress(const QString& title, qint64 done, qint64 total, const QString& what);
    void taskFinished(const QString& title);
    void taskFailed(const QString& title, const QString& message);
    void taskCanceled(const QString& title);
    void busyChanged(bool busy);

private:
    void retire(const std::shared_ptr<Feedback>& feedback);

    QThread thread_;
    QObject* context_ = nullptr;  // lives in thread_: queued calls to it run there
    std::vector<std::shared_ptr<Feedback>> active_;  // queued or running, GUI-thread only
};

} // namespace exemplar::ui
