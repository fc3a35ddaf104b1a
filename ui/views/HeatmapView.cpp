#include "views/HeatmapView.h"

#include "ClassOrdering.h"
#include "controller/ProjectController.h"
#include "plots/MatrixPlotNavigation.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"
#include "widgets/SpaceSwitch.h"
#include "views/PairDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QCollator>
#include <QSettings>
#include <QToolTip>
#include <QEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace exemplar::ui {

namespace {
constexpr int kDrillDownLimit = 600;  // photos per side of a drill-down block
constexpr int kClassGridLimit = 30;   // class means: a white grid between cells up to this many classes
constexpr int kBoundaryLimit = 60;    // photos: class boundary lines up to this many classes
// Ordering by similarity is O(n³) on the GUI thread (tens of milliseconds at 300 classes); beyond
// this many classes the folder order is kept.
constexpr int kSimilarityOrderLimit = 400;
const QString kOrderSetting = QStringLiteral("views/heatmapClassOrder");
// The colours span these percentiles of the off-diagonal values: a few extreme pairs (and the
// diagonal's 1.0) would otherwise squeeze every other cell into a sliver of the scale.
constexpr double kLowPercentile = 0.02;
constexpr double kHighPercentile = 0.98;

QString orderName(HeatmapView::ClassOrder order)
{
    switch (order) {
    case HeatmapView::ClassOrder::Name: return QStringLiteral("name");
    case HeatmapView::ClassOrder::Folder: return QStringLiteral("folder");
    case HeatmapView::ClassOrder::Similarity: break;
    }
    return QStringLiteral("similarity");
}

// The value at fraction Q of VALUES (nearest rank), reordering them.
float percentile(std::vector<float>& values, double q)
{
    const size_t at = std::min(values.size() - 1, size_t(q * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + long(at), values.end());
    return values[at];
}

}

HeatmapView::HeatmapView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("heatmapView"));
    mode_ = new QComboBox(this);
    mode_->addItems({tr("Photos"), tr("Class means")});
    mode_->setToolTip(tr("Photo-by-photo cosine similarity, or the mean similarity of every pair of classes"));
    keptOnly_ = new QCheckBox(tr("Kept references only"), this);
    keptOnly_->setToolTip(tr("Show only the references kept by the trained set"));
    order_ = new QComboBox(this);
    order_->addItem(tr("by similarity"), orderName(ClassOrder::Similarity));
    order_->addItem(tr("by name"), orderName(ClassOrder::Name));
    order_->addItem(tr("folder order"), orderName(ClassOrder::Folder));
    order_->setToolTip(tr("Order of the classes along both axes: similar classes side by side (average-linkage "
                          "clustering with optimal leaf ordering), alphabetical, or as the folders were added"));
    order_->setCurrentIndex(std::max(0, order_->findData(QSettings().value(kOrderSetting, orderName(ClassOrder::Similarity)))));
    back_ = new QPushButton(tr("Back to class means"), this);
    back_->setVisible(false);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(mode_);
    bar->addWidget(new QLabel(tr("Order:"), this));
    bar->addWidget(order_);
    bar->addWidget(new QLabel(tr("Space:"), this));
    bar->addWidget(new SpaceSwitch(controller_, this));
    bar->addWidget(keptOnly_);
    bar->addWidget(back_);
    bar->addStretch(1);

    plot_ = createPlot(this);
    plot_->setObjectName(QStringLiteral("heatmapPlot"));
    plot_->axisRect()->setupFullAxesBox(true);
    plot_->yAxis->setRangeReversed(true);  // row 0 at the top, as a matrix is read
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);  // one crisp cell per pair
    map_->setTightBoundary(false);
    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale_);
    scale_->setLabel(tr("cosine similarity"));
    map_->setColorScale(scale_);
    map_->setGradient(similarityGradient());
    // Wheel zooms, drag pans (a click that does not move still opens the pair).
    navigation_ = new MatrixPlotNavigation(plot_, map_);
    scale_->setRangeDrag(false);  // the colour range stays the one the colour bar states
    scale_->setRangeZoom(false);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    applyPlotTheme(plot_);

    info_ = new QLabel(tr("Hover over a cell to see the two photos; click to open them side by side."), this);
    info_->setWordWrap(true);
    thumbA_ = new QLabel(this);
    thumbB_ = new QLabel(this);
    for (QLabel* thumb : {thumbA_, thumbB_}) {
        thumb->setFixedSize(ThumbnailCache::kEdge, ThumbnailCache::kEdge);
        thumb->setAlignment(Qt::AlignCenter);
        thumb->setFrameShape(QFrame::StyledPanel);
    }
    auto* side = new QVBoxLayout;
    side->addWidget(thumbA_);
    side->addWidget(thumbB_);
    side->addWidget(info_);
    side->addStretch(1);
    auto* body = new QHBoxLayout;
    body->addWidget(plot_, 1);
    body->addLayout(side);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(body, 1);

    connect(mode_, &QComboBox::currentIndexChanged, this, [this](int index) {
        drillRowClass_ = drillColumnClass_ = -1;
        classMeans_ = index == 1;
        refresh();
    });
    connect(order_, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(kOrderSetting, order_->currentData());
        refresh();
    });
    connect(keptOnly_, &QCheckBox::toggled, this, &HeatmapView::refresh);
    connect(back_, &QPushButton::clicked, this, &HeatmapView::showClassMeans);
    connect(plot_, &QCustomPlot::mouseMove, this, &HeatmapView::onHover);
    connect(navigation_, &MatrixPlotNavigation::cellClicked, this, &HeatmapView::onClick);
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, &HeatmapView::onDoubleClick);
    connect(controller_, &ProjectController::analysisChanged, this, [this] {
        // Large projects open at class means: a photo-level matrix would be N².
        const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
        if (analysis && !analysis->hasFullSimilarity() && !classMeans_) showClassMeans();
        else refresh();
    });
    connect(controller_, &ProjectController::trainingChanged, this, [this] {
        // The matrix depends on the training only when it shows the kept references.
        const bool keptBefore = keptOnly_->isChecked() && keptOnly_->isEnabled();
        keptOnly_->setEnabled(controller_->training() && !controller_->training()->keptRows.empty());
        if (keptBefore || (keptOnly_->isChecked() && keptOnly_->isEnabled())) refresh();
    });
    connect(controller_, &ProjectController::similarityBlockChanged, this, [this] {
        if (!classMeans_ && drillRowClass_ >= 0) refresh();
    });
    refresh();
}

