#pragma once
// The honest report of the trained set: figures on held-out photos only (never used to choose the
// references), the per-class precision/recall/F1 table, and the confusion matrix; clicking a cell
// lists the held-out photos behind it. The wheel zooms the matrix and a drag pans it; the counts
// appear in the cells once they are large enough to hold them.
#include "export/PlotExport.h"

#include <QWidget>

class QCustomPlot;
class QCPColorMap;
class QCPItemText;
class QLabel;
class QListWidget;
class QSplitter;
class QTableWidget;
class QMouseEvent;
class QShowEvent;
class QEvent;

namespace exemplar::ui {

class MatrixPlotNavigation;
class ProjectController;

class EvaluationView : public QWidget, public PlotProvider {
    Q_OBJECT

public:
    explicit EvaluationView(ProjectController* controller, QWidget* parent = nullptr);
    QList<PlotHandle> plots() const override;
    // Lists the held-out photos of true class TRUTH predicted as PREDICTED (a confusion cell).
    void showCell(int truth, int predicted);
    int listedPhotoCount() const;

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void onClick(QMouseEvent* event);
    void showCountsThatFit();
    void widenTableForNames();  // once: room in the table for the class names, up to a point
    void fitRowsToFont();       // rows one line of text high
    void fitPhotoGridToFont();  // the cell's photos: one grid cell each, the name on one line

    ProjectController* controller_;
    QLabel* summary_;
    QTableWidget* table_;
    QSplitter* tableAndMatrix_;
    bool widenedForNames_ = false;
    QCustomPlot* plot_;
    QCPColorMap* map_;
    MatrixPlotNavigation* navigation_;
    QList<QCPItemText*> counts_;  // one per non-empty cell, drawn only where a cell is big enough
    QLabel* cellTitle_;
    QListWidget* photos_;
};

} // namespace exemplar::ui
