#include "views/FigureText.h"

#include <QCoreApplication>

namespace exemplar::ui {

QString percentText(double fraction) { return QString::number(100.0 * fraction, 'f', 1) + QLatin1Char('%'); }

QString percentWithInterval(double fraction, const std::optional<ProportionInterval>& interval)
{
    // A project saved before the interval was computed has none: the figure alone, not a made-up range.
    if (!interval) return percentText(fraction);
    return QCoreApplication::translate("FigureText", "%1 (95% interval %2 to %3)")
        .arg(percentText(fraction), percentText(interval->low), percentText(interval->high));
}

} // namespace exemplar::ui
