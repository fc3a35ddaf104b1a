#pragma once
// The similarity matrix S as a heatmap, photos ordered by class with class boundaries drawn.
// Classes are ordered by similarity (ClassOrdering: similar classes side by side), by name or as
// the folders came; the colours span the 2nd–98th percentile of the off-diagonal values; class
// names are thinned to what fits, the wheel zooms and a drag pans (names re-thin as they do).
// Large projects start at the class-by-class mean similarity (O(N·d), never N²); double-click a
// cell to drill down into that pair of classes (its block of S is computed off the GUI thread). Hover shows the two photos and their cosine;
// click opens them side by side.
#include "Types.h"
#include "export/PlotExport.h"

#include <QWidget>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QMouseEvent;

namespace exemplar::ui {

class MatrixPlotNavigation;
class ProjectController;

class HeatmapView : public QWidget, public PlotProvider {
    Q_OBJECT

public:
    explicit HeatmapView(ProjectController* controller, QWidget* parent = nullptr);
    QList<PlotHandle> plots() const override;
    QCustomPlot* plot() const { return plot_; }
    bool showsClassMeans() const { return classMeans_; }
    // Test hooks: the matrix on screen.
    int cellColumns() const { return int(columns_.size()); }
    int cellRows() const { return int(rows_.size()); }
    // The classes along both axes of the class-means matrix, top/left first.
    const std::vector<int>& classOrder() const { return classOrder_; }
    enum class ClassOrder { Similarity, Name, Folder };
    void setClassOrder(ClassOrder order);

public Q_SLOTS:
    void showClassMeans();
    void showPhotos();
    void drillDown(int rowClass, int columnClass);

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void drawPhotoMatrix();
    void drawClassMeans(const Matrix& means);
    void drawBoundaries(const std::vector<int>& rowLabels, const std::vector<int>& columnLabels);
    void fitColourRange(std::vector<float> offDiagonal);
    void updateClassOrder(const Matrix& means, const std::vector<int>& rows);
    bool cellAt(QMouseEvent* event, int* column, int* row) const;
    void onHover(QMouseEvent* event);
    void onClick(QMouseEvent* event);
    void onDoubleClick(QMouseEvent* event);

    ProjectController* controller_;
    QComboBox* mode_;
    QComboBox* order_;
    QCheckBox* keptOnly_;
    QPushButton* back_;
    QCustomPlot* plot_;
    QCPColorMap* map_;
    MatrixPlotNavigation* navigation_;
    QCPColorScale* scale_;
    QLabel* info_;
    QLabel* thumbA_;
    QLabel* thumbB_;
    bool classMeans_ = false;
    int drillRowClass_ = -1;
    int drillColumnClass_ = -1;
    std::vector<int> rows_;     // embedding rows along the vertical axis (photo mode)
    std::vector<int> columns_;  // along the horizontal axis
    Matrix shown_;              // rows_ × columns_ cosines on screen (photo mode)
    std::vector<int> requestedRows_, requestedColumns_;  // the drill-down block asked of the controller
    std::vector<int> classOrder_;  // display position → class
};

} // namespace exemplar::ui
