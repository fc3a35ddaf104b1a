#include "views/GraphView.h"

#include "ClassPairSimilarity.h"
#include "controller/ProjectController.h"
#include "widgets/SpaceSwitch.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"
#include "widgets/ZoomableGraphicsView.h"

#include <QFileInfo>
#include <QEvent>
#include <QGraphicsEllipseItem>
#include <QGraphicsLineItem>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSceneHoverEvent>
#include <QGraphicsSceneMouseEvent>
#include <QComboBox>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QStandardItemModel>
#include <QPushButton>
#include <QSet>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace exemplar::ui {

namespace {

constexpr double kSceneExtent = 400;  // layout coordinates are scaled to ±this
constexpr int kMaxDrawnEdges = 6000;
// The focused class and its neighbours are laid out on their own: their S block is computed on the
// GUI thread, so at most this many of their photos (an even sample per class) are drawn.
constexpr int kFocusPhotoLimit = 900;
// Class graph: each class is joined to this many of its most similar classes (without confused pairs).
constexpr int kClassEdgesPerClass = 2;
// Class graph: every class is named up to this many classes; beyond, only the focus and its neighbours.
constexpr int kAllLabelsUpTo = 30;
const QColor kMutedClass{165, 165, 165};

class NodeItem : public QGraphicsEllipseItem {
public:
    NodeItem(GraphView* view, int row, double radius)
        : QGraphicsEllipseItem(-radius, -radius, 2 * radius, 2 * radius), view_(view), row_(row)
    {
        setAcceptHoverEvents(true);
        setFlag(QGraphicsItem::ItemIgnoresTransformations);  // nodes keep their size when zooming
        setCursor(Qt::PointingHandCursor);
    }

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override
    {
        if (QGraphicsView* v = scene()->views().value(0))
            view_->hoverNode(row_, v->mapFromScene(event->scenePos()));
    }
    void hoverLeaveEvent(QGraphicsSceneHoverEvent*) override { view_->leaveNode(); }
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton) view_->clickNode(row_);
        event->accept();
    }

private:
    GraphView* view_;
    int row_;
};

// Every drawn edge in one path. Hairlines are stroked without antialiasing: thousands of faint
// one-pixel lines look much the same, and the first paint of a 3,000-photo graph with 6,000 edges
// takes about half as long (15 instead of 26 ms here) — on the GUI thread, in a 50 ms budget.
class EdgesItem : public QGraphicsPathItem {
public:
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override
    {
        painter->setRenderHint(QPainter::Antialiasing, false);  // the view restores the painter afterwards
        QGraphicsPathItem::paint(painter, option, widget);
    }
};

class ClassNodeItem : public QGraphicsEllipseItem {
public:
    ClassNodeItem(GraphView* view, int classIndex, double radius)
        : QGraphicsEllipseItem(-radius, -radius, 2 * radius, 2 * radius), view_(view), class_(classIndex)
    {
        setAcceptHoverEvents(true);
        setFlag(QGraphicsItem::ItemIgnoresTransformations);
        setCursor(Qt::PointingHandCursor);
    }

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override
    {
        if (QGraphicsView* v = scene()->views().value(0))
            view_->hoverClass(class_, v->mapFromScene(event->scenePos()));
    }
    void hoverLeaveEvent(QGraphicsSceneHoverEvent*) override { view_->leaveNode(); }
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton) view_->clickClass(class_);
        event->accept();
    }
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton) view_->openClass(class_);
        event->accept();
    }

private:
    GraphView* view_;
    int class_;
};

// A class name on the canvas, on a translucent plate of the window colour so that it stays
// readable over edges and other nodes.
class LabelItem : public QGraphicsSimpleTextItem {
public:
    using QGraphicsSimpleTextItem::QGraphicsSimpleTextItem;
    QRectF boundingRect() const override { return QGraphicsSimpleTextItem::boundingRect().adjusted(-3, -1, 3, 1); }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override
    {
        QColor plate = widget ? widget->palette().color(QPalette::Base) : QColor(Qt::white);
        plate.setAlpha(215);
        painter->setPen(Qt::NoPen);
        painter->setBrush(plate);
        painter->drawRoundedRect(boundingRect(), 3, 3);
        QGraphicsSimpleTextItem::paint(painter, option, widget);
    }
};

// Pushes apart every two points closer than the ellipse WIDTH × HEIGHT (a little at a time, keeping
// the layout's overall shape): class means of similar classes land almost on one spot in a 2-D
// projection, and nodes and names on top of each other can be neither read nor clicked. Names are
// written to the right of their node, so nodes side by side need more room than nodes one above
// the other.
void spreadApart(std::vector<QPointF>& points, double width, double height, int rounds = 300)
{
    for (int round = 0; round < rounds; ++round) {
        bool moved = false;
        for (size_t i = 0; i < points.size(); ++i)
            for (size_t j = i + 1; j < points.size(); ++j) {
                QPointF d((points[j].x() - points[i].x()) / width, (points[j].y() - points[i].y()) / height);
                double length = std::hypot(d.x(), d.y());
                if (length >= 1) continue;
                if (length < 1e-6) {  // the same spot: split along a direction of their own
                    d = QPointF(std::cos(double(i * 7 + j)), std::sin(double(i * 7 + j)));
                    length = 1e-6;
                }
                const QPointF push = d / std::max(length, 1e-6) * (1 - length) * 0.4;
                points[i] -= QPointF(push.x() * width, push.y() * height);
                points[j] += QPointF(push.x() * width, push.y() * height);
                moved = true;
            }
        if (!moved) break;
    }
}

} // namespace

