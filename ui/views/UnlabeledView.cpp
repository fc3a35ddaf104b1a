#include "views/UnlabeledView.h"

#include "controller/ProjectController.h"
#include "SubfolderKinds.h"
#include "TrainingMethod.h"
#include "thumbnails/ThumbnailCache.h"
#include "widgets/DropTarget.h"
#include "widgets/MiddleElidedEdit.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QKeyEvent>
#include <QTableWidget>
#include <QToolTip>
#include <QScreen>
#include <QVBoxLayout>
#include <algorithm>

namespace exemplar::ui {

namespace {
// The class column's list shows the class given (any class can be chosen there too).
enum Column { RankColumn, PhotoColumn, SuggestedColumn, RunnerUpColumn, ClassColumn, ColumnCount };
constexpr int kThumbnailEdge = 96;

// A class's button, its name elided in the middle to whatever width the column gives it
// (fine-grained names differ in their middles and ends: "009_Aston…Coupe_2012"); a fixed
// elision kept names short in a wide window (a review).
class ClassNameButton : public QPushButton {
public:
    ClassNameButton(const QString& mark, const QString& name, QWidget* parent)
        : QPushButton(mark + name, parent), mark_(mark), name_(name)
    {
        setCheckable(true);  // checked: the class this photo was given (clicking gives it, never takes it back)
    }
    const QString& name() const { return name_; }
    void setMark(const QString& mark)
    {
        mark_ = mark;
        resizeEvent(nullptr);
        updateGeometry();
    }
    QSize sizeHint() const override
    {
        return {fontMetrics().horizontalAdvance(mark_ + name_) + 2 * kTextMargin, QPushButton::sizeHint().height()};
    }
    QSize minimumSizeHint() const override { return {4 * kTextMargin, QPushButton::minimumSizeHint().height()}; }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        if (event) QPushButton::resizeEvent(event);
        setText(mark_ + fontMetrics().elidedText(name_, Qt::ElideMiddle,
                                                 width() - 2 * kTextMargin - fontMetrics().horizontalAdvance(mark_)));
    }

private:
    static constexpr int kTextMargin = 14;  // the button's frame and padding, each side
    QString mark_, name_;
};

// WIDGET centred vertically in a row as tall as a thumbnail (a bare cell widget fills the row).
QWidget* centredInCell(QWidget* widget, QWidget* parent)
{
    auto* cell = new QWidget(parent);
    auto* layout = new QVBoxLayout(cell);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addStretch(1);
    layout->addWidget(widget);
    layout->addStretch(1);
    return cell;
}
}

