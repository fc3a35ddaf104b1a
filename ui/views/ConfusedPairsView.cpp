#include "views/ConfusedPairsView.h"

#include "controller/ProjectController.h"
#include "views/ClassPairGallery.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

namespace exemplar::ui {

namespace {

enum Column { Rank, ClassA, ClassB, Errors, ErrorRate, CentroidCosine, ClosestCosine, ColumnCount };
constexpr int kClassesRole = Qt::UserRole + 1;

QTableWidgetItem* numberItem(const QString& text, double sortValue)
{
    auto* item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, sortValue);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString cosineText(double value) { return std::isnan(value) ? QStringLiteral("–") : QString::number(value, 'f', 3); }

} // namespace

ConfusedPairsView::ConfusedPairsView(ProjectController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("confusedPairsView"));
    method_ = new QComboBox(this);
    method_->setObjectName(QStringLiteral("confusionMethod"));
    method_->setToolTip(tr("The training method whose mistakes are counted: it is trained on all folds but one and "
                           "asked about the photos of the held-out fold, for every fold"));
    for (const TrainingMethodInfo& info : trainingMethods()) method_->addItem(info.label, info.id);
    find_ = new QPushButton(tr("Find Confused Pairs"), this);
    find_->setObjectName(QStringLiteral("findConfusedPairs"));
    find_->setToolTip(tr("5-fold cross-validation inside the labeled photos (near-identical photos stay on one side)"));
    ranking_ = new QComboBox(this);
    ranking_->setObjectName(QStringLiteral("confusionRanking"));
    ranking_->addItem(tr("Cross-validated confusion"));
    ranking_->addItem(tr("Similarity before training"));
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    table_ = new QTableWidget(this);
    table_->setObjectName(QStringLiteral("confusedPairsTable"));
    table_->setColumnCount(ColumnCount);
    table_->setHorizontalHeaderLabels({tr("#"), tr("Class A"), tr("Class B"), tr("Errors A→B + B→A"), tr("Error rate"),
                                       tr("Class-mean cosine"), tr("Closest photos cosine")});
    table_->horizontalHeaderItem(Errors)->setToolTip(tr("Held-out photos of A taken for B, plus those of B taken for A"));
    table_->horizontalHeaderItem(ErrorRate)->setToolTip(tr("Those errors over the held-out photos of A and B"));
    table_->horizontalHeaderItem(CentroidCosine)->setToolTip(tr("Cosine between the two classes' mean embeddings, before any training"));
    table_->horizontalHeaderItem(ClosestCosine)->setToolTip(tr("Mean cosine of the 3 most similar photo pairs across the two classes"));
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    // Classes named alike differ at the end ("…_Coupe_2012-1" vs "…_Coupe_2012-3"): keep both ends.
    table_->setTextElideMode(Qt::ElideMiddle);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(ClassA, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(ClassB, QHeaderView::Stretch);
    table_->setToolTip(tr("Double-click or press Enter on a pair to see the two classes' closest photos side by side"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Cross-validate:"), this));
    bar->addWidget(method_);
    bar->addWidget(find_);
    bar->addSpacing(24);
    bar->addWidget(new QLabel(tr("Rank by:"), this));
    bar->addWidget(ranking_);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(summary_);
    layout->addWidget(table_, 1);

    connect(find_, &QPushButton::clicked, this, &ConfusedPairsView::findPairs);
    connect(method_, &QComboBox::activated, this, [this] { methodPicked_ = true; });  // the user's choice only
    connect(ranking_, &QComboBox::currentIndexChanged, this, &ConfusedPairsView::refill);
    connect(table_, &QTableWidget::cellActivated, this, [this](int row, int) { openGallery(row); });
    connect(controller_, &ProjectController::confusedPairsChanged, this, &ConfusedPairsView::refill);
    connect(controller_, &ProjectController::embeddingsChanged, this, &ConfusedPairsView::refill);
    connect(controller_, &ProjectController::settingsChanged, this, &ConfusedPairsView::updateMethods);
    connect(controller_, &ProjectController::busyChanged, find_, [this](bool busy) { find_->setEnabled(!busy); });
    updateMethods();
    refill();
}

void ConfusedPairsView::updateMethods()
{
    // The project's method until the user picks another here (then a settings change keeps it).
    if (!methodPicked_) setMethod(controller_->settings().method);
}

void ConfusedPairsView::setMethod(const QString& methodId)
{
    const int index = method_->findData(canonicalTrainingMethod(methodId));
    if (index >= 0) method_->setCurrentIndex(index);
}

QString ConfusedPairsView::method() const { return method_->currentData().toString(); }

void ConfusedPairsView::setRanking(Ranking ranking) { ranking_->setCurrentIndex(ranking == Ranking::Confusion ? 0 : 1); }

ConfusedPairsView::Ranking ConfusedPairsView::ranking() const
{
    return ranking_->currentIndex() == 0 ? Ranking::Confusion : Ranking::Similarity;
}

void ConfusedPairsView::findPairs() { controller_->findConfusedPairs(method()); }

void ConfusedPairsView::refill()
{
    table_->setRowCount(0);
    const ConfusedPairsReport* report = controller_->confusedPairs();
    if (!report || report->classNames != controller_->embeddings().classNames) {
        summary_->setText(controller_->embeddings().classCount() < 2
                              ? tr("Add two or more classes, then find the pairs the classifier confuses.")
                              : tr("Choose a method and press <b>Find Confused Pairs</b>: it is cross-validated "
                                   "inside the labeled photos and every class pair it mixes up is listed, with how "
                                   "alike the two classes look before training."));
        return;
    }
    const std::vector<int> order = ranking() == Ranking::Confusion ? report->byConfusion() : report->bySimilarity();
    const QLocale locale;
    summary_->setText(tr("%1-fold cross-validation of <b>%2</b> over %3 held-out photos: %4% right; %5 of %6 class "
                         "pairs confused at least once.%7")
                          .arg(report->folds)
                          .arg(findTrainingMethod(report->method) ? findTrainingMethod(report->method)->label.toHtmlEscaped()
                                                                  : report->method.toHtmlEscaped())
                          .arg(locale.toString(report->heldOut))
                          .arg(100 * report->accuracy, 0, 'f', 1)
                          .arg(locale.toString(qlonglong(report->byConfusion().size())))
                          .arg(locale.toString(qlonglong(report->classNames.size()) * (report->classNames.size() - 1) / 2))
                          .arg(report->duplicateGroups > 0
                                   ? tr(" %1 groups of near-identical photos were kept on one side of every fold.")
                                         .arg(report->duplicateGroups)
                                   : QString()));
    table_->setRowCount(int(order.size()));
    for (int row = 0; row < int(order.size()); ++row) {
        const ConfusedPair& pair = report->pairs[size_t(order[size_t(row)])];
        auto* rank = numberItem(QString::number(row + 1), row + 1);
        rank->setData(kClassesRole, QPoint(pair.a, pair.b));
        table_->setItem(row, Rank, rank);
        for (const auto& [column, name] : {std::pair{int(ClassA), report->classNames.value(pair.a)},
                                           std::pair{int(ClassB), report->classNames.value(pair.b)}}) {
            auto* item = new QTableWidgetItem(name);
            item->setToolTip(name);
            table_->setItem(row, column, item);
        }
        table_->setItem(row, Errors, numberItem(QStringLiteral("%1 = %2 + %3").arg(pair.errors()).arg(pair.aAsB).arg(pair.bAsA),
                                                pair.errors()));
        table_->setItem(row, ErrorRate, numberItem(QStringLiteral("%1%").arg(100 * pair.errorRate(), 0, 'f', 1), pair.errorRate()));
        table_->setItem(row, CentroidCosine, numberItem(cosineText(pair.centroidCosine), pair.centroidCosine));
        table_->setItem(row, ClosestCosine, numberItem(cosineText(pair.closestCosine), pair.closestCosine));
    }
    if (table_->rowCount() > 0) table_->selectRow(0);
}

std::pair<int, int> ConfusedPairsView::pairOfRow(int row) const
{
    const QTableWidgetItem* item = table_->item(row, Rank);
    if (!item) return {-1, -1};
    const QPoint classes = item->data(kClassesRole).toPoint();
    return {classes.x(), classes.y()};
}

ClassPairGallery* ConfusedPairsView::gallery() const { return gallery_; }

ClassPairGallery* ConfusedPairsView::openGallery(int row)
{
    const auto [a, b] = pairOfRow(row);
    if (a < 0 || b >= controller_->embeddings().classCount()) return nullptr;
    const QString summary = tr("%1 cross-validated errors (%2), class-mean cosine %3")
                                .arg(table_->item(row, Errors)->text(), table_->item(row, ErrorRate)->text(),
                                     table_->item(row, CentroidCosine)->text());
    if (gallery_) gallery_->close();
    gallery_ = new ClassPairGallery(controller_, a, b, summary, this);
    gallery_->show();
    return gallery_;
}

} // namespace exemplar::ui
