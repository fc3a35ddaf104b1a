// weightedF1Interval (core/classifier/WeightedF1Interval): the 95% interval shown beside a
// held-out weighted F1 must hold the truth about 95% of the time, also where held-out sets are
// small and nearly all right, and must count near-identical copies as one picture.
#include "Error.h"
#include "Metrics.h"
#include "WeightedF1Interval.h"

#include <QtTest>

#include <random>

using namespace exemplar;

namespace {

// A classifier of known behaviour: right with probability ACCURACY; otherwise 60% of its
// mistakes go to one sister class (the next one) and the rest anywhere, as with look-alike models.
class SimulatedClassifier {
public:
    SimulatedClassifier(int classes, double accuracy, quint32 seed) : classes_(classes), accuracy_(accuracy), rng_(seed) {}

    int answer(int truth)
    {
        const double u = uniform(), miss = 1 - accuracy_;
        if (u < accuracy_) return truth;
        if (u < accuracy_ + 0.6 * miss) return (truth + 1) % classes_;
        return int(uniform() * classes_) % classes_;
    }
    double uniform() { return double(rng_()) / (double(std::mt19937::max()) + 1.0); }

private:
    int classes_;
    double accuracy_;
    std::mt19937 rng_;
};

// PHOTOS_PER_CLASS photos of each class answered by CLASSIFIER.
void draw(SimulatedClassifier& classifier, int classes, int photosPerClass, std::vector<int>* truth,
          std::vector<int>* predicted)
{
    truth->clear();
    predicted->clear();
    for (int c = 0; c < classes; ++c)
        for (int i = 0; i < photosPerClass; ++i) {
            truth->push_back(c);
            predicted->push_back(classifier.answer(c));
        }
}

} // namespace