UnlabeledView::UnlabeledView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("unlabeledView"));
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("unlabeledSummary"));
    summary_->setWordWrap(true);
    auto* add = new QPushButton(tr("Add Unlabeled Folder…"), this);
    add->setToolTip(tr("A folder of photos without a class (Ctrl+Shift+U); or drop folders on the list below"));
    clear_ = new QPushButton(tr("Remove Folders"), this);
    clear_->setToolTip(tr("Forget the unlabeled folders (the photos stay on disk; classes given by hand are kept)"));
    write_ = new QPushButton(this);
    write_->setObjectName(QStringLiteral("writeLabels"));
    write_->setToolTip(tr("Copy every photo given a class here into that class's folder (Ctrl+Shift+W); they are "
                          "labeled photos from then on. Nothing is overwritten."));
    // Sorting them (issue: "classify them all and export"): the Classify tab answers every photo of
    // the unlabeled folders, and its Sort into Folders and Export CSV file the answers.
    classifyAll_ = new QPushButton(tr("Classify All"), this);
    classifyAll_->setObjectName(QStringLiteral("classifyAllUnlabeled"));
    classifyAll_->setToolTip(tr("Classify every photo of the unlabeled folders with the reference set, on the Classify "
                                "tab; there, Sort into Folders copies or links them into one folder per class plus "
                                "unknown, and Export writes a CSV"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(summary_, 1);
    bar->addWidget(add);
    bar->addWidget(clear_);
    bar->addWidget(classifyAll_);
    bar->addWidget(write_);
    backgroundSummary_ = new QLabel(this);
    backgroundSummary_->setObjectName(QStringLiteral("backgroundSummary"));
    backgroundSummary_->setWordWrap(true);
    auto* addBackground = new QPushButton(tr("Add Background Folder…"), this);
    addBackground->setToolTip(tr("Photos of other things of the same kind as your classes (other models, other machines; "
                                 "Ctrl+Shift+B; or drop folders on this line). They are never a class: the whitened "
                                 "methods learn from them which differences are ordinary. Photos of your own classes "
                                 "do not belong here."));
    clearBackground_ = new QPushButton(tr("Remove Background"), this);
    clearBackground_->setToolTip(tr("Forget the background folders (the photos stay on disk)"));
    // The whole line is the background's drop area, as the list below is the unlabeled photos'.
    auto* backgroundArea = new QWidget(this);
    backgroundArea->setObjectName(QStringLiteral("backgroundArea"));
    auto* backgroundBar = new QHBoxLayout(backgroundArea);
    backgroundBar->setContentsMargins(0, 0, 0, 0);
    backgroundBar->addWidget(backgroundSummary_, 1);
    backgroundBar->addWidget(addBackground);
    backgroundBar->addWidget(clearBackground_);
    hint_ = new QLabel(this);
    hint_->setObjectName(QStringLiteral("labelNextHint"));
    hint_->setWordWrap(true);
    classChoices_ = new QStringListModel(this);
    list_ = new QTableWidget(0, ColumnCount, this);
    list_->setObjectName(QStringLiteral("labelNextList"));
    list_->setHorizontalHeaderLabels({tr("#"), tr("Photo"), tr("Suggested"), tr("Or"), tr("Class given")});
    list_->horizontalHeaderItem(SuggestedColumn)->setToolTip(tr("The class the reference set answers (Enter on a row)"));
    list_->horizontalHeaderItem(RunnerUpColumn)->setToolTip(tr("Its second choice (key 2 on a row)"));
    list_->horizontalHeaderItem(ClassColumn)->setToolTip(tr("The class given by hand, or choose any class here (type to "
                                                            "search); Delete takes it back"));
    list_->verticalHeader()->hide();
    list_->verticalHeader()->setDefaultSectionSize(kThumbnailEdge * 3 / 4 + 8);
    list_->setSelectionBehavior(QAbstractItemView::SelectRows);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list_->setIconSize(QSize(kThumbnailEdge, kThumbnailEdge * 3 / 4));
    list_->setColumnWidth(PhotoColumn, kThumbnailEdge + 130);  // the thumbnail and the file's name
    // The three class columns share what the photo leaves, so a wide window widens the names that
    // tell classes apart: fixed at 190 pixels, the suggestion and the runner-up read
    // "009_Aston…oupe_2012" at 1440 wide while "Class given" stood half empty (a review).
    for (int column : {SuggestedColumn, RunnerUpColumn, ClassColumn})
        list_->horizontalHeader()->setSectionResizeMode(column, QHeaderView::Stretch);
    list_->setWordWrap(false);
    list_->setTextElideMode(Qt::ElideMiddle);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(backgroundArea);
    layout->addWidget(hint_);
    layout->addWidget(list_, 1);

    auto* drop = new DropTarget(list_->viewport());
    connect(drop, &DropTarget::pathsDropped, controller_, &ProjectController::addUnlabeledFolders);
    auto* backgroundDrop = new DropTarget(backgroundArea);
    connect(backgroundDrop, &DropTarget::pathsDropped, controller_, &ProjectController::addBackgroundFolders);
    connect(add, &QPushButton::clicked, this, &UnlabeledView::addFolderRequested);
    connect(clear_, &QPushButton::clicked, controller_, &ProjectController::clearUnlabeledFolders);
    connect(addBackground, &QPushButton::clicked, this, &UnlabeledView::addBackgroundFolderRequested);
    connect(clearBackground_, &QPushButton::clicked, controller_, &ProjectController::clearBackgroundFolders);
    connect(write_, &QPushButton::clicked, controller_, &ProjectController::writeAssignedLabels);
    connect(classifyAll_, &QPushButton::clicked, this, [this] {
        Q_EMIT classifyAllRequested();
        controller_->classifyUnlabeledPhotos();
    });
    connect(controller_, &ProjectController::activeReferenceSetChanged, this, &UnlabeledView::refreshSummary);
    // The keyboard way through the list (keys handled in eventFilter).
    list_->installEventFilter(this);

    connect(controller_, &ProjectController::labelingListChanged, this, &UnlabeledView::rebuildList);
    connect(controller_, &ProjectController::unlabeledPhotosChanged, this, &UnlabeledView::refreshSummary);
    connect(controller_, &ProjectController::sourcesChanged, this, &UnlabeledView::rebuildList);
    connect(controller_, &ProjectController::unlabeledSourcesChanged, this, [this] {
        refreshSummary();
        refreshAssignments();
    });
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailReady, this, [this](const QString& path) {
        const int row = rowPaths_.indexOf(path);
        if (row >= 0 && list_->item(row, PhotoColumn))
            list_->item(row, PhotoColumn)->setIcon(QIcon(controller_->thumbnails()->thumbnail(path)));
    });
    rebuildList();
}

