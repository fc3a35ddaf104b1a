#include "export/PlotExport.h"

#include "Error.h"
#include "RegularFile.h"
#include "plots/QCustomPlotInclude.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGraphicsView>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace exemplar::ui {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("PlotExport", text); }
}

PlotHandle plotHandle(QCustomPlot* plot, const QString& name)
{
    return {name, [plot] { return plot->size(); },
            [plot](QPaintDevice* device, const QSize& size) {
                QCPPainter painter(device);
                plot->toPainter(&painter, size.width(), size.height());
            }};
}

PlotHandle plotHandle(QGraphicsView* view, const QString& name)
{
    return {name, [view] { return view->viewport()->size(); },
            [view](QPaintDevice* device, const QSize& size) {
                QPainter painter(device);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.fillRect(QRect(QPoint(0, 0), size), view->backgroundBrush().style() == Qt::NoBrush
                                                                ? view->palette().base()
                                                                : view->backgroundBrush());
                // What the user sees: the visible part of the scene at the current zoom.
                view->render(&painter, QRectF(QPointF(0, 0), size), view->viewport()->rect());
            }};
}

QStringList plotFileFilters()
{
    return {tr("PNG image (*.png)"), tr("SVG drawing (*.svg)"), tr("PDF document (*.pdf)")};
}

void exportPlot(const PlotHandle& plot, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSize size = plot.size().expandedTo(QSize(320, 240));
    prepareDestination(path);
    QSaveFile file(path);
    // Drawn into memory, then written in one unbuffered write: the encoders write in small pieces,
    // and a buffered piece that fails only when flushed (a full disk) is not seen by commit(),
    // which would rename a cut-off file into place.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        throw Error(tr("cannot write %1: %2").arg(path, file.errorString()));
    QBuffer drawn;
    drawn.open(QIODevice::WriteOnly);
    if (suffix == QLatin1String("png")) {
        QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2);
        image.fill(Qt::white);
        plot.render(&image, size);
        if (!image.save(&drawn, "PNG")) throw Error(tr("cannot encode %1 as PNG").arg(path));
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setOutputDevice(&drawn);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(plot.name);
        plot.render(&svg, size);
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(&drawn);
        pdf.setResolution(96);  // one device unit per logical pixel, as on screen
        pdf.setPageSize(QPageSize(QSizeF(size.width() / 96.0, size.height() / 96.0), QPageSize::Inch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(plot.name);
        plot.render(&pdf, size);
    } else {
        file.cancelWriting();
        throw Error(tr("unknown plot format \"%1\": use .png, .svg or .pdf").arg(suffix));
    }
    if (!writeAll(file, drawn.data()) || !file.commit())
        throw Error(tr("cannot write %1: %2").arg(path, file.errorString()));
}

} // namespace exemplar::ui
