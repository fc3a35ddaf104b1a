#pragma once
// Progress reporting and cooperative cancellation for long work (the idea of QGIS's QgsFeedback):
// the caller owns a Feedback, hands a pointer to core functions, may call cancel() from any
// thread, and receives progress through a callback invoked on the worker's thread.
#include <QString>
#include <atomic>
#include <functional>
#include <stdexcept>

namespace exemplar {

// Thrown by core work that notices cancellation and has nothing useful to return.
class OperationCanceled : public std::runtime_error {
public:
    OperationCanceled() : std::runtime_error("operation canceled") {}
};

class Feedback {
public:
    Feedback() = default;
    // A child sees its parent's cancel but reports progress only to its own handler: nested work
    // (e.g. the methods inside an evaluation) stays cancelable without mixing progress streams.
    explicit Feedback(const Feedback* parent) : parent_(parent) {}

    using ProgressHandler = std::function<void(qint64 done, qint64 total, const QString& what)>;

    void setProgressHandler(ProgressHandler handler) { handler_ = std::move(handler); }
    void report(qint64 done, qint64 total, const QString& what) const
    {
        if (handler_) handler_(done, total, what);
    }
    void cancel() { canceled_.store(true, std::memory_order_relaxed); }
    bool isCanceled() const
    {
        return canceled_.load(std::memory_order_relaxed) || (parent_ && parent_->isCanceled());
    }

private:
    std::atomic<bool> canceled_{false};
    const Feedback* parent_ = nullptr;
    ProgressHandler handler_;
};

// Helpers so that core code can take a nullable Feedback* without checking everywhere.
inline void reportProgress(const Feedback* feedback, qint64 done, qint64 total, const QString& what)
{
    if (feedback) feedback->report(done, total, what);
}
inline bool isCanceled(const Feedback* feedback) { return feedback && feedback->isCanceled(); }
inline void throwIfCanceled(const Feedback* feedback)
{
    if (isCanceled(feedback)) throw OperationCanceled();
}

} // namespace exemplar
