#include "widgets/ZoomableGraphicsView.h"

#include <QGraphicsItem>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace exemplar::ui {

ZoomableGraphicsView::ZoomableGraphicsView(QWidget* parent) : QGraphicsView(parent)
{
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setRenderHint(QPainter::Antialiasing);
    setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
}

void ZoomableGraphicsView::fitAll()
{
    autoFit_ = true;
    if (!scene()) return;
    QRectF target = (fitRect_.isEmpty() ? scene()->itemsBoundingRect() : fitRect_).adjusted(-20, -20, 20, 20);
    // Names keep their pixel size at every zoom, so whether one sticks out of the picture is known
    // only once fitted: widen the picture by what sticks out and fit again. Widening zooms out a
    // little, so a few passes settle it.
    const QRectF viewportRect = QRectF(viewport()->rect()).adjusted(2, 2, -2, -2);
    for (int pass = 0; pass < 4; ++pass) {
        setSceneRect(target);  // the scrollable area: the picture, so that it is not re-centred
        fitInView(target, Qt::KeepAspectRatio);
        Q_EMIT zoomChanged();
        const QRectF drawn = pixelsOfVisibleItems();
        const double scale = transform().m11();
        if (drawn.isEmpty() || viewportRect.contains(drawn) || scale <= 0) break;
        target.adjust(-std::max(0.0, viewportRect.left() - drawn.left()) / scale, -std::max(0.0, viewportRect.top() - drawn.top()) / scale,
                      std::max(0.0, drawn.right() - viewportRect.right()) / scale, std::max(0.0, drawn.bottom() - viewportRect.bottom()) / scale);
    }
}

void ZoomableGraphicsView::refit()
{
    if (autoFit_) fitAll();
}

QRectF ZoomableGraphicsView::pixelsOfVisibleItems() const
{
    QRectF drawn;
    for (const QGraphicsItem* item : scene()->items())
        if (item->isVisible() && !item->boundingRect().isEmpty())
            drawn |= item->deviceTransform(viewportTransform()).mapRect(item->boundingRect());
    return drawn;
}

void ZoomableGraphicsView::wheelEvent(QWheelEvent* event)
{
    const double factor = std::pow(1.0015, event->angleDelta().y());
    scale(factor, factor);
    autoFit_ = false;
    Q_EMIT zoomChanged();
    event->accept();
}

void ZoomableGraphicsView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (autoFit_) fitAll();
}

} // namespace exemplar::ui
