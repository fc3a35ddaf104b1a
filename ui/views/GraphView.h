#pragma once
// The similarity graph: photos as nodes placed by classical MDS of S, coloured by class, sized by
// eigenvector centrality (the article's), kept references ringed; edges above an adjustable
// similarity threshold; suspect photos (see core/analysis/Audit.h) get an orange dashed ring. Large
// projects draw a sample of the photos. Wheel zooms, drag pans, hover previews the photo, click
// selects it in the browser too.
#include "export/PlotExport.h"

#include <QHash>
#include <QWidget>

class QGraphicsScene;
class QGraphicsPathItem;
class QGraphicsEllipseItem;
class QLabel;
class QListWidget;
class QSlider;

namespace exemplar::ui {

class ProjectController;
class ZoomableGraphicsView;

class GraphView : public QWidget, public PlotProvider {
    Q_OBJECT

public:
    explicit GraphView(ProjectController* controller, QWidget* parent = nullptr);
    QList<PlotHandle> plots() const override;
    int nodeCount() const { return nodes_.size(); }
    int suspectNodeCount() const { return suspectNodes_; }
    int visibleEdgeCount() const { return visibleEdges_; }
    double threshold() const;

    // Called by nodes (graph items are not views: they report to their view).
    void hoverNode(int row, const QPoint& viewportPos);
    void leaveNode();
    void clickNode(int row);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void updateEdges();
    void updateHighlights();

    ProjectController* controller_;
    ZoomableGraphicsView* view_;
    QGraphicsScene* scene_;
    QGraphicsPathItem* edgeItem_ = nullptr;
    QVector<QGraphicsEllipseItem*> nodes_;   // one per drawn photo (SimilarityAnalysis::graphRows)
    std::vector<QGraphicsEllipseItem*> nodeOfRow_;  // per embedding row; null when not drawn
    int suspectNodes_ = 0;
    QSlider* slider_;
    QLabel* thresholdLabel_;
    QLabel* sampleLabel_;
    QListWidget* legend_;
    QLabel* preview_;
    int visibleEdges_ = 0;
    double edgeLo_ = 0, edgeHi_ = 1;
};

} // namespace exemplar::ui