bool UnlabeledView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != list_ || event->type() != QEvent::KeyPress) return QWidget::eventFilter(watched, event);
    // Enter takes the suggestion, 2 the runner-up (both go on to the next photo), Delete or
    // Backspace takes the given class back. Handled here, not as shortcuts, so that the window's
    // own Delete (remove a class) can never make them ambiguous.
    // Keys typed into a row's class box reach the list too when the box leaves them (Enter after
    // a name that is no class): they are the box's, not the list's.
    if (QWidget* focus = QApplication::focusWidget(); focus && focus != list_ && list_->isAncestorOf(focus) &&
                                                      focus != list_->viewport())
        return false;
    const int key = static_cast<QKeyEvent*>(event)->key();
    const int row = list_->currentRow();
    const auto& candidates = controller_->labelingList().candidates;
    if (row < 0 || row >= int(candidates.size()) || row >= rowPaths_.size()) return false;
    if (key == Qt::Key_Delete || key == Qt::Key_Backspace) {
        controller_->assignClass(rowPaths_[row], -1);
        return true;
    }
    const int rank = key == Qt::Key_Return || key == Qt::Key_Enter ? 0 : key == Qt::Key_2 ? 1 : -1;
    if (rank < 0 || rank >= int(candidates[size_t(row)].prediction.ranked.size())) return false;
    assignRow(row, candidates[size_t(row)].prediction.ranked[size_t(rank)].classIndex);
    if (row + 1 < list_->rowCount()) list_->setCurrentCell(row + 1, list_->currentColumn());
    return true;
}

int UnlabeledView::classSourceOfSetClass(int classIndex) const
{
    const QString name = controller_->labelingList().classNames.value(classIndex);
    const auto& classes = controller_->sources().classes;
    for (int i = 0; i < int(classes.size()); ++i)
        if (!classes[size_t(i)].excluded && classes[size_t(i)].name == name) return i;
    return -1;
}

void UnlabeledView::assignRow(int row, int classIndex)
{
    if (row < 0 || row >= rowPaths_.size()) return;
    const int source = classSourceOfSetClass(classIndex);
    if (source >= 0) controller_->assignClass(rowPaths_[row], source);
}

