#pragma once
// A QGraphicsView that zooms with the mouse wheel around the cursor and pans by dragging.
#include <QGraphicsView>

namespace exemplar::ui {

class ZoomableGraphicsView : public QGraphicsView {
    Q_OBJECT

public:
    explicit ZoomableGraphicsView(QWidget* parent = nullptr);
    // Fits the whole scene now and again on every resize, until the user zooms.
    void fitAll();
    // What fitAll shows: RECT, or every item when it is empty. Items that ignore transformations
    // (labels beside nodes) count at their unscaled size in the items' bounding rect, which shifts
    // and shrinks the fitted picture; a view that knows its extent says so here.
    void setFitRect(const QRectF& rect) { fitRect_ = rect; }

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool autoFit_ = true;
    QRectF fitRect_;
};

} // namespace exemplar::ui
