// Tick labels stay readable from 2 to 200 classes. The similarity heatmap (both axes) and the
// per-class centrality box plot are built on synthetic embeddings, shown at a normal window size,
// and every drawn tick label is checked mechanically: its box, placed as QCustomPlot places it
// (font metrics, rotation, anchor beside its tick), must not overlap another label's and must lie
// inside the widget (QCustomPlot silently drops a label that would be cut at the edge). Then every
// view with a plot, after a training and a learning curve (the evaluation's confusion matrix, the
// optimization trace, both histograms, the learning curve), is checked the same way on all its
// axes, and the graph's class names must not cover each other or leave the canvas.
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "plots/QCustomPlotInclude.h"
#include "views/ComparisonView.h"
#include "views/EvaluationView.h"
#include "views/GraphView.h"
#include "views/HeatmapView.h"
#include "views/HistogramView.h"
#include "views/OptimizationView.h"
#include "window/MainWindow.h"

#include <QApplication>
#include <QFontMetrics>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QLabel>
#include <QLineEdit>
#include <QPainterPath>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolTip>
#include <QTransform>
#include <QtTest>
#include <cmath>
#include <memory>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

// One drawn tick label: its text and the rotated box it covers, in widget pixels.
struct DrawnLabel {
    QString axis;
    QString text;
    QPolygonF box;
};

// The box QCustomPlot 2.1 draws an outside tick label of a bottom or left axis in
// (QCPAxisPainterPrivate::placeTickLabel, getTickLabelData and getTickLabelDrawOffset).
QPolygonF labelBox(const QCPAxis* axis, double tick, const QString& text)
{
    QFont font = axis->tickLabelFont();
    if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() + 0.05);
    const QRect bounds = QFontMetrics(font).boundingRect(0, 0, 0, 0, Qt::TextDontClip | Qt::AlignHCenter, text);
    const double w = bounds.width(), h = bounds.height();
    const double rotation = axis->tickLabelRotation();
    const double radians = rotation / 180.0 * M_PI;
    const int distance = std::max(0, std::max(axis->tickLengthOut(), axis->subTickLengthOut())) + axis->tickLabelPadding();
    const QRect rect = axis->axisRect()->rect();
    QPointF anchor;
    int x = 0, y = 0;
    if (axis->axisType() == QCPAxis::atBottom) {
        anchor = QPointF(axis->coordToPixel(tick), rect.bottom() + distance + axis->offset());
        if (qFuzzyIsNull(rotation)) {
            x = int(-w / 2);
        } else if (rotation > 0) {
            x = int(std::sin(radians) * h / 2);
        } else {
            x = int(-std::cos(-radians) * w - std::sin(-radians) * h / 2);
            y = int(std::sin(-radians) * w);
        }
    } else if (axis->axisType() == QCPAxis::atLeft) {
        anchor = QPointF(rect.left() - distance - axis->offset(), axis->coordToPixel(tick));
        const bool flip = qFuzzyCompare(std::abs(rotation), 90.0);
        if (qFuzzyIsNull(rotation)) {
            x = int(-w);
            y = int(-h / 2);
        } else if (rotation > 0) {
            x = int(-std::cos(radians) * w);
            y = int(flip ? -w / 2 : -std::sin(radians) * w - std::cos(radians) * h / 2);
        } else {
            x = int(-std::cos(-radians) * w - std::sin(-radians) * h);
            y = int(flip ? w / 2 : std::sin(-radians) * w - std::cos(-radians) * h / 2);
        }
    } else {
        return {};  // this test's plots label only their bottom and left axes
    }
    QTransform transform;
    transform.translate(anchor.x() + x, anchor.y() + y);
    transform.rotate(rotation);
    return transform.map(QPolygonF(QRectF(0, 0, w, h)));
}

double area(const QPolygonF& polygon)
{
    double twice = 0;
    for (int i = 0; i < polygon.size(); ++i) {
        const QPointF& a = polygon[i];
        const QPointF& b = polygon[(i + 1) % polygon.size()];
        twice += a.x() * b.y() - b.x() * a.y();
    }
    return std::abs(twice) / 2;
}

enum class Axes { ClassNames, All };

