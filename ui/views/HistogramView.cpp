#include "views/HistogramView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "widgets/SpaceSwitch.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace exemplar::ui {

namespace {

QCPGraph* addDensity(QCustomPlot* plot, const Histogram& histogram, const QString& name, const QColor& color)
{
    QVector<double> x, y;
    for (int b = 0; b < histogram.bins(); ++b) {
        x << histogram.center(b);
        y << histogram.density(b);
    }
    QCPGraph* graph = plot->addGraph();
    graph->setName(QStringLiteral("%1 (%2 pairs)").arg(name).arg(qint64(histogram.total)));
    graph->setData(x, y, true);
    graph->setLineStyle(QCPGraph::lsStepCenter);
    graph->setPen(QPen(color, 2));
    QColor fill = color;
    fill.setAlpha(60);
    graph->setBrush(fill);
    return graph;
}

double quantile(std::vector<double> values, double q)
{
    if (values.empty()) return 0;
    const size_t at = std::min(values.size() - 1, size_t(q * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + long(at), values.end());
    return values[at];
}

double mean(const Histogram& h)
{
    double sum = 0;
    for (int b = 0; b < h.bins(); ++b) sum += h.counts[size_t(b)] * h.center(b);
    return h.total > 0 ? sum / h.total : 0;
}

} // namespace

HistogramView::HistogramView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("histogramView"));
    similarityPlot_ = createPlot(this);
    similarityPlot_->setObjectName(QStringLiteral("crossClassPlot"));
    similarityPlot_->plotLayout()->insertRow(0);
    similarityPlot_->plotLayout()->addElement(0, 0, new QCPTextElement(similarityPlot_, tr("Cross-class similarity (pairs of photos from different classes)"), QFont(font().family(), 10, QFont::Bold)));
    similarityPlot_->xAxis->setLabel(tr("cosine similarity"));
    similarityPlot_->yAxis->setLabel(tr("density"));
    similarityPlot_->legend->setVisible(true);
    centralityPlot_ = createPlot(this);
    centralityPlot_->setObjectName(QStringLiteral("centralityPlot"));
    centralityPlot_->plotLayout()->insertRow(0);
    centralityPlot_->plotLayout()->addElement(0, 0, new QCPTextElement(centralityPlot_, tr("Eigenvector centrality per class (whole graph)"), QFont(font().family(), 10, QFont::Bold)));
    centralityPlot_->yAxis->setLabel(tr("centrality"));
    applyPlotTheme(similarityPlot_);
    applyPlotTheme(centralityPlot_);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(similarityPlot_);
    splitter->addWidget(centralityPlot_);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Space:"), this));
    bar->addWidget(new SpaceSwitch(controller_, this));
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    layout->addWidget(summary_);
    connect(centralityPlot_, &QCustomPlot::mouseMove, this, &HistogramView::showBoxTip);
    connect(controller_, &ProjectController::analysisChanged, this, &HistogramView::refresh);
    connect(controller_, &ProjectController::trainingChanged, this, &HistogramView::refresh);
    refresh();
}

QList<PlotHandle> HistogramView::plots() const
{
    return {plotHandle(similarityPlot_, QStringLiteral("cross-class-histogram")),
            plotHandle(centralityPlot_, QStringLiteral("centrality-per-class"))};
}

void HistogramView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) refresh();  // box pens follow the palette
}

int HistogramView::curveCount() const { return similarityPlot_->graphCount(); }

