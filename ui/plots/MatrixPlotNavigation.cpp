#include "plots/MatrixPlotNavigation.h"

#include <QApplication>
#include <algorithm>
#include <cmath>

namespace exemplar::ui {

namespace {

// Keeps AXIS within [LOW, HIGH]: panning and zooming never leave the matrix.
void clampRange(QCPAxis* axis, double low, double high)
{
    const QCPRange range = axis->range();
    const double size = std::min(range.size(), high - low);
    const double lower = std::clamp(range.lower, low, high - size);
    if (!qFuzzyCompare(lower, range.lower) || !qFuzzyCompare(size, range.size())) axis->setRange(lower, lower + size);
}

} // namespace

MatrixPlotNavigation::MatrixPlotNavigation(QCustomPlot* plot, QCPColorMap* map) : QObject(plot), plot_(plot), map_(map)
{
    plot_->setInteractions(plot_->interactions() | QCP::iRangeDrag | QCP::iRangeZoom);
    // Ticks point out of the matrix: drawn inward, they crossed the edge cells and their counts
    // (a confusion matrix read "-3" in its first column, a GUI review).
    for (QCPAxis* axis : plot_->axisRect()->axes()) {
        axis->setTickLength(0, 4);
        axis->setSubTickLength(0, 2);
    }
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis})
        connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &MatrixPlotNavigation::keepInside);
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) { pressedAt_ = event->pos(); });
    connect(plot_, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
        const bool moved = (event->pos() - pressedAt_).manhattanLength() > QApplication::startDragDistance();
        if (!moved && event->button() == Qt::LeftButton) Q_EMIT cellClicked(event);
    });
}

void MatrixPlotNavigation::showWholeMatrix()
{
    plot_->xAxis->setRange(-0.5, map_->data()->keySize() - 0.5);
    plot_->yAxis->setRange(-0.5, map_->data()->valueSize() - 0.5);
}

QSizeF MatrixPlotNavigation::cellSize() const
{
    return {std::abs(plot_->xAxis->coordToPixel(1) - plot_->xAxis->coordToPixel(0)),
            std::abs(plot_->yAxis->coordToPixel(1) - plot_->yAxis->coordToPixel(0))};
}

void MatrixPlotNavigation::keepInside()
{
    const int columns = map_->data()->keySize(), rows = map_->data()->valueSize();
    if (columns <= 0 || rows <= 0) return;
    clampRange(plot_->xAxis, -0.5, columns - 0.5);
    clampRange(plot_->yAxis, -0.5, rows - 0.5);
}

} // namespace exemplar::ui