void UnlabeledView::refreshSummary()
{
    const UnlabeledSources& sources = controller_->unlabeledSources();
    const UnlabeledPhotos& photos = controller_->unlabeledPhotos();
    const int count = photos.embeddings ? photos.embeddings->size() : 0;
    QStringList folders;
    for (const QString& folder : sources.folders) folders << QDir::toNativeSeparators(folder);
    summary_->setText(sources.folders.isEmpty()
                          ? tr("No unlabeled photos.")
                          : tr("%n unlabeled photo(s) in %1 folder(s)", nullptr, count).arg(sources.folders.size()) +
                                (photos.skipped.empty() ? QString() : tr("; %n file(s) skipped (listed under Skipped files)", nullptr,
                                                                 int(photos.skipped.size()))));
    // Which files were skipped and why, on hover (the first ten): none is dropped silently.
    QStringList skipped;
    for (size_t i = 0; i < photos.skipped.size() && i < 10; ++i)
        skipped << QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(photos.skipped[i].path), photos.skipped[i].reason);
    if (photos.skipped.size() > 10) skipped << tr("… and %1 more").arg(photos.skipped.size() - 10);
    summary_->setToolTip(folders.join(QLatin1Char('\n')) +
                         (skipped.isEmpty() ? QString() : tr("\n\nSkipped:\n") + skipped.join(QLatin1Char('\n'))));
    clear_->setEnabled(!sources.folders.isEmpty());
    classifyAll_->setEnabled(!sources.folders.isEmpty() && controller_->activeReferenceSet());
    write_->setText(tr("Write %n Label(s) into Class Folders", nullptr, int(sources.assigned.size())));
    write_->setEnabled(!sources.assigned.isEmpty());

    const int background = photos.background ? photos.background->size() : 0;
    QStringList backgroundFolders;
    for (const QString& folder : sources.backgroundFolders) backgroundFolders << QDir::toNativeSeparators(folder);
    // Sorted into one subfolder per kind (other car models), they teach discriminant-centroid too.
    const int kinds = backgroundKindsWithSpread(&photos.backgroundKinds);
    QStringList namedAsClasses;
    photosOfKindsNotNamedAsClasses({photos.backgroundKinds, photos.backgroundKindNames},
                                   controller_->embeddings().classNames, &namedAsClasses);
    const QString leftOut = namedAsClasses.isEmpty()
                                ? QString()
                                : tr(" — left out, named as a class: %1 (a background holds other things of the same "
                                     "kind; photos of a class would inflate the figures)")
                                      .arg(namedAsClasses.join(QStringLiteral(", ")));
    backgroundSummary_->setText(
        (sources.backgroundFolders.isEmpty()
            ? tr("No background photos (drop a folder of other things of the same kind here).")
        : kinds > 0
            ? tr("%n background photo(s) of %1 kind(s) (one per subfolder): the methods learn from them which differences "
                 "are ordinary, and what varies within a class", nullptr, background).arg(kinds)
            : tr("%n background photo(s) in %1 folder(s): the whitened methods learn from them which differences are "
                 "ordinary", nullptr, background).arg(sources.backgroundFolders.size())) + leftOut);
    const QString sortingHint = tr("Sorted into one subfolder per kind (folder/model-a/, folder/model-b/, …), background "
                                   "photos also teach discriminant-centroid what varies within a class.");
    backgroundSummary_->setToolTip(backgroundFolders.isEmpty()
                                       ? sortingHint
                                       : backgroundFolders.join(QLatin1Char('\n')) + QStringLiteral("\n\n") + sortingHint);
    clearBackground_->setEnabled(!sources.backgroundFolders.isEmpty());
}