GraphView::GraphView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("graphView"));
    scene_ = new QGraphicsScene(this);
    // Thousands of nodes are added at once and never move: a BSP index would be rebuilt on the GUI
    // thread for nothing (painting and hover find a few thousand items quickly without it).
    scene_->setItemIndexMethod(QGraphicsScene::NoIndex);
    view_ = new ZoomableGraphicsView(this);
    view_->setObjectName(QStringLiteral("graphCanvas"));
    view_->setScene(scene_);
    connect(view_, &ZoomableGraphicsView::zoomChanged, this, &GraphView::placeLabels);
    view_->setToolTip(tr("Wheel: zoom. Drag: pan. Click a photo to select it, a class to focus it; "
                         "double-click a class to see its photos."));
    modeBox_ = new QComboBox(this);
    modeBox_->setObjectName(QStringLiteral("graphMode"));
    modeBox_->addItem(tr("Classes"));
    modeBox_->addItem(tr("Photos"));
    modeBox_->addItem(tr("Photos of the focused class and its neighbours"));
    modeBox_->setToolTip(tr("One node per class, every photo, or the photos of the focused class and its %1 most "
                            "similar classes").arg(kNeighbours));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setRange(0, 1000);
    slider_->setToolTip(tr("Draw an edge between two photos when their cosine similarity is at least this"));
    edgesLabel_ = new QLabel(tr("Edges at cosine ≥"), this);
    thresholdLabel_ = new QLabel(this);
    sampleLabel_ = new QLabel(this);
    sampleLabel_->setWordWrap(true);
    auto* fit = new QPushButton(tr("Fit"), this);
    fit->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);  // stays a button when the slider hides
    fit->setToolTip(tr("Show the whole graph"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(modeBox_);
    bar->addWidget(edgesLabel_);
    bar->addWidget(slider_, 1);
    bar->addWidget(thresholdLabel_);
    bar->addStretch();
    bar->addWidget(fit);
    filter_ = new QLineEdit(this);
    filter_->setObjectName(QStringLiteral("graphLegendFilter"));
    filter_->setPlaceholderText(tr("Find a class…"));
    filter_->setClearButtonEnabled(true);
    filter_->setToolTip(tr("Type part of a class name: the first match is focused (Enter focuses it too)"));
    legend_ = new QListWidget(this);
    legend_->setObjectName(QStringLiteral("graphLegend"));
    // Long names elide in the middle, keeping their ends (often what tells classes apart: "…2012-3").
    legend_->setTextElideMode(Qt::ElideMiddle);
    legend_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    legend_->setToolTip(tr("Node colour: class (grey: not the focused class nor one of its nearest classes). "
                           "Node size: eigenvector centrality, or photos per class. Ring: kept reference. "
                           "Orange dashed ring: suspect photo (see the Suspects list). Click a class to focus it."));
    auto* side = new QVBoxLayout;
    side->addWidget(filter_);
    side->addWidget(legend_, 1);
    auto* sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    side->setContentsMargins(0, 0, 0, 0);
    sideWidget->setMaximumWidth(240);
    auto* body = new QHBoxLayout;
    body->addWidget(view_, 1);
    body->addWidget(sideWidget);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    // Its own line, with the space switch: long class names must not squeeze the slider's figure.
    auto* caption = new QHBoxLayout;
    caption->addWidget(new SpaceSwitch(controller_, this));
    caption->addWidget(sampleLabel_, 1);
    layout->addLayout(caption);
    layout->addLayout(body, 1);

    preview_ = new QLabel(view_->viewport());
    preview_->setObjectName(QStringLiteral("nodeCard"));
    preview_->setFrameShape(QFrame::Box);
    preview_->setAutoFillBackground(true);
    preview_->setAttribute(Qt::WA_TransparentForMouseEvents);
    preview_->hide();
    // The view's help tooltip waits while a node's card is up: both at once covered each other.
    view_->installEventFilter(this);

    connect(slider_, &QSlider::valueChanged, this, &GraphView::updateEdges);
    connect(fit, &QPushButton::clicked, view_, &ZoomableGraphicsView::fitAll);
    connect(modeBox_, &QComboBox::activated, this, [this](int index) { setMode(Mode(index)); });
    connect(filter_, &QLineEdit::textChanged, this, &GraphView::filterLegend);
    connect(filter_, &QLineEdit::returnPressed, this, [this] { filterLegend(filter_->text()); });
    connect(legend_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        setFocusedClass(item->data(Qt::UserRole).toInt());
    });
    connect(controller_, &ProjectController::analysisChanged, this, &GraphView::rebuild);
    connect(controller_, &ProjectController::confusedPairsChanged, this, [this] {
        if (mode_ == Mode::Classes) rebuild();
    });
    connect(controller_, &ProjectController::auditChanged, this, &GraphView::updateHighlights);
    connect(controller_, &ProjectController::trainingChanged, this, &GraphView::updateHighlights);
    connect(controller_, &ProjectController::photoSelected, this, &GraphView::updateHighlights);
    rebuild();
}

