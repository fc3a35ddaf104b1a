// "See it as the classifier does": the heatmap, graph and histograms switch between raw cosine and
// the space the trained set scores in. On near-identical synthetic classes (raw cosine hardly
// tells them apart, whitening does), the switch must be off with a reason until a set is trained;
// then flipping it on one view flips all three, the class-mean heatmap must separate the classes
// more than raw cosine did, every view must say which space it shows, and the choice must outlive
// the window (QSettings).
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "plots/QCustomPlotInclude.h"
#include "views/GraphView.h"
#include "views/HeatmapView.h"
#include "views/HistogramView.h"
#include "widgets/SpaceSwitch.h"

#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

const ModelIdentity kSyntheticModel{QStringLiteral("synthetic-net"), QString(64, QLatin1Char('d')), 64};
const QString kSpaceSetting = QStringLiteral("views/similaritySpace");

SpaceSwitch* switchOf(QWidget* view)
{
    SpaceSwitch* found = view->findChild<SpaceSwitch*>();
    if (!found) qFatal("no space switch on %s", qPrintable(view->objectName()));
    return found;
}

// What each view says about its space: the heatmap's colour bar, the histogram's x axis, the graph's caption.
QStringList captions(MainWindow& window)
{
    auto* scale = qobject_cast<QCPColorScale*>(window.heatmapView()->plot()->plotLayout()->element(0, 1));
    const QCustomPlot* histogram = window.histogramView()->findChild<QCustomPlot*>(QStringLiteral("crossClassPlot"));
    QString graphCaption;
    for (const QLabel* label : window.graphView()->findChildren<QLabel*>())
        if (label->text().startsWith(QLatin1String("Similarity:"))) graphCaption = label->text();
    return {scale ? scale->label() : QString(), histogram->xAxis->label(), graphCaption};
}

// How far apart the classes look on the class-mean heatmap: the diagonal (within a class) minus
// the mean off-diagonal cell, in units of the off-diagonal cells' spread.
double diagonalContrast(const HeatmapView* heatmap)
{
    auto* map = qobject_cast<QCPColorMap*>(heatmap->plot()->plottable(0));
    const int n = map->data()->keySize();
    double diagonal = 0, off = 0, offSquares = 0;
    for (int x = 0; x < n; ++x)
        for (int y = 0; y < n; ++y) {
            const double v = map->data()->cell(x, y);
            if (x == y) diagonal += v;
            else off += v, offSquares += v * v;
        }
    const double offCells = double(n) * (n - 1), offMean = off / offCells;
    return (diagonal / n - offMean) / std::sqrt(offSquares / offCells - offMean * offMean);
}

} // namespace

class TestGuiSpace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
        QApplication::setOrganizationName(QStringLiteral("ExemplarTest"));
        QSettings().remove(kSpaceSetting);
    }
    void cleanupTestCase() { QSettings().remove(kSpaceSetting); }  // other GUI tests start raw

    void switchesBetweenRawAndTrainedSpace();
};

void TestGuiSpace::switchesBetweenRawAndTrainedSpace()
{
    {
        test::AppWindow app;
        MainWindow& window = app.window;
        ProjectController& controller = app.controller;
        window.resize(1280, 800);
        window.show();
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::nearIdenticalClasses(12, 20, 64, 5)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        HeatmapView* heatmap = window.heatmapView();
        const QList<QWidget*> views{heatmap, window.graphView(), window.histogramView()};

        // Nothing trained: every switch is off and says why; every view says raw cosine.
        for (QWidget* view : views) {
            QVERIFY(!switchOf(view)->isEnabled());
            QVERIFY2(switchOf(view)->toolTip().contains(QLatin1String("Train")), qPrintable(switchOf(view)->toolTip()));
        }
        for (const QString& caption : captions(window))
            QVERIFY2(caption.contains(QLatin1String("raw cosine")), qPrintable(caption));

        // A set trained in a whitened space: the switches come on.
        ProjectSettings settings = controller.settings();
        settings.method = QStringLiteral("whitened-centroid");
        controller.setSettings(settings);
        controller.startTraining();
        QVERIFY(test::waitIdle(&controller, 120000));
        QVERIFY(controller.training());
        for (QWidget* view : views) QVERIFY(switchOf(view)->isEnabled());

        heatmap->showClassMeans();
        const double rawContrast = diagonalContrast(heatmap);
        // The user picks the classifier's space on the heatmap.
        SpaceSwitch* onHeatmap = switchOf(heatmap);
        const int trainedIndex = onHeatmap->findData(int(SimilaritySpace::Trained));
        onHeatmap->setCurrentIndex(trainedIndex);
        Q_EMIT onHeatmap->activated(trainedIndex);
        QVERIFY(test::waitIdle(&controller, 120000));
        QVERIFY(controller.showsTrainedSpace());
        for (QWidget* view : views) QCOMPARE(switchOf(view)->currentIndex(), trainedIndex);  // all follow
        for (const QString& caption : captions(window))
            QVERIFY2(caption.contains(QLatin1String("trained space (whitened-centroid)")), qPrintable(caption));
        // What the views draw is the mapped set, row for row.
        QCOMPARE(controller.viewedEmbeddings().size(), controller.embeddings().size());
        QCOMPARE(controller.viewedEmbeddings().dim(), controller.activeReferenceSet()->head.dim());
        QCOMPARE(controller.viewedAnalysis()->size, controller.embeddings().size());
        // Classes the classifier separates separate on screen.
        QVERIFY(heatmap->showsClassMeans());
        const double trainedContrast = diagonalContrast(heatmap);
        QVERIFY2(trainedContrast > 1.5 * rawContrast,
                 qPrintable(QStringLiteral("raw %1, trained %2").arg(rawContrast).arg(trainedContrast)));
        QCOMPARE(QSettings().value(kSpaceSetting).toString(), QStringLiteral("trained"));
        QCOMPARE(window.histogramView()->curveCount(), 1);  // class means keep no photos to overlay
    }
    {
        // A new window remembers the choice, and shows raw cosine (with the switch off) until a
        // set is trained again.
        test::AppWindow app;
        QCOMPARE(app.controller.similaritySpace(), SimilaritySpace::Trained);
        app.controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::nearIdenticalClasses(4, 10, 32, 6)),
                                      kSyntheticModel);
        QVERIFY(test::waitIdle(&app.controller, 120000));
        QVERIFY(!app.controller.showsTrainedSpace());
        QCOMPARE(switchOf(app.window.heatmapView())->currentIndex(),
                 switchOf(app.window.heatmapView())->findData(int(SimilaritySpace::Raw)));
        for (const QString& caption : captions(app.window))
            QVERIFY2(caption.contains(QLatin1String("raw cosine")), qPrintable(caption));
        // Back to raw by hand: stored too.
        SpaceSwitch* onGraph = switchOf(app.window.graphView());
        app.controller.setSimilaritySpace(SimilaritySpace::Raw);
        QCOMPARE(onGraph->currentIndex(), onGraph->findData(int(SimilaritySpace::Raw)));
        QCOMPARE(QSettings().value(kSpaceSetting).toString(), QStringLiteral("raw"));
    }
}

QTEST_MAIN(TestGuiSpace)
#include "tst_gui_space.moc"
