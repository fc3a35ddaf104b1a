#pragma once
// How the window words a figure: a share as a percentage, and with its 95% interval where one is
// known ("87.6% (95% interval 84.0% to 90.6%)"). One wording for every view that shows held-out
// figures.
#include "Metrics.h"

#include <QString>
#include <optional>

namespace exemplar::ui {

QString percentText(double fraction);
QString percentWithInterval(double fraction, const std::optional<ProportionInterval>& interval);
// What a held-out figure rests on when MISSING of the set's held-out photos are no longer among
// the project's photos (its figures are then on the SCORED others); empty when none is missing.
QString missingHeldOutNote(int missing, int scored);

} // namespace exemplar::ui
