#include "views/ClassPairGallery.h"

#include "ClassPairSimilarity.h"
#include "controller/ProjectController.h"
#include "thumbnails/ThumbnailCache.h"
#include "views/PairDialog.h"

#include <QScreen>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {
constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kCosineColumn = 1;

QTableWidgetItem* photoItem(ThumbnailCache* thumbnails, const QString& path)
{
    auto* item = new QTableWidgetItem(QFileInfo(path).fileName());
    item->setData(kPathRole, path);
    item->setToolTip(path);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    const QPixmap thumb = thumbnails->thumbnail(path);  // null until decoded: refreshThumbnail fills it in
    if (!thumb.isNull()) item->setIcon(QIcon(thumb));
    return item;
}
} // namespace

ClassPairGallery::ClassPairGallery(ProjectController* controller, int classA, int classB, const QString& summary,
                                   QWidget* parent)
    : QDialog(parent), controller_(controller), classA_(classA), classB_(classB)
{
    setObjectName(QStringLiteral("classPairGallery"));
    setAttribute(Qt::WA_DeleteOnClose);
    const EmbeddingSet& set = controller_->embeddings();
    const QString nameA = set.classNames.value(classA), nameB = set.classNames.value(classB);
    setWindowTitle(tr("%1 ↔ %2: closest photos").arg(nameA, nameB));

    auto* header = new QLabel(tr("<b>%1</b> ↔ <b>%2</b> — %3<br>The %4 most similar photo pairs across the two "
                                 "classes, most similar first. Double-click a pair to see it large.")
                                  .arg(nameA.toHtmlEscaped(), nameB.toHtmlEscaped(), summary.toHtmlEscaped())
                                  .arg(kPairs),
                              this);
    header->setWordWrap(true);

    table_ = new QTableWidget(this);
    table_->setObjectName(QStringLiteral("classPairTable"));
    table_->setColumnCount(3);
    table_->setHorizontalHeaderLabels({nameA, tr("Cosine"), nameB});
    table_->verticalHeader()->hide();
    table_->setIconSize(QSize(ThumbnailCache::kEdge * 3 / 4, ThumbnailCache::kEdge * 3 / 4));
    table_->verticalHeader()->setDefaultSectionSize(ThumbnailCache::kEdge * 3 / 4 + 8);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(kCosineColumn, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);

    ThumbnailCache* thumbnails = controller_->thumbnails();
    const std::vector<SimilarityEdge> pairs = closestCrossClassPairs(set, classA, classB, kPairs);
    table_->setRowCount(int(pairs.size()));
    for (int row = 0; row < int(pairs.size()); ++row) {
        const SimilarityEdge& pair = pairs[size_t(row)];
        table_->setItem(row, 0, photoItem(thumbnails, set.paths.value(pair.a)));
        auto* cosine = new QTableWidgetItem(QString::number(pair.similarity, 'f', 3));
        cosine->setTextAlignment(Qt::AlignCenter);
        cosine->setData(Qt::UserRole, double(pair.similarity));
        table_->setItem(row, kCosineColumn, cosine);
        table_->setItem(row, 2, photoItem(thumbnails, set.paths.value(pair.b)));
    }
    connect(thumbnails, &ThumbnailCache::thumbnailReady, this, &ClassPairGallery::refreshThumbnail);
    connect(table_, &QTableWidget::cellActivated, this, [this](int row, int) { openPair(row); });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addWidget(table_, 1);
    layout->addWidget(buttons);
    // At most the screen's free area: 640 pixels high put the Close button below a 600-pixel
    // screen (a GUI review).
    const QSize wanted(720, 640);
    const QSize room = screen() ? screen()->availableGeometry().size() - QSize(40, 60) : wanted;
    resize(wanted.boundedTo(room));
}

int ClassPairGallery::pairCount() const { return table_->rowCount(); }
QString ClassPairGallery::pathA(int pair) const { return table_->item(pair, 0)->data(kPathRole).toString(); }
QString ClassPairGallery::pathB(int pair) const { return table_->item(pair, 2)->data(kPathRole).toString(); }

void ClassPairGallery::refreshThumbnail(const QString& path)
{
    for (int row = 0; row < table_->rowCount(); ++row)
        for (int column : {0, 2}) {
            QTableWidgetItem* item = table_->item(row, column);
            if (item->data(kPathRole).toString() == path) item->setIcon(QIcon(controller_->thumbnails()->thumbnail(path)));
        }
}

void ClassPairGallery::openPair(int pair)
{
    const EmbeddingSet& set = controller_->embeddings();
    auto* dialog = new PairDialog(pathA(pair), set.classNames.value(classA_), pathB(pair), set.classNames.value(classB_),
                                  table_->item(pair, kCosineColumn)->data(Qt::UserRole).toDouble(), this);
    dialog->show();
}

} // namespace exemplar::ui