void HistogramView::refresh()
{
    similarityPlot_->clearGraphs();
    centralityPlot_->clearPlottables();
    boxes_.clear();
    const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    if (!analysis || analysis->size != set.size() || set.size() == 0) {
        summary_->setText(tr("Add class folders to see the similarity distributions."));
        similarityPlot_->replot();
        centralityPlot_->replot();
        return;
    }
    const QPalette pal = palette();
    similarityPlot_->xAxis->setLabel(controller_->viewedSpaceName());
    addDensity(similarityPlot_, analysis->crossClass, tr("all photos"), QColor(70, 130, 200));
    QString text = tr("Mean cross-class similarity: all photos %1").arg(mean(analysis->crossClass), 0, 'f', 3);
    if (const Histogram* kept = controller_->viewedKeptCrossClass()) {
        addDensity(similarityPlot_, *kept, tr("kept references"), QColor(230, 110, 40));
        text += tr(", kept references %1. Lower is better: the article keeps the least central photos so that "
                   "references of different classes look less alike.").arg(mean(*kept), 0, 'f', 3);
    } else if (const TrainingOutcome* trained = controller_->training(); trained && trained->keptRows.empty()) {
        // A method whose references are class means or weights keeps no photo (a review read
        // "train a reference set" beside a trained one).
        text += tr(". The trained set (%1) keeps no photos as references: its references are computed from all its "
                   "training photos, so there is nothing to overlay.").arg(trained->set.method);
    } else {
        text += tr(". Train a reference set to overlay the kept references.");
    }
    summary_->setText(text);
    similarityPlot_->rescaleAxes();
    // Headroom above the tallest bar: at the axis maximum its 2-pixel line was drawn above the
    // last tick, outside the axis (a GUI review).
    similarityPlot_->yAxis->setRange(0, similarityPlot_->yAxis->range().upper * 1.08);
    // The bins span every possible cosine; show the part that has pairs.
    int first = analysis->crossClass.bins(), last = 0;
    for (int b = 0; b < analysis->crossClass.bins(); ++b)
        if (analysis->crossClass.counts[size_t(b)] > 0) {
            first = std::min(first, b);
            last = std::max(last, b);
        }
    if (first <= last)
        similarityPlot_->xAxis->setRange(analysis->crossClass.center(first) - 0.05, analysis->crossClass.center(last) + 0.05);

    // Centrality per class as box plots (whiskers at the 5th/95th percentile).
    auto* boxes = new QCPStatisticalBox(centralityPlot_->xAxis, centralityPlot_->yAxis);
    boxes->setWidth(0.6);
    QVector<double> positions;
    for (int c = 0; c < set.classCount(); ++c) {
        std::vector<double> values;
        for (int i = 0; i < set.size(); ++i)
            if (set.labels[size_t(i)] == c) values.push_back(analysis->centrality[i]);
        if (values.empty()) continue;
        boxes->addData(c, quantile(values, 0.05), quantile(values, 0.25), quantile(values, 0.5), quantile(values, 0.75),
                       quantile(values, 0.95));
        boxes_.push_back({double(c), set.classNames.value(c), int(values.size()), quantile(values, 0.25),
                          quantile(values, 0.5), quantile(values, 0.75)});
        positions << c;
    }
    QColor boxFill = pal.color(QPalette::Highlight);
    boxFill.setAlpha(90);
    boxes->setBrush(boxFill);
    boxes->setPen(QPen(pal.color(QPalette::WindowText)));
    boxes->setMedianPen(QPen(pal.color(QPalette::WindowText), 2));
    boxes->setWhiskerPen(QPen(pal.color(QPalette::WindowText)));
    boxes->setWhiskerBarPen(QPen(pal.color(QPalette::WindowText)));
    int longest = 0;
    for (const QString& name : set.classNames) longest = std::max(longest, int(name.size()));
    setClassTicks(centralityPlot_->xAxis, positions, set.classNames, longest * set.classCount() > 70 ? -35 : 0);
    centralityPlot_->rescaleAxes();
    centralityPlot_->xAxis->setRange(-0.7, set.classCount() - 0.3);
    const QCPRange y = centralityPlot_->yAxis->range();
    centralityPlot_->yAxis->setRange(y.lower - 0.05 * y.size(), y.upper + 0.05 * y.size());
    similarityPlot_->replot();
    centralityPlot_->replot();
}

void HistogramView::showBoxTip(QMouseEvent* event)
{
    const double at = centralityPlot_->xAxis->pixelToCoord(event->pos().x());
    const auto box = std::find_if(boxes_.begin(), boxes_.end(), [at](const BoxSummary& b) { return std::abs(b.position - at) <= 0.4; });
    if (box == boxes_.end() || !centralityPlot_->axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1: %2 photos, centrality median %3 (quartiles %4–%5)")
                           .arg(box->name)
                           .arg(box->photos)
                           .arg(box->median, 0, 'g', 3)
                           .arg(box->lowerQuartile, 0, 'g', 3)
                           .arg(box->upperQuartile, 0, 'g', 3),
                       centralityPlot_);
}

} // namespace exemplar::ui
