#include "widgets/ZoomableGraphicsView.h"

#include <QWheelEvent>
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
    if (scene()) fitInView((fitRect_.isEmpty() ? scene()->itemsBoundingRect() : fitRect_).adjusted(-20, -20, 20, 20),
                           Qt::KeepAspectRatio);
}

void ZoomableGraphicsView::wheelEvent(QWheelEvent* event)
{
    const double factor = std::pow(1.0015, event->angleDelta().y());
    scale(factor, factor);
    autoFit_ = false;
    event->accept();
}

void ZoomableGraphicsView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (autoFit_) fitAll();
}

} // namespace exemplar::ui
