// "Which classes are confused?" driven as a user drives it, at 12 and at 200 classes of synthetic
// embeddings where one pair of classes overlaps: the Confused Pairs list must put that pair first,
// as the confusion matrix of a set trained on the same photos does; activating a row must open the
// two classes side by side; the graph must start at the level that reads at its size, and its
// legend filter must find, focus and colour a class.
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "views/ClassPairGallery.h"
#include "views/ConfusedPairsView.h"
#include "views/GraphView.h"

#include <QLineEdit>
#include <QListWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest>
#include <set>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

const ModelIdentity kSyntheticModel{QStringLiteral("synthetic-net"), QString(64, QLatin1Char('c')), 64};

// CLASSES separated classes of PERCLASS photos, except that TWIN's photos are noisy copies of
// ORIGINAL's: the pair any classifier confuses.
std::shared_ptr<const EmbeddingSet> photosWithTwinClasses(int classes, int perClass, int original, int twin)
{
    // Noise 0.8 keeps photo pairs below the near-duplicate cosine (grouped photos are held out together).
    EmbeddingSet set = test::makeClusteredSet(std::vector<int>(size_t(classes), perClass), 64, 0.8f, 17);
    const Matrix noise = test::gaussianMatrix(perClass, set.dim(), 99);
    for (int i = 0; i < perClass; ++i) {
        const RowVector near = set.vectors.row(original * perClass + i) + 0.8f * noise.row(i) / std::sqrt(float(set.dim()));
        set.vectors.row(twin * perClass + i) = near.normalized();
    }
    return std::make_shared<const EmbeddingSet>(std::move(set));
}

// The class pair with the most errors either way in CONFUSION ([true][predicted]); {-1, -1} if none.
std::pair<int, int> mostConfusedPair(const std::vector<std::vector<int>>& confusion)
{
    std::pair<int, int> best{-1, -1};
    int most = 0;
    for (size_t a = 0; a < confusion.size(); ++a)
        for (size_t b = a + 1; b < confusion.size(); ++b)
            if (confusion[a][b] + confusion[b][a] > most) {
                most = confusion[a][b] + confusion[b][a];
                best = {int(a), int(b)};
            }
    return best;
}

} // namespace

class TestGuiConfusion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void confusedPairsAndClassGraph_data();
    void confusedPairsAndClassGraph();
};

void TestGuiConfusion::confusedPairsAndClassGraph_data()
{
    QTest::addColumn<int>("classes");
    QTest::addColumn<int>("perClass");
    QTest::addColumn<int>("original");
    QTest::addColumn<int>("twin");
    QTest::newRow("12 classes") << 12 << 20 << 3 << 8;
    QTest::newRow("200 classes") << 200 << 10 << 137 << 42;
}

