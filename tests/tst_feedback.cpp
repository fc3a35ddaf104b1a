// Progress and cancel: a child feedback sees its parent's cancel; a slice maps its own progress
// into its part of the parent's bar, so a task made of steps moves one bar once.
#include "Feedback.h"

#include <QtTest>

using namespace exemplar;

class TestFeedback : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sliceMapsIntoItsPartOfTheParent_data()
    {
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::addColumn<qint64>("done");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<double>("expected");  // fraction of the parent's bar
        QTest::newRow("start of the first step") << 0.0 << 0.8 << qint64(0) << qint64(60) << 0.0;
        QTest::newRow("middle of the first step") << 0.0 << 0.8 << qint64(30) << qint64(60) << 0.4;
        QTest::newRow("end of the first step") << 0.0 << 0.8 << qint64(60) << qint64(60) << 0.8;
        QTest::newRow("a quarter into the last step") << 0.8 << 1.0 << qint64(1) << qint64(4) << 0.85;
        QTest::newRow("end of the last step") << 0.8 << 1.0 << qint64(7) << qint64(7) << 1.0;
    }

    void sliceMapsIntoItsPartOfTheParent()
    {
        QFETCH(double, from);
        QFETCH(double, to);
        QFETCH(qint64, done);
        QFETCH(qint64, total);
        QFETCH(double, expected);
        Feedback parent;
        double seen = -1;
        QString seenWhat;
        parent.setProgressHandler([&](qint64 d, qint64 t, const QString& what) {
            seen = double(d) / double(t);
            seenWhat = what;
        });
        const Feedback slice(&parent, from, to);
        slice.report(done, total, QStringLiteral("step"));
        QVERIFY2(std::abs(seen - expected) <= 0.001, qPrintable(QString::number(seen)));
        QCOMPARE(seenWhat, QStringLiteral("step"));
    }

    void aSliceWithNoTotalSaysNothing()
    {
        Feedback parent;
        int calls = 0;
        parent.setProgressHandler([&](qint64, qint64, const QString&) { ++calls; });
        const Feedback slice(&parent, 0.2, 0.4);
        slice.report(3, 0, QString());  // unknown total: no fraction to map
        QCOMPARE(calls, 0);
    }

    void aPlainChildKeepsItsProgressToItself()
    {
        Feedback parent;
        int parentCalls = 0;
        parent.setProgressHandler([&](qint64, qint64, const QString&) { ++parentCalls; });
        const Feedback child(&parent);
        child.report(1, 2, QString());
        QCOMPARE(parentCalls, 0);
    }

    void childrenSeeTheParentsCancelNotTheOtherWay()
    {
        Feedback parent;
        Feedback slice(&parent, 0, 0.5);
        slice.cancel();
        QVERIFY(slice.isCanceled());
        QVERIFY(!parent.isCanceled());
        Feedback other(&parent, 0.5, 1);
        QVERIFY(!other.isCanceled());
        parent.cancel();
        QVERIFY(other.isCanceled());
    }
    void shortenedTextKeepsBothEnds_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<int>("maxChars");
        QTest::addColumn<QString>("expected");
        QTest::newRow("short enough") << "auto: repetition 1/2" << 60 << "auto: repetition 1/2";
        QTest::newRow("exactly") << "abcdef" << 6 << "abcdef";
        QTest::newRow("the middle goes") << "learning curve of auto: repetition 1/2 — self-training: fold 3" << 21
                                         << QStringLiteral("learning c\u2026ng: fold 3");
        QTest::newRow("tiny limits cut plainly") << "abcdef" << 3 << "abc";
        QTest::newRow("nothing room") << "abcdef" << 0 << "";
    }
    void shortenedTextKeepsBothEnds()
    {
        QFETCH(QString, what);
        QFETCH(int, maxChars);
        QFETCH(QString, expected);
        const QString shortened = shortenedProgressText(what, maxChars);
        QCOMPARE(shortened, expected);
        QVERIFY(shortened.size() <= std::max(0, maxChars));
    }
};

QTEST_APPLESS_MAIN(TestFeedback)
#include "tst_feedback.moc"
