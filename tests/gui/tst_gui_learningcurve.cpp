// "How many more photos?" in the Methods tab, driven as a user drives it: the button measures the
// learning curve of the recommended method (or the project's) on the labeled photos, the plot shows
// the measured sizes and the fitted curve, and the sentence names today's count and the count with
// five more. With "auto" the curve is that of the method auto chooses.
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "views/ComparisonView.h"

#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QtTest>

#include "plots/QCustomPlotInclude.h"

using namespace exemplar;
using namespace exemplar::ui;

namespace {

const ModelIdentity kSyntheticModel{QStringLiteral("synthetic-net"), QString(64, QLatin1Char('c')), 64};

} // namespace

class TestGuiLearningCurve : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void curveOfTheChosenMethod_data();
    void curveOfTheChosenMethod();
};

void TestGuiLearningCurve::curveOfTheChosenMethod_data()
{
    QTest::addColumn<QString>("projectMethod");
    QTest::addColumn<bool>("compareFirst");
    QTest::addColumn<int>("classes");
    QTest::newRow("project's method: class means, 12 classes") << QStringLiteral("centroid") << false << 12;
    QTest::newRow("after a comparison: its recommendation") << QStringLiteral("centroid") << true << 12;
    QTest::newRow("auto: the method it chooses") << QStringLiteral("auto") << false << 12;
    QTest::newRow("200 classes") << QStringLiteral("centroid") << false << 200;
}

void TestGuiLearningCurve::curveOfTheChosenMethod()
{
    QFETCH(QString, projectMethod);
    QFETCH(bool, compareFirst);
    QFETCH(int, classes);
    constexpr int kPerClass = 12;
    test::AppWindow app;
    MainWindow& window = app.window;
    ProjectController& controller = app.controller;
    window.resize(1280, 800);
    window.show();
    auto* button = window.findChild<QPushButton*>(QStringLiteral("measureLearningCurve"));
    auto* summary = window.findChild<QLabel*>(QStringLiteral("learningCurveSummary"));
    auto* plot = window.findChild<QCustomPlot*>(QStringLiteral("learningCurvePlot"));
    QVERIFY(button && summary && plot);
    QVERIFY(!button->isEnabled());  // no photos yet
    QVERIFY(button->toolTip().contains(QStringLiteral("Add class folders")));

    controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(
                                  std::vector<int>(size_t(classes), kPerClass), 64, 1.6f, 5)),
                              kSyntheticModel);
    QVERIFY(test::waitIdle(&controller, 120000));
    ProjectSettings settings = controller.settings();
    settings.method = projectMethod;
    settings.comparisonMethods = {QStringLiteral("all"), QStringLiteral("whitened-centroid")};
    settings.comparisonRepeats = 2;
    settings.comparisonPool = 8;
    controller.setSettings(settings);
    window.tabs()->setCurrentWidget(window.comparisonView());
    QString expectedMethod = projectMethod;
    if (compareFirst) {
        controller.compareMethods();
        QVERIFY(test::waitIdle(&controller, 300000));
        QVERIFY(controller.comparison());
        expectedMethod = controller.comparison()->methods[size_t(controller.comparison()->recommended)].name;
    }
    QCOMPARE(controller.learningCurveMethod(), expectedMethod);
    QVERIFY(button->isEnabled());
    QVERIFY2(button->toolTip().contains(expectedMethod), qPrintable(button->toolTip()));
    QVERIFY(!plot->isVisible());  // nothing measured yet

    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(controller.isBusy());
    QVERIFY(test::waitIdle(&controller, 600000));
    const LearningCurve* curve = controller.learningCurve();
    QVERIFY(curve);
    QVERIFY2(curve->fitted, qPrintable(curve->reason));
    if (projectMethod == QLatin1String("auto")) {
        QVERIFY2(curve->method != QLatin1String("auto"), qPrintable(curve->method));  // what auto chose
        // auto chose it on these photos: the summary says so, and that the curve may run high.
        QCOMPARE(curve->chosenBy, QStringLiteral("auto"));
        QVERIFY2(summary->text().contains(QStringLiteral("which auto chose on these same photos")), qPrintable(summary->text()));
    } else {
        QCOMPARE(curve->method, expectedMethod);
        QVERIFY(curve->chosenBy.isEmpty());
        QVERIFY2(!summary->text().contains(QStringLiteral("chose")), qPrintable(summary->text()));
    }
    QCOMPARE(curve->photosPerClass, kPerClass);
    QVERIFY(summary->text().contains(QStringLiteral("With 5 more photos per class (17)")));
    QVERIFY(summary->text().contains(curve->method));
    QVERIFY(plot->isVisible());
    QCOMPARE(plot->graph(0)->dataCount(), int(curve->points.size()));
    QVERIFY(plot->graph(1)->dataCount() > 10);  // the fitted curve, drawn from 1 to 17
    QCOMPARE(plot->graph(2)->dataCount(), 2);   // today and with 5 more
    QVERIFY(plot->xAxis->range().contains(kPerClass + 5));
    // The predictions lie inside the drawn range.
    QVERIFY(plot->yAxis->range().contains(100 * curve->expectedMoreHigh));
    QVERIFY(plot->yAxis->range().contains(100 * curve->expectedNowLow));

    // New photos make the curve stale: it goes.
    controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(
                                  std::vector<int>(3, 4), 64, 1.0f, 6)),
                              kSyntheticModel);
    QVERIFY(test::waitIdle(&controller, 120000));
    QVERIFY(!controller.learningCurve());
    QVERIFY(!plot->isVisible());

    const QString shots = qEnvironmentVariable("EXEMPLAR_SCREENSHOT_DIR");
    if (!shots.isEmpty() && !compareFirst && projectMethod == QLatin1String("centroid")) {
        QDir().mkpath(shots);
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(
                                      std::vector<int>(size_t(classes), kPerClass), 64, 1.6f, 5)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        controller.measureLearningCurve(QStringLiteral("centroid"));
        QVERIFY(test::waitIdle(&controller, 600000));
        window.grab().save(QStringLiteral("%1/learning-curve-%2.png").arg(shots).arg(classes));
    }
}

QTEST_MAIN(TestGuiLearningCurve)
#include "tst_gui_learningcurve.moc"
