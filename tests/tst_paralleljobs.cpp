// runParallelJobs: every job once, the caller hears of each on its own thread, a failure stops
// the jobs not yet started and comes back to the caller.
#include "ParallelJobs.h"
#include "TestSupport.h"

#include <QThread>
#include <QtTest>
#include <atomic>
#include <mutex>
#include <numeric>
#include <stdexcept>

using namespace exemplar;

class TestParallelJobs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyJobOnce_data()
    {
        QTest::addColumn<int>("jobs");
        QTest::addColumn<int>("threads");
        QTest::newRow("none") << 0 << 2;
        QTest::newRow("one job, two threads") << 1 << 2;
        QTest::newRow("more jobs than threads") << 9 << 2;
        QTest::newRow("one thread") << 5 << 1;
        QTest::newRow("more threads than jobs") << 3 << 8;
        QTest::newRow("nonsense thread count") << 4 << 0;
    }
    void everyJobOnce()
    {
        QFETCH(int, jobs);
        QFETCH(int, threads);
        std::vector<size_t> order(static_cast<size_t>(jobs));
        std::iota(order.rbegin(), order.rend(), size_t(0));  // any order, here the reverse
        std::vector<std::atomic<int>> runs(static_cast<size_t>(jobs));
        std::vector<int> heard(static_cast<size_t>(jobs), 0);
        QThread* const caller = QThread::currentThread();
        bool heardElsewhere = false;
        runParallelJobs(order, threads, [&](size_t i) { ++runs[i]; QThread::msleep(5); },
                        [&](size_t i) {
                            ++heard[i];
                            heardElsewhere |= QThread::currentThread() != caller;
                        });
        for (int i = 0; i < jobs; ++i) {
            QCOMPARE(runs[size_t(i)].load(), 1);
            QCOMPARE(heard[size_t(i)], 1);
        }
        QVERIFY(!heardElsewhere);
    }

    // Two threads really run at once: two jobs that each wait for the other finish only together.
    void jobsOverlap()
    {
        std::atomic<int> started{0};
        std::atomic<bool> sawBoth{false};
        runParallelJobs({0, 1}, 2, [&](size_t) {
            ++started;
            for (int wait = 0; wait < 2000 && started.load() < 2; ++wait) QThread::msleep(1);
            if (started.load() == 2) sawBoth = true;
        });
        QVERIFY(sawBoth.load());
    }

    void failureStopsTheRestAndReachesTheCaller()
    {
        std::vector<size_t> order(50);
        std::iota(order.begin(), order.end(), size_t(0));
        std::atomic<int> ran{0};
        bool thrown = false;
        try {
            runParallelJobs(order, 2, [&](size_t i) {
                ++ran;
                if (i == 3) throw std::runtime_error("job 3 failed");
                QThread::msleep(2);
            });
        } catch (const std::runtime_error& error) {
            thrown = QByteArray(error.what()) == "job 3 failed";
        }
        QVERIFY(thrown);
        QVERIFY2(ran.load() < 10, qPrintable(QString::number(ran.load())));  // at most one more per thread
    }

    void failureOfTheCallersHandlerToo()
    {
        std::atomic<int> ran{0};
        QVERIFY_THROWS_EXCEPTION(std::logic_error, runParallelJobs({0, 1, 2, 3, 4, 5, 6, 7}, 1,
                                                                  [&](size_t) { ++ran; QThread::msleep(5); },
                                                                  [](size_t) { throw std::logic_error("stop"); }));
        QVERIFY(ran.load() < 8);
    }
};

QTEST_GUILESS_MAIN(TestParallelJobs)
#include "tst_paralleljobs.moc"
