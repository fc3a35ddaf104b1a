#include "plots/ClassAxisTicker.h"

#include <QFontMetricsF>
#include <QTransform>
#include <QtMath>
#include <algorithm>
#include <cmath>
#include <limits>

namespace exemplar::ui {

namespace {

constexpr double kLabelGap = 1;  // pixels between neighbouring labels: as between lines of text
constexpr double kShortestName = 18;  // average characters a name keeps however small the plot
// Replots in a row, at one plot size, asked for by a changed axis length: the bound stops margins
// and names that would keep trading places (a plot squeezed to a few dozen pixels does).
constexpr int kMaxPassesInARow = 4;

// The font QCustomPlot measures tick labels with (it adds 0.05 pt against a rounding bug).
QFont measuredFont(const QCPAxis* axis)
{
    QFont font = axis->tickLabelFont();
    if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() + 0.05);
    return font;
}

// The extent of a label along the axis, in pixels relative to its tick, as QCustomPlot places an
// outside label on a bottom or left axis (see QCPAxisPainterPrivate::getTickLabelDrawOffset): the
// text box rotated about its anchor corner.
std::pair<double, double> alongAxisExtent(const QCPAxis* axis, const QSizeF& text)
{
    const double rotation = axis->tickLabelRotation();
    const double radians = qDegreesToRadians(rotation);
    const double w = text.width(), h = text.height();
    QPointF offset;
    const bool horizontal = axis->orientation() == Qt::Horizontal;
    if (qFuzzyIsNull(rotation)) {
        offset = horizontal ? QPointF(-w / 2, 0) : QPointF(-w, -h / 2);
    } else if (horizontal) {
        offset = rotation > 0 ? QPointF(std::sin(radians) * h / 2, 0)
                              : QPointF(-std::cos(-radians) * w - std::sin(-radians) * h / 2, std::sin(-radians) * w);
    } else {
        const bool flip = qFuzzyCompare(qAbs(rotation), 90.0);
        offset = rotation > 0 ? QPointF(-std::cos(radians) * w,
                                        flip ? -w / 2 : -std::sin(radians) * w - std::cos(radians) * h / 2)
                              : QPointF(-std::cos(-radians) * w - std::sin(-radians) * h,
                                        flip ? w / 2 : std::sin(-radians) * w - std::cos(-radians) * h / 2);
    }
    QTransform transform;
    transform.translate(offset.x(), offset.y());
    transform.rotate(rotation);
    const QRectF box = transform.mapRect(QRectF(0, 0, w, h));
    return horizontal ? std::make_pair(box.left(), box.right()) : std::make_pair(box.top(), box.bottom());
}

} // namespace

ClassAxisTicker::ClassAxisTicker(QCPAxis* axis, double preferredRotation)
    : axis_(axis), preferredRotation_(preferredRotation)
{
}

void ClassAxisTicker::setClassNames(const QVector<double>& positions, const QStringList& names)
{
    clear();
    fullNames_.clear();
    for (int i = 0; i < positions.size() && i < names.size(); ++i) {
        fullNames_.insert(positions[i], names[i]);
        addTick(positions[i], names[i]);
    }
}

void ClassAxisTicker::fitNamesToPlot()
{
    if (!axis_ || fullNames_.isEmpty()) return;
    // Across a horizontal axis a name reaches |sin α| of its width (α: its rotation); across a
    // vertical one, where names run sideways, all of it.
    const QSize plot = axis_->parentPlot()->viewport().size();
    const bool horizontal = axis_->orientation() == Qt::Horizontal;
    const double across = horizontal ? std::abs(std::sin(qDegreesToRadians(axis_->tickLabelRotation()))) : 1.0;
    if (across < 0.2) {  // names along the axis: thinning alone keeps them apart
        for (auto it = fullNames_.constBegin(); it != fullNames_.constEnd(); ++it) mTicks[it.key()] = it.value();
        return;
    }
    const QFontMetricsF metrics(measuredFont(axis_));
    // Never below about 18 average characters, which still tell "Painted_Bunting 136" from
    // "Red_winged…bird 041": shorter names say nothing, whatever room they save.
    const double budget = std::max(kNameShareOfPlot * (horizontal ? plot.height() : plot.width()) / across,
                                   kShortestName * metrics.averageCharWidth());
    for (auto it = fullNames_.constBegin(); it != fullNames_.constEnd(); ++it)
        mTicks[it.key()] = metrics.elidedText(it.value(), Qt::ElideMiddle, budget);
}

int ClassAxisTicker::classesIn(const QCPRange& range) const
{
    return int(std::distance(mTicks.lowerBound(range.lower), mTicks.upperBound(range.upper)));
}

double ClassAxisTicker::axisLength() const
{
    if (!axis_ || !axis_->axisRect()) return 0;
    return axis_->orientation() == Qt::Horizontal ? axis_->axisRect()->width() : axis_->axisRect()->height();
}