void TestGuiConfusion::confusedPairsAndClassGraph()
{
    QFETCH(int, classes);
    QFETCH(int, perClass);
    QFETCH(int, original);
    QFETCH(int, twin);
    test::AppWindow app;
    MainWindow& window = app.window;
    ProjectController& controller = app.controller;
    window.resize(1280, 800);
    window.show();
    controller.loadEmbeddings(photosWithTwinClasses(classes, perClass, original, twin), kSyntheticModel);
    QVERIFY(test::waitIdle(&controller, 120000));
    QCOMPARE(controller.embeddings().classCount(), classes);

    // A set trained on the photos (class means: quick), and its held-out confusion matrix.
    ProjectSettings settings = controller.settings();
    settings.method = QStringLiteral("centroid");
    controller.setSettings(settings);
    controller.startTraining();
    QVERIFY(test::waitIdle(&controller, 120000));
    QVERIFY(controller.training());
    const std::pair<int, int> trainedWorst = mostConfusedPair(controller.training()->metrics.confusion);
    QCOMPARE(trainedWorst, std::make_pair(std::min(original, twin), std::max(original, twin)));

    // The list, cross-validating the project's method (the view follows the settings).
    ConfusedPairsView* pairs = window.confusedPairsView();
    window.tabs()->setCurrentWidget(pairs);
    QCOMPARE(pairs->method(), QStringLiteral("centroid"));
    // Cancel (Esc) right after the start leaves no result behind, and the window usable.
    pairs->setMethod(QStringLiteral("least-central"));
    pairs->findPairs();
    QVERIFY(controller.isBusy());
    controller.cancel();
    QVERIFY(test::waitIdle(&controller, 120000));
    QVERIFY(!controller.confusedPairs());
    QCOMPARE(pairs->table()->rowCount(), 0);
    pairs->setMethod(QStringLiteral("centroid"));
    pairs->findPairs();
    QVERIFY(test::waitIdle(&controller, 300000));
    QVERIFY(controller.confusedPairs());
    QVERIFY(pairs->table()->rowCount() > 0);
    QCOMPARE(pairs->pairOfRow(0), trainedWorst);
    const QString firstErrors = pairs->table()->item(0, 3)->text();
    QVERIFY2(!firstErrors.startsWith(QLatin1Char('0')), qPrintable(firstErrors));
    pairs->setRanking(ConfusedPairsView::Ranking::Similarity);
    QCOMPARE(pairs->pairOfRow(0), trainedWorst);  // the twins look alike before training too
    pairs->setRanking(ConfusedPairsView::Ranking::Confusion);

    // Enter on the first row: the two classes side by side, each column of its own class.
    pairs->table()->setFocus();
    pairs->table()->setCurrentCell(0, 1);
    QTest::keyClick(pairs->table(), Qt::Key_Return);
    ClassPairGallery* gallery = pairs->gallery();
    QVERIFY(gallery);
    QVERIFY(QTest::qWaitForWindowExposed(gallery));
    QCOMPARE(gallery->pairCount(), ClassPairGallery::kPairs);
    const EmbeddingSet& set = controller.embeddings();
    std::set<QString> distinctA;
    for (int i = 0; i < gallery->pairCount(); ++i) {
        QCOMPARE(set.labels[size_t(controller.rowOfPath(gallery->pathA(i)))], trainedWorst.first);
        QCOMPARE(set.labels[size_t(controller.rowOfPath(gallery->pathB(i)))], trainedWorst.second);
        distinctA.insert(gallery->pathA(i));
    }
    QVERIFY(distinctA.size() > 1);  // pairs of several photos, not one photo against all
    gallery->close();

    // The graph: class level beyond kClassLevelAbove classes, photos below.
    GraphView* graph = window.graphView();
    window.tabs()->setCurrentWidget(graph);
    const bool manyClasses = classes > GraphView::kClassLevelAbove;
    QCOMPARE(graph->mode(), manyClasses ? GraphView::Mode::Classes : GraphView::Mode::Photos);
    QCOMPARE(graph->nodeCount(), manyClasses ? classes : classes * perClass);
    graph->setMode(GraphView::Mode::Classes);
    QCOMPARE(graph->nodeCount(), classes);
    QCOMPARE(graph->visibleLabelCount(), manyClasses ? 0 : classes);  // 200 names at once are unreadable

    // The legend filter finds a class by part of its name, focuses it and lights its neighbours.
    const QString name = set.classNames[original];
    QTest::keyClicks(graph->legendFilter(), name);
    QCOMPARE(graph->focusedClass(), original);
    int shown = 0;
    for (int i = 0; i < graph->legend()->count(); ++i) {
        const bool visible = !graph->legend()->item(i)->isHidden();
        shown += visible;
        if (visible) QVERIFY(graph->legend()->item(i)->text().contains(name));
    }
    QVERIFY(shown >= 1);
    const std::vector<int> lit = graph->highlightedClasses();
    QCOMPARE(int(lit.size()), 1 + GraphView::kNeighbours);
    QCOMPARE(lit[0], original);
    QCOMPARE(lit[1], twin);  // its nearest class is its twin
    if (manyClasses) {
        QCOMPARE(graph->visibleLabelCount(), int(lit.size()));
        std::set<QRgb> colours;
        for (int c : lit) colours.insert(graph->colourOfClass(c).rgb());
        QCOMPARE(int(colours.size()), int(lit.size()));  // the lit classes tell apart
        const int other = (original + 1 == twin) ? original + 2 : original + 1;
        if (std::find(lit.begin(), lit.end(), other) == lit.end())
            QVERIFY(!colours.count(graph->colourOfClass(other).rgb()));  // the rest is grey
    }

    // Drilling in: the photos of the focused class and its neighbours, nobody else's.
    graph->openClass(original);
    QCOMPARE(graph->mode(), GraphView::Mode::FocusPhotos);
    QCOMPARE(graph->nodeCount(), int(lit.size()) * perClass);
    QVERIFY(graph->visibleEdgeCount() > 0);

    const QString shots = qEnvironmentVariable("EXEMPLAR_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        QDir().mkpath(shots);
        graph->grab().save(QStringLiteral("%1/confusion-graph-focus-%2.png").arg(shots).arg(classes));
        window.tabs()->setCurrentWidget(pairs);
        pairs->grab().save(QStringLiteral("%1/confused-pairs-%2.png").arg(shots).arg(classes));
    }
}

QTEST_MAIN(TestGuiConfusion)
#include "tst_gui_confusion.moc"
