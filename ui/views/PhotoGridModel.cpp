#include "views/PhotoGridModel.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"

#include <QApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPalette>

namespace exemplar::ui {

namespace {

QString stateText(PhotoState state)
{
    switch (state) {
    case PhotoState::Kept: return PhotoGridModel::tr("★ kept reference");
    case PhotoState::HeldOut: return PhotoGridModel::tr("held out (report)");
    case PhotoState::NotEmbedded: return PhotoGridModel::tr("not embedded yet");
    case PhotoState::Excluded: return PhotoGridModel::tr("excluded");
    case PhotoState::Skipped: return PhotoGridModel::tr("⚠ skipped");
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

QString suspectText(const GridPhoto& photo)
{
    return PhotoGridModel::tr("⚑ suspect: %1").arg(photo.suspectReasons);
}

} // namespace

PhotoGridModel::PhotoGridModel(ProjectController* controller, QObject* parent)
    : QAbstractListModel(parent), controller_(controller)
{
    setPalette(QApplication::palette());
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailReady, this, &PhotoGridModel::thumbnailReady);
    // A photo deleted or moved since its folder was read: shown as such, not as a thumbnail that
    // never comes (a GUI review: a class folder deleted while open left grey boxes).
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailFailed, this, &PhotoGridModel::thumbnailReady);
}

void PhotoGridModel::setPalette(const QPalette& palette)
{
    palette_ = palette;
    placeholder_ = placeholderIcon(palette, false);
    broken_ = placeholderIcon(palette, true);
    if (fetched_ > 0) Q_EMIT dataChanged(index(0), index(fetched_ - 1), {Qt::DecorationRole, Qt::ForegroundRole});
}

void PhotoGridModel::setPhotos(std::vector<GridPhoto> photos)
{
    beginResetModel();
    photos_ = std::move(photos);
    indexOfPath_.clear();
    indexOfPath_.reserve(int(photos_.size()));
    for (int i = 0; i < int(photos_.size()); ++i) indexOfPath_.insert(photos_[size_t(i)].path, i);
    icons_.clear();
    fetched_ = 0;
    endResetModel();
}

int PhotoGridModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : fetched_; }

bool PhotoGridModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && fetched_ < int(photos_.size());
}

void PhotoGridModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent)) return;
    const int last = std::min(int(photos_.size()), fetched_ + kBatch) - 1;
    beginInsertRows(QModelIndex(), fetched_, last);
    fetched_ = last + 1;
    endInsertRows();
}

void PhotoGridModel::fetchUpTo(int index)
{
    while (index >= fetched_ && canFetchMore(QModelIndex())) fetchMore(QModelIndex());
}

QString PhotoGridModel::text(int index) const
{
    const GridPhoto& p = photos_[size_t(index)];
    QStringList lines{QFileInfo(p.path).fileName()};
    if (p.state != PhotoState::Training) lines << stateText(p.state);
    if (p.suspect) lines << suspectText(p);
    if (const QString unreadable = unreadableText(p); !unreadable.isEmpty()) lines << unreadable;
    return lines.join(QLatin1Char('\n'));
}

QString PhotoGridModel::toolTip(int index) const
{
    const GridPhoto& p = photos_[size_t(index)];
    QString tip = p.path + QLatin1Char('\n') + (p.reason.isEmpty() ? stateText(p.state) : p.reason);
    if (const QString unreadable = unreadableText(p); !unreadable.isEmpty())
        tip += QLatin1Char('\n') + unreadable + tr(": Run ▸ Embed Photos Again (F4) reads the folders again");
    if (p.suspect) tip += QLatin1Char('\n') + suspectText(p) + QLatin1Char('\n') + p.suspectExplanation;
    return tip.trimmed();
}

QString PhotoGridModel::unreadableText(const GridPhoto& photo) const
{
    if (photo.state == PhotoState::Skipped || !controller_->thumbnails()->hasFailed(photo.path)) return {};
    return controller_->thumbnails()->wasGone(photo.path) ? tr("no longer on disk") : tr("cannot be read now");
}

QIcon PhotoGridModel::icon(int index) const
{
    const auto cached = icons_.constFind(index);
    if (cached != icons_.cend()) return *cached;
    const GridPhoto& p = photos_[size_t(index)];
    if (p.state == PhotoState::Skipped || controller_->thumbnails()->hasFailed(p.path)) return broken_;
    // Asked only for rows being painted: the thumbnail loader starts with what is on screen.
    const QPixmap thumbnail = controller_->thumbnails()->thumbnail(p.path);
    if (thumbnail.isNull()) return placeholder_;
    const QIcon icon(p.suspect ? withSuspectBadge(thumbnail) : thumbnail);
    icons_.insert(index, icon);
    return icon;
}

QVariant PhotoGridModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= fetched_) return {};
    const GridPhoto& p = photos_[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: return text(index.row());
    case Qt::ToolTipRole: return toolTip(index.row());
    case Qt::DecorationRole: return icon(index.row());
    case Qt::BackgroundRole:
        return p.state == PhotoState::Kept ? QVariant(QBrush(QColor(80, 170, 90, 70))) : QVariant();
    case Qt::ForegroundRole:
        if (p.state == PhotoState::Excluded || p.state == PhotoState::Skipped)
            return palette_.brush(QPalette::Disabled, QPalette::Text);
        return p.suspect ? QVariant(QBrush(kSuspectColor.darker(130))) : QVariant();
    case PathRole: return p.path;
    case StateRole: return int(p.state);
    case SuspectRole: return p.suspect;
    default: return {};
    }
}

void PhotoGridModel::thumbnailReady(const QString& path)
{
    const int i = indexOfPath(path);
    if (i < 0 || i >= fetched_) return;
    icons_.remove(i);
    const QModelIndex changed = index(i);
    Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole, Qt::DisplayRole, Qt::ToolTipRole});
}

} // namespace exemplar::ui
