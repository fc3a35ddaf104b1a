#include "plots/PlotTheme.h"

#include "plots/ClassAxisTicker.h"

#include <QEvent>
#include <QFontMetrics>
#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace exemplar::ui {

namespace {

class PaletteWatcher : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::PaletteChange) {
            auto* plot = static_cast<QCustomPlot*>(watched);
            applyPlotTheme(plot);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
        return false;
    }
};

void styleAxis(QCPAxis* axis, const QPalette& palette)
{
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
    // Half a line below the axis: a bottom label at the left end then clears the left axis' label
    // at the bottom end (drawn centred on the corner), as "-0.2" and "0" otherwise touch.
    if (axis->axisType() == QCPAxis::atBottom)
        axis->setTickLabelPadding(std::max(axis->tickLabelPadding(), QFontMetrics(axis->tickLabelFont()).height() / 2 + 1));
}

// Numbers on an axis as densely as its length allows. QCustomPlot aims at five ticks at any
// length, so a plot squeezed to a few lines (a box plot under 200 upright class names) wrote its
// numbers over each other. Runs after each layout, when the lengths are known; a change replots once.
void fitNumericTickCounts(QCustomPlot* plot)
{
    constexpr int kMostTicks = 5;  // QCustomPlot's own aim, enough for any length
    bool changed = false;
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes()) {
            if (axis->ticker().dynamicCast<QCPAxisTickerText>()) continue;  // class names thin themselves
            const int line = QFontMetrics(axis->tickLabelFont()).height();
            // Room along the axis per label: upright numbers stack by their height, side by side
            // numbers need about their width ("0.025") plus a gap.
            const double room = axis->orientation() == Qt::Vertical ? 2.0 * line : 4.0 * line;
            const int length = axis->orientation() == Qt::Vertical ? rect->height() : rect->width();
            const int wanted = std::clamp(int(length / room), 1, kMostTicks);
            if (axis->ticker()->tickCount() != wanted) {
                axis->ticker()->setTickCount(wanted);
                changed = true;
            }
        }
    if (changed) plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace

QCustomPlot* createPlot(QWidget* parent)
{
    auto* plot = new QCustomPlot(parent);
    plot->installEventFilter(new PaletteWatcher(plot));
    plot->setNoAntialiasingOnDrag(true);
    QObject::connect(plot, &QCustomPlot::afterLayout, plot, [plot] { fitNumericTickCounts(plot); });
    applyPlotTheme(plot);
    return plot;
}

void applyPlotTheme(QCustomPlot* plot)
{
    const QPalette palette = plot->palette();
    plot->setBackground(palette.brush(QPalette::Window));
    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(palette.brush(QPalette::Base));
        for (QCPAxis* axis : rect->axes()) styleAxis(axis, palette);
    }
    if (plot->legend) {
        plot->legend->setBrush(palette.brush(QPalette::Base));
        plot->legend->setTextColor(palette.color(QPalette::Text));
        plot->legend->setBorderPen(QPen(palette.color(QPalette::Mid)));
    }
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
            title->setTextColor(palette.color(QPalette::WindowText));
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* scale = qobject_cast<QCPColorScale*>(plot->plotLayout()->elementAt(i))) styleAxis(scale->axis(), palette);
}

void showLegendBelow(QCustomPlot* plot, int columns)
{
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->take(plot->legend);
    QCPLayoutGrid* layout = plot->plotLayout();
    const int row = layout->rowCount();
    layout->addElement(row, 0, plot->legend);
    layout->setRowStretchFactor(row, 0.001);  // as tall as its entries; the axes take the rest
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(columns);
    plot->legend->setMargins(QMargins(0, 0, 0, 0));
    plot->legend->setRowSpacing(0);
}

QColor classColor(int classIndex)
{
    // Golden-ratio hue steps keep neighbouring classes apart for any number of classes.
    // An index read from a damaged file may be negative: the hue wraps, the parities use |index|.
    double hue = std::fmod(0.07 + 0.618033988749895 * classIndex, 1.0);
    if (hue < 0) hue += 1.0;
    // The hues of classes 8 apart (and 13, 21: the golden ratio's Fibonacci returns) are only
    // 7–20° apart, so saturation and brightness vary too. With two levels each on periods 2 and
    // 4, classes 9 and 17 were the same blue (a GUI review). These levels and periods were chosen
    // by the closest pair in RGB among the first 24 classes, and among any 8 consecutive of 200:
    // 46 and 46 (of 441), against 32 and 31 before.
    const long long magnitude = std::llabs(static_cast<long long>(classIndex));
    static constexpr int kSaturation[] = {240, 140, 190};
    static constexpr int kValue[] = {235, 185};
    return QColor::fromHsv(int(hue * 359), kSaturation[magnitude % 3], kValue[(magnitude / 3) % 2]);
}

QCPColorGradient similarityGradient()
{
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(68, 1, 84));
    gradient.setColorStopAt(0.25, QColor(59, 82, 139));
    gradient.setColorStopAt(0.5, QColor(33, 145, 140));
    gradient.setColorStopAt(0.75, QColor(94, 201, 98));
    gradient.setColorStopAt(1.0, QColor(253, 231, 37));
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    return gradient;
}

void setClassTicks(QCPAxis* axis, const QVector<double>& positions, const QStringList& names, double rotation)
{
    QSharedPointer<ClassAxisTicker> ticker(new ClassAxisTicker(axis, rotation));
    QStringList shortened;
    for (QString name : names) {
        // Long names lose their middle: fine-grained classes often share a start and differ at the
        // end ("Black_footed_Albatross 001" and "… 008"), which end elision would hide. The ticker
        // shortens them further where the plot is small.
        if (name.size() > 24) name = name.left(11) + QStringLiteral("…") + name.right(12);
        shortened << name;
    }
    ticker->setClassNames(positions, shortened);
    axis->setTicker(ticker);
    axis->setTickLabelRotation(rotation);
    axis->setSubTicks(false);
    // The ticker thins for the axis length of the previous layout (QCustomPlot makes ticks before
    // it lays out); when the layout changed that length, one more replot thins for the new one.
    // One connection per axis, to whichever class ticker it has then.
    static const char* const kWatched = "exemplarClassTicksWatched";
    if (!axis->property(kWatched).toBool()) {
        axis->setProperty(kWatched, true);
        QCustomPlot* plot = axis->parentPlot();
        QObject::connect(plot, &QCustomPlot::afterLayout, axis, [axis, plot] {
            const auto current = axis->ticker().dynamicCast<ClassAxisTicker>();
            if (current && current->wantsAnotherPass()) plot->replot(QCustomPlot::rpQueuedReplot);
        });
    }
}

} // namespace exemplar::ui