void UnlabeledView::rebuildList()
{
    refreshSummary();
    const LabelingList& labeling = controller_->labelingList();
    const UnlabeledPhotos& photos = controller_->unlabeledPhotos();
    const int shown = photos.embeddings ? std::min<int>(kRowsShown, int(labeling.candidates.size())) : 0;
    if (!labeling.unavailable.isEmpty())
        hint_->setText(labeling.unavailable);
    else if (shown == 0)
        hint_->setText(tr("Drop a folder of photos without a class on the list below (or File ▸ Add Unlabeled Folder…). "
                          "Exemplar ranks them by how much labeling each would help, and training self-trains with "
                          "them when cross-validation says it helps."));
    else
        hint_->setText(tr("Label these first: the reference set is unsure of them, and each stands for many others. "
                          "Click a class (or press Enter for the suggestion, 2 for the runner-up). Showing the %1 most "
                          "useful of %2.").arg(shown).arg(labeling.candidates.size()));
    list_->setRowCount(0);
    rowPaths_.clear();
    list_->setRowCount(shown);
    // One list of class names for every row's "other class" box: 200 rows of 200 classes would
    // otherwise be 40,000 combo-box items built again on every change.
    QStringList classChoices;
    for (const ClassSource& source : controller_->sources().classes)
        if (!source.excluded) classChoices << source.name;
    classChoices_->setStringList(classChoices);
    // The class lists open as wide as their longest name (up to half the screen): as narrow as
    // the box, 200 fine-grained names all read "008_Aston…8_Vant_p1" (a GUI review).
    int popupWidth = 0;
    for (const QString& name : classChoices) popupWidth = std::max(popupWidth, list_->fontMetrics().horizontalAdvance(name));
    popupWidth = std::min(popupWidth + 48, std::max(320, screen() ? screen()->availableGeometry().width() / 2 : 800));
    for (int row = 0; row < shown; ++row) {
        const LabelingCandidate& c = labeling.candidates[size_t(row)];
        const QString path = photos.embeddings->paths.value(c.row);
        rowPaths_ << path;
        list_->setItem(row, RankColumn, new QTableWidgetItem(QString::number(row + 1)));
        auto* photo = new QTableWidgetItem(QFileInfo(path).fileName());
        const QPixmap pixmap = controller_->thumbnails()->thumbnail(path);
        if (!pixmap.isNull()) photo->setIcon(QIcon(pixmap));
        QString why = tr("%1\nMargin %2: more unsure than %3% of the unlabeled photos. Mean cosine to its nearest "
                         "unlabeled neighbours %4; to the nearest training photo %5.")
                          .arg(QDir::toNativeSeparators(path)).arg(c.prediction.margin, 0, 'f', 3)
                          .arg(qRound(100 * c.uncertainty)).arg(c.representativeness, 0, 'f', 2)
                          .arg(1.0 - c.novelty, 0, 'f', 2);
        if (c.prediction.unknown) why += tr("\nThe reference set answers \"unknown\": unlike every training photo.");
        if (c.copyOf >= 0) why += tr("\nA near-copy of %1, listed above it.").arg(QFileInfo(photos.embeddings->paths.value(c.copyOf)).fileName());
        photo->setToolTip(why);
        list_->setItem(row, PhotoColumn, photo);
        for (int rank : {0, 1}) {
            if (rank >= int(c.prediction.ranked.size())) continue;
            const int classIndex = c.prediction.ranked[size_t(rank)].classIndex;
            const QString name = labeling.classNames.value(classIndex);
            // Fine-grained class names differ in their middles and ends: elided in the middle.
            auto* button = new ClassNameButton(QString(), name, list_);  // its mark: refreshAssignments
            button->setObjectName(rank == 0 ? QStringLiteral("acceptSuggestion") : QStringLiteral("acceptRunnerUp"));
            // Both look like the buttons they are (a flat runner-up read as plain text); the
            // suggestion carries the mark.
            const bool known = classSourceOfSetClass(classIndex) >= 0;
            button->setEnabled(known);
            button->setToolTip(!known ? tr("This project has no class folder named %1").arg(name)
                               : rank == 0 && c.prediction.unknown
                                   ? tr("Give this photo the class %1 (the nearest, but the set answers \"unknown\": unlike "
                                        "every training photo)").arg(name)
                                   : tr("Give this photo the class %1").arg(name));
            // Shown as the given class by refreshAssignments, whatever the click did (an unknown
            // folder gives nothing).
            connect(button, &QPushButton::clicked, this, [this, row, classIndex] {
                assignRow(row, classIndex);
                refreshAssignments();
            });
            list_->setCellWidget(row, rank == 0 ? SuggestedColumn : RunnerUpColumn, centredInCell(button, list_));
        }
        auto* other = new QComboBox(list_);
        other->setObjectName(QStringLiteral("classGiven"));
        other->setEditable(true);  // type to search among hundreds of classes
        other->setModel(classChoices_);
        other->setCurrentIndex(-1);
        other->lineEdit()->setPlaceholderText(tr("Other class…"));
        other->setToolTip(tr("Any class: type to search"));
        other->completer()->setFilterMode(Qt::MatchContains);
        other->completer()->setCompletionMode(QCompleter::PopupCompletion);
        other->setInsertPolicy(QComboBox::NoInsert);
        other->view()->setMinimumWidth(popupWidth);
        other->setMaxVisibleItems(20);
        other->completer()->popup()->setMinimumWidth(popupWidth);
        connect(other, &QComboBox::activated, this, [this, row, other](int index) {
            const QString name = other->itemText(index);
            const auto& classes = controller_->sources().classes;
            for (int i = 0; i < int(classes.size()); ++i)
                if (!classes[size_t(i)].excluded && classes[size_t(i)].name == name)
                    controller_->assignClass(rowPaths_.value(row), i);
        });
        // A name that is no class (typed, then Enter) is said, and the box shows the class given
        // again: the text stayed as if given while nothing was (a GUI review).
        connect(other->lineEdit(), &QLineEdit::returnPressed, this, [this, other] {
            const QString typed = other->lineEdit()->text().trimmed();
            if (typed.isEmpty() || other->findText(typed, Qt::MatchFixedString) >= 0) return;
            QToolTip::showText(other->mapToGlobal(QPoint(0, other->height())),
                               tr("No class is named \"%1\": pick one of the project's classes (a new class is a new "
                                  "class folder, dropped on the class list)").arg(typed),
                               other);
            refreshAssignments();
        });
        list_->setCellWidget(row, ClassColumn, centredInCell(other, list_));
    }
    list_->resizeColumnToContents(RankColumn);
    refreshAssignments();
}