QList<PlotHandle> HeatmapView::plots() const { return {plotHandle(plot_, QStringLiteral("similarity-heatmap"))}; }

void HeatmapView::showClassMeans()
{
    drillRowClass_ = drillColumnClass_ = -1;
    classMeans_ = true;
    mode_->blockSignals(true);
    mode_->setCurrentIndex(1);
    mode_->blockSignals(false);
    refresh();
}

void HeatmapView::showPhotos()
{
    mode_->setCurrentIndex(0);
}

void HeatmapView::drillDown(int rowClass, int columnClass)
{
    drillRowClass_ = rowClass;
    drillColumnClass_ = columnClass;
    classMeans_ = false;
    mode_->blockSignals(true);
    mode_->setCurrentIndex(0);
    mode_->blockSignals(false);
    refresh();
}

void HeatmapView::setClassOrder(ClassOrder order)
{
    order_->setCurrentIndex(order_->findData(orderName(order)));
}

void HeatmapView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) refresh();  // boundaries use the base colour
}

void HeatmapView::refresh()
{
    rows_.clear();
    columns_.clear();
    shown_.resize(0, 0);
    plot_->clearItems();
    map_->data()->clear();
    const bool hasData = controller_->viewedAnalysis() != nullptr;
    keptOnly_->setEnabled(controller_->training() && !controller_->training()->keptRows.empty());
    back_->setVisible(drillRowClass_ >= 0);
    if (hasData) {
        const EmbeddingSet& set = controller_->viewedEmbeddings();
        std::vector<int> rows;
        if (keptOnly_->isChecked() && keptOnly_->isEnabled()) rows = controller_->training()->keptRows;
        // All photos: computed with the analysis, off the GUI thread; kept references: few, so quick here.
        const Matrix means = rows.empty() ? controller_->viewedAnalysis()->classMeans : classMeanSimilarity(set, rows);
        updateClassOrder(means, rows);
        if (classMeans_) drawClassMeans(means);
        else drawPhotoMatrix();
    }
    plot_->replot();
}