QList<PlotHandle> GraphView::plots() const
{
    return {plotHandle(view_, mode_ == Mode::Classes ? QStringLiteral("class-graph") : QStringLiteral("similarity-graph"))};
}

void GraphView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {  // edges, rings and labels are drawn in the text colour
        updateEdges();
        updateHighlights();
        updateColours();
    }
}

double GraphView::threshold() const { return edgeLo_ + (edgeHi_ - edgeLo_) * slider_->value() / 1000.0; }

void GraphView::setMode(Mode mode)
{
    if (mode == Mode::FocusPhotos && focus_ < 0) mode = Mode::Photos;  // nothing to narrow to
    mode_ = mode;
    modeBox_->setCurrentIndex(int(mode));
    rebuild();
}

void GraphView::setFocusedClass(int classIndex)
{
    const int classes = controller_->viewedEmbeddings().classCount();
    focus_ = classIndex >= 0 && classIndex < classes ? classIndex : -1;
    if (auto* item = static_cast<QStandardItemModel*>(modeBox_->model())->item(int(Mode::FocusPhotos)))
        item->setEnabled(focus_ >= 0);
    for (int i = 0; i < legend_->count(); ++i)
        if (legend_->item(i)->data(Qt::UserRole).toInt() == focus_) {
            legend_->setCurrentRow(i);
            legend_->scrollToItem(legend_->item(i));
        }
    if (mode_ == Mode::FocusPhotos) {
        rebuild();  // another class's photos
        return;
    }
    updateColours();
}

std::vector<int> GraphView::highlightedClasses() const
{
    if (focus_ < 0 || classSimilarity_.rows() <= focus_) return {};
    std::vector<int> classes{focus_};
    for (int c : nearestClasses(classSimilarity_, focus_, kNeighbours)) classes.push_back(c);
    return classes;
}

QColor GraphView::colourOfClass(int classIndex) const
{
    const int classes = controller_->viewedEmbeddings().classCount();
    if (classes <= kDistinctColours) return classColor(classIndex);
    // Golden-ratio colours repeat their look beyond a dozen classes: only the focus and its
    // neighbours get colours (the first five of the palette, far apart), all others grey.
    const std::vector<int> highlighted = highlightedClasses();
    const auto at = std::find(highlighted.begin(), highlighted.end(), classIndex);
    return at == highlighted.end() ? kMutedClass : classColor(int(at - highlighted.begin()));
}

void GraphView::clearScene()
{
    scene_->clear();
    nodes_.clear();
    nodeOfRow_.clear();
    nodeOfClass_.clear();
    labelOfClass_.clear();
    classEdges_.clear();
    photoGraph_ = {};
    edgeItem_ = nullptr;
    visibleEdges_ = 0;
    preview_->hide();
}

QString GraphView::withSpace(const QString& text) const
{
    return tr("Similarity: %1. ").arg(controller_->viewedSpaceName()) + text;
}

void GraphView::rebuild()
{
    clearScene();
    const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    if (!analysis || analysis->size != set.size() || set.size() == 0) {
        legend_->clear();
        classSimilarity_ = Matrix();
        thresholdLabel_->clear();
        sampleLabel_->clear();
        return;
    }
    // Recomputed on every rebuild (O(N·d)): excluded or re-embedded photos move the class means.
    classSimilarity_ = classCentroidCosines(set);
    QStringList listed;
    for (int i = 0; i < legend_->count(); ++i) listed << legend_->item(i)->text();
    if (listed != set.classNames) {  // other classes: a focus by index would name another class
        focus_ = -1;
        fillLegend();
    }
    if (classesOfMode_ != set.classCount()) {  // a new project: the level that reads best at its size
        classesOfMode_ = set.classCount();
        mode_ = set.classCount() > kClassLevelAbove ? Mode::Classes : Mode::Photos;
    }
    if (mode_ == Mode::FocusPhotos && focus_ < 0) mode_ = Mode::Photos;
    modeBox_->setCurrentIndex(int(mode_));
    if (auto* item = static_cast<QStandardItemModel*>(modeBox_->model())->item(int(Mode::FocusPhotos)))
        item->setEnabled(focus_ >= 0);
    const bool photoEdges = mode_ != Mode::Classes;
    edgesLabel_->setVisible(photoEdges);
    slider_->setVisible(photoEdges);
    view_->setFitRect(QRectF());  // photos: every node (buildClassGraph sets its own)
    scene_->setSceneRect(QRectF());  // null: grows with the items again
    if (mode_ == Mode::Classes)
        buildClassGraph();
    else
        buildPhotoGraph(mode_ == Mode::Photos ? wholePhotoGraph() : focusPhotoGraph());
    updateColours();
    view_->fitAll();
}