// The labels the axes of PLOT draw after its last replot: its class-labelled (text-ticker) axes,
// or every bottom and left axis of every axis rect (numbers too).
QList<DrawnLabel> drawnLabels(QCustomPlot* plot, Axes which)
{
    QList<DrawnLabel> labels;
    const QList<QCPAxisRect*> rects = which == Axes::All ? plot->axisRects() : QList<QCPAxisRect*>{plot->axisRect()};
    for (QCPAxisRect* rect : rects)
        for (QCPAxis* axis : rect->axes(QCPAxis::atBottom | QCPAxis::atLeft)) {
            if (!axis->visible() || !axis->tickLabels()) continue;
            if (which == Axes::ClassNames && !axis->ticker().dynamicCast<QCPAxisTickerText>()) continue;
            const QVector<double> ticks = axis->tickVector();
            const QVector<QString> texts = axis->tickVectorLabels();
            const QCPRange range = axis->range();
            for (int i = 0; i < ticks.size() && i < texts.size(); ++i)
                if (!texts[i].isEmpty() && range.contains(ticks[i]))  // QCustomPlot draws no tick outside the range
                    labels.append({axis->axisType() == QCPAxis::atBottom ? QStringLiteral("bottom") : QStringLiteral("left"),
                                   texts[i], labelBox(axis, ticks[i], texts[i])});
        }
    return labels;
}

QList<DrawnLabel> classLabels(QCustomPlot* plot) { return drawnLabels(plot, Axes::ClassNames); }

// Empty when every label is inside the widget and no two overlap (by more than rounding);
// otherwise what is wrong, for the failure message.
QString labelProblems(QCustomPlot* plot, const QList<DrawnLabel>& labels)
{
    const QRectF widget = QRectF(plot->rect()).adjusted(-1, -1, 1, 1);
    for (const DrawnLabel& label : labels)
        if (!widget.contains(label.box.boundingRect()))
            return QStringLiteral("%1 label \"%2\" at %3,%4 %5×%6 is cut by the widget edge (%7×%8)")
                .arg(label.axis, label.text)
                .arg(label.box.boundingRect().x()).arg(label.box.boundingRect().y())
                .arg(label.box.boundingRect().width()).arg(label.box.boundingRect().height())
                .arg(plot->width()).arg(plot->height());
    for (int i = 0; i < labels.size(); ++i)
        for (int j = i + 1; j < labels.size(); ++j) {
            if (!labels[i].box.boundingRect().intersects(labels[j].box.boundingRect())) continue;
            const double overlap = area(labels[i].box.intersected(labels[j].box));
            if (overlap > 2.0)
                return QStringLiteral("%1 label \"%2\" and %3 label \"%4\" overlap by %5 px²")
                    .arg(labels[i].axis, labels[i].text, labels[j].axis, labels[j].text)
                    .arg(overlap, 0, 'f', 1);
        }
    return {};
}

// The class names the graph canvas shows, as boxes in the canvas's viewport pixels (names keep
// their size at every zoom); empty when they are all inside the viewport and none covers another
// by more than a sliver, else what is wrong.
QString graphLabelProblems(GraphView* graph, int* shown)
{
    auto* canvas = graph->findChild<QGraphicsView*>(QStringLiteral("graphCanvas"));
    if (!canvas || !canvas->scene()) return QStringLiteral("no graph canvas");
    QList<DrawnLabel> labels;
    for (QGraphicsItem* item : canvas->scene()->items()) {
        auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item);
        if (!text || !text->isVisible()) continue;
        const QRectF box = text->deviceTransform(canvas->viewportTransform()).mapRect(text->boundingRect());
        labels.append({QStringLiteral("graph"), text->text(), QPolygonF(box)});
    }
    *shown = int(labels.size());
    const QRectF viewport = QRectF(canvas->viewport()->rect()).adjusted(-1, -1, 1, 1);
    for (const DrawnLabel& label : labels)
        if (!viewport.contains(label.box.boundingRect()))
            return QStringLiteral("graph name \"%1\" is cut by the canvas edge").arg(label.text);
    for (int i = 0; i < labels.size(); ++i)
        for (int j = i + 1; j < labels.size(); ++j) {
            const QRectF both = labels[i].box.boundingRect().intersected(labels[j].box.boundingRect());
            if (both.width() * both.height() > 20.0)
                return QStringLiteral("graph names \"%1\" and \"%2\" cover each other (%3 px²)")
                    .arg(labels[i].text, labels[j].text).arg(both.width() * both.height(), 0, 'f', 1);
        }
    return {};
}

