#pragma once
// The one worker thread of the application (the render thread of Qt's Mandelbrot example, with
// QGIS's QgsTask / QgsTaskManager / QgsFeedback split): tasks run there one after another, each
// with an id, its own exemplar::Feedback for progress and cancellation, and the tasks it depends
// on; each hands back a "finisher" that applies its result on the GUI thread. The runner decides
// whether a result may still be applied: never after its task was canceled, never after
// invalidate() (the project it was computed for is gone), never when a task it depends on did
// not finish.
#include "Feedback.h"

#include <QObject>
#include <QString>
#include <QThread>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace exemplar::ui {

using TaskId = quint64;  // 0 is no task

class TaskRunner : public QObject {
    Q_OBJECT

public:
    using Finisher = std::function<void()>;                 // runs on the GUI thread
    using Job = std::function<Finisher(Feedback& feedback)>;  // runs on the worker thread
    // A part of a result that the GUI may show before the task ends (classified photos, as they
    // come): handed to DELIVER on the worker, run on the GUI thread in the order delivered and
    // before the task's own finisher, under the same rule as that finisher (never after
    // invalidate(), never after a cancel that drops the result). Parts already applied are never
    // undone: a job that fails after delivering some leaves them shown.
    using Deliver = std::function<void(Finisher part)>;
    using StreamingJob = std::function<Finisher(Feedback& feedback, const Deliver& deliver)>;
    // What a cancel means to a task whose job still returns: most results are unwanted then;
    // an optimization that stops early returns its best so far, which is what Stop asks for.
    enum class OnCancel { DropResult, KeepResult };

    explicit TaskRunner(QObject* parent = nullptr);
    ~TaskRunner() override;  // cancels everything and waits for the running tasks

    // Queues JOB after every task queued before it. Error and OperationCanceled thrown by the job
    // end it with taskFailed / taskCanceled; a finisher is never run for them. A task whose
    // DEPENDENCIES (tasks still queued or running; ended ones count as done) fail or are canceled
    // is canceled too.
    TaskId run(const QString& title, Job job, OnCancel onCancel = OnCancel::DropResult,
               const std::vector<TaskId>& dependencies = {});
    TaskId runStreaming(const QString& title, StreamingJob job, OnCancel onCancel = OnCancel::DropResult,
                        const std::vector<TaskId>& dependencies = {});
    // Runs JOB at once on a thread of its own, beside the queue rather than after it, under the
    // same rules otherwise (progress, cancel, invalidate, held results). For reading what is to
    // replace the project (a project file): it need not wait for the current project's work,
    // which goes on until the result is applied, and is left alone when the read fails.
    TaskId runAlongside(const QString& title, Job job);
    // Cancels one task (and the tasks that depend on it); unrelated tasks go on.
    void cancel(TaskId id);
    void cancelAll();
    // Cancels everything, and drops the result of any task queued so far even if it has already
    // been computed: what they were computed for has been replaced.
    void invalidate();
    bool isBusy() const { return !active_.empty(); }
    // The title of the task queued or running first (what a new task waits for); empty when idle.
    QString firstTitle() const;
    // The task queued or running first (the one the status bar names); 0 when idle.
    TaskId firstTask() const;
    // While held, the results that arrive (finishers, delivered parts, and the ends of tasks) wait,
    // in order, and are applied when the last hold is released: a project being saved off the GUI
    // thread is not changed under the save by a task that ends meanwhile. Holds nest.
    void holdResults() { ++holds_; }
    void releaseResults();

Q_SIGNALS:
    void taskStarted(const QString& title);
    void progress(const QString& title, qint64 done, qint64 total, const QString& what);
    void taskFinished(const QString& title);
    void taskFailed(const QString& title, const QString& message);
    void taskCanceled(const QString& title);
    void taskEnded(exemplar::ui::TaskId id);  // after any of the three above (and the finisher)
    void busyChanged(bool busy);

private:
    struct Task;
    enum class Outcome { Finished, Canceled, Failed };
    void end(const std::shared_ptr<Task>& task, Outcome outcome, const Finisher& finisher, const QString& message);
    bool resultWanted(const Task& task) const;  // GUI thread: may TASK's result (or a part of it) be applied?
    void applyOrHold(std::function<void()> arrival);  // GUI thread
    std::shared_ptr<Task> enqueue(const QString& title, OnCancel onCancel, const std::vector<TaskId>& dependencies);
    void execute(const std::shared_ptr<Task>& task, const StreamingJob& job);  // on the thread that runs it

    QThread thread_;
    QObject* context_ = nullptr;  // lives in thread_: queued calls to it run there
    std::vector<std::shared_ptr<Task>> active_;  // queued or running; GUI thread only
    TaskId nextId_ = 1;
    quint64 epoch_ = 0;  // bumped by invalidate()
    int holds_ = 0;
    std::deque<std::function<void()>> held_;  // arrivals while held, oldest first
};

} // namespace exemplar::ui