void GraphView::fillLegend()
{
    legend_->clear();
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    for (int c = 0; c < set.classCount(); ++c) {
        auto* item = new QListWidgetItem(set.classNames[c]);
        item->setData(Qt::UserRole, c);
        item->setToolTip(set.classNames[c]);
        legend_->addItem(item);
    }
    showMatchingLegend(filter_->text());  // no focus from here: rebuild() calls this, and a focus may rebuild
}

int GraphView::showMatchingLegend(const QString& text)
{
    const QString wanted = text.trimmed();
    int first = -1;
    for (int i = 0; i < legend_->count(); ++i) {
        QListWidgetItem* item = legend_->item(i);
        const bool match = wanted.isEmpty() || item->text().contains(wanted, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (match && first < 0) first = item->data(Qt::UserRole).toInt();
    }
    return wanted.isEmpty() ? -1 : first;
}

void GraphView::filterLegend(const QString& text)
{
    const int first = showMatchingLegend(text);
    if (first >= 0 && first != focus_) setFocusedClass(first);
}

GraphView::PhotoGraph GraphView::wholePhotoGraph() const
{
    const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
    PhotoGraph graph;
    graph.rows = analysis->graphRows;
    const double extent = std::max(analysis->layout.cwiseAbs().maxCoeff(), 1e-9);
    for (int row : graph.rows) graph.position.insert(row, QPointF(analysis->layout(row, 0), analysis->layout(row, 1)) / extent);
    graph.edges = analysis->edges;
    return graph;
}

GraphView::PhotoGraph GraphView::focusPhotoGraph() const
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    const std::vector<int> classes = highlightedClasses();
    const auto perClass = rowsPerClass(set);
    size_t total = 0;
    for (int c : classes) total += perClass[size_t(c)].size();
    PhotoGraph graph;
    for (int c : classes) {  // each class keeps its share of the limit
        const std::vector<int>& rows = perClass[size_t(c)];
        const int share = int(std::max<size_t>(1, rows.size() * kFocusPhotoLimit / std::max<size_t>(1, total)));
        for (int i : evenSample(int(rows.size()), share)) graph.rows.push_back(rows[size_t(i)]);
    }
    std::sort(graph.rows.begin(), graph.rows.end());
    const EmbeddingSet part = set.subset(graph.rows);
    // Their own layout: in the whole set's MDS a handful of similar classes sit on top of each other.
    const Eigen::MatrixX2d layout = classicalMds(part.vectors);
    const double extent = std::max(layout.cwiseAbs().maxCoeff(), 1e-9);
    for (size_t i = 0; i < graph.rows.size(); ++i)
        graph.position.insert(graph.rows[i], QPointF(layout(Eigen::Index(i), 0), layout(Eigen::Index(i), 1)) / extent);
    const Matrix similarity = part.vectors * part.vectors.transpose();
    for (int i = 0; i < part.size(); ++i)
        for (int j = i + 1; j < part.size(); ++j)
            graph.edges.push_back({graph.rows[size_t(i)], graph.rows[size_t(j)], similarity(i, j)});
    const size_t keep = std::min(graph.edges.size(), SimilarityAnalysis::kMaxEdges);
    std::partial_sort(graph.edges.begin(), graph.edges.begin() + std::ptrdiff_t(keep), graph.edges.end(),
                      [](const SimilarityEdge& x, const SimilarityEdge& y) { return x.similarity > y.similarity; });
    graph.edges.resize(keep);
    return graph;
}

void GraphView::buildPhotoGraph(const PhotoGraph& graph)
{
    const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    photoGraph_ = graph;
    if (mode_ == Mode::FocusPhotos)
        sampleLabel_->setText(withSpace(tr("— %1 and its %2 most similar classes: %3 photos")
                                            .arg(set.classNames.value(focus_)).arg(kNeighbours).arg(graph.rows.size())));
    else
        sampleLabel_->setText(withSpace(analysis->graphIsSampled()
                                            ? tr("— showing %1 of %2 photos (an even sample of every class)")
                                                  .arg(analysis->graphRows.size()).arg(set.size())
                                            : QString()));
    double cMin = std::numeric_limits<double>::max(), cMax = std::numeric_limits<double>::lowest();
    for (int row : graph.rows) {
        cMin = std::min(cMin, double(analysis->centrality[row]));
        cMax = std::max(cMax, double(analysis->centrality[row]));
    }
    // Node radius: 3–11 px by centrality; smaller for big graphs so that they stay readable.
    const double scaleDown = graph.rows.size() > 1000 ? 0.6 : 1.0;
    edgeItem_ = new EdgesItem;
    scene_->addItem(edgeItem_);
    edgeItem_->setZValue(-1);
    nodeOfRow_.assign(size_t(set.size()), nullptr);
    nodes_.reserve(int(graph.rows.size()));
    for (int i : graph.rows) {
        const double t = cMax > cMin ? (analysis->centrality[i] - cMin) / (cMax - cMin) : 0.5;
        auto* node = new NodeItem(this, i, scaleDown * (3 + 8 * t));
        node->setPos(kSceneExtent * graph.position.value(i));
        scene_->addItem(node);
        nodes_.push_back(node);
        nodeOfRow_[size_t(i)] = node;
    }
    if (!graph.edges.empty()) {
        edgeHi_ = graph.edges.front().similarity;
        edgeLo_ = graph.edges.back().similarity;
        // Start with about three edges per photo: enough to see clusters, few enough to see nodes.
        const size_t index = std::min(graph.edges.size() - 1, size_t(3 * nodes_.size()));
        const double start = graph.edges[index].similarity;
        slider_->blockSignals(true);
        slider_->setValue(edgeHi_ > edgeLo_ ? int(1000 * (start - edgeLo_) / (edgeHi_ - edgeLo_)) : 0);
        slider_->blockSignals(false);
    }
    updateEdges();
    updateHighlights();
}