int countOn(const QList<DrawnLabel>& labels, const QString& axis)
{
    return int(std::count_if(labels.begin(), labels.end(), [&](const DrawnLabel& l) { return l.axis == axis; }));
}

// Photos of class C: 4 to 8, so that a drill-down's size tells which class it shows.
int photosIn(int c) { return 4 + c % 5; }

// Class names of realistic, varied lengths (as fine-grained sets have), made unique by number;
// sorted by name they are not in folder order.
EmbeddingSet namedClasses(int classes)
{
    static const QStringList kWords{QStringLiteral("Black_footed_Albatross"), QStringLiteral("Bobolink"),
                                    QStringLiteral("Painted_Bunting"), QStringLiteral("Rhinoceros_Auklet"),
                                    QStringLiteral("Ani"), QStringLiteral("Red_winged_Blackbird"),
                                    QStringLiteral("Brewer_Sparrow")};
    std::vector<int> counts;
    for (int c = 0; c < classes; ++c) counts.push_back(photosIn(c));
    EmbeddingSet set = test::makeClusteredSet(counts, 32, 0.6f, 5);
    for (int c = 0; c < classes; ++c) set.classNames[c] = QStringLiteral("%1 %2").arg(kWords[c % kWords.size()]).arg(c + 1, 3, 10, QLatin1Char('0'));
    return set;
}

int visibleItems(QCustomPlot* plot)
{
    int visible = 0;
    for (int i = 0; i < plot->itemCount(); ++i) visible += plot->item(i)->visible() ? 1 : 0;
    return visible;
}

void sendMouse(QWidget* widget, QEvent::Type type, QPoint at, Qt::MouseButton button, Qt::MouseButtons held)
{
    QMouseEvent event(type, QPointF(at), QPointF(widget->mapToGlobal(at)), button, held, Qt::NoModifier);
    QApplication::sendEvent(widget, &event);
}

// At 200 classes the unzoomed confusion matrix has pixel-sized cells and no counts drawn (they
// would cover each other). The wheel zooms in around an error until its count shows, a drag pans
// without listing anything, the view never leaves the matrix, and a click lists exactly the cell
// under the pointer at that zoom.
void zoomPanAndClickTheConfusionMatrix(QCustomPlot* matrix, EvaluationView* view, const std::vector<std::vector<int>>& confusion)
{
    const int n = int(confusion.size());
    QCOMPARE(visibleItems(matrix), 0);
    int errorT = -1, errorP = -1;
    for (int t = n / 2; t < n && errorT < 0; ++t)
        for (int p = 0; p < n; ++p)
            if (p != t && confusion[size_t(t)][size_t(p)] > 0) {
                errorT = t;
                errorP = p;
                break;
            }
    QVERIFY(errorT >= 0);
    for (int step = 0; step < 40 && matrix->xAxis->range().size() > 12; ++step) {
        const QPoint at(int(matrix->xAxis->coordToPixel(errorP)), int(matrix->yAxis->coordToPixel(errorT)));
        QWheelEvent wheel(QPointF(at), QPointF(matrix->mapToGlobal(at)), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(matrix, &wheel);
    }
    matrix->replot();
    QVERIFY2(matrix->xAxis->range().size() <= 12, qPrintable(QString::number(matrix->xAxis->range().size())));
    QVERIFY(matrix->xAxis->range().contains(errorP) && matrix->yAxis->range().contains(errorT));
    QVERIFY(visibleItems(matrix) > 0);  // counts are drawn now that cells are large

    // A drag far to the left pans right up to the matrix' edge and lists nothing new.
    const int listed = view->listedPhotoCount();
    const QPoint start = matrix->axisRect()->rect().center();
    sendMouse(matrix, QEvent::MouseButtonPress, start, Qt::LeftButton, Qt::LeftButton);
    sendMouse(matrix, QEvent::MouseMove, start + QPoint(-5000, 0), Qt::NoButton, Qt::LeftButton);
    sendMouse(matrix, QEvent::MouseButtonRelease, start + QPoint(-5000, 0), Qt::LeftButton, Qt::NoButton);
    matrix->replot();
    QCOMPARE(view->listedPhotoCount(), listed);
    QVERIFY(matrix->xAxis->range().upper <= n - 0.5 + 1e-9);
    QVERIFY(matrix->xAxis->range().lower >= -0.5 - 1e-9);
    QVERIFY(matrix->xAxis->range().upper > n - 1.5);  // at the right edge

    // Back to the error; a click on its cell lists exactly its photos.
    matrix->xAxis->setRange(errorP - 5, errorP + 5);
    matrix->replot();
    const QPoint cell(int(matrix->xAxis->coordToPixel(errorP)), int(matrix->yAxis->coordToPixel(errorT)));
    QTest::mouseClick(matrix, Qt::LeftButton, Qt::NoModifier, cell);
    QCOMPARE(view->listedPhotoCount(), confusion[size_t(errorT)][size_t(errorP)]);
}

} // namespace

