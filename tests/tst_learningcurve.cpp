// "How many more photos?": the sizes measured, the fit of the inverse power law, and the whole
// measurement held against the truth: the curve measured on 10 photos per class must predict what
// training on 15 photos per class really scores on photos it never saw.
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "HonestEvaluation.h"
#include "LearningCurve.h"
#include "Metrics.h"
#include "SyntheticEmbeddings.h"

#include <QJsonDocument>
#include <QtTest>
#include <limits>
#include <cmath>

using namespace exemplar;
using namespace exemplar::test;

Q_DECLARE_METATYPE(std::vector<int>)

namespace {

constexpr int kClasses = 8;
constexpr int kPerClass = 60;  // a large supply, from which "the user's photos" and the truth are drawn
constexpr int kDim = 48;
constexpr float kNoise = 2.0f;  // overlapping classes: accuracy keeps rising from 1 to 15 photos

// The rows of each class split into its first TAKE photos and the rest (rows are grouped by class).
void takePerClass(const EmbeddingSet& set, int take, std::vector<int>* taken, std::vector<int>* rest)
{
    std::vector<int> seen(size_t(set.classCount()), 0);
    for (int row = 0; row < set.size(); ++row)
        (seen[size_t(set.labels[size_t(row)])]++ < take ? taken : rest)->push_back(row);
}

// The mean accuracy of METHOD trained on PERCLASS photos per class and scored on the others, over
// several draws: what the user would really get with that many photos.
double trueAccuracy(const EmbeddingSet& supply, int perClass, const TrainingOptions& options)
{
    double sum = 0;
    constexpr int kDraws = 12;
    for (int d = 0; d < kDraws; ++d) {
        std::vector<int> pool, test;
        drawPoolSplit(supply.labels, {}, supply.classCount(), perClass, quint64(1000 + d), &pool, &test);
        const EmbeddingSet testSet = supply.subset(test);
        const TrainingResult trained = train(supply.subset(pool), options);
        sum += Metrics::compute(testSet.labels, trained.head.predictClasses(testSet.vectors), supply.classCount()).accuracy;
    }
    return sum / kDraws;
}

} // namespace

class TestLearningCurve : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sizes_data();
    void sizes();
    void fitRecoversAKnownLaw_data();
    void fitRecoversAKnownLaw();
    void fitOfAFallingCurveIsFlat();
    void fitFollowsAnSShapeInLogSize();
    void predictsTheAccuracyOfMorePhotos_data();
    void predictsTheAccuracyOfMorePhotos();
    void tooFewPhotosSaySo();
    void jsonRoundTrip();
    void cancelStops();
    void evaluationChecksTheCurveInsideEachPool();
};

void TestLearningCurve::sizes_data()
{
    QTest::addColumn<int>("typical");
    QTest::addColumn<int>("maxSizes");
    QTest::addColumn<std::vector<int>>("expected");
    QTest::newRow("10 photos, 6 sizes") << 10 << 6 << std::vector<int>{1, 2, 3, 4, 6, 9};
    QTest::newRow("40 photos, 6 sizes") << 40 << 6 << std::vector<int>{1, 2, 4, 9, 19, 39};
    QTest::newRow("5 photos: every size below") << 5 << 6 << std::vector<int>{1, 2, 3, 4};
    QTest::newRow("3 photos: two sizes") << 3 << 6 << std::vector<int>{1, 2};
    QTest::newRow("2 photos: none") << 2 << 6 << std::vector<int>{};
    QTest::newRow("one size asked: none") << 10 << 1 << std::vector<int>{};
}

void TestLearningCurve::sizes()
{
    QFETCH(int, typical);
    QFETCH(int, maxSizes);
    QFETCH(std::vector<int>, expected);
    QCOMPARE(learningCurveSizes(typical, maxSizes), expected);
}

void TestLearningCurve::fitRecoversAKnownLaw_data()
{
    QTest::addColumn<double>("asymptote");
    QTest::addColumn<double>("scale");
    QTest::addColumn<double>("exponent");
    QTest::newRow("fine-grained: slow rise") << 0.75 << 0.45 << 0.5;
    QTest::newRow("easy: fast saturation") << 0.95 << 0.30 << 1.5;
    QTest::newRow("typical") << 0.90 << 0.50 << 0.7;
}

