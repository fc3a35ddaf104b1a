#pragma once
// Shared look of every plot: colours follow the application palette (light or dark) and are
// re-applied when it changes; class colours and the similarity colour scale are the same in
// every view so that a class is recognisable everywhere.
#include "plots/QCustomPlotInclude.h"

#include <QColor>

namespace exemplar::ui {

// A QCustomPlot styled from its palette, restyled on every palette change.
QCustomPlot* createPlot(QWidget* parent);
void applyPlotTheme(QCustomPlot* plot);

// Shows PLOT's legend in a row of its own under the axes, COLUMNS entries side by side: inside the
// axes it covered data (the learning curve's last measured point) and took a third of a narrow
// plot (the Optimize tab's).
void showLegendBelow(QCustomPlot* plot, int columns);

QColor classColor(int classIndex);
// Marks suspect photos (see core/analysis/Audit.h) in every view: one colour, so it reads as one meaning.
inline const QColor kSuspectColor{235, 140, 0};
QCPColorGradient similarityGradient();  // perceptually ordered (viridis-like), no interpolation blur

// Class names as axis tick labels at the given positions, thinned to what fits (ClassAxisTicker).
void setClassTicks(QCPAxis* axis, const QVector<double>& positions, const QStringList& names, double rotation);

} // namespace exemplar::ui
