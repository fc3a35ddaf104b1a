#pragma once
// Every plot can be written as PNG (at twice the on-screen resolution), SVG or PDF. Views expose
// their plots as handles; one exporter writes any of them, atomically (QSaveFile).
#include <QList>
#include <QSize>
#include <QString>
#include <functional>

class QCustomPlot;
class QGraphicsView;
class QPaintDevice;

namespace exemplar::ui {

struct PlotHandle {
    QString name;                                         // file-name friendly, e.g. "heatmap"
    std::function<QSize()> size;                          // logical size
    std::function<void(QPaintDevice*, const QSize&)> render;
};

PlotHandle plotHandle(QCustomPlot* plot, const QString& name);
PlotHandle plotHandle(QGraphicsView* view, const QString& name);

// Views that show plots implement this so that File ▸ Export finds them.
class PlotProvider {
public:
    virtual ~PlotProvider() = default;
    virtual QList<PlotHandle> plots() const = 0;
};

QStringList plotFileFilters();  // for file dialogs: PNG, SVG, PDF
// Writes PLOT in the format given by PATH's suffix (.png, .svg, .pdf). Throws Error.
void exportPlot(const PlotHandle& plot, const QString& path);

} // namespace exemplar::ui