void TestLearningCurve::fitRecoversAKnownLaw()
{
    QFETCH(double, asymptote);
    QFETCH(double, scale);
    QFETCH(double, exponent);
    const std::vector<double> sizes{1, 2, 3, 4, 6, 9};
    std::vector<double> accuracies, weights;
    for (double m : sizes) {
        accuracies.push_back(asymptote - scale * std::pow(m, -exponent));
        weights.push_back(100 - 10 * m);  // fewer test photos at larger sizes, as in a real curve
    }
    LearningCurveLaw law;
    QVERIFY(fitInversePowerLaw(sizes, accuracies, weights, &law));
    QVERIFY2(std::abs(law.asymptote - asymptote) < 1e-3, qPrintable(QStringLiteral("asymptote %1").arg(law.asymptote)));
    QVERIFY2(std::abs(law.scale - scale) < 1e-3, qPrintable(QStringLiteral("scale %1").arg(law.scale)));
    QVERIFY2(std::abs(law.exponent - exponent) < 1e-6, qPrintable(QStringLiteral("exponent %1").arg(law.exponent)));
    // The choice between the shapes keeps the power law for points that follow it exactly.
    QVERIFY(fitLearningCurve(sizes, accuracies, weights, &law));
    QCOMPARE(law.shape, LearningCurveLaw::Shape::InversePower);
    QVERIFY(std::abs(law.at(15) - (asymptote - scale * std::pow(15.0, -exponent))) < 1e-3);
}

void TestLearningCurve::fitOfAFallingCurveIsFlat()
{
    // More photos that score worse (e.g. mislabeled ones added) must not extrapolate a rise, nor a fall
    // past what was seen: the fit says "no gain" at the weighted mean.
    const std::vector<double> sizes{1, 2, 4, 8}, accuracies{0.8, 0.78, 0.75, 0.74}, weights{1, 1, 1, 1};
    LearningCurveLaw law;
    QVERIFY(fitLearningCurve(sizes, accuracies, weights, &law));
    QCOMPARE(law.shape, LearningCurveLaw::Shape::InversePower);
    QCOMPARE(law.scale, 0.0);
    QVERIFY(std::abs(law.asymptote - 0.7675) < 1e-9);
    QVERIFY(std::abs(law.at(20) - 0.7675) < 1e-9);
    QVERIFY(!fitLearningCurve({3}, {0.5}, {1}, &law));
}

void TestLearningCurve::fitFollowsAnSShapeInLogSize()
{
    // What 200 classes of 12 photos measured: rising faster in log m at the end than at the start.
    const std::vector<double> sizes{1, 2, 3, 4, 7, 11}, weights{2200, 2000, 1800, 1600, 1000, 200};
    std::vector<double> accuracies;
    for (double m : sizes) accuracies.push_back(1 / (1 + std::exp(-(-2.3 + 1.0 * std::log(m)))));
    LearningCurveLaw law;
    QVERIFY(fitLearningCurve(sizes, accuracies, weights, &law));
    QCOMPARE(law.shape, LearningCurveLaw::Shape::LogisticInLogSize);
    QVERIFY(std::abs(law.intercept + 2.3) < 1e-6);
    QVERIFY(std::abs(law.slope - 1.0) < 1e-6);
    LearningCurveLaw power;
    QVERIFY(fitInversePowerLaw(sizes, accuracies, weights, &power));
    const double truth = 1 / (1 + std::exp(-(-2.3 + std::log(17.0))));
    QVERIFY(std::abs(law.at(17) - truth) < 1e-6);
    QVERIFY2(power.at(17) < truth - 0.02, qPrintable(QString::number(power.at(17))));  // why the second shape exists
}

void TestLearningCurve::predictsTheAccuracyOfMorePhotos_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("class means") << QStringLiteral("centroid");
    QTest::newRow("1-NN") << QStringLiteral("all");
    QTest::newRow("linear, fixed C") << QStringLiteral("linear");
}