class TestGuiLabels : public QObject {
    Q_OBJECT

    std::unique_ptr<test::AppWindow> app_;

    // A window of CLASSES synthetic classes at a normal size, analysed, on the tab of VIEW.
    MainWindow* open(int classes, QWidget* (*view)(MainWindow*))
    {
        app_ = std::make_unique<test::AppWindow>();
        MainWindow* window = &app_->window;
        window->resize(1100, 700);
        window->show();
        if (!QTest::qWaitForWindowExposed(window)) return nullptr;
        window->controller()->loadEmbeddings(std::make_shared<const EmbeddingSet>(namedClasses(classes)));
        if (!test::waitIdle(window->controller(), 120000) || !window->controller()->analysis()) return nullptr;
        window->tabs()->setCurrentWidget(view(window));
        return window;
    }

    // Whatever replots the view itself asked for (refreshed while its tab was hidden, shown, laid
    // out, re-thinned) have run: no replot of the test's own, which could hide a stale drawing.
    static void settle() { QTest::qWait(300); }

    // With EXEMPLAR_SCREENSHOT_DIR set, the window as checked, to look at.
    static void saveShot(QWidget* window, const QString& name)
    {
        const QString dir = qEnvironmentVariable("EXEMPLAR_SCREENSHOT_DIR");
        if (dir.isEmpty()) return;
        QDir().mkpath(dir);
        window->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
        QApplication::setOrganizationName(QStringLiteral("ExemplarTest"));
        QApplication::setApplicationName(QStringLiteral("ExemplarTestLabels"));
    }

    void cleanup() { app_.reset(); }

    void labelsFitAndDoNotOverlap_data()
    {
        QTest::addColumn<int>("classes");
        QTest::addColumn<QString>("plot");
        for (int classes : {2, 12, 50, 200})
            for (const char* plot : {"class means", "photos", "centrality"})
                QTest::addRow("%d classes, %s", classes, plot) << classes << QString::fromLatin1(plot);
    }

    void labelsFitAndDoNotOverlap()
    {
        QFETCH(int, classes);
        QFETCH(QString, plot);
        const bool heatmap = plot != QLatin1String("centrality");
        MainWindow* window = open(classes, heatmap ? +[](MainWindow* w) -> QWidget* { return w->heatmapView(); }
                                                   : +[](MainWindow* w) -> QWidget* { return w->histogramView(); });
        QVERIFY(window);
        QCustomPlot* shown = nullptr;
        if (heatmap) {
            if (plot == QLatin1String("class means")) window->heatmapView()->showClassMeans();
            else window->heatmapView()->showPhotos();
            shown = window->heatmapView()->plot();
        } else {
            shown = window->histogramView()->findChild<QCustomPlot*>(QStringLiteral("centralityPlot"));
        }
        QVERIFY(shown);
        settle();
        saveShot(window, QStringLiteral("labels-%1-%2").arg(classes).arg(QString(plot).replace(QLatin1Char(' '), QLatin1Char('-'))));
        const QList<DrawnLabel> labels = classLabels(shown);
        const QString problems = labelProblems(shown, labels);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        // Thinned, never emptied: a few classes all named, hundreds at least every few. In the
        // photo matrix names sit at class centres, as far apart as the classes are large: two
        // small neighbours (4 photos, 15 px at this size) cannot both be named, so most must be.
        const bool unevenlySpaced = plot == QLatin1String("photos");
        for (const QString& axis : heatmap ? QStringList{QStringLiteral("bottom"), QStringLiteral("left")} : QStringList{QStringLiteral("bottom")}) {
            const int drawn = countOn(labels, axis);
            if (classes <= 12)
                QVERIFY2(unevenlySpaced ? drawn >= classes * 3 / 4 : drawn == classes,
                         qPrintable(QStringLiteral("%1 of %2 names on the %3 axis").arg(drawn).arg(classes).arg(axis)));
            else QVERIFY2(drawn >= 8, qPrintable(QStringLiteral("only %1 names on the %2 axis").arg(drawn).arg(axis)));
        }
    }