void HeatmapView::drawPhotoMatrix()
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
    std::vector<int> rows;
    if (keptOnly_->isChecked() && keptOnly_->isEnabled()) {
        rows = controller_->training()->keptRows;
        std::sort(rows.begin(), rows.end());
    } else {
        for (int i = 0; i < set.size(); ++i) rows.push_back(i);
    }
    if (drillRowClass_ >= 0) {
        for (int row : rows) {
            if (set.labels[size_t(row)] == drillRowClass_) rows_.push_back(row);
            if (set.labels[size_t(row)] == drillColumnClass_) columns_.push_back(row);
        }
        // Huge classes: an even sample per side (a screen shows no more cells anyway).
        for (std::vector<int>* side : {&rows_, &columns_})
            if (int(side->size()) > kDrillDownLimit) {
                std::vector<int> sample;
                for (int k : evenSample(int(side->size()), kDrillDownLimit)) sample.push_back((*side)[size_t(k)]);
                *side = std::move(sample);
            }
    } else if (analysis->hasFullSimilarity()) {
        // Classes in the chosen order, each class's photos as they were.
        std::vector<int> rank(size_t(set.classCount()), 0);
        for (size_t position = 0; position < classOrder_.size(); ++position) rank[size_t(classOrder_[position])] = int(position);
        std::stable_sort(rows.begin(), rows.end(),
                         [&](int a, int b) { return rank[size_t(set.labels[size_t(a)])] < rank[size_t(set.labels[size_t(b)])]; });
        rows_ = columns_ = rows;
    } else {
        showClassMeans();
        return;
    }
    const int nx = int(columns_.size()), ny = int(rows_.size());
    if (nx == 0 || ny == 0) return;
    if (analysis->hasFullSimilarity()) {
        shown_.resize(ny, nx);
        for (int y = 0; y < ny; ++y)
            for (int x = 0; x < nx; ++x) shown_(y, x) = analysis->similarity(rows_[size_t(y)], columns_[size_t(x)]);
    } else {
        // Large projects: the block (up to kDrillDownLimit² cosines of d-dimensional vectors, tens
        // of milliseconds) is computed by a job; it is drawn when similarityBlockChanged arrives.
        const SimilarityBlock* block = controller_->similarityBlock();
        if (!block || block->rows != rows_ || block->columns != columns_) {
            if (!controller_->isBusy() || requestedRows_ != rows_ || requestedColumns_ != columns_) {
                requestedRows_ = rows_;
                requestedColumns_ = columns_;
                controller_->computeSimilarityBlock(rows_, columns_);
            }
            rows_.clear();  // nothing on screen yet: no cell to hover
            columns_.clear();
            info_->setText(tr("Computing the similarity of these photos…"));
            return;
        }
        shown_ = block->values;
    }
    map_->data()->setSize(nx, ny);
    map_->data()->setRange(QCPRange(0, nx - 1), QCPRange(0, ny - 1));
    std::vector<float> offDiagonal;
    offDiagonal.reserve(size_t(nx) * size_t(ny));
    for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x) {
            const float s = shown_(y, x);
            map_->data()->setCell(x, y, s);
            if (rows_[size_t(y)] != columns_[size_t(x)]) offDiagonal.push_back(s);
        }
    fitColourRange(std::move(offDiagonal));
    navigation_->showWholeMatrix();
    std::vector<int> rowLabels, columnLabels;
    for (int row : rows_) rowLabels.push_back(set.labels[size_t(row)]);
    for (int column : columns_) columnLabels.push_back(set.labels[size_t(column)]);
    drawBoundaries(rowLabels, columnLabels);
    plot_->xAxis->setLabel(drillRowClass_ >= 0 ? set.classNames.value(drillColumnClass_) : QString());
    plot_->yAxis->setLabel(drillRowClass_ >= 0 ? set.classNames.value(drillRowClass_) : QString());
    info_->setText(tr("Hover over a cell to see the two photos; click to open them side by side."));
}

