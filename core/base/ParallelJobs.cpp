#include "ParallelJobs.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace exemplar {

void runParallelJobs(const std::vector<size_t>& order, int threads, const std::function<void(size_t)>& job,
                     const std::function<void(size_t)>& finished)
{
    std::mutex mutex;
    std::condition_variable changed;
    size_t next = 0;                // the next entry of ORDER to start
    int running = 0;                // workers still taking jobs
    std::deque<size_t> done;        // finished jobs the caller has not heard of yet
    std::exception_ptr failure;

    const auto work = [&] {
        for (;;) {
            size_t index;
            {
                const std::lock_guard<std::mutex> lock(mutex);
                if (failure || next == order.size()) break;
                index = order[next++];
            }
            try {
                job(index);
                const std::lock_guard<std::mutex> lock(mutex);
                done.push_back(index);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(mutex);
                if (!failure) failure = std::current_exception();
            }
            changed.notify_one();
        }
        const std::lock_guard<std::mutex> lock(mutex);
        --running;
        changed.notify_one();
    };

    const int count = std::max(1, std::min(threads, int(order.size())));
    std::vector<std::thread> workers;
    running = count;
    for (int t = 0; t < count; ++t) workers.emplace_back(work);

    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
        changed.wait(lock, [&] { return !done.empty() || running == 0; });
        while (!done.empty()) {
            const size_t index = done.front();
            done.pop_front();
            if (finished && !failure) {
                lock.unlock();
                try {
                    finished(index);
                } catch (...) {
                    lock.lock();
                    if (!failure) failure = std::current_exception();
                    continue;
                }
                lock.lock();
            }
        }
        if (running == 0) break;
    }
    lock.unlock();
    for (std::thread& worker : workers) worker.join();
    if (failure) std::rethrow_exception(failure);
}

int parallelJobThreads() { return std::max(1, int(std::thread::hardware_concurrency())); }

} // namespace exemplar