    void everyPlotOfEveryViewFits_data()
    {
        QTest::addColumn<int>("classes");
        for (int classes : {2, 12, 50, 200}) QTest::addRow("%d classes", classes) << classes;
    }

    // Trained (the article's method, a short optimization) and with a learning curve, every tab's
    // plots on screen: no label of any axis overlaps another or is cut; then the graph's names, at
    // the class level and focused on one class with its neighbours.
    void everyPlotOfEveryViewFits()
    {
        QFETCH(int, classes);
        MainWindow* window = open(classes, [](MainWindow* w) -> QWidget* { return w->heatmapView(); });
        QVERIFY(window);
        ProjectController* controller = window->controller();
        ProjectSettings settings = controller->settings();
        settings.budget = 12;
        controller->setSettings(settings);
        controller->startTraining();
        QVERIFY(test::waitIdle(controller, 300000));
        QVERIFY(controller->training());
        controller->measureLearningCurve(QStringLiteral("centroid"));
        QVERIFY(test::waitIdle(controller, 300000));
        QVERIFY(controller->learningCurve());

        const QList<QWidget*> views{window->heatmapView(), window->histogramView(), window->optimizationView(),
                                    window->evaluationView(), window->comparisonView()};
        int plotsChecked = 0;
        for (QWidget* view : views) {
            window->tabs()->setCurrentWidget(view);
            settle();
            saveShot(window, QStringLiteral("views-%1-%2").arg(classes).arg(view->objectName()));
            for (QCustomPlot* plot : view->findChildren<QCustomPlot*>()) {
                if (!plot->isVisible()) continue;
                const QList<DrawnLabel> labels = drawnLabels(plot, Axes::All);
                const QString problems = labelProblems(plot, labels);
                QVERIFY2(problems.isEmpty(), qPrintable(plot->objectName() + QStringLiteral(": ") + problems));
                QVERIFY2(labels.size() >= 4, qPrintable(plot->objectName() + QStringLiteral(": only %1 labels").arg(labels.size())));
                // The axis titles fit beside their axes (the objective plot's was cut at 1024x600).
                for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
                    const int room = axis->orientation() == Qt::Horizontal ? axis->axisRect()->width() : axis->axisRect()->height();
                    const int needed = QFontMetrics(axis->labelFont()).horizontalAdvance(axis->label());
                    QVERIFY2(needed <= room, qPrintable(QStringLiteral("%1: axis title \"%2\" needs %3 of %4 pixels")
                                                            .arg(plot->objectName(), axis->label()).arg(needed).arg(room)));
                }
                ++plotsChecked;
            }
        }
        // heatmap, cross-class histogram, centrality, optimization, confusion matrix, learning curve
        QCOMPARE(plotsChecked, 6);

