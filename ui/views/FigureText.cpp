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

QString missingHeldOutNote(int missing, int scored)
{
    if (missing <= 0) return QString();
    return QCoreApplication::translate("FigureText",
                                       " %n of the held-out photos are no longer among the project's photos (a class "
                                       "folder moved or deleted, or photos excluded since training), so the figures "
                                       "are on the other %1; train again for figures on today's photos.",
                                       nullptr, missing)
        .arg(scored);
}

} // namespace exemplar::ui
