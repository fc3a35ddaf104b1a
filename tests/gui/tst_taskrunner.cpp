// The worker thread: jobs run off the GUI thread in order, results are applied on the GUI thread,
// cancellation and failures end a job with the right signal and never run its finisher.
#include "Error.h"
#include "controller/TaskRunner.h"

#include <QCoreApplication>
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
