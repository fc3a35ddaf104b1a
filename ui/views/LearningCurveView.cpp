#include "views/LearningCurveView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace exemplar::ui {

namespace {

enum Graph { Measured, Fitted, Predicted };

double sampleSd(const std::vector<double>& values, double mean)
{
    if (values.size() < 2) return 0;
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    return std::sqrt(squares / double(values.size() - 1));
}

} // namespace

LearningCurveView::LearningCurveView(ProjectController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("learningCurveView"));
    measure_ = new QPushButton(tr("How many more photos?"), this);
    measure_->setObjectName(QStringLiteral("measureLearningCurve"));
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("learningCurveSummary"));
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::PlainText);  // a curve read from a project says why it is not fitted: text, never markup
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    plot_ = createPlot(this);
    plot_->setObjectName(QStringLiteral("learningCurvePlot"));
    plot_->setMinimumHeight(180);
    plot_->xAxis->setLabel(tr("photos per class"));
    QSharedPointer<QCPAxisTickerFixed> wholePhotos(new QCPAxisTickerFixed);  // no "2.5 photos"
    wholePhotos->setTickStep(1.0);
    wholePhotos->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(wholePhotos);
    plot_->yAxis->setLabel(tr("left-out accuracy (%)"));  // the longer title was cut at 1100x700
    showLegendBelow(plot_, 3);
    QCPGraph* measured = plot_->addGraph();
    measured->setName(tr("measured (mean ± sd of the trials)"));
    measured->setLineStyle(QCPGraph::lsNone);
    measured->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(70, 130, 200), 7));
    QCPGraph* fitted = plot_->addGraph();
    fitted->setName(tr("fitted"));
    fitted->setPen(QPen(QColor(70, 130, 200), 1.5, Qt::DashLine));
    QCPGraph* predicted = plot_->addGraph();
    predicted->setName(tr("expected (95% range)"));
    predicted->setLineStyle(QCPGraph::lsNone);
    predicted->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(230, 110, 40), 10));
    const auto errorBars = [this](Graph g, const QColor& color) {
        auto* bars = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(plot_->graph(g));
        bars->setPen(QPen(color, 1.5));
        return bars;
    };
    measuredSpread_ = errorBars(Measured, QColor(70, 130, 200));
    expectedRange_ = errorBars(Predicted, QColor(230, 110, 40));
    applyPlotTheme(plot_);

    auto* bar = new QHBoxLayout;
    bar->addWidget(measure_);
    bar->addWidget(summary_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(plot_, 1);

    connect(measure_, &QPushButton::clicked, this,
            [this] { controller_->measureLearningCurve(controller_->learningCurveMethod()); });
    connect(controller_, &ProjectController::learningCurveChanged, this, &LearningCurveView::refresh);
    connect(controller_, &ProjectController::comparisonChanged, this, &LearningCurveView::updateButton);
    connect(controller_, &ProjectController::settingsChanged, this, &LearningCurveView::updateButton);
    connect(controller_, &ProjectController::embeddingsChanged, this, &LearningCurveView::updateButton);
    connect(controller_, &ProjectController::busyChanged, this, &LearningCurveView::updateButton);
    refresh();
}

void LearningCurveView::updateButton()
{
    const bool ready = !controller_->isBusy() && controller_->embeddings().size() > 0;
    measure_->setEnabled(ready);
    measure_->setToolTip(
        ready ? tr("Train %1 on 1 to (photos per class − 1) of your photos per class, score it on the rest, and "
                   "extrapolate: what more photos per class would give")
                    .arg(controller_->learningCurveMethod())
              : tr("Add class folders first; the curve is measured on your labeled photos"));
}

void LearningCurveView::showPlot(bool shown)
{
    plot_->setVisible(shown);
    // Without its plot the view is a line of text: it gives the room it was granted in the Methods
    // tab back to the comparison table, whose ★ row was below its fold (a GUI review).
    setSizePolicy(QSizePolicy::Preferred, shown ? QSizePolicy::Expanding : QSizePolicy::Maximum);
}

void LearningCurveView::refresh()
{
    updateButton();
    for (int g = 0; g < plot_->graphCount(); ++g) plot_->graph(g)->data()->clear();
    measuredSpread_->data()->clear();
    expectedRange_->data()->clear();
    const LearningCurve* curve = controller_->learningCurve();
    if (!curve) {
        summary_->setText(tr("How accuracy grows with photos per class, measured on your photos: what labeling "
                             "more would buy."));
        showPlot(false);
        return;
    }
    showPlot(true);
    QVector<double> x, y, spread;
    for (const LearningCurvePoint& p : curve->points) {
        const double mean = p.meanAccuracy();
        x << p.photosPerClass;
        y << 100 * mean;
        spread << 100 * sampleSd(p.accuracies, mean);
    }
    plot_->graph(Measured)->setData(x, y, true);
    measuredSpread_->setData(spread);
    const double right = curve->photosPerClass + curve->extraPhotos;
    if (curve->fitted) {
        QVector<double> fx, fy;
        // Quarter steps, or about 400 points when the axis is long: smooth either way.
        const double step = std::max(0.25, right / 400);
        for (double m = 1; m <= right + 1e-9; m += step) {
            fx << m;
            fy << 100 * curve->accuracyAt(m);
        }
        plot_->graph(Fitted)->setData(fx, fy, true);
        const QVector<double> px{double(curve->photosPerClass), right};
        const QVector<double> py{100 * curve->expectedNow, 100 * curve->expectedMore};
        plot_->graph(Predicted)->setData(px, py, true);
        expectedRange_->setData({100 * (curve->expectedNow - curve->expectedNowLow), 100 * (curve->expectedMore - curve->expectedMoreLow)},
                       {100 * (curve->expectedNowHigh - curve->expectedNow), 100 * (curve->expectedMoreHigh - curve->expectedMore)});
    }
    plot_->graph(Fitted)->setName(curve->fitted ? tr("fitted: %1").arg(curve->law.formula()) : tr("fitted"));
    const QString method = curve->chosenBy.isEmpty()
                               ? curve->method
                               : tr("%1, which %2 chose on these same photos, so the curve may run a little high")
                                     .arg(curve->method, curve->chosenBy);
    summary_->setText(curve->fitted ? tr("%1 (method: %2)").arg(curve->summary(), method) : curve->summary());
    plot_->xAxis->setRange(0.5, right + 0.5);
    double low = 100, high = 0;
    for (int i = 0; i < y.size(); ++i) {
        low = std::min(low, y[i] - spread[i]);
        high = std::max(high, y[i] + spread[i]);
    }
    if (curve->fitted) {
        low = std::min(low, 100 * curve->expectedNowLow);
        high = std::max(high, 100 * curve->expectedMoreHigh);
    }
    plot_->yAxis->setRange(std::max(0.0, low - 3), std::min(100.0, high + 3));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace exemplar::ui
