#include "tasks/TaskRunner.h"

#include "Error.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <algorithm>
#include <atomic>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace exemplar::ui {

#ifdef Q_OS_LINUX
namespace {
constexpr int kWorkerNiceIncrement = 5;  // above the process's own nice value
}
#endif

struct TaskRunner::Task {
    TaskId id = 0;
    QString title;
    quint64 epoch = 0;
    std::vector<TaskId> dependencies;
    // The dependencies still queued or running when this task was queued: the worker checks that
    // each completed before it starts this one (tasks run in queue order, so they have ended).
    std::vector<std::shared_ptr<const Task>> awaited;
    OnCancel onCancel = OnCancel::DropResult;
    Feedback feedback;                 // canceled from the GUI thread, read on the worker
    std::atomic<bool> completed{false};  // set on the worker when the job returned a result
};

TaskRunner::TaskRunner(QObject* parent) : QObject(parent)
{
    thread_.setObjectName(QStringLiteral("exemplar-worker"));
    context_ = new QObject;
    context_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, context_, &QObject::deleteLater);
    thread_.start(QThread::LowPriority);  // keep the GUI thread ahead on 2 cores
#ifdef Q_OS_LINUX
    // On Linux QThread priorities do nothing for ordinary threads (SCHED_OTHER has one static
    // priority); a higher nice value of the worker thread itself gives the same effect, so a busy
    // machine takes its cores from the long jobs before it takes them from the window.
    QMetaObject::invokeMethod(context_, [] {
        const auto self = id_t(syscall(SYS_gettid));
        setpriority(PRIO_PROCESS, self, std::min(19, getpriority(PRIO_PROCESS, self) + kWorkerNiceIncrement));
    }, Qt::QueuedConnection);
#endif
}

TaskRunner::~TaskRunner()
{
    cancelAll();
    thread_.quit();
    thread_.wait();
    for (QThread* alongside : findChildren<QThread*>(Qt::FindDirectChildrenOnly)) alongside->wait();
}

namespace {
// A job that delivers no parts, as the runner runs every job.
TaskRunner::StreamingJob streamingOf(TaskRunner::Job job)
{
    return [job = std::move(job)](Feedback& feedback, const TaskRunner::Deliver&) { return job(feedback); };
}
}

TaskId TaskRunner::run(const QString& title, Job job, OnCancel onCancel, const std::vector<TaskId>& dependencies)
{
    return runStreaming(title, streamingOf(std::move(job)), onCancel, dependencies);
}

std::shared_ptr<TaskRunner::Task> TaskRunner::enqueue(const QString& title, OnCancel onCancel,
                                                     const std::vector<TaskId>& dependencies)
{
    auto task = std::make_shared<Task>();
    task->id = nextId_++;
    task->title = title;
    task->epoch = epoch_;
    task->dependencies = dependencies;
    task->onCancel = onCancel;
    for (const auto& other : active_)
        if (std::find(dependencies.begin(), dependencies.end(), other->id) != dependencies.end())
            task->awaited.push_back(other);
    // Progress arrives on the worker thread, possibly thousands of times a second: forward at most
    // every 50 ms (and always the last step) so that the GUI's event queue stays short. A new total
    // is a new step of the task (the folders listed, then the photos embedded): always forwarded,
    // or the window would go on naming the step before for as long as the next one is silent.
    auto timer = std::make_shared<QElapsedTimer>();
    auto lastTotal = std::make_shared<qint64>(-1);
    task->feedback.setProgressHandler([this, title, timer, lastTotal](qint64 done, qint64 total, const QString& what) {
        if (timer->isValid() && timer->elapsed() < 50 && done < total && total == *lastTotal) return;
        timer->start();
        *lastTotal = total;
        Q_EMIT progress(title, done, total, what);  // queued to GUI-thread receivers
    });
    const bool wasBusy = isBusy();
    active_.push_back(task);
    if (!wasBusy) Q_EMIT busyChanged(true);
    return task;
}

QString TaskRunner::firstTitle() const { return active_.empty() ? QString() : active_.front()->title; }
TaskId TaskRunner::firstTask() const { return active_.empty() ? 0 : active_.front()->id; }

TaskId TaskRunner::runStreaming(const QString& title, StreamingJob job, OnCancel onCancel,
                                const std::vector<TaskId>& dependencies)
{
    auto task = enqueue(title, onCancel, dependencies);
    QMetaObject::invokeMethod(context_, [this, job = std::move(job), task]() { execute(task, job); }, Qt::QueuedConnection);
    return task->id;
}