        // A click a few pixels beside an error of the confusion matrix, on an empty cell (at 200
        // classes a cell is about a pixel), lists that error's photos.
        window->tabs()->setCurrentWidget(window->evaluationView());
        settle();
        auto* matrix = window->evaluationView()->findChild<QCustomPlot*>(QStringLiteral("confusionPlot"));
        // The names leave the matrix most of its plot, however many and long they are (at 1024×600
        // long names once left a 145×95-pixel matrix in a 370×300 plot).
        const QRect cells = matrix->axisRect()->rect();
        QVERIFY2(cells.width() >= matrix->width() / 2 && cells.height() >= matrix->height() / 2,
                 qPrintable(QStringLiteral("a %1×%2 matrix in a %3×%4 plot").arg(cells.width()).arg(cells.height())
                                .arg(matrix->width()).arg(matrix->height())));
        // The per-class table: rows one line high (the style's 30 pixels showed 14 of 200 classes)
        // and, when the names need it, more than half of the width beside the matrix (names were
        // cut to "Black_…ss 001" while the matrix had room to spare).
        auto* perClass = window->evaluationView()->findChild<QTableWidget*>(QStringLiteral("perClassTable"));
        QVERIFY(perClass);
        QVERIFY2(perClass->rowHeight(0) <= perClass->fontMetrics().height() + 8,
                 qPrintable(QStringLiteral("rows %1 pixels high").arg(perClass->rowHeight(0))));
        {  // and a larger font keeps them whole
            const QFont before = window->evaluationView()->font();
            QFont larger = before;
            larger.setPointSizeF(larger.pointSizeF() * 1.5);
            window->evaluationView()->setFont(larger);
            QVERIFY2(perClass->rowHeight(0) >= QFontMetrics(larger).height(),
                     qPrintable(QStringLiteral("rows %1 pixels high for a font %2 high").arg(perClass->rowHeight(0))
                                    .arg(QFontMetrics(larger).height())));
            window->evaluationView()->setFont(before);
        }
        if (classes >= 12) {
            const int nameColumn = perClass->columnWidth(0);
            // At least as much as an axis gives a name (ClassAxisTicker: 18 average characters).
            QVERIFY2(nameColumn >= 18 * perClass->fontMetrics().averageCharWidth(),
                     qPrintable(QStringLiteral("class names get %1 pixels").arg(nameColumn)));
        }
        const auto& confusion = controller->training()->metrics.confusion;
        bool clickedBeside = false;
        for (int t = 0; t < int(confusion.size()) && !clickedBeside; ++t)
            for (int p = 0; p < int(confusion.size()) && !clickedBeside; ++p) {
                if (p == t || confusion[size_t(t)][size_t(p)] == 0) continue;
                const QPoint at(int(matrix->xAxis->coordToPixel(p)) + 3, int(matrix->yAxis->coordToPixel(t)) + 3);
                const int underP = int(std::lround(matrix->xAxis->pixelToCoord(at.x())));
                const int underT = int(std::lround(matrix->yAxis->pixelToCoord(at.y())));
                if (underP >= int(confusion.size()) || underT >= int(confusion.size()) || confusion[size_t(underT)][size_t(underP)] != 0) continue;
                QTest::mouseClick(matrix, Qt::LeftButton, Qt::NoModifier, at);
                QVERIFY(window->evaluationView()->listedPhotoCount() > 0);
                clickedBeside = true;
            }
        if (classes >= 200) QVERIFY(clickedBeside);  // pixel-sized cells and some errors: there is such a click
        if (classes >= 200) zoomPanAndClickTheConfusionMatrix(matrix, window->evaluationView(), confusion);

