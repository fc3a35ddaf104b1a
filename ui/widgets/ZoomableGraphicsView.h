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
    // Fits again if still fitted (the user has not zoomed): after items changed, e.g. names shown.
    void refit();
    // What fitAll shows: RECT, or every item when it is empty. Items that ignore transformations
    // (labels beside nodes) count at their unscaled size in the items' bounding rect, which shifts
    // and shrinks the fitted picture; a view that knows its extent says so here. Such items that
    // stick out of RECT at the fitted zoom widen the picture (fitAll), so none is cut.
    void setFitRect(const QRectF& rect) { fitRect_ = rect; }

Q_SIGNALS:
    void zoomChanged();  // fitted or zoomed: items placed in pixels may need placing again

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QRectF pixelsOfVisibleItems() const;  // in viewport pixels, fixed-size items at their size

    bool autoFit_ = true;
    QRectF fitRect_;
};

} // namespace exemplar::ui
