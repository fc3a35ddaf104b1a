#include "views/ClassificationCardDelegate.h"

#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"
#include "views/ClassificationListModel.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QHelpEvent>
#include <QPainter>
#include <QTextDocument>
#include <QTextOption>
#include <QToolTip>
#include <QVariantMap>

namespace exemplar::ui {

namespace {
// The verdict gets at least two lines of the larger font its class name is set in, and as many
// as its text takes: an "unknown" verdict (file, reason, what the scores below are) wraps to three
// in a card at 1024 pixels, and its last line was cut off at a fixed two (a GUI review).
int verdictHeight(int lineHeight, int textHeight) { return std::max(2 * (lineHeight * 6 / 5), textHeight) + 4; }
int classRowHeight(int lineHeight)
{
    return std::max(ClassificationCardDelegate::kReferenceSize.height() + 4, lineHeight);
}
int listedClassesAt(const QModelIndex& index)
{
    return index.data(ClassificationListModel::ListedClassesRole).toInt();
}
}

ClassificationCardDelegate::ClassificationCardDelegate(ThumbnailCache* thumbnails, QObject* parent)
    : QStyledItemDelegate(parent), thumbnails_(thumbnails)
{
}

int ClassificationCardDelegate::cardHeight(int listedClasses, int lineHeight, int verdictTextHeight)
{
    const int right = verdictHeight(lineHeight, verdictTextHeight) + listedClasses * classRowHeight(lineHeight);
    return 2 * kPadding + std::max(kPhotoSize.height(), right);
}

int ClassificationCardDelegate::verdictWidth(int cardWidth)
{
    return layout(QRect(0, 0, cardWidth, 0), 0, 0).verdict.width();
}

void ClassificationCardDelegate::setUpVerdict(QTextDocument* document, const QModelIndex& index, const QFont& font, int width)
{
    document->setDefaultFont(font);
    document->setHtml(index.data(ClassificationListModel::VerdictRole).toString());
    document->setTextWidth(width);
}

ClassificationCardDelegate::Layout ClassificationCardDelegate::cardLayout(const QStyleOptionViewItem& option,
                                                                          const QModelIndex& index, int listedClasses,
                                                                          QTextDocument* verdict)
{
    setUpVerdict(verdict, index, option.font, verdictWidth(option.rect.width()));
    return layout(option.rect, listedClasses, option.fontMetrics.lineSpacing(), int(std::ceil(verdict->size().height())));
}

ClassificationCardDelegate::Layout ClassificationCardDelegate::layout(const QRect& card, int listedClasses, int lineHeight,
                                                                      int verdictTextHeight)
{
    Layout parts;
    const QRect inner = card.adjusted(kPadding, kPadding, -kPadding, -kPadding);
    parts.photo = QRect(inner.topLeft(), kPhotoSize);
    const int left = parts.photo.right() + 1 + 2 * kPadding;
    const int width = std::max(0, inner.right() + 1 - left);
    parts.verdict = QRect(left, inner.top(), width, verdictHeight(lineHeight, verdictTextHeight));
    const int rowHeight = classRowHeight(lineHeight);
    for (int i = 0; i < listedClasses; ++i) {
        const QRect row(left, parts.verdict.bottom() + 1 + i * rowHeight, width, rowHeight);
        parts.classRows << row;
        parts.references << QRect(row.right() + 1 - kReferenceSize.width(),
                                  row.top() + (rowHeight - kReferenceSize.height()) / 2, kReferenceSize.width(),
                                  kReferenceSize.height());
    }
    return parts;
}

QRect ClassificationCardDelegate::scoreBox(const Layout& parts, int rank)
{
    const QRect& row = parts.classRows[rank];
    return QRect(parts.references[rank].left() - kPadding - kScoreWidth, row.top(), kScoreWidth, row.height());
}

QSize ClassificationCardDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    // As wide as the list shows (the list lays its rows out again when it is resized): a card
    // never runs under the vertical scroll bar or needs a horizontal one.
    const auto* view = qobject_cast<const QAbstractItemView*>(option.widget);
    const int width = view ? view->viewport()->width() : option.rect.width();
    // At least room for the photo, a class name, its score and the nearest reference side by side.
    const int narrowest = kPhotoSize.width() + kScoreWidth + kReferenceSize.width() + 120 + 8 * kPadding;
    QTextDocument verdict;
    setUpVerdict(&verdict, index, option.font, verdictWidth(std::max(width, narrowest)));
    return QSize(std::max(width, narrowest), cardHeight(listedClassesAt(index), option.fontMetrics.lineSpacing(),
                                                        int(std::ceil(verdict.size().height()))));
}