        GraphView* graph = window->graphView();
        window->tabs()->setCurrentWidget(graph);
        graph->setMode(GraphView::Mode::Classes);
        settle();
        saveShot(window, QStringLiteral("views-%1-graph-classes").arg(classes));
        int shown = 0;
        QString problems = graphLabelProblems(graph, &shown);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(shown, graph->visibleLabelCount());
        if (classes <= 12) QCOMPARE(shown, classes);  // a few classes: all named
        if (classes >= 200) QCOMPARE(shown, 0);       // hundreds: named only around a focus
        QTest::keyClicks(graph->legendFilter(), controller->embeddings().classNames[classes / 2]);
        settle();
        saveShot(window, QStringLiteral("views-%1-graph-focused").arg(classes));
        problems = graphLabelProblems(graph, &shown);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(shown, graph->visibleLabelCount());
        if (classes >= 200) QCOMPARE(shown, int(graph->highlightedClasses().size()));
    }

    // Class colours stay apart: classes 8 apart were the same blue (a GUI review). The closest
    // pair in RGB among the first 24 classes, and among any 8 consecutive of 200.
    void classColoursStayApart()
    {
        const auto distance = [](int a, int b) {
            const QColor x = classColor(a), y = classColor(b);
            return std::hypot(std::hypot(x.red() - y.red(), x.green() - y.green()), x.blue() - y.blue());
        };
        double closest = 1e9;
        for (int a = 0; a < 24; ++a)
            for (int b = a + 1; b < 24; ++b) closest = std::min(closest, distance(a, b));
        for (int a = 0; a < 200; ++a)
            for (int b = a + 1; b < std::min(200, a + 9); ++b) closest = std::min(closest, distance(a, b));
        QVERIFY2(closest > 40, qPrintable(QString::number(closest)));
    }

    // Zoomed into 10 of 200 classes, every one of them is named: the labels re-thin for the zoom.
    void zoomingInNamesEveryClass()
    {
        MainWindow* window = open(200, [](MainWindow* w) -> QWidget* { return w->heatmapView(); });
        QVERIFY(window);
        window->heatmapView()->showClassMeans();
        QCustomPlot* plot = window->heatmapView()->plot();
        settle();
        const int before = countOn(classLabels(plot), QStringLiteral("left"));
        QVERIFY(before < 200);
        plot->xAxis->setRange(39.5, 49.5);
        plot->yAxis->setRange(39.5, 49.5);
        plot->replot();  // as the wheel's zoom does
        settle();
        const QList<DrawnLabel> labels = classLabels(plot);
        QCOMPARE(countOn(labels, QStringLiteral("left")), 10);
        QCOMPARE(countOn(labels, QStringLiteral("bottom")), 10);
        const QString problems = labelProblems(plot, labels);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
    }

    // Of 200 boxes the axis names a few; hovering any box names its class.
    void hoveringABoxNamesItsClass()
    {
        MainWindow* window = open(200, [](MainWindow* w) -> QWidget* { return w->histogramView(); });
        QVERIFY(window);
        auto* plot = window->histogramView()->findChild<QCustomPlot*>(QStringLiteral("centralityPlot"));
        QVERIFY(plot);
        settle();
        const QString name = window->controller()->embeddings().classNames[137];
        QVERIFY(!plot->xAxis->tickVectorLabels().contains(name));  // a class the axis does not name
        QTest::mouseMove(plot, QPoint(int(plot->xAxis->coordToPixel(137)), plot->axisRect()->center().y()));
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().startsWith(name + QLatin1Char(':')), qPrintable(QToolTip::text()));
    }

    // The tallest bar of the similarity histogram stays under the axis maximum, with room for its
    // 2-pixel line (a GUI review saw it drawn above the last tick).
    void histogramBarsStayUnderTheAxisMaximum()
    {
        MainWindow* window = open(12, [](MainWindow* w) -> QWidget* { return w->histogramView(); });
        QVERIFY(window);
        auto* plot = window->histogramView()->findChild<QCustomPlot*>(QStringLiteral("crossClassPlot"));
        QVERIFY(plot);
        settle();
        QVERIFY(plot->graphCount() > 0);
        double tallest = 0;
        for (int g = 0; g < plot->graphCount(); ++g)
            for (auto it = plot->graph(g)->data()->constBegin(); it != plot->graph(g)->data()->constEnd(); ++it)
                tallest = std::max(tallest, it->value);
        QVERIFY(tallest > 0);
        const double top = plot->yAxis->range().upper;
        QVERIFY2(plot->yAxis->coordToPixel(tallest) - plot->yAxis->coordToPixel(top) >= 4,
                 qPrintable(QStringLiteral("tallest bar %1 against an axis maximum of %2").arg(tallest).arg(top)));
    }

    // A class node's card stays whole inside the canvas wherever the node is, at 1024x600 (a GUI
    // review: a card flipped left of a node near the left edge was cut there), and the canvas's
    // help tooltip waits while it is up (the two covered each other).
    void hoveringAGraphNodeShowsItsCardWhole()
    {
        MainWindow* window = open(200, [](MainWindow* w) -> QWidget* { return w->graphView(); });
        QVERIFY(window);
        window->resize(1024, 600);
        GraphView* graph = window->graphView();
        graph->setMode(GraphView::Mode::Classes);
        settle();
        auto* canvas = graph->findChild<QGraphicsView*>(QStringLiteral("graphCanvas"));
        QVERIFY(canvas);
        auto* card = canvas->viewport()->findChild<QLabel*>(QStringLiteral("nodeCard"));
        QVERIFY(card);
        const QRect room = canvas->viewport()->rect();
        // The longest name, so the card is as wide as cards get.
        const QStringList names = window->controller()->embeddings().classNames;
        int widest = 0;
        for (int c = 1; c < names.size(); ++c)
            if (names[c].size() > names[widest].size()) widest = c;
        for (const QPoint at : {QPoint(room.width() / 3, 5), QPoint(1, 1), QPoint(room.width() - 2, room.height() - 2),
                                QPoint(room.width() / 2, room.height() / 2)}) {
            graph->hoverClass(widest, at);
            QVERIFY(card->isVisible());
            if (card->wordWrap())  // wrapped only where one line would not fit, and tall enough for its lines
                QVERIFY2(card->height() >= card->heightForWidth(card->width()),
                         qPrintable(QStringLiteral("a %1x%2 card whose text needs %3")
                                        .arg(card->width()).arg(card->height()).arg(card->heightForWidth(card->width()))));
            QVERIFY2(room.contains(card->geometry()),
                     qPrintable(QStringLiteral("card at (%1, %2) %3x%4 in a %5x%6 canvas, hovered at (%7, %8)")
                                    .arg(card->x()).arg(card->y()).arg(card->width()).arg(card->height())
                                    .arg(room.width()).arg(room.height()).arg(at.x()).arg(at.y())));
        }
        QToolTip::hideText();
        QHelpEvent help(QEvent::ToolTip, QPoint(10, 10), canvas->mapToGlobal(QPoint(10, 10)));
        QApplication::sendEvent(canvas, &help);
        QVERIFY(!QToolTip::isVisible());
        graph->leaveNode();
        QApplication::sendEvent(canvas, &help);
        QTRY_VERIFY(QToolTip::isVisible());  // the help comes back with the card gone
        QToolTip::hideText();
    }

    // The class order: by name sorts the axis, the choice outlives the window, and hovering and
    // double-clicking a cell still reach the classes drawn there (not those of the folder order).
    void classOrderIsAppliedAndRemembered()
    {
        MainWindow* window = open(12, [](MainWindow* w) -> QWidget* { return w->heatmapView(); });
        QVERIFY(window);
        HeatmapView* heatmap = window->heatmapView();
        heatmap->showClassMeans();
        heatmap->setClassOrder(HeatmapView::ClassOrder::Folder);
        heatmap->setClassOrder(HeatmapView::ClassOrder::Name);
        const QStringList names = window->controller()->embeddings().classNames;
        QStringList shown;
        for (int c : heatmap->classOrder()) shown << names[c];
        QStringList sorted = shown;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(shown, sorted);
        QVERIFY(heatmap->classOrder() != std::vector<int>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));  // names are not in folder order

        // A new window starts with the order chosen last.
        const std::vector<int> byName = heatmap->classOrder();
        window = open(12, [](MainWindow* w) -> QWidget* { return w->heatmapView(); });
        QVERIFY(window);
        heatmap = window->heatmapView();
        heatmap->showClassMeans();
        QCOMPARE(heatmap->classOrder(), byName);

        // Cell (column 1, row 2) is the pair of the second and third classes in that order.
        QCustomPlot* plot = heatmap->plot();
        settle();
        const QPoint cell(int(plot->xAxis->coordToPixel(1)), int(plot->yAxis->coordToPixel(2)));
        QTest::mouseMove(plot, cell);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(names[byName[2]]) && QToolTip::text().contains(names[byName[1]]),
                 qPrintable(QToolTip::text()));
        QTest::mouseDClick(plot, Qt::LeftButton, Qt::NoModifier, cell);
        QVERIFY(!heatmap->showsClassMeans());
        QCOMPARE(heatmap->cellRows(), photosIn(byName[2]));
        QCOMPARE(heatmap->cellColumns(), photosIn(byName[1]));
        heatmap->setClassOrder(HeatmapView::ClassOrder::Similarity);  // leave the default for other runs
    }
};

QTEST_MAIN(TestGuiLabels)
#include "tst_gui_labels.moc"
