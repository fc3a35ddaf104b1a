#pragma once
// Independent, coarse jobs (a second or more each) run on a few threads at once. The calling
// thread only waits and hears of each finished job there, so that progress is reported on the
// thread whose Feedback handler expects it (Feedback.h).
#include <cstddef>
#include <functional>
#include <vector>

namespace exemplar {

// Runs JOB(i) once for every i of ORDER, started in that order (put the longest first, so that
// the threads end together), on up to THREADS threads at once. FINISHED(i), when given, runs on
// the calling thread after each job that returned. When a job throws, no further job starts, and
// the first exception is rethrown once the running ones have ended.
void runParallelJobs(const std::vector<size_t>& order, int threads, const std::function<void(size_t)>& job,
                     const std::function<void(size_t)>& finished = {});

// How many threads such jobs get here: the processor's cores, at least one.
int parallelJobThreads();

} // namespace exemplar
