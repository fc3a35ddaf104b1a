#include "views/PhotoGridView.h"

#include "controller/ProjectController.h"
#include "thumbnails/ThumbnailCache.h"
#include "views/PhotoGridDelegate.h"
#include "views/PhotoGridModel.h"

#include <QContextMenuEvent>
#include <QEvent>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QSet>

namespace exemplar::ui {

PhotoGridView::PhotoGridView(ProjectController* controller, QWidget* parent)
    : QListView(parent), controller_(controller), model_(new PhotoGridModel(controller, this))
{
    setObjectName(QStringLiteral("photoGrid"));
    setModel(model_);
    model_->setPalette(palette());
    setViewMode(QListView::IconMode);
    setItemDelegate(new PhotoGridDelegate(this));
    setIconSize(QSize(ThumbnailCache::kEdge, ThumbnailCache::kEdge * 3 / 4));
    setGridSize(PhotoGridDelegate::cellSize(iconSize(), fontMetrics().lineSpacing()));
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setUniformItemSizes(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setToolTip(tr("Photos of the selected class. Delete excludes (or re-includes) a photo."));

    connect(controller_, &ProjectController::classSelected, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::datasetChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::embeddingsChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::trainingChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::auditChanged, this, &PhotoGridView::rebuild);
    connect(controller_, &ProjectController::photoSelected, this, &PhotoGridView::showPhoto);
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        if (!rebuilding_ && current.isValid())
            controller_->selectPhoto(current.data(PhotoGridModel::PathRole).toString());
    });
    connect(this, &QListView::activated, this, &PhotoGridView::toggleExcluded);
}

// Lists the class's photos and their states: O(photos of the project) in hash look-ups, no
// widgets, no thumbnails (the model hands rows to the view in batches and asks for thumbnails
// only when they are painted).
void PhotoGridView::rebuild()
{
    rebuilding_ = true;
    std::vector<GridPhoto> photos;
    const int source = controller_->selectedClassSource();
    const auto& sources = controller_->sources().classes;
    if (source >= 0 && source < int(sources.size())) {
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

        auto append = [this, &photos](const QString& path, PhotoState state, const QString& reason) {
            GridPhoto photo;
            photo.path = path;
            photo.state = state;
            photo.reason = reason;
            const SuspectPhoto* suspect = state == PhotoState::Skipped || state == PhotoState::Excluded
                                              ? nullptr
                                              : controller_->suspectOfRow(controller_->rowOfPath(path));
            if (suspect) {
                photo.suspect = true;
                photo.suspectReasons = suspect->reasons.join(QStringLiteral(", "));
                photo.suspectExplanation = suspect->explanation;
            }
            photos.push_back(std::move(photo));
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
    }
    model_->setPhotos(std::move(photos));
    showPhoto(controller_->selectedPhoto());
    rebuilding_ = false;
}

void PhotoGridView::showPhoto(const QString& path)
{
    const int i = model_->indexOfPath(path);
    if (i < 0) return;
    const bool wasRebuilding = rebuilding_;
    rebuilding_ = true;  // following the controller's selection, not the user picking a photo
    model_->fetchUpTo(i);
    const QModelIndex index = model_->index(i);
    setCurrentIndex(index);
    scrollTo(index);
    rebuilding_ = wasRebuilding;
}

int PhotoGridView::photoCount() const { return model_->photoCount(); }

QString PhotoGridView::photoText(int index) const { return model_->text(index); }

QString PhotoGridView::photoToolTip(int index) const { return model_->toolTip(index); }

int PhotoGridView::currentPhotoIndex() const { return currentIndex().isValid() ? currentIndex().row() : -1; }

int PhotoGridView::suspectCount() const
{
    int suspects = 0;
    for (int i = 0; i < model_->photoCount(); ++i) suspects += model_->photo(i).suspect;
    return suspects;
}

void PhotoGridView::toggleExcluded(const QModelIndex& index)
{
    if (!index.isValid()) return;
    const auto state = PhotoState(index.data(PhotoGridModel::StateRole).toInt());
    if (state == PhotoState::Skipped) return;
    controller_->setPhotoExcluded(index.data(PhotoGridModel::PathRole).toString(), state != PhotoState::Excluded);
}

void PhotoGridView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        toggleExcluded(currentIndex());
        return;
    }
    QListView::keyPressEvent(event);
}

void PhotoGridView::contextMenuEvent(QContextMenuEvent* event)
{
    const QModelIndex index = indexAt(viewport()->mapFromGlobal(event->globalPos()));
    if (!index.isValid() || PhotoState(index.data(PhotoGridModel::StateRole).toInt()) == PhotoState::Skipped) return;
    const bool excluded = PhotoState(index.data(PhotoGridModel::StateRole).toInt()) == PhotoState::Excluded;
    const QPersistentModelIndex target(index);
    QMenu menu(this);
    menu.addAction(excluded ? tr("Include photo") : tr("Exclude photo"), this, [this, target] { toggleExcluded(target); });
    menu.exec(event->globalPos());
}

void PhotoGridView::changeEvent(QEvent* event)
{
    QListView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) model_->setPalette(palette());
    if (event->type() == QEvent::FontChange) setGridSize(PhotoGridDelegate::cellSize(iconSize(), fontMetrics().lineSpacing()));
}

} // namespace exemplar::ui
