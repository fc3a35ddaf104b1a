#include "Error.h"
#include "Metrics.h"

#include <QJsonArray>
#include <QtTest>

#include <cmath>
#include <random>

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
    void wilsonIntervalValues_data();
    void wilsonIntervalValues();
    void wilsonIntervalCoversAtItsNominalRate_data();
    void wilsonIntervalCoversAtItsNominalRate();
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

void TestMetrics::wilsonIntervalValues_data()
{
    QTest::addColumn<int>("successes");
    QTest::addColumn<int>("trials");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    // Reference values computed by hand from Wilson's formula with z = 1.959964.
    QTest::newRow("8 of 10") << 8 << 10 << 0.49016 << 0.94332;
    QTest::newRow("all 20 right: not a point at 100%") << 20 << 20 << 0.83887 << 1.0;
    QTest::newRow("none of 5 right") << 0 << 5 << 0.0 << 0.43449;
    QTest::newRow("no trials: nothing known") << 0 << 0 << 0.0 << 1.0;
}

void TestMetrics::wilsonIntervalValues()
{
    QFETCH(int, successes);
    QFETCH(int, trials);
    QFETCH(double, low);
    QFETCH(double, high);
    const exemplar::ProportionInterval interval = exemplar::wilsonInterval(successes, trials);
    QVERIFY2(std::abs(interval.low - low) < 5e-5, qPrintable(QString::number(interval.low, 'f', 6)));
    QVERIFY2(std::abs(interval.high - high) < 5e-5, qPrintable(QString::number(interval.high, 'f', 6)));
    // And Metrics reports the same interval for its accuracy.
    std::vector<int> truth(size_t(trials), 0), predicted(size_t(trials), 1);
    for (int i = 0; i < successes; ++i) predicted[size_t(i)] = 0;
    const exemplar::Metrics m = exemplar::Metrics::compute(truth, predicted, 2);
    QCOMPARE(m.accuracyInterval.low, interval.low);
    QCOMPARE(m.accuracyInterval.high, interval.high);
}

void TestMetrics::wilsonIntervalCoversAtItsNominalRate_data()
{
    QTest::addColumn<int>("heldOut");
    QTest::addColumn<double>("trueAccuracy");
    // Sizes and accuracies of real held-out sets; the last two are where "p ± 1.96·SE" covers only
    // about 87% (it narrows to a point near 100%), so they tell Wilson's interval from the naive one.
    QTest::newRow("60 photos, 57%") << 60 << 0.57;
    QTest::newRow("259 photos, 88%") << 259 << 0.88;
    QTest::newRow("40 photos, 95%") << 40 << 0.95;
    QTest::newRow("25 photos, 92%") << 25 << 0.92;
}

// Repeated held-out sets drawn from a classifier of known accuracy: the 95% interval must hold
// the truth in about 95% of them (4,000 draws: a standard error of 0.35 points).
void TestMetrics::wilsonIntervalCoversAtItsNominalRate()
{
    QFETCH(int, heldOut);
    QFETCH(double, trueAccuracy);
    std::mt19937 rng(20261203);
    std::bernoulli_distribution correct(trueAccuracy);
    const int draws = 4000;
    int covered = 0;
    for (int d = 0; d < draws; ++d) {
        int right = 0;
        for (int i = 0; i < heldOut; ++i) right += correct(rng) ? 1 : 0;
        const exemplar::ProportionInterval interval = exemplar::wilsonInterval(right, heldOut);
        if (interval.low <= trueAccuracy && trueAccuracy <= interval.high) ++covered;
    }
    const double coverage = double(covered) / draws;
    QVERIFY2(coverage >= 0.925 && coverage <= 0.975, qPrintable(QStringLiteral("coverage %1").arg(coverage)));
}

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
