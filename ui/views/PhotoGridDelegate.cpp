#include "views/PhotoGridDelegate.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QPainter>

namespace exemplar::ui {

PhotoGridDelegate::Layout PhotoGridDelegate::layout(const QRect& cell, const QSize& iconSize, int lineHeight)
{
    const QRect inner = cell.adjusted(kPadding, kPadding, -kPadding, -kPadding);
    Layout parts;
    parts.icon = QRect(inner.left() + (inner.width() - iconSize.width()) / 2, inner.top(), iconSize.width(),
                       iconSize.height());
    parts.text = QRect(inner.left(), parts.icon.bottom() + 1 + kPadding, inner.width(), kTextLines * lineHeight);
    return parts;
}

QSize PhotoGridDelegate::cellSize(const QSize& iconSize, int lineHeight)
{
    return QSize(iconSize.width() + 6 * kPadding, iconSize.height() + kTextLines * lineHeight + 3 * kPadding);
}

QSize PhotoGridDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    return cellSize(option.decorationSize, option.fontMetrics.lineSpacing());
}

void PhotoGridDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    // The model's lines (initStyleOption has turned its newlines into line separators in opt.text).
    const QStringList lines = index.data(Qt::DisplayRole).toString().split(QLatin1Char('\n'));
    const QIcon icon = opt.icon;
    // The style draws the panel (selection, hover, the model's background) and the focus frame only.
    opt.text.clear();
    opt.icon = QIcon();
    opt.features &= ~QStyleOptionViewItem::HasDecoration;
    // The whole cell shows the selection: the style highlights only the text's rectangle of an
    // icon-mode item, empty here, so a selected kept photo kept its pale green under the selected
    // (white) text, unreadable (a GUI review).
    opt.showDecorationSelected = true;
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const Layout parts = layout(option.rect, option.decorationSize, option.fontMetrics.lineSpacing());
    const qreal ratio = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const QPixmap pixmap = icon.pixmap(parts.icon.size(), ratio);
    if (!pixmap.isNull()) {
        // Scaled to fit its box whatever its shape (a portrait photo is as tall as the box, no taller).
        QSize shown = (pixmap.deviceIndependentSize().toSize()).scaled(parts.icon.size(), Qt::KeepAspectRatio);
        const QRect target(QPoint(parts.icon.left() + (parts.icon.width() - shown.width()) / 2,
                                  parts.icon.top() + (parts.icon.height() - shown.height()) / 2),
                           shown);
        painter->drawPixmap(target, pixmap);
    }

    painter->save();
    const bool selected = opt.state & QStyle::State_Selected;
    QPen pen(selected ? opt.palette.color(QPalette::HighlightedText) : opt.palette.color(QPalette::Text));
    const QVariant foreground = index.data(Qt::ForegroundRole);
    if (!selected && foreground.canConvert<QBrush>()) pen.setColor(foreground.value<QBrush>().color());
    painter->setPen(pen);
    painter->setFont(opt.font);
    painter->setClipRect(parts.text);
    const int height = option.fontMetrics.lineSpacing();
    for (int i = 0; i < std::min(int(lines.size()), kTextLines); ++i) {
        const QRect line(parts.text.left(), parts.text.top() + i * height, parts.text.width(), height);
        painter->drawText(line, Qt::AlignHCenter | Qt::AlignTop,
                          option.fontMetrics.elidedText(lines[i], Qt::ElideMiddle, line.width()));
    }
    painter->restore();
}

} // namespace exemplar::ui
