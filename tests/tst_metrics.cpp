#include "Error.h"
#include "Metrics.h"

#include <QJsonArray>
#include <QtTest>

using namespace exemplar;

using IntList = QList<int>;
using DoubleList = QList<double>;
using IntTable = QList<QList<int>>;

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void compute_data();
    void compute();
    void toJson();
    void outOfRangeLabelsThrow_data();
    void outOfRangeLabelsThrow();
};

void TestMetrics::compute_data()
{
    QTest::addColumn<IntList>("truth");
    QTest::addColumn<IntList>("predicted");
    QTest::addColumn<int>("classCount");
    QTest::addColumn<double>("accuracy");
    QTest::addColumn<double>("weightedF1");
    QTest::addColumn<DoubleList>("precision");
    QTest::addColumn<DoubleList>("recall");
    QTest::addColumn<DoubleList>("f1");
    QTest::addColumn<IntList>("support");
    QTest::addColumn<IntTable>("confusion");

    QTest::newRow("perfect") << IntList{0, 1, 1, 2} << IntList{0, 1, 1, 2} << 3 << 1.0 << 1.0
                             << DoubleList{1, 1, 1} << DoubleList{1, 1, 1} << DoubleList{1, 1, 1}
                             << IntList{1, 2, 1} << IntTable{{1, 0, 0}, {0, 2, 0}, {0, 0, 1}};

    QTest::newRow("all wrong") << IntList{0, 1, 1} << IntList{1, 0, 0} << 2 << 0.0 << 0.0
                               << DoubleList{0, 0} << DoubleList{0, 0} << DoubleList{0, 0}
                               << IntList{1, 2} << IntTable{{0, 1}, {2, 0}};

    // sklearn.metrics.classification_report on
    //   truth     0 0 0 0 0 1 1 1 2 2
    //   predicted 0 0 0 1 2 1 1 0 2 2
    // class 0: tp 3, predicted 4, support 5 → P 3/4, R 3/5, F1 2·(3/4·3/5)/(3/4+3/5) = 2/3
    // class 1: tp 2, predicted 3, support 3 → P 2/3, R 2/3, F1 2/3
    // class 2: tp 2, predicted 3, support 2 → P 2/3, R 1,   F1 4/5
    // accuracy 7/10; weighted F1 (5·2/3 + 3·2/3 + 2·4/5) / 10 = 52/75
    QTest::newRow("imbalanced three classes")
        << IntList{0, 0, 0, 0, 0, 1, 1, 1, 2, 2} << IntList{0, 0, 0, 1, 2, 1, 1, 0, 2, 2} << 3
        << 0.7 << 52.0 / 75 << DoubleList{3.0 / 4, 2.0 / 3, 2.0 / 3}
        << DoubleList{3.0 / 5, 2.0 / 3, 1.0} << DoubleList{2.0 / 3, 2.0 / 3, 4.0 / 5}
        << IntList{5, 3, 2} << IntTable{{3, 1, 1}, {1, 2, 0}, {0, 0, 2}};

    // The unanswered photo of class 1 is a miss (recall 1/2) but no false positive of any class.
    QTest::newRow("no answer") << IntList{0, 1, 1} << IntList{0, -1, 1} << 2 << 2.0 / 3
                               << (1 * 1.0 + 2 * (2.0 / 3)) / 3 << DoubleList{1, 1}
                               << DoubleList{1, 0.5} << DoubleList{1, 2.0 / 3} << IntList{1, 2}
                               << IntTable{{1, 0}, {0, 1}};

    // Class 2 has no photos but is predicted once: precision 0/1, recall 0/0 → 0 (sklearn's
    // zero_division=0), and its support 0 gives it no weight. Class 0: P 1, R 1/2, F1 2/3.
    // Weighted F1 (2·2/3 + 1·1 + 0·0) / 3 = 7/9.
    QTest::newRow("class without support")
        << IntList{0, 0, 1} << IntList{0, 2, 1} << 3 << 2.0 / 3 << 7.0 / 9
        << DoubleList{1, 1, 0} << DoubleList{0.5, 1, 0} << DoubleList{2.0 / 3, 1, 0}
        << IntList{2, 1, 0} << IntTable{{1, 0, 1}, {0, 1, 0}, {0, 0, 0}};

    QTest::newRow("empty") << IntList{} << IntList{} << 2 << 0.0 << 0.0 << DoubleList{0, 0}
                           << DoubleList{0, 0} << DoubleList{0, 0} << IntList{0, 0}
                           << IntTable{{0, 0}, {0, 0}};

    QTest::newRow("no classes") << IntList{} << IntList{} << 0 << 0.0 << 0.0 << DoubleList{}
                                << DoubleList{} << DoubleList{} << IntList{} << IntTable{};
}