class TestWeightedF1Interval : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void coversAtItsNominalRate_data()
    {
        QTest::addColumn<int>("classes");
        QTest::addColumn<int>("photosPerClass");
        QTest::addColumn<double>("accuracy");
        QTest::addColumn<double>("lowest");  // the coverage it must reach
        // Held-out sets of the sizes the product sees. The 95% rows are where a plain percentile
        // bootstrap covers about 82% (its resamples cannot rise above an all-but-perfect figure).
        QTest::newRow("12 classes × 5, 57%") << 12 << 5 << 0.57 << 0.92;
        QTest::newRow("24 classes × 10, 60%") << 24 << 10 << 0.60 << 0.92;
        QTest::newRow("17 classes × 5, 90%") << 17 << 5 << 0.90 << 0.92;
        QTest::newRow("5 classes × 8, 95%") << 5 << 8 << 0.95 << 0.92;
        QTest::newRow("5 classes × 5, 92%") << 5 << 5 << 0.92 << 0.92;
        QTest::newRow("50 classes × 4, 70%") << 50 << 4 << 0.70 << 0.92;
        // The known shortfall (WeightedF1Interval.h): two or three held-out photos per class of
        // many classes, where the measured figure itself runs low. Held here so that it cannot
        // grow unnoticed.
        QTest::newRow("200 classes × 2, 80%") << 200 << 2 << 0.80 << 0.84;
        QTest::newRow("200 classes × 3, 60%") << 200 << 3 << 0.60 << 0.84;
    }

    // Repeated held-out sets from one classifier; the truth is its weighted F1 on 600,000 photos.
    void coversAtItsNominalRate()
    {
        QFETCH(int, classes);
        QFETCH(int, photosPerClass);
        QFETCH(double, accuracy);
        QFETCH(double, lowest);
        std::vector<int> truth, predicted;
        SimulatedClassifier population(classes, accuracy, 1);
        draw(population, classes, 600000 / classes, &truth, &predicted);
        const double trueWeightedF1 = Metrics::compute(truth, predicted, classes).weightedF1;

        SimulatedClassifier classifier(classes, accuracy, 20261206);
        const int draws = 1500;  // a standard error of 0.56 points on the coverage
        int covered = 0;
        for (int d = 0; d < draws; ++d) {
            draw(classifier, classes, photosPerClass, &truth, &predicted);
            const ProportionInterval interval = weightedF1Interval(truth, predicted, classes, {}, quint64(d), 400);
            if (interval.low <= trueWeightedF1 && trueWeightedF1 <= interval.high) ++covered;
        }
        const double coverage = double(covered) / draws;
        qInfo("coverage %.3f of the true weighted F1 %.3f", coverage, trueWeightedF1);
        QVERIFY2(coverage >= lowest && coverage <= 0.98,
                 qPrintable(QStringLiteral("coverage %1 of the true weighted F1 %2").arg(coverage).arg(trueWeightedF1)));
    }

    // Three copies of every photo are three photos to Metrics but one picture each: the interval
    // must be as wide as the pictures' alone, not √3 narrower.
    void copiesCountAsOnePicture()
    {
        std::vector<int> truth, predicted;
        SimulatedClassifier classifier(6, 0.7, 5);
        draw(classifier, 6, 8, &truth, &predicted);
        std::vector<int> tripledTruth, tripledPredicted, pictureOf;
        for (size_t i = 0; i < truth.size(); ++i)
            for (int copy = 0; copy < 3; ++copy) {
                tripledTruth.push_back(truth[i]);
                tripledPredicted.push_back(predicted[i]);
                pictureOf.push_back(int(i) * 7 + 3);  // any numbering
            }
        const ProportionInterval pictures = weightedF1Interval(truth, predicted, 6);
        const ProportionInterval grouped = weightedF1Interval(tripledTruth, tripledPredicted, 6, pictureOf);
        const ProportionInterval asPhotos = weightedF1Interval(tripledTruth, tripledPredicted, 6);
        const double pictureWidth = pictures.high - pictures.low, groupedWidth = grouped.high - grouped.low;
        QVERIFY2(std::abs(groupedWidth - pictureWidth) < 0.1 * pictureWidth,
                 qPrintable(QStringLiteral("%1 against %2").arg(groupedWidth).arg(pictureWidth)));
        QVERIFY2(asPhotos.high - asPhotos.low < 0.7 * groupedWidth,
                 qPrintable(QStringLiteral("%1 against %2").arg(asPhotos.high - asPhotos.low).arg(groupedWidth)));
    }

    // No spread to resample: every photo right (or wrong) still leaves room for the next picture.
    void allRightOrAllWrong_data()
    {
        QTest::addColumn<bool>("right");
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        const ProportionInterval allRight = wilsonInterval(20, 20), allWrong = wilsonInterval(0, 20);
        QTest::newRow("all right") << true << allRight.low << 1.0;
        QTest::newRow("all wrong") << false << 0.0 << allWrong.high;
    }

    void allRightOrAllWrong()
    {
        QFETCH(bool, right);
        QFETCH(double, low);
        QFETCH(double, high);
        std::vector<int> truth, predicted;
        for (int i = 0; i < 20; ++i) {
            truth.push_back(i % 4);
            predicted.push_back(right ? i % 4 : (i + 1) % 4);
        }
        const ProportionInterval interval = weightedF1Interval(truth, predicted, 4);
        QCOMPARE(interval.low, low);
        QCOMPARE(interval.high, high);
        QVERIFY(interval.low < interval.high);
    }

    // One picture of two photos of two classes, one answered wrong: every resample is that same
    // picture, so there is no spread to measure, and the interval is Wilson's at one picture,
    // not a point (a one-pass variance left a rounding residue here).
    void onePictureIsNoPoint()
    {
        const ProportionInterval interval = weightedF1Interval({0, 1}, {0, 0}, 2, {4, 4});
        const double point = Metrics::compute({0, 1}, {0, 0}, 2).weightedF1;
        QVERIFY2(interval.high - interval.low > 0.5,
                 qPrintable(QStringLiteral("%1 to %2 around %3").arg(interval.low).arg(interval.high).arg(point)));
        QVERIFY(interval.low <= point && point <= interval.high);
    }

    void sameAnswersSameInterval()
    {
        std::vector<int> truth, predicted;
        SimulatedClassifier classifier(8, 0.6, 9);
        draw(classifier, 8, 6, &truth, &predicted);
        const ProportionInterval a = weightedF1Interval(truth, predicted, 8), b = weightedF1Interval(truth, predicted, 8);
        QCOMPARE(a.low, b.low);
        QCOMPARE(a.high, b.high);
        const double point = Metrics::compute(truth, predicted, 8).weightedF1;
        QVERIFY(a.low < point && point < a.high);
    }

    void badInputThrows()
    {
        QVERIFY_THROWS_EXCEPTION(Error, weightedF1Interval({0, 1}, {0}, 2));
        QVERIFY_THROWS_EXCEPTION(Error, weightedF1Interval({0, 1}, {0, 1}, 2, {0}));
        QVERIFY_THROWS_EXCEPTION(Error, weightedF1Interval({0, 5}, {0, 1}, 2));
        const ProportionInterval none = weightedF1Interval({}, {}, 3);
        QCOMPARE(none.low, 0.0);
        QCOMPARE(none.high, 1.0);
    }
};

QTEST_APPLESS_MAIN(TestWeightedF1Interval)
#include "tst_weightedf1interval.moc"
