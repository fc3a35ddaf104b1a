#include "views/ClassificationListModel.h"

#include "controller/ProjectController.h"

#include <QFileInfo>
#include <QVariantMap>

namespace exemplar::ui {

ClassificationListModel::ClassificationListModel(ProjectController* controller, QObject* parent)
    : QAbstractListModel(parent), controller_(controller)
{
    const auto reset = [this] {
        beginResetModel();
        rows_ = int(controller_->classifications().size());
        topK_ = controller_->settings().topK;
        endResetModel();
    };
    reset();
    connect(controller_, &ProjectController::classificationsChanged, this, reset);
    // A new set or new photos change the names, the nearest references and the unknown rule.
    connect(controller_, &ProjectController::activeReferenceSetChanged, this, reset);
    connect(controller_, &ProjectController::embeddingsChanged, this, reset);
    // Every settings change is signalled alike; only the top K changes what the rows show.
    connect(controller_, &ProjectController::settingsChanged, this, [this, reset] {
        if (controller_->settings().topK != topK_) reset();
    });
    connect(controller_, &ProjectController::classificationsAdded, this, [this](int at, int count) {
        // The controller has them already; the view learns of them here (rows may only be added
        // where the view's count says they can be).
        if (count <= 0 || at < 0 || at > rows_) return;
        beginInsertRows(QModelIndex(), at, at + count - 1);
        rows_ += count;
        endInsertRows();
    });
}

int ClassificationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : std::min<int>(rows_, int(controller_->classifications().size()));
}

int ClassificationListModel::listedClasses(int row) const
{
    const ClassifiedPhoto& photo = controller_->classifications()[size_t(row)];
    if (!controller_->activeReferenceSet() || !photo.error.isEmpty()) return 0;
    return std::max(0, std::min<int>(controller_->settings().topK, int(photo.prediction.ranked.size())));
}

QString ClassificationListModel::verdict(int row, bool rich) const
{
    const ClassifiedPhoto& photo = controller_->classifications()[size_t(row)];
    const ReferenceSet* set = controller_->activeReferenceSet();
    const auto escaped = [rich](const QString& text) { return rich ? text.toHtmlEscaped() : text; };
    const QString file = escaped(QFileInfo(photo.path).fileName());
    if (!photo.error.isEmpty())
        return (rich ? tr("<b>%1</b>: could not be classified — %2") : tr("%1: could not be classified — %2"))
            .arg(file, escaped(photo.error));
    if (photo.prediction.unknown) {
        // A review read a class score below (0.7396) against this threshold (0.738): when the
        // familiarity is another quantity, the verdict says the scores listed do not decide it.
        const bool otherQuantity = set && set->head.judgesUnknownByTrainingPhotos() && listedClasses(row) > 0;
        return (rich ? tr("<b>%1</b> → <b>unknown</b>: none of the classes (%2)%3")
                     : tr("%1 → unknown: none of the classes (%2)%3"))
            .arg(file, set ? escaped(set->head.unknownReason(photo.prediction)) : QString(),
                 otherQuantity ? tr("; the class scores below only rank the classes") : QString());
    }
    const QString name = set ? escaped(set->head.classNames.value(photo.prediction.bestClass())) : QString();
    return (rich ? tr("<b>%1</b> → <b style='font-size:large'>%2</b> &nbsp; margin %3") : tr("%1 → %2   margin %3"))
        .arg(file, name)
        .arg(photo.prediction.margin, 0, 'f', 3);
}

QVariantList ClassificationListModel::ranked(int row) const
{
    QVariantList list;
    const ReferenceSet* set = controller_->activeReferenceSet();
    const ClassifiedPhoto& photo = controller_->classifications()[size_t(row)];
    const int k = listedClasses(row);
    for (int i = 0; i < k; ++i) {
        const ClassScore& score = photo.prediction.ranked[size_t(i)];
        const bool known = score.referenceIndex >= 0 && score.referenceIndex < int(set->head.referenceInfo.size());
        const ReferenceInfo info = known ? set->head.referenceInfo[size_t(score.referenceIndex)] : ReferenceInfo();
        list.append(QVariantMap{{QLatin1String(kName), set->head.classNames.value(score.classIndex)},
                                {QLatin1String(kScore), double(score.score)},
                                {QLatin1String(kClassIndex), score.classIndex},
                                {QLatin1String(kReferencePath), controller_->pathOfContentHash(info.contentHash)},
                                {QLatin1String(kReferenceFile), info.file}});
    }
    return list;
}

QVariant ClassificationListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const ClassifiedPhoto& photo = controller_->classifications()[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return verdict(index.row(), false);
    case VerdictRole:
        return verdict(index.row(), true);
    case Qt::ToolTipRole:
    case PathRole:
        return photo.path;
    case OutcomeRole:
        return !photo.error.isEmpty() ? Failed : photo.prediction.unknown ? Unknown : Classified;
    case RankedRole:
        return ranked(index.row());
    case ListedClassesRole:
        return listedClasses(index.row());
    default:
        return {};
    }
}

} // namespace exemplar::ui