void TestLearningCurve::predictsTheAccuracyOfMorePhotos()
{
    QFETCH(QString, method);
    const EmbeddingSet supply = makeClusteredSet(std::vector<int>(kClasses, kPerClass), kDim, kNoise, 21);
    std::vector<int> userRows, otherRows;
    takePerClass(supply, 10, &userRows, &otherRows);
    const EmbeddingSet userPhotos = supply.subset(userRows);

    LearningCurveOptions options;
    options.training.method = method;
    options.training.linearC = 10;
    options.trialsPerSize = 8;
    const LearningCurve curve = measureLearningCurve(userPhotos, options);
    QVERIFY2(curve.fitted, qPrintable(curve.reason));
    QCOMPARE(curve.photosPerClass, 10);
    QCOMPARE(curve.extraPhotos, 5);
    QCOMPARE(int(curve.points.size()), 6);
    QVERIFY(curve.points.back().meanAccuracy() > curve.points.front().meanAccuracy() + 0.05);
    QVERIFY(curve.expectedNowLow <= curve.expectedNow && curve.expectedNow <= curve.expectedNowHigh);
    QVERIFY(curve.expectedMoreLow <= curve.expectedMore && curve.expectedMore <= curve.expectedMoreHigh);
    QVERIFY(curve.expectedMore >= curve.expectedNow);

    // The truth, from photos the curve never saw: training on 10 and on 15 photos per class.
    const double now = trueAccuracy(supply, 10, options.training);
    const double more = trueAccuracy(supply, 15, options.training);
    const QString figures = QStringLiteral("predicted %1 (%2–%3) now, %4 (%5–%6) with 5 more; true %7 and %8")
                                .arg(curve.expectedNow).arg(curve.expectedNowLow).arg(curve.expectedNowHigh)
                                .arg(curve.expectedMore).arg(curve.expectedMoreLow).arg(curve.expectedMoreHigh)
                                .arg(now).arg(more);
    qInfo().noquote() << method << figures;
    // Inside the stated range, or within 5 points of the truth. (Over 8 other draws of these 10
    // photos per class the prediction for 10 ran 4–5 points below the truth on average for these
    // slowly saturating synthetic classes, with the truth inside the range; on flowers17 and cars24
    // docs/accuracy.md compares it with eval at the larger pool.)
    QVERIFY2(std::abs(curve.expectedNow - now) < 0.05 || (now >= curve.expectedNowLow && now <= curve.expectedNowHigh),
             qPrintable(figures));
    QVERIFY2(std::abs(curve.expectedMore - more) < 0.05 || (more >= curve.expectedMoreLow && more <= curve.expectedMoreHigh),
             qPrintable(figures));
    QVERIFY(curve.summary().contains(QStringLiteral("With 5 more photos per class (15)")));
}

void TestLearningCurve::tooFewPhotosSaySo()
{
    const EmbeddingSet set = makeClusteredSet(std::vector<int>(4, 2), kDim, 0.5f, 3);
    LearningCurveOptions options;
    options.training.method = QStringLiteral("centroid");
    const LearningCurve curve = measureLearningCurve(set, options);
    QVERIFY(!curve.fitted);
    QVERIFY(curve.reason.contains(QStringLiteral("at least 3 photos per class")));
    QCOMPARE(curve.summary(), curve.reason);

    options.training.method = QStringLiteral("no-such-method");
    QVERIFY_THROWS_EXCEPTION(Error, measureLearningCurve(set, options));
}

