#include "views/EvaluationView.h"

#include "controller/ProjectController.h"
#include "views/FigureText.h"
#include "plots/MatrixPlotNavigation.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QScrollBar>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace exemplar::ui {

namespace {

// A table cell of a number shown as text: sorted by its value (Qt::UserRole), not its text.
class NumberItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& other) const override
    {
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

} // namespace

EvaluationView::EvaluationView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("evaluationView"));
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("evaluationSummary"));
    summary_->setWordWrap(true);
    table_ = new QTableWidget(0, 5, this);
    table_->setObjectName(QStringLiteral("perClassTable"));
    table_->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
    table_->horizontalHeaderItem(1)->setToolTip(tr("Of the held-out photos answered with this class, the share that "
                                                   "are of it; hover a figure for its 95% interval"));
    table_->horizontalHeaderItem(2)->setToolTip(tr("Of the class's held-out photos, the share answered with it; hover "
                                                   "a figure for its 95% interval"));
    // Room to spare goes to the class names (shortened in the middle when there is none), not to a
    // wide Support column beside names cut to "009_As…e_2012".
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->verticalHeader()->setVisible(false);
    // Rows one line of text high, as in the class list: the style's default (30 pixels) showed 14
    // of 200 classes at a time.
    fitRowsToFont();
    // One line per class, long names shortened in the middle (fine-grained names often differ only
    // at their end), the full name on hover: wrapped names made 200 rows two lines high.
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int c = 1; c < 5; ++c) table_->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    table_->sortByColumn(0, Qt::AscendingOrder);
    table_->setSortingEnabled(true);

    plot_ = createPlot(this);
    plot_->setObjectName(QStringLiteral("confusionPlot"));
    plot_->axisRect()->setupFullAxesBox(true);
    plot_->yAxis->setRangeReversed(true);
    plot_->xAxis->setLabel(tr("predicted class"));
    plot_->yAxis->setLabel(tr("true class"));
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    QCPColorGradient gradient(QCPColorGradient::gpGrayscale);
    gradient.setColorStopAt(0, QColor(250, 250, 250));
    gradient.setColorStopAt(1, QColor(30, 80, 160));
    map_->setGradient(gradient);
    navigation_ = new MatrixPlotNavigation(plot_, map_);
    plot_->setToolTip(tr("Rows: true class; columns: predicted class. Click a cell to list its photos. "
                         "Wheel: zoom; drag: pan."));
    applyPlotTheme(plot_);
    cellTitle_ = new QLabel(tr("Click a cell of the confusion matrix to see its photos."), this);
    photos_ = new QListWidget(this);
    photos_->setObjectName(QStringLiteral("confusionPhotos"));
    photos_->setViewMode(QListView::IconMode);
    photos_->setIconSize(QSize(96, 72));
    photos_->setResizeMode(QListView::Adjust);
    photos_->setMovement(QListView::Static);
    // One cell per photo, whatever its shape: without a grid, photos of other proportions and
    // thumbnails that arrive later were laid over each other and over their names (a GUI review).
    photos_->setUniformItemSizes(true);
    photos_->setWordWrap(false);
    photos_->setTextElideMode(Qt::ElideMiddle);
    fitPhotoGridToFont();

    auto* top = new QSplitter(this);
    tableAndMatrix_ = top;
    top->addWidget(table_);
    top->addWidget(plot_);
    // Half each: in a window of 1280 beside the class list, 440 of 1000 cut the table's last column
    // and pushed it into scrolling; the matrix keeps its zoom for the rest. The first figures may
    // widen the table for long class names (widenTableForNames).
    top->setSizes({500, 500});
    // The cell's photos below, in a splitter that gives the matrix what the window gains or loses:
    // at 1020×570 a fixed list took more room than a matrix squashed to 165×105 pixels (a review).
    auto* cell = new QWidget(this);
    auto* cellLayout = new QVBoxLayout(cell);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    cellLayout->addWidget(cellTitle_);
    cellLayout->addWidget(photos_, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(cell);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setCollapsible(0, false);
    split->setSizes({600, 130});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(split, 1);

    connect(navigation_, &MatrixPlotNavigation::cellClicked, this, &EvaluationView::onClick);
    connect(plot_, &QCustomPlot::beforeReplot, this, &EvaluationView::showCountsThatFit);
    connect(photos_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        controller_->selectPhoto(item->data(Qt::UserRole).toString());
    });
    // Thumbnails that were not cached yet arrive later: set the icons then.
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailReady, this, [this](const QString& path) {
        for (int i = 0; i < photos_->count(); ++i)
            if (photos_->item(i)->data(Qt::UserRole).toString() == path)
                photos_->item(i)->setIcon(QIcon(controller_->thumbnails()->thumbnail(path)));
    });
    connect(controller_, &ProjectController::trainingChanged, this, &EvaluationView::refresh);
    connect(controller_, &ProjectController::analysisChanged, this, &EvaluationView::refresh);
    refresh();
}