void ClassificationCardDelegate::drawThumbnail(QPainter* painter, const QRect& box, const QString& path,
                                               const QString& placeholder, const QStyleOptionViewItem& option) const
{
    // Asking paints nothing yet the first time: the cache decodes it off the GUI thread and says
    // thumbnailReady, and the view repaints what it shows.
    const QPixmap pixmap = path.isEmpty() ? QPixmap() : thumbnails_->thumbnail(path);
    painter->save();
    painter->setPen(option.palette.color(QPalette::Mid));
    painter->drawRect(box.adjusted(0, 0, -1, -1));
    if (!pixmap.isNull()) {
        const QSize shown = pixmap.deviceIndependentSize().toSize().scaled(box.size() - QSize(2, 2), Qt::KeepAspectRatio);
        painter->drawPixmap(QRect(QPoint(box.left() + (box.width() - shown.width()) / 2,
                                         box.top() + (box.height() - shown.height()) / 2),
                                  shown),
                            pixmap);
    } else {
        painter->setPen(option.palette.color(QPalette::PlaceholderText));
        // Broken between words where they fit ("(unlabeled photo 101)" read "(unlabele d photo 1 01)"),
        // anywhere only within a name too long for the box.
        QTextOption wrapping(Qt::AlignCenter);
        wrapping.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        painter->drawText(QRectF(box.adjusted(2, 2, -2, -2)), placeholder, wrapping);
    }
    painter->restore();
}

void ClassificationCardDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem panel = option;
    initStyleOption(&panel, index);
    panel.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &panel, painter, widget);

    const QVariantList ranked = index.data(ClassificationListModel::RankedRole).toList();
    QTextDocument verdict;
    const Layout parts = cardLayout(option, index, int(ranked.size()), &verdict);
    drawThumbnail(painter, parts.photo, index.data(ClassificationListModel::PathRole).toString(), QStringLiteral("…"),
                  option);

    painter->save();
    painter->setClipRect(parts.verdict);
    painter->translate(parts.verdict.topLeft());
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette = option.palette;
    verdict.documentLayout()->draw(painter, context);
    painter->restore();

    painter->save();
    painter->setPen(option.palette.color(QPalette::Text));
    for (int i = 0; i < ranked.size(); ++i) {
        const QVariantMap entry = ranked[i].toMap();
        const QRect row = parts.classRows[i];
        const QRect swatch(row.left(), row.center().y() - 5, 10, 10);
        painter->fillRect(swatch, classColor(entry.value(QLatin1String(ClassificationListModel::kClassIndex)).toInt()));
        const QRect score = scoreBox(parts, i);
        const QRect name(swatch.right() + 1 + kPadding, row.top(), std::max(0, score.left() - swatch.right() - 2 * kPadding),
                         row.height());
        const QString label = QStringLiteral("%1. %2").arg(i + 1).arg(entry.value(QLatin1String(ClassificationListModel::kName)).toString());
        painter->drawText(name, Qt::AlignLeft | Qt::AlignVCenter, option.fontMetrics.elidedText(label, Qt::ElideMiddle, name.width()));
        painter->drawText(score, Qt::AlignRight | Qt::AlignVCenter,
                          QString::number(entry.value(QLatin1String(ClassificationListModel::kScore)).toDouble(), 'f', 3));
        const QString referencePath = entry.value(QLatin1String(ClassificationListModel::kReferencePath)).toString();
        drawThumbnail(painter, parts.references[i], referencePath,
                      entry.value(QLatin1String(ClassificationListModel::kReferenceFile)).toString(), option);
    }
    painter->restore();
}

bool ClassificationCardDelegate::helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                                           const QModelIndex& index)
{
    if (!event || event->type() != QEvent::ToolTip || !index.isValid())
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    const QVariantList ranked = index.data(ClassificationListModel::RankedRole).toList();
    QTextDocument verdict;
    const Layout parts = cardLayout(option, index, int(ranked.size()), &verdict);
    QString tip = index.data(ClassificationListModel::PathRole).toString();
    for (int i = 0; i < ranked.size(); ++i) {
        const QVariantMap entry = ranked[i].toMap();
        const QString name = entry.value(QLatin1String(ClassificationListModel::kName)).toString();
        if (parts.references[i].contains(event->pos()))
            tip = tr("Nearest reference of %1: %2")
                      .arg(name, entry.value(QLatin1String(ClassificationListModel::kReferenceFile)).toString());
        else if (scoreBox(parts, i).contains(event->pos()))
            tip = tr("Class score of %1: how strongly the photo matches this class, by the set's method. The highest "
                     "decides the class; whether the photo is \"unknown\" is decided by the measure the verdict names.")
                      .arg(name);
    }
    if (parts.verdict.contains(event->pos()))
        tip = index.data(Qt::DisplayRole).toString() + QLatin1Char('\n') + tip;
    QToolTip::showText(event->globalPos(), tip, view);
    return true;
}

} // namespace exemplar::ui
