#include "controller/TaskRunner.h"

#include "Error.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <algorithm>

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
}

void TaskRunner::run(const QString& title, Job job)
{
    auto feedback = std::make_shared<Feedback>();
    // Progress arrives on the worker thread, possibly thousands of times a second: forward at most
    // every 50 ms (and always the last step) so that the GUI's event queue stays short.
    auto timer = std::make_shared<QElapsedTimer>();
    feedback->setProgressHandler([this, title, timer](qint64 done, qint64 total, const QString& what) {
        if (timer->isValid() && timer->elapsed() < 50 && done < total) return;
        timer->start();
        Q_EMIT progress(title, done, total, what);  // queued to GUI-thread receivers
    });
    const bool wasBusy = isBusy();
    active_.push_back(feedback);
    if (!wasBusy) Q_EMIT busyChanged(true);

    QMetaObject::invokeMethod(context_, [this, title, job = std::move(job), feedback]() {
        auto post = [this](std::function<void()> f) { QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection); };
        if (feedback->isCanceled()) {
            post([this, title, feedback] { retire(feedback); Q_EMIT taskCanceled(title); });
            return;
        }
        Q_EMIT taskStarted(title);
        try {
            Finisher finisher = job(*feedback);
            post([this, title, feedback, finisher] {
                retire(feedback);
                if (finisher) finisher();
                Q_EMIT taskFinished(title);
            });
        } catch (const OperationCanceled&) {
            post([this, title, feedback] { retire(feedback); Q_EMIT taskCanceled(title); });
        } catch (const Error& error) {
            const QString message = error.message();
            post([this, title, feedback, message] { retire(feedback); Q_EMIT taskFailed(title, message); });
        } catch (const std::exception& error) {
            // Anything else is a bug or an exhausted resource; still a message, never a crash.
            const QString message = QString::fromLocal8Bit(error.what());
            post([this, title, feedback, message] { retire(feedback); Q_EMIT taskFailed(title, message); });
        }
    }, Qt::QueuedConnection);
}

void TaskRunner::cancelAll()
{
    for (const auto& feedback : active_) feedback->cancel();
}

void TaskRunner::retire(const std::shared_ptr<Feedback>& feedback)
{
    active_.erase(std::remove(active_.begin(), active_.end(), feedback), active_.end());
    if (active_.empty()) Q_EMIT busyChanged(false);
}

} // namespace exemplar::ui