void EvaluationView::widenTableForNames()
{
    // Once per view, when figures first fill the table: half the width cut names such as
    // "Black_footed_Albatross 001" to "Black_…ss 001" at 1100 pixels while the matrix beside it
    // had room to spare (a GUI review at 1024). The table gets what its numbers and names of up to
    // 28 average characters need; the matrix keeps at least 45%, and the user's own dragging of
    // the splitter afterwards stands.
    if (widenedForNames_ || table_->rowCount() == 0 || !tableAndMatrix_->isVisible()) return;
    const QList<int> sizes = tableAndMatrix_->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (total <= 0) return;  // not laid out yet: the next figures or showing try again
    widenedForNames_ = true;
    // Only ever wider, and never a table the user collapsed or dragged wider already (a review).
    const int cap = int(0.55 * total);
    if (sizes.value(0) == 0 || sizes.value(0) >= cap) return;
    // Widths as ResizeToContents gives them once laid out (not yet, when the figures just came).
    const auto widest = [this](int column) {
        int width = 0;
        for (int r = 0; r < table_->rowCount(); ++r)
            if (const QTableWidgetItem* item = table_->item(r, column))
                width = std::max(width, table_->fontMetrics().horizontalAdvance(item->text()));
        return width;
    };
    int numbers = 0;
    for (int c = 1; c < table_->columnCount(); ++c)
        numbers += std::max(table_->horizontalHeader()->sectionSizeHint(c), widest(c) + 12);
    const int longest = widest(0);
    const int nameRoom = std::min(longest, 28 * table_->fontMetrics().averageCharWidth()) + 16;
    const int wanted = numbers + nameRoom + table_->verticalScrollBar()->sizeHint().width() + 2 * table_->frameWidth();
    const int table = std::clamp(wanted, sizes.value(0), cap);
    if (table != sizes.value(0)) tableAndMatrix_->setSizes({table, total - table});
}

void EvaluationView::fitRowsToFont() { table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6); }

void EvaluationView::fitPhotoGridToFont()
{
    // The thumbnail and one line of its name (about 14 characters; longer ones elided in the middle).
    const QFontMetrics metrics = photos_->fontMetrics();
    const QSize icon = photos_->iconSize();
    photos_->setGridSize(QSize(std::max(icon.width(), 14 * metrics.averageCharWidth()) + 12,
                               icon.height() + metrics.lineSpacing() + 12));
}

void EvaluationView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {  // a larger font keeps its rows and names whole
        fitRowsToFont();
        fitPhotoGridToFont();
    }
}

void EvaluationView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    widenTableForNames();  // trained while the tab was hidden
}

QList<PlotHandle> EvaluationView::plots() const { return {plotHandle(plot_, QStringLiteral("confusion-matrix"))}; }

int EvaluationView::listedPhotoCount() const { return photos_->count(); }

