#pragma once
// Wheel zoom and drag pan for a matrix drawn as a QCustomPlot colour map (the similarity heatmap,
// the confusion matrix): the view never leaves the matrix, and a press released where it began is
// a click on a cell while one that moved is a pan. At 200 classes a cell is a pixel or two wide,
// so zooming is how a user reaches a single cell. Its axes' ticks point outward, off the cells.
#include "plots/QCustomPlotInclude.h"

#include <QObject>
#include <QPoint>
#include <QSizeF>

namespace exemplar::ui {

class MatrixPlotNavigation : public QObject {
    Q_OBJECT

public:
    // MAP's data size is the matrix size (keySize columns × valueSize rows), read on every range
    // change, so the owner may resize the map at any time. Parented to PLOT.
    MatrixPlotNavigation(QCustomPlot* plot, QCPColorMap* map);

    // Back to the whole matrix (after new data).
    void showWholeMatrix();
    // The on-screen size of one cell, in pixels, at the current zoom.
    QSizeF cellSize() const;

Q_SIGNALS:
    // A left-button press and release at (about) the same place: not a pan.
    void cellClicked(QMouseEvent* event);

private:
    void keepInside();

    QCustomPlot* plot_;
    QCPColorMap* map_;
    QPoint pressedAt_;
};

} // namespace exemplar::ui