void GraphView::buildClassGraph()
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    const int classes = set.classCount();
    const std::vector<int> counts = set.countsPerClass();
    const int maxCount = std::max(1, *std::max_element(counts.begin(), counts.end()));

    // Edges: the pairs the classifier confused, when they were found for these classes; else each
    // class with its most similar classes (what it would be confused with, before training).
    const ConfusedPairsReport* confused = controller_->confusedPairs();
    QString edgeMeaning;
    if (confused && confused->classNames == set.classNames && !confused->byConfusion().empty()) {
        const std::vector<int> order = confused->byConfusion();
        for (size_t i = 0; i < order.size() && i < size_t(kClassEdgesPerClass * classes); ++i) {
            const ConfusedPair& pair = confused->pairs[size_t(order[i])];
            classEdges_.push_back({pair.a, pair.b, float(pair.errors())});
        }
        edgeMeaning = tr("— edges: the %1 most confused pairs (cross-validated errors; thicker: more)").arg(classEdges_.size());
    } else {
        QSet<QPair<int, int>> seen;
        for (int c = 0; c < classes; ++c)
            for (int other : nearestClasses(classSimilarity_, c, kClassEdgesPerClass)) {
                const QPair<int, int> key(std::min(c, other), std::max(c, other));
                if (seen.contains(key)) continue;
                seen.insert(key);
                classEdges_.push_back({key.first, key.second, float(classSimilarity_(key.first, key.second))});
            }
        edgeMeaning = tr("— edges: each class to its %1 most similar classes (class-mean cosine; thicker: closer)")
                          .arg(kClassEdgesPerClass);
    }
    sampleLabel_->setText(withSpace(tr("%n class(es), node size: photos per class ", nullptr, classes) + edgeMeaning));
    thresholdLabel_->clear();

    Matrix means = Matrix::Zero(classes, set.dim());
    for (int row = 0; row < set.size(); ++row) means.row(set.labels[size_t(row)]) += set.vectors.row(row);
    means.rowwise().normalize();
    const Eigen::MatrixX2d layout = classicalMds(means);
    const double extent = std::max(layout.cwiseAbs().maxCoeff(), 1e-9);
    std::vector<QPointF> positions;
    for (int c = 0; c < classes; ++c) positions.emplace_back(kSceneExtent * layout(c, 0) / extent, kSceneExtent * layout(c, 1) / extent);
    // About 70% of the spacing the classes would have if spread evenly over the canvas, within 24–50
    // scene units (the canvas shows ±kSceneExtent on a few hundred pixels); three times that
    // sideways when every class is named.
    const double spacing = std::clamp(0.7 * 2 * kSceneExtent / std::sqrt(double(classes)), 24.0, 50.0);
    spreadApart(positions, classes <= kAllLabelsUpTo ? 3 * spacing : spacing, spacing);

    edgeItem_ = new QGraphicsPathItem;
    scene_->addItem(edgeItem_);
    edgeItem_->setZValue(-1);
    nodeOfClass_.assign(size_t(classes), nullptr);
    labelOfClass_.assign(size_t(classes), nullptr);
    QFont labelFont = font();
    labelFont.setBold(true);
    const bool named = classes <= kAllLabelsUpTo;
    QRectF drawn;
    for (const QPointF& at : positions) drawn |= QRectF(at, QSizeF(1, 1));
    // Room for the names: right of every node (a quarter of the picture's width) when all are
    // named, else on either side of the few named ones (placeLabels).
    const double side = drawn.width() / (named ? 4 : 6);
    const QRectF shown = drawn.adjusted(named ? -30 : -30 - side, -30, 30 + side, 30);
    view_->setFitRect(shown);
    scene_->setSceneRect(shown);  // not the hidden labels' unscaled extent: no scroll bars at the fitted zoom
    for (int c = 0; c < classes; ++c) {
        // Area ∝ photo count, 5–18 px radius (3–10 px beyond kAllLabelsUpTo classes, which stand
        // closer): a big class is seen big without hiding small ones.
        const double share = std::sqrt(double(counts[size_t(c)]) / maxCount);
        const double radius = named ? 5 + 13 * share : 3 + 7 * share;
        auto* node = new ClassNodeItem(this, c, radius);
        node->setPos(positions[size_t(c)]);
        scene_->addItem(node);
        nodes_.push_back(node);
        nodeOfClass_[size_t(c)] = node;
        auto* label = new LabelItem(set.classNames[c], node);  // a child: moves and ignores zoom with it
        label->setFont(labelFont);
        label->setPos(radius + 2, -label->boundingRect().height() / 2);
        labelOfClass_[size_t(c)] = label;
    }
    visibleEdges_ = int(classEdges_.size());
}

