#include "views/ClassListView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "widgets/DropTarget.h"

#include <QContextMenuEvent>
#include <QHeaderView>
#include <QScrollBar>
#include <QStyle>
#include <algorithm>
#include <QKeyEvent>
#include <QMenu>

namespace exemplar::ui {

namespace {
enum Column { NameColumn, PhotosColumn, KeptColumn };
}

ClassListView::ClassListView(ProjectController* controller, QWidget* parent)
    : QTreeWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("classList"));
    setHeaderLabels({tr("Class"), tr("Photos"), tr("Kept")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(PhotosColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(KeptColumn, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(false);
    // Fine-grained classes differ at the end of their names ("…_Silverado_1500_2007" against
    // "…_Silverado_2500HD_2012"): eliding the middle keeps both ends readable.
    setTextElideMode(Qt::ElideMiddle);
    setToolTip(tr("Drop class folders (or a folder of class folders) here.\n"
                  "Untick a class to exclude it; F2 renames; Delete removes it from the project."));
    headerItem()->setToolTip(PhotosColumn, tr("Photos embedded (readable) in the class"));
    headerItem()->setToolTip(KeptColumn, tr("References kept by the trained set"));

    auto* drop = new DropTarget(viewport());
    connect(drop, &DropTarget::pathsDropped, controller_, &ProjectController::addFolders);
    connect(controller_, &ProjectController::sourcesChanged, this, &ClassListView::rebuild);
    connect(controller_, &ProjectController::datasetChanged, this, &ClassListView::rebuild);
    connect(controller_, &ProjectController::embeddingsChanged, this, &ClassListView::rebuild);
    connect(controller_, &ProjectController::trainingChanged, this, &ClassListView::rebuild);
    connect(controller_, &ProjectController::classSelected, this, [this](int source) {
        if (source >= 0 && source < topLevelItemCount() && currentSource() != source) setCurrentItem(topLevelItem(source));
    });
    connect(this, &QTreeWidget::currentItemChanged, this, [this] {
        if (!rebuilding_) controller_->selectClass(currentSource());
    });
    connect(this, &QTreeWidget::itemChanged, this, &ClassListView::onItemChanged);
}

int ClassListView::widthForNames() const
{
    int widest = 0;
    for (int i = 0; i < topLevelItemCount(); ++i)
        widest = std::max(widest, fontMetrics().horizontalAdvance(topLevelItem(i)->text(NameColumn)));
    const int checkAndSwatch = style()->pixelMetric(QStyle::PM_IndicatorWidth) + iconSize().width() + 16;
    const int otherColumns = header()->sectionSize(PhotosColumn) + header()->sectionSize(KeptColumn);
    return widest + checkAndSwatch + otherColumns + verticalScrollBar()->sizeHint().width() + 2 * frameWidth() + 12;
}

int ClassListView::currentSource() const { return currentItem() ? indexOfTopLevelItem(currentItem()) : -1; }

void ClassListView::rebuild()
{
    rebuilding_ = true;
    const auto& sources = controller_->sources().classes;
    const Dataset& dataset = controller_->dataset();
    const EmbeddingSet& embeddings = controller_->embeddings();
    const std::vector<int> embedded = embeddings.countsPerClass();
    const TrainingOutcome* training = controller_->training();
    std::vector<int> kept(size_t(embeddings.classCount()), 0);
    if (training)
        for (int row : training->keptRows)
            if (row >= 0 && row < embeddings.size()) ++kept[size_t(embeddings.labels[size_t(row)])];  // rows of these embeddings only

    while (topLevelItemCount() > int(sources.size())) delete takeTopLevelItem(topLevelItemCount() - 1);
    while (topLevelItemCount() < int(sources.size())) addTopLevelItem(new QTreeWidgetItem);
    for (int i = 0; i < int(sources.size()); ++i) {
        const ClassSource& source = sources[size_t(i)];
        QTreeWidgetItem* item = topLevelItem(i);
        item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable | Qt::ItemIsUserCheckable);
        item->setText(NameColumn, source.name);
        // Long names elide in the middle (see the constructor); the whole name and its folder on hover.
        item->setToolTip(NameColumn, QStringLiteral("%1\n%2").arg(source.name, source.folder));
        item->setCheckState(NameColumn, source.excluded ? Qt::Unchecked : Qt::Checked);
        const int c = dataset.classFolders.indexOf(source.folder);
        QPixmap swatch(10, 10);
        swatch.fill(c >= 0 ? classColor(c) : QColor(Qt::gray));
        item->setIcon(NameColumn, QIcon(swatch));
        const bool hasEmbeddings = c >= 0 && c < int(embedded.size());
        item->setText(PhotosColumn, source.excluded ? tr("excluded")
                                    : hasEmbeddings ? QString::number(embedded[size_t(c)])
                                    : c >= 0 ? QString::number(std::count_if(dataset.photos.begin(), dataset.photos.end(),
                                                                             [c](const Photo& p) { return p.classIndex == c; }))
                                             : QStringLiteral("–"));
        // A method that keeps class means or a linear head keeps no photos: "–", said on hover,
        // rather than a column left empty after training (a review).
        const bool keepsPhotos = training && !training->keptRows.empty();
        item->setText(KeptColumn, !training || !hasEmbeddings ? QString()
                                  : keepsPhotos ? QString::number(kept[size_t(c)])
                                                : QStringLiteral("–"));
        item->setToolTip(KeptColumn, training && hasEmbeddings && !keepsPhotos
                                         ? tr("The trained method keeps no photos as references: its references are "
                                              "class means or a linear head's weights")
                                         : QString());
        // Only excluded classes get a colour of their own; the others follow the palette.
        item->setData(NameColumn, Qt::ForegroundRole,
                      source.excluded ? QVariant(palette().brush(QPalette::Disabled, QPalette::Text)) : QVariant());
    }
    const int selected = controller_->selectedClassSource();
    if (selected >= 0 && selected < topLevelItemCount()) setCurrentItem(topLevelItem(selected));
    rebuilding_ = false;
    if (selected < 0 && topLevelItemCount() > 0) setCurrentItem(topLevelItem(0));
}

void ClassListView::onItemChanged(QTreeWidgetItem* item, int column)
{
    if (rebuilding_ || column != NameColumn) return;
    const int source = indexOfTopLevelItem(item);
    const ClassSource& current = controller_->sources().classes[size_t(source)];
    const bool excluded = item->checkState(NameColumn) == Qt::Unchecked;
    if (excluded != current.excluded)
        controller_->setClassExcluded(source, excluded);
    else if (item->text(NameColumn) != current.name)
        controller_->renameClass(source, item->text(NameColumn));
}

void ClassListView::keyPressEvent(QKeyEvent* event)
{
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && currentSource() >= 0 &&
        state() != QAbstractItemView::EditingState) {
        controller_->removeClass(currentSource());
        return;
    }
    QTreeWidget::keyPressEvent(event);
}

void ClassListView::contextMenuEvent(QContextMenuEvent* event)
{
    QTreeWidgetItem* item = itemAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!item) return;
    const int source = indexOfTopLevelItem(item);
    const bool excluded = controller_->sources().classes[size_t(source)].excluded;
    QMenu menu(this);
    menu.addAction(tr("Rename"), this, [this, item] { editItem(item, NameColumn); });
    menu.addAction(excluded ? tr("Include") : tr("Exclude"), this,
                   [this, source, excluded] { controller_->setClassExcluded(source, !excluded); });
    menu.addAction(tr("Remove from project"), this, [this, source] { controller_->removeClass(source); });
    menu.exec(event->globalPos());
}

} // namespace exemplar::ui
