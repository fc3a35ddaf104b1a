#include "views/SkippedFilesView.h"

#include "controller/ProjectController.h"

#include <QFileInfo>
#include <QHeaderView>

namespace exemplar::ui {

SkippedFilesView::SkippedFilesView(ProjectController* controller, QWidget* parent)
    : QTreeWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("skippedFiles"));
    setHeaderLabels({tr("Skipped file"), tr("Reason")});
    setRootIsDecorated(false);
    // Reasons are sentences ("a truncated JPEG: …", the system's own words for an unreadable
    // folder): wrapped to the panel's width, not cut off at its edge.
    setWordWrap(true);
    setUniformRowHeights(false);
    setTextElideMode(Qt::ElideMiddle);
    // Wrapped rows change height with the column's width: laid out again when it changes.
    connect(header(), &QHeaderView::sectionResized, this, [this] { scheduleDelayedItemsLayout(); });
    header()->setSectionResizeMode(0, QHeaderView::Interactive);
    header()->resizeSection(0, 160);
    connect(controller_, &ProjectController::datasetChanged, this, &SkippedFilesView::rebuild);
    connect(controller_, &ProjectController::unlabeledPhotosChanged, this, &SkippedFilesView::rebuild);
}

void SkippedFilesView::rebuild()
{
    clear();
    for (const QString& warning : controller_->datasetWarnings()) {
        auto* item = new QTreeWidgetItem({tr("⚠ dataset"), warning});
        item->setToolTip(1, warning);
        addTopLevelItem(item);
    }
    for (const SkippedFile& file : controller_->skippedFiles()) {
        auto* item = new QTreeWidgetItem({QFileInfo(file.path).fileName(), file.reason});
        item->setToolTip(0, file.path);
        item->setToolTip(1, file.reason);
        addTopLevelItem(item);
    }
    // The unlabeled and background photos' too, said as such: the Unlabeled tab shows only a count.
    for (const SkippedFile& file : controller_->unlabeledPhotos().skipped) {
        const QString reason = tr("%1 (an unlabeled or background photo)").arg(file.reason);
        auto* item = new QTreeWidgetItem({QFileInfo(file.path).fileName(), reason});
        item->setToolTip(0, file.path);
        item->setToolTip(1, reason);
        addTopLevelItem(item);
    }
}

} // namespace exemplar::ui
