#pragma once
// The method article's Figure 3: cross-class similarity (off-diagonal class blocks only) for the
// whole set and for the kept references, overlaid as densities; below, the eigenvector
// centrality distribution of each class as box plots.
#include "export/PlotExport.h"

#include <QWidget>
#include <vector>

class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace exemplar::ui {

class ProjectController;

class HistogramView : public QWidget, public PlotProvider {
    Q_OBJECT

public:
    explicit HistogramView(ProjectController* controller, QWidget* parent = nullptr);
    QList<PlotHandle> plots() const override;
    int curveCount() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void showBoxTip(QMouseEvent* event);

    // What a box's tooltip says: the axis shows only the class names that fit.
    struct BoxSummary {
        double position = 0;
        QString name;
        int photos = 0;
        double lowerQuartile = 0, median = 0, upperQuartile = 0;
    };
    ProjectController* controller_;
    std::vector<BoxSummary> boxes_;
    QCustomPlot* similarityPlot_;
    QCustomPlot* centralityPlot_;
    QLabel* summary_;
};

} // namespace exemplar::ui