void EvaluationView::refresh()
{
    table_->setSortingEnabled(false);
    table_->setRowCount(0);
    map_->data()->clear();
    plot_->clearItems();
    counts_.clear();
    photos_->clear();
    const TrainingOutcome* training = controller_->training();
    const EmbeddingSet& set = controller_->embeddings();
    if (!training || !training->hasHeldOut()) {
        summary_->setText(!training ? tr("Train a reference set (Optimize tab) to see its honest held-out evaluation.")
                          : training->missingHeldOut > 0
                              ? tr("None of the %1 held-out photos is among the project's photos any more (a class "
                                   "folder moved or deleted, or photos excluded since training): train again for an "
                                   "honest figure.").arg(training->missingHeldOut)
                              : tr("No photos were held out (held out = 0 %), so there is no honest figure. "
                                   "Use the Methods tab for a cross-validated estimate."));
        plot_->replot();
        return;
    }
    const Metrics& m = training->metrics;
    summary_->setText(tr("<b>Held-out accuracy %1</b> (95% interval %6 to %7), weighted F1 %2 — on %3 photos that "
                         "played no part in choosing the references (%4 training photos, method %5).")
                          // One call: the method is a file's text, and a "%2" in it must stay text.
                          .arg(percentText(m.accuracy), percentWithInterval(m.weightedF1, m.weightedF1Interval),
                               QString::number(m.total), QString::number(training->poolRows.size()),
                               training->set.method.toHtmlEscaped(), percentText(m.accuracyInterval.low),
                               percentText(m.accuracyInterval.high)) +
                      missingHeldOutNote(training->missingHeldOut, m.total).toHtmlEscaped());
    const int n = int(m.perClass.size());
    table_->setRowCount(n);
    // Shown with a fixed number of decimals ("1", "0.6" and "0.286" stood in one column: a
    // review), sorted by value.
    auto number = [](double value, int decimals) -> QTableWidgetItem* {
        auto* item = new NumberItem(QString::number(value, 'f', decimals));
        item->setData(Qt::UserRole, value);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    for (int c = 0; c < n; ++c) {
        const ClassMetrics& k = m.perClass[size_t(c)];
        auto* name = new QTableWidgetItem(set.classNames.value(c));
        name->setToolTip(set.classNames.value(c));
        table_->setItem(c, 0, name);
        // How sure each figure is, on hover: a class has a handful of test photos, so its
        // precision and recall are rough (Wilson intervals of the counts behind them). Near-identical
        // photos are one picture, one trial, as for the accuracy.
        const int correct = m.confusion.size() > size_t(c) ? m.confusion[size_t(c)][size_t(c)] : 0;
        int predicted = 0;
        for (const std::vector<int>& row : m.confusion) predicted += row.size() > size_t(c) ? row[size_t(c)] : 0;
        auto withInterval = [&](QTableWidgetItem* item, double share, int photos, const std::vector<int>& picturesOf,
                                const QString& ofPhotos, const QString& ofPictures) {
            const int pictures = picturesOf.size() > size_t(c) ? picturesOf[size_t(c)] : photos;
            if (pictures <= 0) return item;
            const bool grouped = pictures < photos;
            const int right = grouped ? int(std::lround(share * pictures)) : correct;
            const ProportionInterval interval = wilsonInterval(right, pictures);
            item->setToolTip(tr("95% interval %1 to %2 (Wilson; %3 of %4 %5)")
                                 .arg(interval.low, 0, 'f', 2)
                                 .arg(interval.high, 0, 'f', 2)
                                 .arg(right)
                                 .arg(pictures)
                                 .arg(grouped ? ofPictures.arg(photos) : ofPhotos));
            return item;
        };
        table_->setItem(c, 1, withInterval(number(k.precision, 3), k.precision, predicted, training->picturesAnsweredAsClass,
                                           tr("photos answered with this class"),
                                           tr("distinct pictures answered with this class, %1 photos")));
        table_->setItem(c, 2, withInterval(number(k.recall, 3), k.recall, k.support, training->testPicturesOfClass,
                                           tr("test photos of this class"),
                                           tr("distinct test pictures of this class, %1 photos")));
        table_->setItem(c, 3, number(k.f1, 3));
        table_->setItem(c, 4, number(k.support, 0));
    }
    table_->setSortingEnabled(true);
    widenTableForNames();

    map_->data()->setSize(n, n);
    map_->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    int maxCount = 1;
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) {
            const int count = m.confusion[size_t(t)][size_t(p)];
            map_->data()->setCell(p, t, count);
            maxCount = std::max(maxCount, count);
        }
    map_->setDataRange(QCPRange(0, maxCount));
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) {
            const int count = m.confusion[size_t(t)][size_t(p)];
            if (count == 0) continue;
            auto* label = new QCPItemText(plot_);
            label->position->setCoords(p, t);
            label->setText(QString::number(count));
            label->setColor(count > maxCount / 2 ? Qt::white : (t == p ? QColor(20, 20, 20) : QColor(200, 40, 40)));
            QFont f = font();
            f.setPointSizeF(n > 16 ? 7 : 9);
            label->setFont(f);
            counts_.append(label);
        }
    QVector<double> positions;
    for (int c = 0; c < n; ++c) positions << c;
    setClassTicks(plot_->xAxis, positions, set.classNames, -45);
    setClassTicks(plot_->yAxis, positions, set.classNames, 0);
    navigation_->showWholeMatrix();
    plot_->replot();
}

