#include "views/PhotoGridView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"

#include <QContextMenuEvent>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QSet>

namespace exemplar::ui {

namespace {

enum class PhotoState { Training, Kept, HeldOut, NotEmbedded, Excluded, Skipped };
constexpr int kPathRole = Qt::UserRole;
constexpr int kStateRole = Qt::UserRole + 1;
constexpr int kSuspectRole = Qt::UserRole + 2;  // bool

QString stateText(PhotoState state)
{
    switch (state) {
    case PhotoState::Kept: return PhotoGridView::tr("★ kept reference");
    case PhotoState::HeldOut: return PhotoGridView::tr("held out (report)");
    case PhotoState::NotEmbedded: return PhotoGridView::tr("not embedded yet");
    case PhotoState::Excluded: return PhotoGridView::tr("excluded");
    case PhotoState::Skipped: return PhotoGridView::tr("⚠ skipped");
    case PhotoState::Training: break;
    }
    return QString();
}

// A placeholder of thumbnail size, so that the grid does not jump as thumbnails arrive.
QIcon placeholderIcon(const QPalette& palette, bool broken)
{
    QPixmap pixmap(ThumbnailCache::kEdge, ThumbnailCache::kEdge * 3 / 4);
    pixmap.fill(palette.color(QPalette::AlternateBase));
    if (broken) {
        QPainter painter(&pixmap);
        painter.setPen(QPen(QColor(200, 60, 60), 3));
        painter.drawLine(20, 20, pixmap.width() - 20, pixmap.height() - 20);
        painter.drawLine(20, pixmap.height() - 20, pixmap.width() - 20, 20);
    }
    return QIcon(pixmap);
}

// An orange "!" in the thumbnail's corner: visible at a glance while scrolling a class.
QPixmap withSuspectBadge(QPixmap pixmap)
{
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal edge = 22;  // logical pixels: the painter works in them on a high-DPI pixmap
    const QRectF badge(pixmap.width() / pixmap.devicePixelRatio() - edge - 3, 3, edge, edge);
    painter.setPen(QPen(Qt::white, 1.5));
    painter.setBrush(kSuspectColor);
    painter.drawEllipse(badge);
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(int(edge * 0.75));
    painter.setFont(font);
    painter.drawText(badge, Qt::AlignCenter, QStringLiteral("!"));
    return pixmap;
}

QString suspectText(const SuspectPhoto& suspect)
{
    return PhotoGridView::tr("⚑ suspect: %1").arg(suspect.reasons.join(QStringLiteral(", ")));
}

} // namespace

PhotoGridView::PhotoGridView(ProjectController* controller, QWidget* parent)
    : QListWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("photoGrid"));
    setViewMode(QListView::IconMode);
    setIconSize(QSize(ThumbnailCache::kEdge, ThumbnailCache::kEdge * 3 / 4));
    setGridSize(QSize(ThumbnailCache::kEdge + 24, ThumbnailCache::kEdge * 3 / 4 + 48));
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setWordWrap(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setToolTip(tr("Photos of the selected class. Delete excludes (or re-includes) a photo."));

    connect(controller_, &ProjectController::classSelected, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::datasetChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::embeddingsChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::trainingChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::auditChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::photoSelected, this, [this](const QString& path) {
        if (QListWidgetItem* item = itemOfPath_.value(path)) {
            setCurrentItem(item);
            scrollToItem(item);
        }
    });
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailReady, this, [this](const QString& path) {
        if (QListWidgetItem* item = itemOfPath_.value(path)) item->setIcon(iconFor(item, controller_->thumbnails()->thumbnail(path)));
    });
    connect(this, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!rebuilding_ && item) controller_->selectPhoto(item->data(kPathRole).toString());
    });
    connect(this, &QListWidget::itemActivated, this, &PhotoGridView::toggleExcluded);
}

