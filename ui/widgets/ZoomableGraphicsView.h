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

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool autoFit_ = true;
};

} // namespace exemplar::ui
