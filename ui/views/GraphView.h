#pragma once
// The similarity graph, at two levels.
//   • Photos: photos as nodes placed by classical MDS of S, coloured by class, sized by
//     eigenvector centrality (the article's), kept references ringed; edges above an adjustable
//     similarity threshold; suspect photos (see core/analysis/Audit.h) get an orange dashed ring.
//     Large projects draw a sample of the photos. It can be narrowed to one class and its nearest
//     neighbouring classes (laid out on their own, so they spread over the whole canvas).
//   • Classes: one node per class (placed by MDS of the class means, sized by photo count), edges
//     between the most confused pairs when they were found (ConfusedPairsView), else between each
//     class and its most similar classes. The default beyond kClassLevelAbove classes, where photo
//     colours repeat and a photo cloud says little.
// A searchable legend focuses a class: it and its nearest classes get distinct colours and
// labels, every other class turns grey once there are more classes than colours tell apart.
// Wheel zooms, drag pans, hover previews, click selects (a photo in the browser; a class to focus),
// double-clicking a class opens its photos.
#include "SimilarityAnalysis.h"
#include "export/PlotExport.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QGraphicsScene;
class QGraphicsPathItem;
class QGraphicsEllipseItem;
class QGraphicsSimpleTextItem;
class QLabel;
class QLineEdit;
class QListWidget;
class QSlider;

namespace exemplar::ui {

class ProjectController;
class ZoomableGraphicsView;

class GraphView : public QWidget, public PlotProvider {
    Q_OBJECT

public:
    enum class Mode { Classes, Photos, FocusPhotos };
    static constexpr int kClassLevelAbove = 20;  // more classes than this: the class graph first
    static constexpr int kNeighbours = 4;        // classes highlighted, and drawn, beside the focus
    static constexpr int kDistinctColours = 12;  // up to this many classes each keep their colour

    explicit GraphView(ProjectController* controller, QWidget* parent = nullptr);
    QList<PlotHandle> plots() const override;
    int nodeCount() const { return nodes_.size(); }  // photo nodes (photo modes), class nodes (class mode)
    int suspectNodeCount() const { return suspectNodes_; }
    int visibleEdgeCount() const { return visibleEdges_; }
    double threshold() const;

    Mode mode() const { return mode_; }
    void setMode(Mode mode);
    // The focused class (embedding class index; -1: none) and the classes highlighted with it.
    int focusedClass() const { return focus_; }
    void setFocusedClass(int classIndex);
    std::vector<int> highlightedClasses() const;  // the focus first, then its neighbours
    QLineEdit* legendFilter() const { return filter_; }
    QListWidget* legend() const { return legend_; }
    int visibleLabelCount() const;  // class names drawn on the canvas
    QColor colourOfClass(int classIndex) const;  // as drawn now

    // Called by nodes (graph items are not views: they report to their view).
    void hoverNode(int row, const QPoint& viewportPos);
    void leaveNode();
    void clickNode(int row);
    void hoverClass(int classIndex, const QPoint& viewportPos);
    void clickClass(int classIndex);
    void openClass(int classIndex);  // the photos of the class and its neighbours

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QString withSpace(const QString& text) const;  // TEXT after the space the graph is drawn in
    // The photos one photo graph draws: their positions and its strongest edges (embedding rows).
    struct PhotoGraph {
        std::vector<int> rows;
        QHash<int, QPointF> position;          // per row in ROWS, in ±1 layout units
        std::vector<SimilarityEdge> edges;     // best first
    };

    void rebuild();
    void clearScene();
    void buildPhotoGraph(const PhotoGraph& graph);
    void buildClassGraph();
    PhotoGraph wholePhotoGraph() const;
    PhotoGraph focusPhotoGraph() const;
    void updateEdges();
    void updateHighlights();
    void updateColours();
    void placeLabels();  // beside their nodes, apart from each other, at the current zoom
    void filterLegend(const QString& text);      // shows the matching classes and focuses the first
    int showMatchingLegend(const QString& text);  // shows them only; returns the first (-1: none or no text)
    void fillLegend();
    void showPreviewAt(const QPoint& viewportPos);  // the hovered node's card, beside the pointer

    ProjectController* controller_;
    ZoomableGraphicsView* view_;
    QGraphicsScene* scene_;
    QGraphicsPathItem* edgeItem_ = nullptr;
    QVector<QGraphicsEllipseItem*> nodes_;   // one per drawn photo, or per class in class mode
    std::vector<QGraphicsEllipseItem*> nodeOfRow_;  // per embedding row; null when not drawn
    std::vector<QGraphicsEllipseItem*> nodeOfClass_;  // class mode: per class
    std::vector<QGraphicsSimpleTextItem*> labelOfClass_;  // class mode: per class
    std::vector<SimilarityEdge> classEdges_;  // class mode: a, b are classes
    PhotoGraph photoGraph_;
    Matrix classSimilarity_;                  // class-mean cosines of the embeddings
    int suspectNodes_ = 0;
    QComboBox* modeBox_;
    QSlider* slider_;
    QLabel* edgesLabel_;
    QLabel* thresholdLabel_;
    QLabel* sampleLabel_;
    QLineEdit* filter_;
    QListWidget* legend_;
    QLabel* preview_;
    Mode mode_ = Mode::Photos;
    int focus_ = -1;
    int classesOfMode_ = -1;  // the class count the mode was chosen for (a new project chooses again)
    int visibleEdges_ = 0;
    double edgeLo_ = 0, edgeHi_ = 1;
};

} // namespace exemplar::ui
