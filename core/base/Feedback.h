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
    // A child that is one step of its parent's work: it sees the parent's cancel, and its progress
    // (0 to its own total) fills the slice FROM..TO (fractions of 1) of the parent's progress, so a
    // task made of sub-steps moves one bar from 0 to 100% once.
    Feedback(const Feedback* parent, double from, double to) : parent_(parent), sliceFrom_(from), sliceTo_(to), isSlice_(true) {}

    using ProgressHandler = std::function<void(qint64 done, qint64 total, const QString& what)>;

    void setProgressHandler(ProgressHandler handler) { handler_ = std::move(handler); }
    void report(qint64 done, qint64 total, const QString& what) const
    {
        if (handler_) {
            handler_(done, total, what);
        } else if (isSlice_ && parent_ && total > 0) {
            const double fraction = sliceFrom_ + (sliceTo_ - sliceFrom_) * double(done) / double(total);
            parent_->report(qint64(kSliceResolution * fraction), kSliceResolution, what);
        }
    }
    void cancel() { canceled_.store(true, std::memory_order_relaxed); }
    bool isCanceled() const
    {
        return canceled_.load(std::memory_order_relaxed) || (parent_ && parent_->isCanceled());
    }

private:
    static constexpr qint64 kSliceResolution = 1000;  // steps of a parent's bar fed by slices
    std::atomic<bool> canceled_{false};
    const Feedback* parent_ = nullptr;
    double sliceFrom_ = 0, sliceTo_ = 1;
    bool isSlice_ = false;
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

// A progress message shortened to MAX_CHARS for a line: its start says which step, its end what
// happens inside it ("auto: repetition 2/10 — self-training: fold 3"), so the middle is what goes.
inline QString shortenedProgressText(const QString& what, int maxChars)
{
    if (what.size() <= maxChars || maxChars < 5) return what.left(maxChars < 0 ? 0 : maxChars);
    const int head = (maxChars - 1) / 2;
    return what.left(head) + QChar(0x2026) + what.right(maxChars - 1 - head);
}

} // namespace exemplar