double ClassAxisTicker::requiredSpacing(const QString& a, const QString& b) const
{
    const QFontMetricsF metrics(measuredFont(axis_));
    const double h = metrics.height();
    const double w = std::max(metrics.horizontalAdvance(a), metrics.horizontalAdvance(b));
    // Two labels of the same rotation, D apart along the axis, are D·|sin α| apart across their
    // text and D·|cos α| along it (α: text direction against the axis): either gap separates them.
    const double alpha = qDegreesToRadians(axis_->tickLabelRotation() - (axis_->orientation() == Qt::Horizontal ? 0 : 90));
    const double across = std::abs(std::sin(alpha)), along = std::abs(std::cos(alpha));
    double spacing = std::numeric_limits<double>::infinity();
    if (across > 1e-3) spacing = std::min(spacing, (h + kLabelGap) / across);
    if (along > 1e-3) spacing = std::min(spacing, (w + kLabelGap) / along);
    return spacing;
}

QVector<double> ClassAxisTicker::thinned(const QCPRange& range) const
{
    // Greedy over all classes from the first (not from the first visible one), so that panning
    // keeps the same names on screen instead of shifting which k-th names are drawn.
    QVector<double> kept;
    double lastPixel = 0;
    QString lastText;
    for (auto it = mTicks.constBegin(); it != mTicks.constEnd(); ++it) {
        const double pixel = axis_->coordToPixel(it.key());
        if (!kept.isEmpty() && std::abs(pixel - lastPixel) < requiredSpacing(lastText, it.value())) continue;
        kept << it.key();
        lastPixel = pixel;
        lastText = it.value();
    }
    QVector<double> visible;
    for (double tick : kept)
        if (range.contains(tick)) visible << tick;
    return visible;
}

void ClassAxisTicker::reserveMargins(const QVector<double>& ticks) const
{
    // Enough margin that every drawn label stays inside the axis rect's outer rect on both ends.
    QCPAxisRect* rect = axis_->axisRect();
    const QFontMetricsF metrics(measuredFont(axis_));
    const bool horizontal = axis_->orientation() == Qt::Horizontal;
    const double start = horizontal ? rect->left() : rect->top();
    const double end = horizontal ? rect->right() : rect->bottom();
    double before = 0, after = 0;
    for (double tick : ticks) {
        const QString text = mTicks.value(tick);
        const auto [low, high] = alongAxisExtent(axis_, QSizeF(metrics.horizontalAdvance(text), metrics.height()));
        const double pixel = axis_->coordToPixel(tick);
        before = std::max(before, start - (pixel + low));
        after = std::max(after, pixel + high - end);
    }
    // The margin is measured from the axis rect to its outer rect, where QCustomPlot drops labels.
    const auto needed = [](double overhang) { return overhang > 0 ? int(std::ceil(overhang)) + 2 : 0; };
    QMargins minimum = rect->minimumMargins();
    if (horizontal) {
        minimum.setLeft(needed(before));
        minimum.setRight(needed(after));
    } else {
        minimum.setTop(needed(before));
        minimum.setBottom(needed(after));
    }
    rect->setMinimumMargins(minimum);
}

QVector<double> ClassAxisTicker::createTickVector(double tickStep, const QCPRange& range)
{
    Q_UNUSED(tickStep)
    if (!axis_ || !axis_->axisRect()) return QCPAxisTickerText::createTickVector(tickStep, range);
    thinnedAtLength_ = std::max(0.0, axisLength());
    // No length yet (a widget not laid out, or margins wider than it): no names. Drawing them all
    // would set margins so wide that the axis never gets a length; after the layout gives it one,
    // wantsAnotherPass asks for the replot that names what fits.
    if (thinnedAtLength_ <= 0) return {};
    axis_->setTickLabelRotation(preferredRotation_);
    fitNamesToPlot();
    QVector<double> ticks = thinned(range);
    if (axis_->orientation() == Qt::Horizontal && ticks.size() < classesIn(range) && !qFuzzyCompare(preferredRotation_, -90.0)) {
        axis_->setTickLabelRotation(-90);
        fitNamesToPlot();
        const QVector<double> upright = thinned(range);
        if (upright.size() > ticks.size()) {
            ticks = upright;
        } else {
            axis_->setTickLabelRotation(preferredRotation_);
            fitNamesToPlot();
        }
    }
    reserveMargins(ticks);
    return ticks;
}

bool ClassAxisTicker::wantsAnotherPass()
{
    // A plot not laid out yet (hidden tab) has no length to thin for: not a pass, so that the
    // passes are still there when it is shown.
    const bool stale = axis_ && thinnedAtLength_ >= 0 && axisLength() > 0 && std::abs(axisLength() - thinnedAtLength_) > 0.5;
    // A new plot size is a new start: the bound is on passes at one size.
    const QSize size = axis_ ? axis_->parentPlot()->viewport().size() : QSize();
    if (size != passesAtSize_) passesInARow_ = 0;
    passesAtSize_ = size;
    passesInARow_ = stale ? passesInARow_ + 1 : 0;
    return stale && passesInARow_ <= kMaxPassesInARow;
}

} // namespace exemplar::ui