void GraphView::updateColours()
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    const std::vector<int> highlighted = highlightedClasses();
    const auto isHighlighted = [&](int c) { return std::find(highlighted.begin(), highlighted.end(), c) != highlighted.end(); };
    // Legend swatches show the colours as drawn.
    for (int i = 0; i < legend_->count(); ++i) {
        QListWidgetItem* item = legend_->item(i);
        const int c = item->data(Qt::UserRole).toInt();
        QPixmap swatch(12, 12);
        swatch.fill(colourOfClass(c));
        item->setIcon(QIcon(swatch));
        QFont bold = legend_->font();
        bold.setBold(c == focus_);
        item->setFont(bold);
    }
    if (mode_ != Mode::Classes) {
        for (int row : photoGraph_.rows)
            if (QGraphicsEllipseItem* node = nodeOfRow_[size_t(row)]) {
                const int c = set.labels[size_t(row)];
                node->setBrush(colourOfClass(c));
                // Grey photos go behind the coloured ones, which are what the focus is about.
                if (!highlighted.empty() && set.classCount() > kDistinctColours && !isHighlighted(c)) node->setZValue(-0.5);
            }
        return;
    }
    const QColor text = palette().color(QPalette::WindowText);
    const bool allLabels = int(nodeOfClass_.size()) <= kAllLabelsUpTo;
    for (size_t c = 0; c < nodeOfClass_.size(); ++c) {
        const bool lit = isHighlighted(int(c));
        nodeOfClass_[c]->setBrush(colourOfClass(int(c)));
        nodeOfClass_[c]->setPen(int(c) == focus_ ? QPen(text, 3) : lit ? QPen(text, 1.5) : QPen(text.lighter(), 0.5));
        nodeOfClass_[c]->setZValue(int(c) == focus_ ? 3 : lit ? 2 : 0);
        labelOfClass_[c]->setVisible(allLabels || lit);
        labelOfClass_[c]->setBrush(text);
    }
    placeLabels();
    view_->refit();  // a name shown near the edge widens the picture (and places the names again)
    // Class edges: width by strength; those touching the focus in the text colour, others faint.
    const float lo = classEdges_.empty() ? 0 : std::min_element(classEdges_.begin(), classEdges_.end(), [](auto& x, auto& y) {
                                                   return x.similarity < y.similarity; })->similarity;
    const float hi = classEdges_.empty() ? 1 : std::max_element(classEdges_.begin(), classEdges_.end(), [](auto& x, auto& y) {
                                                   return x.similarity < y.similarity; })->similarity;
    for (QGraphicsItem* child : edgeItem_ ? edgeItem_->childItems() : QList<QGraphicsItem*>()) delete child;
    for (const SimilarityEdge& edge : classEdges_) {
        const double t = hi > lo ? (edge.similarity - lo) / (hi - lo) : 1.0;
        const bool touching = edge.a == focus_ || edge.b == focus_;
        QColor colour = text;
        colour.setAlpha(touching ? 230 : highlighted.empty() ? 110 : 45);
        auto* line = new QGraphicsLineItem(QLineF(nodeOfClass_[size_t(edge.a)]->pos(), nodeOfClass_[size_t(edge.b)]->pos()),
                                           edgeItem_);
        QPen pen(colour, 1 + 4 * t);
        pen.setCosmetic(true);  // pixels at every zoom
        line->setPen(pen);
    }
}

void GraphView::updateEdges()
{
    if (!edgeItem_ || mode_ == Mode::Classes) return;
    const double at = threshold();
    QPainterPath path;
    visibleEdges_ = 0;
    for (const SimilarityEdge& edge : photoGraph_.edges) {  // best first
        if (edge.similarity < at || visibleEdges_ >= kMaxDrawnEdges) break;
        path.moveTo(nodeOfRow_[size_t(edge.a)]->pos());
        path.lineTo(nodeOfRow_[size_t(edge.b)]->pos());
        ++visibleEdges_;
    }
    QColor color = palette().color(QPalette::WindowText);
    color.setAlpha(50);
    QPen pen(color, 0);  // cosmetic: one pixel at every zoom
    edgeItem_->setPen(pen);
    edgeItem_->setPath(path);
    thresholdLabel_->setText(tr("%1 (%n edge(s))", nullptr, visibleEdges_).arg(at, 0, 'f', 3));
}