void PhotoGridView::rebuild()
{
    rebuilding_ = true;
    clear();
    itemOfPath_.clear();
    const int source = controller_->selectedClassSource();
    const auto& sources = controller_->sources().classes;
    if (source < 0 || source >= int(sources.size())) {
        rebuilding_ = false;
        return;
    }
    const QString folder = sources[size_t(source)].folder;
    const Dataset& dataset = controller_->dataset();
    const int c = dataset.classFolders.indexOf(folder);
    const bool embedded = controller_->embeddings().size() > 0;
    QSet<int> kept, heldOut;
    if (const TrainingOutcome* training = controller_->training()) {
        kept = QSet<int>(training->keptRows.begin(), training->keptRows.end());
        heldOut = QSet<int>(training->heldOutRows.begin(), training->heldOutRows.end());
    }
    QHash<QString, QString> skippedReason;
    for (const SkippedFile& file : controller_->skippedFiles())
        if (QFileInfo(file.path).absolutePath() == folder) skippedReason.insert(file.path, file.reason);

    auto append = [this](const QString& path, PhotoState state, const QString& reason) {
        const SuspectPhoto* suspect = state == PhotoState::Skipped || state == PhotoState::Excluded
                                          ? nullptr
                                          : controller_->suspectOfRow(controller_->rowOfPath(path));
        QStringList lines{QFileInfo(path).fileName()};
        if (state != PhotoState::Training) lines << stateText(state);
        if (suspect) lines << suspectText(*suspect);
        auto* item = new QListWidgetItem(lines.join(QLatin1Char('\n')));
        item->setData(kPathRole, path);
        item->setData(kStateRole, int(state));
        item->setData(kSuspectRole, suspect != nullptr);
        QString tip = path + QLatin1Char('\n') + (reason.isEmpty() ? stateText(state) : reason);
        if (suspect) tip += QLatin1Char('\n') + suspectText(*suspect) + QLatin1Char('\n') + suspect->explanation;
        item->setToolTip(tip.trimmed());
        const QPixmap pixmap = state == PhotoState::Skipped ? QPixmap() : controller_->thumbnails()->thumbnail(path);
        item->setIcon(pixmap.isNull() ? placeholderIcon(palette(), state == PhotoState::Skipped) : iconFor(item, pixmap));
        if (state == PhotoState::Kept) item->setBackground(QColor(80, 170, 90, 70));
        if (suspect) item->setForeground(kSuspectColor.darker(130));
        if (state == PhotoState::Excluded || state == PhotoState::Skipped)
            item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        QListWidget::addItem(item);
        itemOfPath_.insert(path, item);
    };
    for (const Photo& photo : dataset.photos) {
        if (photo.classIndex != c) continue;
        PhotoState state = PhotoState::Training;
        QString reason;
        if (skippedReason.contains(photo.path)) {
            state = PhotoState::Skipped;
            reason = skippedReason.take(photo.path);
        } else if (embedded) {
            const int row = controller_->rowOfPath(photo.path);
            if (kept.contains(row)) state = PhotoState::Kept;
            else if (heldOut.contains(row)) state = PhotoState::HeldOut;
        } else {
            state = PhotoState::NotEmbedded;
        }
        append(photo.path, state, reason);
    }
    for (const Photo& photo : controller_->excludedPhotos())
        if (QFileInfo(photo.path).absolutePath() == folder) append(photo.path, PhotoState::Excluded, QString());
    for (auto it = skippedReason.begin(); it != skippedReason.end(); ++it) append(it.key(), PhotoState::Skipped, it.value());
    if (QListWidgetItem* item = itemOfPath_.value(controller_->selectedPhoto())) setCurrentItem(item);
    rebuilding_ = false;
}

QIcon PhotoGridView::iconFor(QListWidgetItem* item, const QPixmap& thumbnail) const
{
    return QIcon(item->data(kSuspectRole).toBool() ? withSuspectBadge(thumbnail) : thumbnail);
}

int PhotoGridView::suspectCount() const
{
    int suspects = 0;
    for (int i = 0; i < count(); ++i) suspects += item(i)->data(kSuspectRole).toBool();
    return suspects;
}

void PhotoGridView::toggleExcluded(QListWidgetItem* item)
{
    if (!item) return;
    const auto state = PhotoState(item->data(kStateRole).toInt());
    if (state == PhotoState::Skipped) return;
    controller_->setPhotoExcluded(item->data(kPathRole).toString(), state != PhotoState::Excluded);
}

void PhotoGridView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        toggleExcluded(currentItem());
        return;
    }
    QListWidget::keyPressEvent(event);
}

void PhotoGridView::contextMenuEvent(QContextMenuEvent* event)
{
    QListWidgetItem* item = itemAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!item || PhotoState(item->data(kStateRole).toInt()) == PhotoState::Skipped) return;
    const bool excluded = PhotoState(item->data(kStateRole).toInt()) == PhotoState::Excluded;
    QMenu menu(this);
    menu.addAction(excluded ? tr("Include photo") : tr("Exclude photo"), this, [this, item] { toggleExcluded(item); });
    menu.exec(event->globalPos());
}

} // namespace exemplar::ui
