#include "views/ClassifyView.h"

#include "controller/ProjectController.h"
#include "thumbnails/ThumbnailCache.h"
#include "views/ClassificationCardDelegate.h"
#include "views/ClassificationListModel.h"
#include "widgets/DropTarget.h"

#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QMimeData>
#include <QStandardPaths>
#include <QUrl>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace exemplar::ui {

ClassifyView::ClassifyView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("classifyView"));
    setLabel_ = new QLabel(this);
    setLabel_->setWordWrap(true);
    auto* choose = new QPushButton(tr("Classify Photos…"), this);
    choose->setObjectName(QStringLiteral("classifyPhotosButton"));
    choose->setToolTip(tr("Choose photos to classify (Ctrl+K); or drop them below, or paste them (Ctrl+V)"));
    auto* import = new QPushButton(tr("Import reference set…"), this);
    import->setToolTip(tr("Classify with a saved .exref file instead of the set trained here (Ctrl+I)"));
    auto* exportButton = new QPushButton(tr("Export results…"), this);
    exportButton->setToolTip(tr("Write the predictions as CSV or JSON"));
    auto* sortButton = new QPushButton(tr("Sort into Folders…"), this);
    sortButton->setObjectName(QStringLiteral("sortIntoFolders"));
    sortButton->setToolTip(tr("Copy (or link) the classified photos into one folder per class plus \"unknown\" "
                              "(Ctrl+Shift+K). Nothing is overwritten; photos sorted before are skipped."));
    auto* clear = new QPushButton(tr("Clear"), this);
    topK_ = new QSpinBox(this);
    topK_->setRange(1, 20);
    topK_->setToolTip(tr("Classes listed per photo"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Top:"), this));
    bar->addWidget(topK_);
    bar->addStretch(1);
    bar->addWidget(choose);
    bar->addWidget(import);
    bar->addWidget(exportButton);
    bar->addWidget(sortButton);
    bar->addWidget(clear);
    model_ = new ClassificationListModel(controller_, this);
    results_ = new QListView(this);
    results_->setObjectName(QStringLiteral("classifyDropArea"));
    results_->setModel(model_);
    results_->setItemDelegate(new ClassificationCardDelegate(controller_->thumbnails(), results_));
    results_->setSelectionMode(QAbstractItemView::NoSelection);
    results_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    results_->setAlternatingRowColors(true);
    results_->setResizeMode(QListView::Adjust);  // cards follow the list's width
    results_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    hint_ = new QLabel(tr("Drop photos (or a folder of photos) on the list below, paste them (Ctrl+V), or press "
                          "Classify Photos… to classify them."), this);
    hint_->setAlignment(Qt::AlignCenter);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(setLabel_);
    layout->addLayout(bar);
    layout->addWidget(hint_);
    layout->addWidget(results_, 1);

    auto* drop = new DropTarget(results_->viewport());
    connect(drop, &DropTarget::pathsDropped, controller_, &ProjectController::classifyPhotos);
    connect(choose, &QPushButton::clicked, this, &ClassifyView::classifyRequested);
    connect(import, &QPushButton::clicked, this, &ClassifyView::importRequested);
    connect(exportButton, &QPushButton::clicked, this, &ClassifyView::exportRequested);
    connect(sortButton, &QPushButton::clicked, this, &ClassifyView::sortRequested);
    connect(clear, &QPushButton::clicked, controller_, &ProjectController::clearClassifications);
    connect(topK_, &QSpinBox::valueChanged, this, &ClassifyView::storeSettings);
    connect(controller_, &ProjectController::settingsChanged, this, [this] {
        const QSignalBlocker blocker(topK_);
        topK_->setValue(controller_->settings().topK);
    });
    connect(controller_, &ProjectController::activeReferenceSetChanged, this, &ClassifyView::refresh);
    // The rows are the model's (ClassificationListModel); this only says whether there are any.
    connect(model_, &QAbstractItemModel::rowsInserted, this, &ClassifyView::refresh);
    connect(model_, &QAbstractItemModel::modelReset, this, &ClassifyView::refresh);
    // A thumbnail that arrives is drawn by repainting what the list shows: only the visible cards
    // are painted, whatever the number of photos.
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailReady, results_->viewport(),
            qOverload<>(&QWidget::update));
    {
        const QSignalBlocker blocker(topK_);  // showing the settings is not changing them
        topK_->setValue(controller_->settings().topK);
    }
    refresh();
}

bool ClassifyView::classifyClipboard()
{
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    if (!mime) return false;
    QStringList paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty() && mime->hasImage()) {
        const QImage image = qvariant_cast<QImage>(mime->imageData());
        const QString folder = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/pasted");
        const QString file = folder + QStringLiteral("/pasted-%1.png")
                                          .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
        if (image.isNull() || !QDir().mkpath(folder) || !image.save(file, "PNG")) return false;
        paths << file;
    }
    if (paths.isEmpty()) return false;
    controller_->classifyPhotos(paths);
    return true;
}

void ClassifyView::storeSettings()
{
    ProjectSettings s = controller_->settings();
    s.topK = topK_->value();
    controller_->setSettings(s);
}

void ClassifyView::refresh()
{
    const ReferenceSet* set = controller_->activeReferenceSet();
    setLabel_->setText(set ? tr("Reference set: %1 — %2 classes, %3 references, method %4; %5")
                                 .arg(controller_->activeReferenceSetSource())
                                 .arg(set->head.classNames.size())
                                 .arg(set->head.referenceCount())
                                 .arg(set->method, set->head.unknownRule())
                           : tr("No reference set yet: train one on the Optimize tab, or import an .exref file."));
    hint_->setVisible(controller_->classifications().empty());
}

} // namespace exemplar::ui