void GraphView::placeLabels()
{
    if (mode_ != Mode::Classes || labelOfClass_.empty() || !labelOfClass_[0]) return;
    // Nodes and names keep their pixel size at every zoom, so names are placed in viewport pixels,
    // at the canvas's current zoom. Each shown name takes the first side of its node (right, left,
    // below, above) where it covers no name placed before it, stays on the canvas and covers the
    // fewest nodes, named ones above all. The focus and its neighbours (close together) go first,
    // and try first the side facing away from their group's centre.
    const bool allLabels = int(nodeOfClass_.size()) <= kAllLabelsUpTo;
    const std::vector<int> group = allLabels ? std::vector<int>() : highlightedClasses();
    std::vector<int> order = group;
    for (int c = 0; c < int(labelOfClass_.size()); ++c)
        if (labelOfClass_[size_t(c)]->isVisible() && std::find(group.begin(), group.end(), c) == group.end()) order.push_back(c);
    const auto pixelsOf = [this](int c) { return QPointF(view_->mapFromScene(nodeOfClass_[size_t(c)]->pos())); };
    const auto radiusOf = [this](int c) { return nodeOfClass_[size_t(c)]->rect().width() / 2; };
    QPointF centre;
    for (int c : group) centre += pixelsOf(c) / double(group.size());
    std::vector<QRectF> nodes;
    for (int c = 0; c < int(nodeOfClass_.size()); ++c) {
        const double r = radiusOf(c);
        nodes.emplace_back(pixelsOf(c) - QPointF(r, r), QSizeF(2 * r, 2 * r));
    }
    const auto overlap = [](const QRectF& a, const QRectF& b) {
        const QRectF both = a.intersected(b);
        return both.isEmpty() ? 0.0 : both.width() * both.height();
    };
    const QRectF canvas = QRectF(view_->viewport()->rect()).adjusted(2, 2, -2, -2);
    std::vector<QRectF> placed;
    for (int c : order) {
        QGraphicsSimpleTextItem* label = labelOfClass_[size_t(c)];
        const QRectF box = label->boundingRect();  // in the label's own pixels (it has a margin)
        const double r = radiusOf(c), w = box.width(), h = box.height();
        // Top-left corners of the name's box relative to the node's centre.
        const QPointF right(r + 2, -h / 2), left(-r - 2 - w, -h / 2), below(-w / 2, r + 2), above(-w / 2, -r - 2 - h);
        std::vector<QPointF> sides{right, left, below, above};
        if (std::find(group.begin(), group.end(), c) != group.end() && group.size() > 1) {
            const QPointF away = pixelsOf(c) - centre;
            if (std::abs(away.y()) > std::abs(away.x())) sides = away.y() < 0 ? std::vector<QPointF>{above, left, right, below}
                                                                                : std::vector<QPointF>{below, right, left, above};
            else sides = away.x() < 0 ? std::vector<QPointF>{left, above, below, right} : std::vector<QPointF>{right, below, above, left};
        }
        double bestCost = std::numeric_limits<double>::max();
        QRectF best;
        for (const QPointF& side : sides) {
            const QRectF at(pixelsOf(c) + side, QSizeF(w, h));
            // Off the canvas is bad, but a fitted picture widens for it (refit); a covered name is worse.
            double cost = 100 * (w * h - overlap(at, canvas));
            for (const QRectF& other : placed) cost += 1000 * overlap(at, other);
            for (int n = 0; n < int(nodes.size()); ++n)  // a named node hidden by a name is worse than a grey one
                if (n != c) cost += (labelOfClass_[size_t(n)]->isVisible() ? 50 : 1) * overlap(at, nodes[size_t(n)]);
            if (cost < bestCost) {
                bestCost = cost;
                best = at;
            }
        }
        label->setPos(best.topLeft() - pixelsOf(c) - box.topLeft());
        placed.push_back(best);
    }
}

int GraphView::visibleLabelCount() const
{
    return int(std::count_if(labelOfClass_.begin(), labelOfClass_.end(), [](auto* label) { return label && label->isVisible(); }));
}
void GraphView::updateHighlights()
{
    if (mode_ == Mode::Classes || int(nodeOfRow_.size()) != controller_->viewedEmbeddings().size()) return;
    QSet<int> kept;
    if (const TrainingOutcome* training = controller_->training())
        kept = QSet<int>(training->keptRows.begin(), training->keptRows.end());
    const int selected = controller_->rowOfPath(controller_->selectedPhoto());
    const QColor ring = palette().color(QPalette::WindowText);
    suspectNodes_ = 0;
    for (int row = 0; row < int(nodeOfRow_.size()); ++row) {
        QGraphicsEllipseItem* node = nodeOfRow_[size_t(row)];
        if (!node) continue;
        const bool suspect = controller_->suspectOfRow(row) != nullptr;
        suspectNodes_ += suspect;
        QPen pen = Qt::NoPen;
        if (kept.contains(row)) pen = QPen(ring, 2);
        if (suspect) pen = QPen(kSuspectColor, 2.5, Qt::DashLine);
        if (row == selected) pen = QPen(QColor(255, 60, 60), 3);
        node->setPen(pen);
        node->setZValue(row == selected ? 3 : suspect ? 2 : kept.contains(row) ? 1 : 0);
    }
}

