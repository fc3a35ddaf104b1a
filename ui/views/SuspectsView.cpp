#include "views/SuspectsView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"

#include <QFileInfo>
#include <QHeaderView>

namespace exemplar::ui {

namespace {
enum Column { PhotoColumn, ClassColumn, ReasonColumn, LikelyColumn };
constexpr int kPathRole = Qt::UserRole;
}

SuspectsView::SuspectsView(ProjectController* controller, QWidget* parent) : QTreeWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("suspects"));
    setHeaderLabels({tr("Suspect photo"), tr("Class"), tr("Why"), tr("Looks like")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    header()->setSectionResizeMode(QHeaderView::Interactive);
    header()->resizeSection(PhotoColumn, 130);
    setToolTip(tr("Photos the audit flags: look at them before trusting them as references. Click one to show it."));
    connect(controller_, &ProjectController::auditChanged, this, &SuspectsView::rebuild);
    connect(controller_, &ProjectController::sourcesChanged, this, &SuspectsView::rebuild);  // class names
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item) controller_->selectPhoto(item->data(PhotoColumn, kPathRole).toString());
    });
}

void SuspectsView::rebuild()
{
    const QSignalBlocker blocker(this);  // rebuilding is not the user picking a photo
    clear();
    const AuditReport* audit = controller_->audit();
    if (!audit) return;
    const EmbeddingSet& set = controller_->embeddings();
    for (const SuspectPhoto& suspect : audit->suspects) {
        if (suspect.row < 0 || suspect.row >= set.size()) continue;
        const QString path = set.paths[suspect.row];
        QString likely;
        if (suspect.likelyClass >= 0) likely = set.classNames.value(suspect.likelyClass);
        else if (suspect.duplicateOf >= 0 && suspect.duplicateOf < set.size())
            likely = tr("copy of %1").arg(QFileInfo(set.paths[suspect.duplicateOf]).fileName());
        auto* item = new QTreeWidgetItem({QFileInfo(path).fileName(), set.classNames.value(set.labels[size_t(suspect.row)]),
                                          suspect.reasons.join(QStringLiteral(", ")), likely});
        item->setData(PhotoColumn, kPathRole, path);
        item->setForeground(ReasonColumn, kSuspectColor.darker(120));
        for (int c = 0; c < columnCount(); ++c) item->setToolTip(c, path + QLatin1Char('\n') + suspect.explanation);
        addTopLevelItem(item);
    }
}

} // namespace exemplar::ui