void HeatmapView::drawBoundaries(const std::vector<int>& rowLabels, const std::vector<int>& columnLabels)
{
    const QStringList& names = controller_->viewedEmbeddings().classNames;
    const QColor line = palette().color(QPalette::Base);
    // A boundary line per class pair stops helping long before hundreds of classes: 200 lines
    // 1.5 px wide over a few hundred pixels would paint the matrix over. Cells of the class-means
    // matrix are classes already, so it gets lines only while they are large.
    const int classesShown = int(std::set<int>(rowLabels.begin(), rowLabels.end()).size());
    const bool eachCellIsAClass = rowLabels.size() == size_t(classesShown);
    const bool drawLines = classesShown <= (eachCellIsAClass ? kClassGridLimit : kBoundaryLimit);
    auto axisMarks = [&](const std::vector<int>& labels, QCPAxis* axis, bool vertical, double rotation) {
        QVector<double> centers;
        QStringList tickNames;
        int start = 0;
        for (int i = 1; i <= int(labels.size()); ++i) {
            if (i < int(labels.size()) && labels[size_t(i)] == labels[size_t(start)]) continue;
            centers << (start + i - 1) / 2.0;
            tickNames << names.value(labels[size_t(start)]);
            if (i < int(labels.size()) && drawLines) {
                auto* boundary = new QCPItemStraightLine(plot_);
                boundary->setPen(QPen(line, 1.5));
                const double at = i - 0.5;
                boundary->point1->setCoords(vertical ? at : 0, vertical ? 0 : at);
                boundary->point2->setCoords(vertical ? at : 1, vertical ? 1 : at);
            }
            start = i;
        }
        setClassTicks(axis, centers, tickNames, rotation);
    };
    axisMarks(columnLabels, plot_->xAxis, true, -45);
    axisMarks(rowLabels, plot_->yAxis, false, 0);
}

void HeatmapView::drawClassMeans(const Matrix& means)
{
    const int n = int(classOrder_.size());
    if (n == 0) return;
    map_->data()->setSize(n, n);
    map_->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    std::vector<float> offDiagonal;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const float s = means(classOrder_[size_t(y)], classOrder_[size_t(x)]);
            map_->data()->setCell(x, y, std::isnan(s) ? 0 : s);
            if (x != y && !std::isnan(s)) offDiagonal.push_back(s);
        }
    fitColourRange(std::move(offDiagonal));
    navigation_->showWholeMatrix();
    drawBoundaries(classOrder_, classOrder_);
    plot_->xAxis->setLabel(QString());
    plot_->yAxis->setLabel(QString());
    info_->setText(tr("Mean cosine similarity between classes (diagonal: within the class). Hover over a cell for "
                      "its classes; double-click it to see its photos. Wheel: zoom; drag: pan."));
}

void HeatmapView::fitColourRange(std::vector<float> offDiagonal)
{
    if (offDiagonal.empty()) {  // one class: only the diagonal
        map_->rescaleDataRange(true);
        scale_->setLabel(controller_->viewedSpaceName());
        return;
    }
    const float low = percentile(offDiagonal, kLowPercentile), high = percentile(offDiagonal, kHighPercentile);
    map_->setDataRange(QCPRange(low, high > low ? high : low + 1e-3));
    scale_->setLabel(tr("%1, 2–98th percentile: %2–%3")
                         .arg(controller_->viewedSpaceName()).arg(low, 0, 'f', 2).arg(high, 0, 'f', 2));
}