void UnlabeledView::refreshAssignments()
{
    const auto& classes = controller_->sources().classes;
    const LabelingList& labeling = controller_->labelingList();
    for (int row = 0; row < rowPaths_.size(); ++row) {
        QWidget* cell = list_->cellWidget(row, ClassColumn);
        auto* given = cell ? cell->findChild<QComboBox*>() : nullptr;
        if (!given) continue;
        const QString folder = controller_->unlabeledSources().assigned.value(rowPaths_[row]);
        QString name;
        for (const ClassSource& source : classes)
            if (source.folder == folder) name = source.name;
        // The ✓ marks only the class given, shown pressed: on the suggestion it stayed after the
        // runner-up was picked, and an untouched suggestion read as chosen (two reviews). The
        // column's header says which is suggested; "?" marks one the set answers "unknown" to.
        for (const int column : {int(SuggestedColumn), int(RunnerUpColumn)}) {
            auto* button = list_->cellWidget(row, column) ? list_->cellWidget(row, column)->findChild<ClassNameButton*>() : nullptr;
            if (!button) continue;
            const bool isGiven = !folder.isEmpty() && button->name() == name;
            const bool suggested = folder.isEmpty() && column == SuggestedColumn;
            // "?": the set answers "unknown" to it, and its nearest class is only that.
            const bool unsure = row < int(labeling.candidates.size()) && labeling.candidates[size_t(row)].prediction.unknown;
            button->setChecked(isGiven);
            button->setMark(isGiven ? QStringLiteral("✓ ") : suggested && unsure ? QStringLiteral("? ") : QString());
        }
        const QSignalBlocker blocker(given);  // showing the class is not choosing it
        given->setCurrentIndex(folder.isEmpty() ? -1 : given->findText(name));
        if (given->currentIndex() < 0) given->setEditText(QString());
        MiddleElidedEdit::setWholeText(given->lineEdit(), given->currentIndex() < 0 ? QString() : name);
        QFont font = given->font();
        font.setBold(!folder.isEmpty());
        given->setFont(font);
        given->setToolTip(folder.isEmpty() ? tr("Any class: type to search")
                                           : tr("Given by hand, kept in the project; \"Write Labels into Class Folders\" "
                                                "copies the photo into %1 (Delete takes the class back)")
                                                 .arg(QDir::toNativeSeparators(folder)));
    }
}

} // namespace exemplar::ui