TaskId TaskRunner::runAlongside(const QString& title, Job job)
{
    auto task = enqueue(title, OnCancel::DropResult, {});
    const StreamingJob streaming = streamingOf(std::move(job));
    QThread* thread = QThread::create([this, task, streaming] { execute(task, streaming); });
    thread->setObjectName(QStringLiteral("exemplar-alongside"));
    thread->setParent(this);  // waited for by the destructor
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start(QThread::LowPriority);
    return task->id;
}

void TaskRunner::execute(const std::shared_ptr<Task>& task, const StreamingJob& job)
{
    auto post = [this](std::function<void()> f) {
        QMetaObject::invokeMethod(this, [this, f = std::move(f)]() mutable { applyOrHold(std::move(f)); },
                                  Qt::QueuedConnection);
    };
    const bool inputMissing = std::any_of(task->awaited.begin(), task->awaited.end(),
                                          [](const auto& dependency) { return !dependency->completed.load(); });
    if (task->feedback.isCanceled() || inputMissing) {
        post([this, task] { end(task, Outcome::Canceled, {}, {}); });
        return;
    }
    Q_EMIT taskStarted(task->title);
    // Queued like the final post below, so parts arrive in order and before the finisher.
    const Deliver deliver = [this, task, post](Finisher part) {
        post([this, task, part = std::move(part)] {
            if (part && resultWanted(*task)) part();
        });
    };
    try {
        Finisher finisher = job(task->feedback, deliver);
        task->completed = true;
        post([this, task, finisher] { end(task, Outcome::Finished, finisher, {}); });
    } catch (const OperationCanceled&) {
        post([this, task] { end(task, Outcome::Canceled, {}, {}); });
    } catch (const Error& error) {
        const QString message = error.message();
        post([this, task, message] { end(task, Outcome::Failed, {}, message); });
    } catch (const std::exception& error) {
        // Anything else is a bug or an exhausted resource; still a message, never a crash.
        const QString message = QString::fromLocal8Bit(error.what());
        post([this, task, message] { end(task, Outcome::Failed, {}, message); });
    }
}

void TaskRunner::applyOrHold(std::function<void()> arrival)
{
    if (holds_ > 0) {
        held_.push_back(std::move(arrival));
        return;
    }
    arrival();
}

void TaskRunner::releaseResults()
{
    if (holds_ > 0) --holds_;
    // One at a time: an arrival may hold again (a finisher that saves), and the rest wait then.
    while (holds_ == 0 && !held_.empty()) {
        auto arrival = std::move(held_.front());
        held_.pop_front();
        arrival();
    }
}

void TaskRunner::cancel(TaskId id)
{
    // The task and, transitively, every active task that depends on it (dependents are queued
    // after what they depend on, so one pass in queue order reaches them all).
    std::vector<TaskId> canceled{id};
    for (const auto& task : active_) {
        const bool hit = task->id == id || std::any_of(task->dependencies.begin(), task->dependencies.end(),
                                                       [&](TaskId d) {
                                                           return std::find(canceled.begin(), canceled.end(), d) !=
                                                                  canceled.end();
                                                       });
        if (!hit) continue;
        task->feedback.cancel();
        canceled.push_back(task->id);
    }
}

void TaskRunner::cancelAll()
{
    for (const auto& task : active_) task->feedback.cancel();
}

void TaskRunner::invalidate()
{
    ++epoch_;
    cancelAll();
}

bool TaskRunner::resultWanted(const Task& task) const
{
    return task.epoch == epoch_ && !(task.feedback.isCanceled() && task.onCancel == OnCancel::DropResult);
}

void TaskRunner::end(const std::shared_ptr<Task>& task, Outcome outcome, const Finisher& finisher, const QString& message)
{
    active_.erase(std::remove(active_.begin(), active_.end(), task), active_.end());
    // A project replaced meanwhile, or a cancel of a task whose result is then unwanted: the
    // result is not applied.
    if (outcome == Outcome::Finished && !resultWanted(*task)) outcome = Outcome::Canceled;
    if (outcome != Outcome::Finished) cancel(task->id);  // its dependents will not get their input
    switch (outcome) {
    case Outcome::Finished:
        if (finisher) finisher();
        Q_EMIT taskFinished(task->title);
        break;
    case Outcome::Canceled:
        Q_EMIT taskCanceled(task->title);
        break;
    case Outcome::Failed:
        Q_EMIT taskFailed(task->title, message);
        break;
    }
    Q_EMIT taskEnded(task->id);
    if (active_.empty()) Q_EMIT busyChanged(false);
}

} // namespace exemplar::ui
