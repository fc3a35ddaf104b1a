#pragma once
// Draws one cell of the photo grid: the thumbnail scaled to fit a fixed box at the top, and below it
// a band of kTextLines lines reserved for the file name and the photo's state, each line elided in
// the middle to the cell's width. The default icon-mode item lays text out after the icon's actual
// height and wraps it freely, so a tall (portrait) thumbnail or a long name pushed the text into
// the next row's image, which then overdrew it; here neither can leave its box.
#include <QStyledItemDelegate>

namespace exemplar::ui {

class PhotoGridDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    static constexpr int kTextLines = 3;  // name, state, suspect reasons
    static constexpr int kPadding = 4;

    struct Layout {
        QRect icon;  // the thumbnail's box (the thumbnail is centred in it, aspect kept)
        QRect text;  // the reserved text band, below the box and disjoint from it
    };
    // Where CELL's parts go for thumbnails of at most ICON_SIZE and lines LINE_HEIGHT high.
    static Layout layout(const QRect& cell, const QSize& iconSize, int lineHeight);
    // The grid cell that holds a thumbnail of ICON_SIZE and the text band.
    static QSize cellSize(const QSize& iconSize, int lineHeight);

    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace exemplar::ui
