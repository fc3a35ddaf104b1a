#include "views/ClassifyView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "thumbnails/ThumbnailCache.h"
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
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {
QLabel* thumbnailLabel(ThumbnailCache* cache, const QString& path, int edge, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setFixedSize(edge, edge * 3 / 4);
    label->setAlignment(Qt::AlignCenter);
    label->setFrameShape(QFrame::StyledPanel);
    label->setToolTip(path);
    const QPixmap pixmap = path.isEmpty() ? QPixmap() : cache->thumbnail(path);
    if (!pixmap.isNull())
        label->setPixmap(pixmap.scaled(QSize(edge, edge * 3 / 4) * pixmap.devicePixelRatio(), Qt::KeepAspectRatio,
                                       Qt::SmoothTransformation));
    else
        label->setText(path.isEmpty() ? ClassifyView::tr("(not in this project)") : QStringLiteral("…"));
    label->setWordWrap(true);
    label->setProperty("thumbnailPath", path);
    label->setProperty("thumbnailEdge", edge);
    return label;
}

}

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
    results_ = new QListWidget(this);
    results_->setObjectName(QStringLiteral("classifyDropArea"));
    results_->setSelectionMode(QAbstractItemView::NoSelection);
    results_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
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
        refresh();
    });
    connect(controller_, &ProjectController::classificationsChanged, this, &ClassifyView::refresh);
    connect(controller_, &ProjectController::classificationsAdded, this, &ClassifyView::showAdded);
    connect(controller_, &ProjectController::activeReferenceSetChanged, this, &ClassifyView::refresh);
    connect(controller_, &ProjectController::embeddingsChanged, this, &ClassifyView::refresh);
    connect(controller_->thumbnails(), &ThumbnailCache::thumbnailReady, this, [this](const QString& path) {
        for (QLabel* label : results_->findChildren<QLabel*>()) {
            if (label->property("thumbnailPath").toString() != path) continue;
            const int edge = label->property("thumbnailEdge").toInt();
            const QPixmap pixmap = controller_->thumbnails()->thumbnail(path);
            label->setPixmap(pixmap.scaled(QSize(edge, edge * 3 / 4) * pixmap.devicePixelRatio(), Qt::KeepAspectRatio,
                                           Qt::SmoothTransformation));
        }
    });
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

QWidget* ClassifyView::resultCard(int index)
{
    const ClassifiedPhoto& photo = controller_->classifications()[size_t(index)];
    const ReferenceSet* set = controller_->activeReferenceSet();
    auto* card = new QWidget(results_);
    auto* layout = new QHBoxLayout(card);
    layout->addWidget(thumbnailLabel(controller_->thumbnails(), photo.path, 160, card));
    auto* right = new QVBoxLayout;
    const QString file = QFileInfo(photo.path).fileName().toHtmlEscaped();
    QString verdict;
    if (!photo.error.isEmpty())
        verdict = tr("<b>%1</b>: could not be classified — %2").arg(file, photo.error.toHtmlEscaped());
    else if (photo.prediction.unknown)
        verdict = tr("<b>%1</b> → <b>unknown</b>: none of the classes (%2)")
                      .arg(file, set ? set->head.unknownReason(photo.prediction).toHtmlEscaped() : QString());
    else
        verdict = tr("<b>%1</b> → <b style='font-size:large'>%2</b> &nbsp; margin %3")
                      .arg(file, set ? set->head.classNames.value(photo.prediction.bestClass()).toHtmlEscaped() : QString())
                      .arg(photo.prediction.margin, 0, 'f', 3);
    auto* verdictLabel = new QLabel(verdict, card);
    verdictLabel->setObjectName(QStringLiteral("verdict"));
    verdictLabel->setToolTip(photo.path);
    right->addWidget(verdictLabel);
    if (set && photo.error.isEmpty()) {
        auto* grid = new QGridLayout;
        const int k = std::min<int>(controller_->settings().topK, int(photo.prediction.ranked.size()));
        for (int i = 0; i < k; ++i) {
            const ClassScore& score = photo.prediction.ranked[size_t(i)];
            QPixmap swatch(10, 10);
            swatch.fill(classColor(score.classIndex));
            auto* swatchLabel = new QLabel(card);
            swatchLabel->setPixmap(swatch);
            const ReferenceInfo info = score.referenceIndex >= 0 && score.referenceIndex < int(set->head.referenceInfo.size())
                                           ? set->head.referenceInfo[size_t(score.referenceIndex)]
                                           : ReferenceInfo();
            const QString referencePath = controller_->pathOfContentHash(info.contentHash);
            grid->addWidget(swatchLabel, i, 0);
            grid->addWidget(new QLabel(QStringLiteral("%1. %2").arg(i + 1).arg(set->head.classNames.value(score.classIndex)), card), i, 1);
            grid->addWidget(new QLabel(QString::number(score.score, 'f', 3), card), i, 2);
            auto* reference = thumbnailLabel(controller_->thumbnails(), referencePath, 64, card);
            if (referencePath.isEmpty()) reference->setText(info.file);
            reference->setToolTip(tr("Nearest reference: %1").arg(info.file));
            grid->addWidget(reference, i, 3);
        }
        grid->setColumnStretch(1, 1);
        right->addLayout(grid);
    }
    right->addStretch(1);
    layout->addLayout(right, 1);
    return card;
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
    results_->clear();
    showAdded(0, int(controller_->classifications().size()));
}

void ClassifyView::showAdded(int at, int count)
{
    // Only the new cards are built: a long classification adds its photos as they come, and
    // rebuilding every card each time would make that quadratic.
    for (int i = count - 1; i >= 0; --i) {
        auto* item = new QListWidgetItem;
        results_->insertItem(at, item);
        QWidget* card = resultCard(at + i);
        item->setSizeHint(card->sizeHint());
        results_->setItemWidget(item, card);
    }
    hint_->setVisible(controller_->classifications().empty());
}

} // namespace exemplar::ui