void TestMetrics::compute()
{
    QFETCH(IntList, truth);
    QFETCH(IntList, predicted);
    QFETCH(int, classCount);
    QFETCH(double, accuracy);
    QFETCH(double, weightedF1);
    QFETCH(DoubleList, precision);
    QFETCH(DoubleList, recall);
    QFETCH(DoubleList, f1);
    QFETCH(IntList, support);
    QFETCH(IntTable, confusion);

    const Metrics m = Metrics::compute(std::vector<int>(truth.begin(), truth.end()),
                                       std::vector<int>(predicted.begin(), predicted.end()),
                                       classCount);
    QCOMPARE(m.total, int(truth.size()));
    QCOMPARE(m.correct, qRound(accuracy * truth.size()));
    QCOMPARE(m.accuracy, accuracy);
    QCOMPARE(m.weightedF1, weightedF1);
    QCOMPARE(int(m.perClass.size()), classCount);
    for (int c = 0; c < classCount; ++c) {
        const ClassMetrics& cm = m.perClass[size_t(c)];
        QCOMPARE(cm.precision, precision[c]);
        QCOMPARE(cm.recall, recall[c]);
        QCOMPARE(cm.f1, f1[c]);
        QCOMPARE(cm.support, support[c]);
    }
    QCOMPARE(int(m.confusion.size()), classCount);
    for (int t = 0; t < classCount; ++t)
        QCOMPARE(IntList(m.confusion[size_t(t)].begin(), m.confusion[size_t(t)].end()),
                 confusion[t]);
}

void TestMetrics::toJson()
{
    const Metrics m = Metrics::compute({0, 0, 0, 0, 0, 1, 1, 1, 2, 2},
                                       {0, 0, 0, 1, 2, 1, 1, 0, 2, 2}, 3);
    const QJsonObject json = m.toJson({"cat", "dog", "fox"});

    QCOMPARE(json.value("accuracy").toDouble(), 0.7);
    QCOMPARE(json.value("weighted_f1").toDouble(), 52.0 / 75);
    QCOMPARE(json.value("total").toInt(), 10);
    QCOMPARE(json.value("correct").toInt(), 7);
    QCOMPARE(json.value("confusion_order").toArray(), QJsonArray({"cat", "dog", "fox"}));
    QCOMPARE(json.value("confusion").toArray(),
             QJsonArray({QJsonArray{3, 1, 1}, QJsonArray{1, 2, 0}, QJsonArray{0, 0, 2}}));

    const QJsonArray perClass = json.value("per_class").toArray();
    QCOMPARE(perClass.size(), 3);
    const QJsonObject fox = perClass[2].toObject();
    QCOMPARE(fox.value("class").toString(), QStringLiteral("fox"));
    QCOMPARE(fox.value("precision").toDouble(), 2.0 / 3);
    QCOMPARE(fox.value("recall").toDouble(), 1.0);
    QCOMPARE(fox.value("f1").toDouble(), 0.8);
    QCOMPARE(fox.value("support").toInt(), 2);
}

void TestMetrics::outOfRangeLabelsThrow_data()
{
    QTest::addColumn<IntList>("truth");
    QTest::addColumn<IntList>("predicted");

    QTest::newRow("true label too large") << IntList{0, 3} << IntList{0, 1};
    QTest::newRow("true label -1") << IntList{0, -1} << IntList{0, 1};
    QTest::newRow("predicted label too large") << IntList{0, 1} << IntList{0, 3};
    QTest::newRow("predicted label -2") << IntList{0, 1} << IntList{0, -2};
    QTest::newRow("lengths differ") << IntList{0, 1} << IntList{0};
}

void TestMetrics::outOfRangeLabelsThrow()
{
    QFETCH(IntList, truth);
    QFETCH(IntList, predicted);
    QVERIFY_THROWS_EXCEPTION(Error, Metrics::compute(std::vector<int>(truth.begin(), truth.end()),
                                                     std::vector<int>(predicted.begin(), predicted.end()),
                                                     3));
}

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
