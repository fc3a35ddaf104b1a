#pragma once
// Draws one classified photo of the Classify tab as a card: its thumbnail, the verdict (class and
// margin, "unknown" and why, or why it could not be classified) and the top classes, each with
// its colour, score and the nearest reference's thumbnail. Every part has a fixed box, so a row's
// height is arithmetic (the list lays out thousands of rows without painting them) and tooltips
// find the part under the mouse by the same layout.
#include <QStyledItemDelegate>

class QTextDocument;

namespace exemplar::ui {

class ThumbnailCache;

class ClassificationCardDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    static constexpr int kPadding = 6;
    static constexpr QSize kPhotoSize{160, 120};
    static constexpr QSize kReferenceSize{64, 48};
    static constexpr int kScoreWidth = 64;

    struct Layout {
        QRect photo;
        QRect verdict;
        QList<QRect> classRows;   // one per listed class
        QList<QRect> references;  // the nearest reference's thumbnail in each class row
    };
    // VERDICTTEXTHEIGHT: the verdict's text laid out at the verdict's width (0: two lines' room).
    static Layout layout(const QRect& card, int listedClasses, int lineHeight, int verdictTextHeight = 0);
    static int cardHeight(int listedClasses, int lineHeight, int verdictTextHeight = 0);
    static int verdictWidth(int cardWidth);
    // The verdict of the card at INDEX as the card shows it, laid out WIDTH wide.
    static void setUpVerdict(QTextDocument* document, const QModelIndex& index, const QFont& font, int width);
    // Where the class score of the RANK-th listed class is drawn.
    static QRect scoreBox(const Layout& parts, int rank);

    ClassificationCardDelegate(ThumbnailCache* thumbnails, QObject* parent = nullptr);
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override;

private:
    // The card's parts with room for the whole of its verdict, which is laid out in VERDICT (the
    // layout of its HTML is the costly part: done once per paint).
    static Layout cardLayout(const QStyleOptionViewItem& option, const QModelIndex& index, int listedClasses,
                             QTextDocument* verdict);
    void drawThumbnail(QPainter* painter, const QRect& box, const QString& path, const QString& placeholder,
                       const QStyleOptionViewItem& option) const;

    ThumbnailCache* thumbnails_;
};

} // namespace exemplar::ui