void EvaluationView::showCountsThatFit()
{
    // A count drawn over a cell narrower than its digits covers its neighbours: at 200 classes
    // the unzoomed matrix was a smear of red "1"s. The colour says the count there; zooming in
    // brings the digits back.
    const QSizeF cell = navigation_->cellSize();
    for (QCPItemText* count : counts_) {
        const QFontMetrics metrics(count->font());
        count->setVisible(cell.width() >= metrics.horizontalAdvance(count->text()) + 2 && cell.height() >= metrics.ascent());
    }
}

void EvaluationView::onClick(QMouseEvent* event)
{
    const TrainingOutcome* training = controller_->training();
    if (!training || !training->hasHeldOut() || !plot_->axisRect()->rect().contains(event->pos())) return;
    const int n = int(training->metrics.perClass.size());
    const auto& confusion = training->metrics.confusion;
    int p = int(std::lround(plot_->xAxis->pixelToCoord(event->pos().x())));
    int t = int(std::lround(plot_->yAxis->pixelToCoord(event->pos().y())));
    // At 200 classes a cell is a pixel or two wide: a click on an empty cell opens the nearest
    // non-empty one within a few pixels, so that the scattered errors can be hit.
    const bool empty = p < 0 || t < 0 || p >= n || t >= n || size_t(t) >= confusion.size() || confusion[size_t(t)][size_t(p)] == 0;
    if (empty) {
        constexpr double kReach = 6;  // pixels
        double nearest = kReach * kReach;
        const auto cellsNear = [&](QCPAxis* axis, double pixel) {
            const double a = axis->pixelToCoord(pixel - kReach), b = axis->pixelToCoord(pixel + kReach);
            return std::make_pair(std::max(0, int(std::floor(std::min(a, b)))), std::min(n - 1, int(std::ceil(std::max(a, b)))));
        };
        const auto [p0, p1] = cellsNear(plot_->xAxis, event->pos().x());
        const auto [t0, t1] = cellsNear(plot_->yAxis, event->pos().y());
        for (int tt = t0; tt <= t1 && size_t(tt) < confusion.size(); ++tt)
            for (int pp = p0; pp <= p1 && size_t(pp) < confusion[size_t(tt)].size(); ++pp) {
                if (confusion[size_t(tt)][size_t(pp)] == 0) continue;
                const double dx = plot_->xAxis->coordToPixel(pp) - event->pos().x(), dy = plot_->yAxis->coordToPixel(tt) - event->pos().y();
                if (dx * dx + dy * dy <= nearest) {
                    nearest = dx * dx + dy * dy;
                    p = pp;
                    t = tt;
                }
            }
    }
    if (p >= 0 && t >= 0 && p < n && t < n) showCell(t, p);
}

void EvaluationView::showCell(int truth, int predicted)
{
    photos_->clear();
    const TrainingOutcome* training = controller_->training();
    if (!training) return;
    const EmbeddingSet& set = controller_->embeddings();
    QPixmap blankThumbnail(photos_->iconSize());
    blankThumbnail.fill(Qt::transparent);
    for (size_t i = 0; i < training->heldOutRows.size(); ++i) {
        const int row = training->heldOutRows[i];
        if (set.labels[size_t(row)] != truth || training->heldOutPredicted[i] != predicted) continue;
        const QString path = set.paths[row];
        auto* item = new QListWidgetItem(QFileInfo(path).fileName());
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        // A blank of the thumbnail's size until it is made: items are laid out (uniformly) from
        // their first icon, and one without left no room for the picture that came later.
        const QPixmap thumb = controller_->thumbnails()->thumbnail(path);
        item->setIcon(QIcon(thumb.isNull() ? blankThumbnail : thumb));
        photos_->addItem(item);
    }
    cellTitle_->setText(tr("%n held-out photo(s) of <b>%1</b> classified as <b>%2</b>:", nullptr, photos_->count())
                            .arg(set.classNames.value(truth).toHtmlEscaped(), set.classNames.value(predicted).toHtmlEscaped()));
}

} // namespace exemplar::ui
