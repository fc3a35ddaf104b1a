#include "views/GraphView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"
#include "widgets/ZoomableGraphicsView.h"

#include <QFileInfo>
#include <QEvent>
#include <QGraphicsEllipseItem>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSceneHoverEvent>
#include <QGraphicsSceneMouseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSet>
#include <QSlider>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {

constexpr double kSceneExtent = 400;  // layout coordinates are scaled to ±this
constexpr int kMaxDrawnEdges = 6000;

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
    view_->setToolTip(tr("Wheel: zoom. Drag: pan. Click a photo to select it."));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setRange(0, 1000);
    slider_->setToolTip(tr("Draw an edge between two photos when their cosine similarity is at least this"));
    thresholdLabel_ = new QLabel(this);
    sampleLabel_ = new QLabel(this);
    auto* fit = new QPushButton(tr("Fit"), this);
    fit->setToolTip(tr("Show the whole graph"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Edges at cosine ≥"), this));
    bar->addWidget(slider_, 1);
    bar->addWidget(thresholdLabel_);
    bar->addWidget(sampleLabel_);
    bar->addWidget(fit);
    legend_ = new QListWidget(this);
    legend_->setMaximumWidth(220);
    legend_->setToolTip(tr("Node colour: class. Node size: eigenvector centrality. Ring: kept reference. "
                           "Orange dashed ring: suspect photo (see the Suspects list)."));
    auto* body = new QHBoxLayout;
    body->addWidget(view_, 1);
    body->addWidget(legend_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(body, 1);

    preview_ = new QLabel(view_->viewport());
    preview_->setFrameShape(QFrame::Box);
    preview_->setAutoFillBackground(true);
    preview_->setAttribute(Qt::WA_TransparentForMouseEvents);
    preview_->hide();

    connect(slider_, &QSlider::valueChanged, this, &GraphView::updateEdges);
    connect(fit, &QPushButton::clicked, view_, &ZoomableGraphicsView::fitAll);
    connect(controller_, &ProjectController::analysisChanged, this, &GraphView::rebuild);
    connect(controller_, &ProjectController::auditChanged, this, &GraphView::updateHighlights);
    connect(controller_, &ProjectController::trainingChanged, this, &GraphView::updateHighlights);
    connect(controller_, &ProjectController::photoSelected, this, &GraphView::updateHighlights);
    rebuild();
}

QList<PlotHandle> GraphView::plots() const { return {plotHandle(view_, QStringLiteral("similarity-graph"))}; }

void GraphView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {  // edges and rings are drawn in the text colour
        updateEdges();
        updateHighlights();
    }
}

double GraphView::threshold() const { return edgeLo_ + (edgeHi_ - edgeLo_) * slider_->value() / 1000.0; }

void GraphView::rebuild()
{
    scene_->clear();
    nodes_.clear();
    nodeOfRow_.clear();
    edgeItem_ = nullptr;
    legend_->clear();
    preview_->hide();
    const SimilarityAnalysis* analysis = controller_->analysis();
    const EmbeddingSet& set = controller_->embeddings();
    if (!analysis || analysis->size != set.size() || set.size() == 0) {
        thresholdLabel_->clear();
        sampleLabel_->clear();
        return;
    }
    sampleLabel_->setText(analysis->graphIsSampled()
                              ? tr("— showing %1 of %2 photos (an even sample of every class)")
                                    .arg(analysis->graphRows.size()).arg(set.size())
                              : QString());
    for (int c = 0; c < set.classCount(); ++c) {
        QPixmap swatch(12, 12);
        swatch.fill(classColor(c));
        legend_->addItem(new QListWidgetItem(QIcon(swatch), set.classNames[c]));
    }
    const double extent = std::max(analysis->layout.cwiseAbs().maxCoeff(), 1e-9);
    const double cMin = analysis->centrality.minCoeff(), cMax = analysis->centrality.maxCoeff();
    // Node radius: 3–11 px by centrality; smaller for big graphs so that they stay readable.
    const double scaleDown = analysis->graphRows.size() > 1000 ? 0.6 : 1.0;
    edgeItem_ = new EdgesItem;
    scene_->addItem(edgeItem_);
    edgeItem_->setZValue(-1);
    nodeOfRow_.assign(size_t(set.size()), nullptr);
    nodes_.reserve(int(analysis->graphRows.size()));
    for (int i : analysis->graphRows) {
        const double t = cMax > cMin ? (analysis->centrality[i] - cMin) / (cMax - cMin) : 0.5;
        auto* node = new NodeItem(this, i, scaleDown * (3 + 8 * t));
        node->setPos(kSceneExtent * analysis->layout(i, 0) / extent, kSceneExtent * analysis->layout(i, 1) / extent);
        node->setBrush(classColor(set.labels[size_t(i)]));
        scene_->addItem(node);
        nodes_.push_back(node);
        nodeOfRow_[size_t(i)] = node;
    }
    if (!analysis->edges.empty()) {
        edgeHi_ = analysis->edges.front().similarity;
        edgeLo_ = analysis->edges.back().similarity;
        // Start with about three edges per photo: enough to see clusters, few enough to see nodes.
        const size_t index = std::min(analysis->edges.size() - 1, size_t(3 * nodes_.size()));
        const double start = analysis->edges[index].similarity;
        slider_->blockSignals(true);
        slider_->setValue(edgeHi_ > edgeLo_ ? int(1000 * (start - edgeLo_) / (edgeHi_ - edgeLo_)) : 0);
        slider_->blockSignals(false);
    }
    updateEdges();
    updateHighlights();
    view_->fitAll();
}

void GraphView::updateEdges()
{
    const SimilarityAnalysis* analysis = controller_->analysis();
    if (!edgeItem_ || !analysis) return;
    const double at = threshold();
    QPainterPath path;
    visibleEdges_ = 0;
    for (const SimilarityEdge& edge : analysis->edges) {  // best first
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

void GraphView::updateHighlights()
{
    if (int(nodeOfRow_.size()) != controller_->embeddings().size()) return;
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
    const EmbeddingSet& set = controller_->embeddings();
    if (row >= set.size()) return;
    const QString path = set.paths[row];
    const SimilarityAnalysis* analysis = controller_->analysis();
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
    preview_->adjustSize();
    QPoint at = viewportPos + QPoint(14, 14);
    if (at.x() + preview_->width() > view_->viewport()->width()) at.rx() -= preview_->width() + 28;
    if (at.y() + preview_->height() > view_->viewport()->height()) at.ry() -= preview_->height() + 28;
    preview_->move(at);
    preview_->show();
    preview_->raise();
}

void GraphView::leaveNode() { preview_->hide(); }

void GraphView::clickNode(int row)
{
    const EmbeddingSet& set = controller_->embeddings();
    if (row < set.size()) controller_->selectPhoto(set.paths[row]);
}

} // namespace exemplar::ui