void HeatmapView::updateClassOrder(const Matrix& means, const std::vector<int>& rows)
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    const int n = set.classCount();
    classOrder_.resize(size_t(n));
    std::iota(classOrder_.begin(), classOrder_.end(), 0);
    const QString order = order_->currentData().toString();
    if (order == orderName(ClassOrder::Name)) {
        QCollator collator;
        collator.setNumericMode(true);  // "class 2" before "class 10"
        std::stable_sort(classOrder_.begin(), classOrder_.end(), [&](int a, int b) {
            return collator.compare(set.classNames.value(a), set.classNames.value(b)) < 0;
        });
    } else if (order == orderName(ClassOrder::Similarity) && n > 2 && n <= kSimilarityOrderLimit && means.rows() == n) {
        std::vector<int> sizes(size_t(n), 0);
        if (rows.empty()) {
            for (int label : set.labels) ++sizes[size_t(label)];
        } else {
            for (int row : rows) ++sizes[size_t(set.labels[size_t(row)])];
        }
        classOrder_ = similarityOrder(cosineOfClassMeans(means, sizes));
    }
}

bool HeatmapView::cellAt(QMouseEvent* event, int* column, int* row) const
{
    if (!plot_->axisRect()->rect().contains(event->pos())) return false;
    *column = int(std::lround(plot_->xAxis->pixelToCoord(event->pos().x())));
    *row = int(std::lround(plot_->yAxis->pixelToCoord(event->pos().y())));
    const int nx = classMeans_ ? int(classOrder_.size()) : int(columns_.size());
    const int ny = classMeans_ ? nx : int(rows_.size());
    return *column >= 0 && *row >= 0 && *column < nx && *row < ny;
}

void HeatmapView::onHover(QMouseEvent* event)
{
    int x = 0, y = 0;
    if (!cellAt(event, &x, &y)) {
        QToolTip::hideText();
        return;
    }
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    if (classMeans_) {
        // The full names: the axes show only the names that fit.
        const QString rowName = set.classNames.value(classOrder_[size_t(y)]);
        const QString columnName = set.classNames.value(classOrder_[size_t(x)]);
        const QString text = tr("%1 × %2: mean cosine %3").arg(rowName, columnName).arg(map_->data()->cell(x, y), 0, 'f', 3);
        info_->setText(text);
        QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
        thumbA_->clear();
        thumbB_->clear();
        return;
    }
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1 (%2) × %3 (%4): cosine %5")
                           .arg(QFileInfo(set.paths[rows_[size_t(y)]]).fileName(), set.classNames.value(set.labels[size_t(rows_[size_t(y)])]),
                                QFileInfo(set.paths[columns_[size_t(x)]]).fileName(),
                                set.classNames.value(set.labels[size_t(columns_[size_t(x)])]))
                           .arg(shown_(y, x), 0, 'f', 3),
                       plot_);
    const int a = rows_[size_t(y)], b = columns_[size_t(x)];
    info_->setText(tr("<b>%1</b> (%2)<br>× <b>%3</b> (%4)<br>cosine %5")
                       .arg(QFileInfo(set.paths[a]).fileName().toHtmlEscaped(), set.classNames.value(set.labels[size_t(a)]).toHtmlEscaped(),
                            QFileInfo(set.paths[b]).fileName().toHtmlEscaped(), set.classNames.value(set.labels[size_t(b)]).toHtmlEscaped())
                       .arg(shown_(y, x), 0, 'f', 3));
    thumbA_->setPixmap(controller_->thumbnails()->thumbnail(set.paths[a]));
    thumbB_->setPixmap(controller_->thumbnails()->thumbnail(set.paths[b]));
}

void HeatmapView::onClick(QMouseEvent* event)
{
    int x = 0, y = 0;
    if (classMeans_ || !cellAt(event, &x, &y)) return;
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    const int a = rows_[size_t(y)], b = columns_[size_t(x)];
    controller_->selectPhoto(set.paths[a]);
    auto* dialog = new PairDialog(set.paths[a], set.classNames.value(set.labels[size_t(a)]), set.paths[b],
                                  set.classNames.value(set.labels[size_t(b)]), shown_(y, x), this);
    dialog->show();
}

void HeatmapView::onDoubleClick(QMouseEvent* event)
{
    int x = 0, y = 0;
    if (classMeans_ && cellAt(event, &x, &y)) drillDown(classOrder_[size_t(y)], classOrder_[size_t(x)]);
}

} // namespace exemplar::ui