void GraphView::hoverNode(int row, const QPoint& viewportPos)
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    if (row >= set.size()) return;
    const QString path = set.paths[row];
    const SimilarityAnalysis* analysis = controller_->viewedAnalysis();
    const SuspectPhoto* suspect = controller_->suspectOfRow(row);
    const QString suspectLine = suspect ? tr("suspect: %1").arg(suspect->reasons.join(QStringLiteral(", "))) : QString();
    preview_->setText(QStringLiteral("<b>%1</b><br>%2<br>centrality %3%4")
                          .arg(set.classNames.value(set.labels[size_t(row)]).toHtmlEscaped(),
                               QFileInfo(path).fileName().toHtmlEscaped())
                          .arg(analysis ? analysis->centrality[row] : 0.0, 0, 'g', 3)
                          .arg(suspect ? QStringLiteral("<br><b>%1</b>").arg(suspectLine.toHtmlEscaped()) : QString()));
    const QPixmap thumb = controller_->thumbnails()->thumbnail(path);
    if (!thumb.isNull()) {
        preview_->setText(QString());
        const int textHeight = suspect ? 52 : 36;
        QPixmap card(thumb.size() / thumb.devicePixelRatio() + QSize(0, textHeight));
        card.fill(palette().color(QPalette::ToolTipBase));
        QPainter painter(&card);
        painter.drawPixmap(0, 0, thumb);
        painter.setPen(palette().color(QPalette::ToolTipText));
        QString text = set.classNames.value(set.labels[size_t(row)]) + QLatin1Char('\n') + QFileInfo(path).fileName();
        if (suspect) text += QLatin1Char('\n') + suspectLine;
        painter.drawText(QRect(4, card.height() - textHeight, card.width() - 8, textHeight),
                         Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, text);
        painter.end();
        preview_->setPixmap(card);
    }
    showPreviewAt(viewportPos);
}

bool GraphView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == view_ && event->type() == QEvent::ToolTip && preview_->isVisible()) return true;
    return QWidget::eventFilter(watched, event);
}

void GraphView::showPreviewAt(const QPoint& viewportPos)
{
    // Beside the pointer, on its other side near the right or bottom edge, and whole inside the
    // view: a wide card flipped left of a node near the left edge was cut there (a GUI review at
    // 200 classes and 1024x600). On one line where it fits (a wrapped rich-text label picks its
    // own narrow shape), wrapped to the view's width where it does not.
    const QSize room = view_->viewport()->size();
    const int widest = std::max(80, room.width() - 8);
    preview_->setWordWrap(false);
    preview_->adjustSize();
    if (preview_->width() > widest) {
        preview_->setWordWrap(true);
        preview_->resize(widest, preview_->heightForWidth(widest));
    }
    QPoint at = viewportPos + QPoint(14, 14);
    if (at.x() + preview_->width() > room.width()) at.rx() -= preview_->width() + 28;
    if (at.y() + preview_->height() > room.height()) at.ry() -= preview_->height() + 28;
    at.setX(std::clamp(at.x(), 0, std::max(0, room.width() - preview_->width())));
    at.setY(std::clamp(at.y(), 0, std::max(0, room.height() - preview_->height())));
    preview_->move(at);
    preview_->show();
    preview_->raise();
}

void GraphView::leaveNode() { preview_->hide(); }

void GraphView::hoverClass(int classIndex, const QPoint& viewportPos)
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    if (classIndex >= set.classCount()) return;
    QStringList nearest;
    for (int c : nearestClasses(classSimilarity_, classIndex, 3))
        nearest << QStringLiteral("%1 (%2)").arg(set.classNames[c].toHtmlEscaped()).arg(classSimilarity_(classIndex, c), 0, 'f', 2);
    preview_->setText(tr("<b>%1</b><br>%n photo(s)<br>most similar: %2<br><i>click: focus, double-click: photos</i>",
                         nullptr, set.countsPerClass()[size_t(classIndex)])
                          .arg(set.classNames[classIndex].toHtmlEscaped(), nearest.join(QStringLiteral(", "))));
    showPreviewAt(viewportPos);
}

void GraphView::clickClass(int classIndex) { setFocusedClass(classIndex); }

void GraphView::openClass(int classIndex)
{
    setFocusedClass(classIndex);
    setMode(Mode::FocusPhotos);
}

void GraphView::clickNode(int row)
{
    const EmbeddingSet& set = controller_->viewedEmbeddings();
    if (row < set.size()) controller_->selectPhoto(set.paths[row]);
}

} // namespace exemplar::ui