void TestLearningCurve::jsonRoundTrip()
{
    const EmbeddingSet set = makeClusteredSet(std::vector<int>(5, 8), kDim, 1.5f, 5);
    LearningCurveOptions options;
    options.training.method = QStringLiteral("centroid");
    options.trialsPerSize = 3;
    LearningCurve curve = measureLearningCurve(set, options);
    QVERIFY(curve.fitted);
    curve.chosenBy = QStringLiteral("auto");  // a curve of the method auto chose: said again when read back
    const QJsonObject json = curve.toJson();
    const LearningCurve back = LearningCurve::fromJson(QJsonDocument::fromJson(QJsonDocument(json).toJson()).object());
    QCOMPARE(back.toJson(), json);
    QCOMPARE(back.chosenBy, QStringLiteral("auto"));
    QCOMPARE(back.summary(), curve.summary());
    // What a measurement makes is plausible, fitted or not; what none makes is not.
    QCOMPARE(curve.implausibility(), QString());
    QCOMPARE(measureLearningCurve(makeClusteredSet(std::vector<int>(4, 2), kDim, 0.5f, 3), options).implausibility(), QString());
    LearningCurve wrong = back;
    wrong.photosPerClass = 2000000000;
    QVERIFY(wrong.implausibility().contains(QStringLiteral("photos per class")));
    wrong = back;
    wrong.points.front().accuracies.push_back(-0.1);
    QVERIFY(wrong.implausibility().contains(QStringLiteral("accuracy of -0.1")));
    wrong = back;
    wrong.law.slope = std::numeric_limits<double>::infinity();
    QVERIFY(wrong.implausibility().contains(QStringLiteral("law coefficient")));
    wrong = back;
    wrong.method = QStringLiteral("<img src=x>");  // a file's markup is never printed as a method
    QVERIFY(wrong.implausibility().contains(QStringLiteral("unknown method")));
    wrong = back;
    wrong.chosenBy = QStringLiteral("<b>me</b>");
    QVERIFY(wrong.implausibility().contains(QStringLiteral("chosen by an unknown method")));
}

void TestLearningCurve::cancelStops()
{
    const EmbeddingSet set = makeClusteredSet(std::vector<int>(5, 8), kDim, 1.5f, 5);
    LearningCurveOptions options;
    options.training.method = QStringLiteral("centroid");
    Feedback feedback;
    int reports = 0;
    feedback.setProgressHandler([&](qint64, qint64, const QString&) {
        if (++reports == 3) feedback.cancel();
    });
    QVERIFY_THROWS_EXCEPTION(OperationCanceled, measureLearningCurve(set, options, &feedback));
    QCOMPARE(reports, 3);
}

void TestLearningCurve::evaluationChecksTheCurveInsideEachPool()
{
    const EmbeddingSet supply = makeClusteredSet(std::vector<int>(kClasses, 30), kDim, kNoise, 8);
    EvaluationOptions options;
    options.pool = 10;
    options.repeats = 3;
    options.methods = {QStringLiteral("centroid")};
    options.learningCurveMethod = QStringLiteral("all");  // not compared: trained for its own figure
    const EvaluationReport report = evaluateHonestly(supply, options);
    const LearningCurveCheck& check = report.learningCurve;
    QCOMPARE(check.method, QStringLiteral("all"));
    QCOMPARE(int(check.curves.size()), 3);
    QCOMPARE(int(check.actualAtPool.size()), 3);
    for (const LearningCurve& curve : check.curves) {
        QVERIFY(curve.fitted);
        QCOMPARE(curve.photosPerClass, 10);  // measured inside the pool, not on all 30 photos
    }
    const QJsonObject json = report.toJson().value(QStringLiteral("learning_curve")).toObject();
    QCOMPARE(json.value(QStringLiteral("per_repeat")).toArray().size(), 3);
    const EvaluationReport back = EvaluationReport::fromJson(report.toJson());
    QCOMPARE(back.learningCurve.toJson(), check.toJson());

    // Pools too small for a curve give no prediction and say why, rather than a prediction of 0%.
    options.pool = 2;
    const QJsonObject tooSmall = evaluateHonestly(supply, options).toJson().value(QStringLiteral("learning_curve")).toObject();
    QVERIFY(!tooSmall.contains(QStringLiteral("predicted_at_pool")));
    QVERIFY(!tooSmall.contains(QStringLiteral("predicted_at_pool_plus_extra")));
    QVERIFY(tooSmall.value(QStringLiteral("reason")).toString().contains(QStringLiteral("at least 3 photos per class")));

    options.learningCurveMethod = QStringLiteral("bogus");
    QVERIFY_THROWS_EXCEPTION(Error, evaluateHonestly(supply, options));
}

QTEST_GUILESS_MAIN(TestLearningCurve)
#include "tst_learningcurve.moc"
