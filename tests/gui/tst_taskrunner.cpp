// The worker thread: jobs run off the GUI thread in order, results are applied on the GUI thread,
// cancellation and failures end a job with the right signal and never run its finisher.
#include "Error.h"
#include "tasks/TaskRunner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>

using namespace exemplar;
using namespace exemplar::ui;

class TestTaskRunner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsOffTheGuiThreadAndFinishesOnIt()
    {
        TaskRunner runner;
        QSignalSpy finished(&runner, &TaskRunner::taskFinished);
        QSignalSpy busy(&runner, &TaskRunner::busyChanged);
        QThread* jobThread = nullptr;
        QThread* finisherThread = nullptr;
        QStringList order;
        for (const QString& name : {QStringLiteral("a"), QStringLiteral("b")})
            runner.run(name, [&, name](Feedback&) -> TaskRunner::Finisher {
                jobThread = QThread::currentThread();
                return [&, name] {
                    finisherThread = QThread::currentThread();
                    order << name;
                };
            });
        QVERIFY(runner.isBusy());
        QTRY_COMPARE(finished.count(), 2);
        QVERIFY(jobThread != QCoreApplication::instance()->thread());
        QCOMPARE(finisherThread, QCoreApplication::instance()->thread());
        QCOMPARE(order, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(!runner.isBusy());
        QCOMPARE(busy.last().at(0).toBool(), false);
    }

    // A task run alongside starts at once, beside a queued task that is still running (reading a
    // project file while the current project embeds), and ends like any other.
    void alongsideRunsWhileTheQueueIsBusy()
    {
        TaskRunner runner;
        QSignalSpy finished(&runner, &TaskRunner::taskFinished);
        std::atomic<bool> alongsideRan{false};
        bool queuedSawIt = false;
        QThread* alongsideThread = nullptr;
        runner.run(QStringLiteral("queued"), [&](Feedback&) -> TaskRunner::Finisher {
            QElapsedTimer waited;
            waited.start();
            while (!alongsideRan.load() && waited.elapsed() < 20000) QThread::msleep(5);
            const bool saw = alongsideRan.load();
            return [&queuedSawIt, saw] { queuedSawIt = saw; };
        });
        runner.runAlongside(QStringLiteral("alongside"), [&](Feedback&) -> TaskRunner::Finisher {
            alongsideThread = QThread::currentThread();
            alongsideRan = true;
            return {};
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
        QVERIFY2(queuedSawIt, "the task run alongside waited for the queue");
        QVERIFY(alongsideThread != QCoreApplication::instance()->thread());
        QVERIFY(!runner.isBusy());
    }

    // Held results (a project being saved) wait, in order, and are applied when the last of the
    // nested holds is released; the ends of tasks, failures among them, wait too.
    void heldResultsWaitForTheLastRelease()
    {
        TaskRunner runner;
        QSignalSpy finished(&runner, &TaskRunner::taskFinished);
        QSignalSpy failed(&runner, &TaskRunner::taskFailed);
        QSignalSpy ended(&runner, &TaskRunner::taskEnded);
        QStringList applied;
        std::atomic<int> returned{0};
        runner.holdResults();
        runner.holdResults();
        runner.run(QStringLiteral("a"), [&](Feedback&) -> TaskRunner::Finisher {
            ++returned;
            return [&] { applied << QStringLiteral("a"); };
        });
        const TaskId failing = runner.run(QStringLiteral("b"), [&](Feedback&) -> TaskRunner::Finisher {
            ++returned;
            throw Error(QStringLiteral("no"));
        });
        runner.run(QStringLiteral("c"), [&](Feedback&) -> TaskRunner::Finisher {
            ++returned;
            return [&] { applied << QStringLiteral("c"); };
        });
        QTRY_COMPARE(returned.load(), 3);
        QTest::qWait(100);  // their ends arrive, and wait
        QVERIFY(applied.isEmpty());
        QCOMPARE(finished.count() + failed.count(), 0);
        QVERIFY(runner.isBusy());
        runner.releaseResults();
        QTest::qWait(50);
        QVERIFY(applied.isEmpty());  // one hold is left
        runner.releaseResults();
        QTRY_COMPARE(ended.count(), 3);
        QCOMPARE(applied, (QStringList{QStringLiteral("a"), QStringLiteral("c")}));
        QCOMPARE(finished.count(), 2);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(ended.at(1).at(0).value<TaskId>(), failing);
        QVERIFY(!runner.isBusy());
    }

    void cancelStopsTheRunningJobAndSkipsQueuedOnes()
    {
        // progress is emitted on the worker thread. A QSignalSpy on it would append on the worker
        // while the test reads it here (Qt 6.4's QSignalSpy has no lock: a data race TSan found),
        // so count it on this thread through a queued connection, as the controller receives it.
        // The context is declared first so that it outlives the runner and takes its still
        // queued calls with it.
        QObject context;
        int progressSeen = 0;
        TaskRunner runner;
        QObject::connect(&runner, &TaskRunner::progress, &context, [&progressSeen] { ++progressSeen; },
                         Qt::QueuedConnection);
        QSignalSpy canceled(&runner, &TaskRunner::taskCanceled);
        std::atomic<bool> started{false};
        bool finisherRan = false;
        runner.run(QStringLiteral("long"), [&](Feedback& feedback) -> TaskRunner::Finisher {
            started = true;
            for (int i = 0; i < 1000; ++i) {
                feedback.report(i, 1000, QString());
                throwIfCanceled(&feedback);
                QThread::msleep(5);
            }
            return [&] { finisherRan = true; };
        });
        runner.run(QStringLiteral("queued"), [&](Feedback&) -> TaskRunner::Finisher { return [&] { finisherRan = true; }; });
        QTRY_VERIFY(started.load());
        QTRY_VERIFY(progressSeen > 0);
        runner.cancelAll();
        QTRY_COMPARE(canceled.count(), 2);
        QVERIFY(!finisherRan);
        QVERIFY(!runner.isBusy());
    }

    // Progress is thinned to one report per 50 ms, but never the first report of a new step: a
    // task that lists folders (total: the folders) and then embeds photos (total: the photos)
    // must not go on naming its listing while the next step is silent (seen: "listing …" shown
    // for the seconds the network took to load).
    void aNewStepsFirstReportIsNeverThinnedOut()
    {
        QObject context;  // declared first: outlives the runner (see above)
        QStringList seen;
        TaskRunner runner;
        QObject::connect(&runner, &TaskRunner::progress, &context,
                         [&seen](const QString&, qint64 done, qint64 total, const QString& what) {
                             seen << QStringLiteral("%1/%2 %3").arg(done).arg(total).arg(what);
                         }, Qt::QueuedConnection);
        runner.run(QStringLiteral("two steps"), [&](Feedback& feedback) -> TaskRunner::Finisher {
            for (int i = 0; i < 3; ++i) feedback.report(i, 3, QStringLiteral("listing"));  // within 50 ms
            feedback.report(0, 40, QStringLiteral("loading the network"));
            feedback.report(1, 40, QStringLiteral("embedding"));  // same step, soon after: usually thinned
            return {};
        });
        QTRY_VERIFY(!runner.isBusy());
        QCoreApplication::processEvents();
        // Not the whole list: a worker slowed past 50 ms (a sanitizer build) may forward more.
        QVERIFY(!seen.isEmpty());
        QCOMPARE(seen.first(), QStringLiteral("0/3 listing"));
        QVERIFY2(seen.contains(QStringLiteral("0/40 loading the network")), qPrintable(seen.join(QLatin1String(", "))));
    }

    // The defect: a cancel that arrived after the job had computed its result still applied it.
    void aResultCanceledAfterItsJobReturnedIsDropped()
    {
        TaskRunner runner;
        QSignalSpy canceled(&runner, &TaskRunner::taskCanceled);
        QSignalSpy finished(&runner, &TaskRunner::taskFinished);
        std::atomic<bool> returned{false};
        bool applied = false;
        const TaskId id = runner.run(QStringLiteral("classify"), [&](Feedback&) -> TaskRunner::Finisher {
            returned = true;
            return [&] { applied = true; };
        });
        // Cancel before the GUI thread has processed the posted result: wait on the worker's flag
        // without running this thread's event loop.
        while (!returned.load()) QThread::msleep(1);
        runner.cancel(id);
        QTRY_COMPARE(canceled.count(), 1);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!applied);
    }

    // Stop on an optimization: its job returns the best so far, and that result is wanted.
    void aTaskThatKeepsItsResultOnCancelDeliversIt()
    {
        TaskRunner runner;
        std::atomic<bool> returned{false};
        bool applied = false;
        const TaskId id = runner.run(QStringLiteral("optimize"), [&](Feedback&) -> TaskRunner::Finisher {
            returned = true;
            return [&] { applied = true; };
        }, TaskRunner::OnCancel::KeepResult);
        while (!returned.load()) QThread::msleep(1);
        runner.cancel(id);
        QTRY_VERIFY(applied);
    }

    // Parts of a result (classified photos) reach the GUI thread while the job is still running,
    // in the order delivered, before the finisher.
    void partsArriveWhileTheJobRunsAndBeforeItsFinisher()
    {
        TaskRunner runner;
        std::atomic<bool> release{false};
        std::vector<int> applied;  // GUI thread only
        bool partOnGuiThread = true;
        QThread* gui = QThread::currentThread();
        runner.runStreaming(QStringLiteral("classify"), [&](Feedback&, const TaskRunner::Deliver& deliver) -> TaskRunner::Finisher {
            for (int part = 1; part <= 3; ++part)
                deliver([&, part] {
                    partOnGuiThread = partOnGuiThread && QThread::currentThread() == gui;
                    applied.push_back(part);
                });
            while (!release.load()) QThread::msleep(1);  // still running while the parts are shown
            return [&] { applied.push_back(0); };
        });
        QTRY_COMPARE(applied.size(), size_t(3));
        QVERIFY(runner.isBusy());
        QCOMPARE(applied, (std::vector<int>{1, 2, 3}));
        release = true;
        QTRY_COMPARE(applied.size(), size_t(4));
        QCOMPARE(applied.back(), 0);
        QVERIFY(partOnGuiThread);
    }

    // A job that fails after delivering parts leaves them applied (they are never undone), fails
    // with its message, and its finisher is never run.
    void partsDeliveredBeforeAFailureStay()
    {
        TaskRunner runner;
        QSignalSpy failed(&runner, &TaskRunner::taskFailed);
        std::vector<int> applied;
        runner.runStreaming(QStringLiteral("classify"), [&](Feedback&, const TaskRunner::Deliver& deliver) -> TaskRunner::Finisher {
            deliver([&] { applied.push_back(1); });
            deliver([&] { applied.push_back(2); });
            throw Error(QStringLiteral("the disk went away"));
        });
        QTRY_VERIFY(!runner.isBusy());
        QCOMPARE(applied, (std::vector<int>{1, 2}));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("the disk went away"));
    }

    void partsFollowTheFinishersRuleOnCancel_data()
    {
        QTest::addColumn<bool>("keepOnCancel");
        QTest::addColumn<bool>("invalidate");
        QTest::addColumn<bool>("applied");
        QTest::newRow("stop keeps what is shown") << true << false << true;
        QTest::newRow("cancel drops it") << false << false << false;
        QTest::newRow("a replaced project drops it even when kept on cancel") << true << true << false;
    }

    void partsFollowTheFinishersRuleOnCancel()
    {
        QFETCH(bool, keepOnCancel);
        QFETCH(bool, invalidate);
        QFETCH(bool, applied);
        TaskRunner runner;
        std::atomic<bool> started{false}, delivered{false}, release{false};
        bool partApplied = false;
        const TaskId id = runner.runStreaming(
            QStringLiteral("classify"),
            [&](Feedback& feedback, const TaskRunner::Deliver& deliver) -> TaskRunner::Finisher {
                started = true;
                while (!release.load()) QThread::msleep(1);
                deliver([&] { partApplied = true; });
                delivered = true;
                if (feedback.isCanceled() && !keepOnCancel) throw OperationCanceled();
                return {};
            },
            keepOnCancel ? TaskRunner::OnCancel::KeepResult : TaskRunner::OnCancel::DropResult);
        while (!started.load()) QThread::msleep(1);  // a task canceled before it starts never runs
        if (invalidate)
            runner.invalidate();
        else
            runner.cancel(id);
        release = true;
        QTRY_VERIFY(!runner.isBusy());
        QVERIFY(delivered.load());
        QCOMPARE(partApplied, applied);
    }

    void invalidateDropsResultsComputedForThePreviousProject()
    {
        TaskRunner runner;
        QSignalSpy canceled(&runner, &TaskRunner::taskCanceled);
        std::atomic<bool> returned{false};
        bool staleApplied = false, freshApplied = false;
        runner.run(QStringLiteral("old"), [&](Feedback&) -> TaskRunner::Finisher {
            returned = true;
            return [&] { staleApplied = true; };
        }, TaskRunner::OnCancel::KeepResult);  // not even a task that keeps its result on cancel
        while (!returned.load()) QThread::msleep(1);
        runner.invalidate();
        runner.run(QStringLiteral("new"), [&](Feedback&) -> TaskRunner::Finisher { return [&] { freshApplied = true; }; });
        QTRY_VERIFY(freshApplied);
        QVERIFY(!staleApplied);
        QCOMPARE(canceled.count(), 1);
    }

    void cancellingOneTaskLeavesUnrelatedOnesAndCancelsItsDependents()
    {
        TaskRunner runner;
        QSignalSpy canceled(&runner, &TaskRunner::taskCanceled);
        QSignalSpy finished(&runner, &TaskRunner::taskFinished);
        std::atomic<bool> release{false};
        QStringList applied;
        // A blocker keeps the queue waiting while the cancel happens.
        runner.run(QStringLiteral("blocker"), [&](Feedback&) -> TaskRunner::Finisher {
            while (!release.load()) QThread::msleep(1);
            return [&] { applied << QStringLiteral("blocker"); };
        });
        const TaskId embed = runner.run(QStringLiteral("embed"), [&](Feedback&) -> TaskRunner::Finisher {
            return [&] { applied << QStringLiteral("embed"); };
        });
        runner.run(QStringLiteral("analyse"), [&](Feedback&) -> TaskRunner::Finisher {
            return [&] { applied << QStringLiteral("analyse"); };
        }, TaskRunner::OnCancel::DropResult, {embed});
        runner.run(QStringLiteral("classify"), [&](Feedback&) -> TaskRunner::Finisher {
            return [&] { applied << QStringLiteral("classify"); };
        });
        runner.cancel(embed);
        release = true;
        QTRY_COMPARE(canceled.count() + finished.count(), 4);
        QCOMPARE(applied, (QStringList{QStringLiteral("blocker"), QStringLiteral("classify")}));
        QCOMPARE(canceled.count(), 2);
    }

    void aFailedDependencyCancelsItsDependents()
    {
        TaskRunner runner;
        QSignalSpy failed(&runner, &TaskRunner::taskFailed);
        QSignalSpy canceled(&runner, &TaskRunner::taskCanceled);
        bool dependentRan = false;
        const TaskId load = runner.run(QStringLiteral("load model"), [](Feedback&) -> TaskRunner::Finisher {
            throw Error(QStringLiteral("no model"));
        });
        runner.run(QStringLiteral("embed"), [&](Feedback&) -> TaskRunner::Finisher {
            dependentRan = true;
            return {};
        }, TaskRunner::OnCancel::DropResult, {load});
        QTRY_COMPARE(failed.count() + canceled.count(), 2);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(canceled.count(), 1);
        QVERIFY(!dependentRan);
    }

    void errorsBecomeMessages()
    {
        TaskRunner runner;
        QSignalSpy failed(&runner, &TaskRunner::taskFailed);
        runner.run(QStringLiteral("bad"), [](Feedback&) -> TaskRunner::Finisher {
            throw Error(QStringLiteral("the model file is missing"));
        });
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(1).toString(), QStringLiteral("the model file is missing"));
    }
};

QTEST_GUILESS_MAIN(TestTaskRunner)
#include "tst_taskrunner.moc"
