#include "views/ComparisonView.h"

#include "controller/ProjectController.h"
#include "views/LearningCurveView.h"
#include "widgets/CheckListMenu.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace exemplar::ui {

namespace {
constexpr int kColumns = 8;
constexpr int kMethodRole = Qt::UserRole;           // column 0: the method's name
constexpr int kRecommendedRole = Qt::UserRole + 1;  // column 0: whether it is the ★ one
constexpr int kWithoutUnlabeledColumn = 7;  // shown only when the comparison self-trained

QString meanSd(double mean, double sd)
{
    return QStringLiteral("%1 ± %2").arg(100 * mean, 0, 'f', 1).arg(100 * sd, 0, 'f', 1);
}

QString range(const ProportionInterval& interval)
{
    return QStringLiteral("%1–%2").arg(100 * interval.low, 0, 'f', 1).arg(100 * interval.high, 0, 'f', 1);
}
}

ComparisonView::ComparisonView(ProjectController* controller, QWidget* parent) : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("comparisonView"));
    pool_ = new QSpinBox(this);
    pool_->setObjectName(QStringLiteral("comparisonPool"));
    pool_->setRange(1, 1000);
    pool_->setToolTip(tr("Training photos per class in each repetition; every other photo is a test photo"));
    repeats_ = new QSpinBox(this);
    repeats_->setRange(1, 1000);
    repeats_->setToolTip(tr("Random training/test splits to average over"));
    methodsButton_ = new QToolButton(this);
    methodsButton_->setObjectName(QStringLiteral("comparedMethods"));
    methodsButton_->setPopupMode(QToolButton::InstantPopup);
    methodsButton_->setToolTip(tr("The methods to compare (auto cross-validates every candidate in each repetition, "
                                  "so it takes longest)"));
    auto* methodsMenu = new CheckListMenu(methodsButton_);  // stays open while methods are ticked
    for (const TrainingMethodInfo& method : trainingMethods()) {
        QAction* action = methodsMenu->addAction(method.id);
        action->setData(method.id);  // the text may gain a mnemonic '&'
        action->setCheckable(true);
        action->setToolTip(method.description);
        connect(action, &QAction::toggled, this, &ComparisonView::storeSettings);
    }
    methodsMenu->setToolTipsVisible(true);
    methodsButton_->setMenu(methodsMenu);
    run_ = new QPushButton(tr("Compare methods"), this);
    run_->setObjectName(QStringLiteral("compareMethods"));
    run_->setToolTip(tr("Train every method on each split's training photos and score it on the test photos (F6)"));
    // The Optimize tab starts with the article's method, which a comparison often ranks low: the
    // recommendation is one click from being trained (a GUI review found no way to act on it).
    trainWith_ = new QPushButton(tr("Train With It"), this);
    trainWith_->setObjectName(QStringLiteral("trainWithComparedMethod"));
    trainWith_->setToolTip(tr("Train the selected method (the ★ recommended one when no row is selected) on the "
                              "Optimize tab, and make it the project's; double-clicking a row does the same"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Training photos per class:"), this));
    bar->addWidget(pool_);
    bar->addWidget(new QLabel(tr("Repetitions:"), this));
    bar->addWidget(repeats_);
    bar->addWidget(methodsButton_);
    bar->addWidget(run_);
    bar->addWidget(trainWith_);
    bar->addStretch(1);
    table_ = new QTableWidget(0, kColumns, this);
    table_->setObjectName(QStringLiteral("comparisonTable"));
    table_->setHorizontalHeaderLabels({tr("Method"), tr("Accuracy (%)"), tr("95% interval (%)"), tr("Weighted F1 (%)"),
                                       tr("F1 95% interval (%)"), tr("References / class"), tr("Seconds / training"),
                                       tr("Without unlabeled (%)")});
    table_->horizontalHeaderItem(1)->setToolTip(tr("Mean over the repetitions ± their standard deviation"));
    table_->horizontalHeaderItem(2)->setToolTip(
        tr("Where the method's accuracy on such photos lies, with 95% confidence (Wilson interval; each test picture "
           "counted once: near-identical copies count as one picture, and the repetitions score pictures of the same "
           "set)"));
    table_->horizontalHeaderItem(3)->setToolTip(tr("Mean over the repetitions ± their standard deviation"));
    table_->horizontalHeaderItem(4)->setToolTip(
        tr("Where the method's weighted F1 on such photos lies, with 95% confidence (Wilson interval at the number of "
           "test pictures whose share would vary as much as the weighted F1 does when a repetition's test pictures are "
           "resampled; again one repetition's worth)"));
    table_->horizontalHeaderItem(kWithoutUnlabeledColumn)->setToolTip(
        tr("The same method on the same splits without the unlabeled photos: what self-training changed"));
    // The method's name whole (with its ★), however narrow the window; the figures share the rest,
    // their headers wrapped onto two lines where a column is narrower than its header (a long
    // header was cut to "out unlabeled photos", and columns as wide as their headers overflowed
    // the tab beside a wide class list).
    // Below the width of its widest figure a column stops shrinking and the table scrolls sideways:
    // on a 1024-wide screen the figures wrapped onto two lines ("79.2 ±" / "5.9") and the headers
    // were cut.
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setMinimumSectionSize(
        table_->fontMetrics().horizontalAdvance(QStringLiteral("100.0% ± 10.0")) + 16);
    table_->setWordWrap(false);
    table_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    table_->horizontalHeader()->setDefaultAlignment(Qt::Alignment(Qt::AlignCenter | Qt::TextWordWrap));
    // Room for three lines: a header does not grow by itself when its text wraps, and at the
    // narrowest "Without unlabeled (%)" takes three.
    table_->horizontalHeader()->setMinimumHeight(3 * table_->horizontalHeader()->fontMetrics().lineSpacing() + 8);
    table_->verticalHeader()->setVisible(false);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    note_ = new QLabel(this);
    note_->setObjectName(QStringLiteral("comparisonNote"));
    note_->setWordWrap(true);
    poolHint_ = new QLabel(this);
    poolHint_->setObjectName(QStringLiteral("poolHint"));
    poolHint_->setWordWrap(true);
    poolHint_->hide();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(poolHint_);
    layout->addWidget(table_, 1);
    layout->addWidget(note_);
    layout->addWidget(new LearningCurveView(controller_, this), 1);

    connect(run_, &QPushButton::clicked, controller_, &ProjectController::compareMethods);
    connect(trainWith_, &QPushButton::clicked, this, [this] { trainWith(chosenRow()); });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { trainWith(row); });
    connect(table_, &QTableWidget::itemSelectionChanged, this, &ComparisonView::updateTrainWith);
    connect(controller_, &ProjectController::settingsChanged, this, &ComparisonView::updateTrainWith);
    connect(pool_, &QSpinBox::valueChanged, this, &ComparisonView::storeSettings);
    connect(pool_, &QSpinBox::valueChanged, this, &ComparisonView::updatePoolHint);
    connect(controller_, &ProjectController::embeddingsChanged, this, &ComparisonView::updatePoolHint);
    connect(repeats_, &QSpinBox::valueChanged, this, &ComparisonView::storeSettings);
    connect(controller_, &ProjectController::settingsChanged, this, &ComparisonView::loadSettings);
    connect(controller_, &ProjectController::comparisonChanged, this, &ComparisonView::refresh);
    connect(controller_, &ProjectController::comparisonProgressed, this,
            [this](std::shared_ptr<const MethodComparison> soFar) {
                const int asked = controller_->settings().comparisonMethods.isEmpty()
                                      ? int(trainingMethodNames().size())
                                      : int(controller_->settings().comparisonMethods.size());
                showComparison(soFar.get(), std::max(0, asked - int(soFar->methods.size())));
            });
    connect(controller_, &ProjectController::busyChanged, this, [this](bool busy) {
        run_->setEnabled(!busy && controller_->embeddings().size() > 0);
        if (!busy) refresh();  // a stopped comparison keeps the methods it finished (or leaves the project's)
    });
    loadSettings();
    refresh();
}

void ComparisonView::updatePoolHint()
{
    // Said before the comparison runs, not only among its warnings after it: at 200 classes of
    // 6 photos the default pool of 10 asked for more photos than any class has (a GUI review).
    const std::vector<int> counts = controller_->embeddings().countsPerClass();
    const int pool = pool_->value();
    const ClassesShortOfPool short_ = classesShortOfPool(counts, pool);  // as the comparison will find them
    poolHint_->setVisible(!short_.classes.empty());
    if (short_.classes.empty()) return;
    QString text = tr("%n of %1 class(es) have no more than %2 photos (the smallest: %3): each trains on fewer, "
                      "to leave photos to test.", nullptr, int(short_.classes.size()))
                       .arg(counts.size()).arg(pool).arg(short_.fewest);
    if (short_.fewest <= 1) text += tr(" A class of one photo trains on it and is not tested.");
    poolHint_->setText(text);
}

int ComparisonView::chosenRow() const
{
    // Only a finished comparison's rows: while one runs, its partial rows are shown and no ★ yet.
    if (!finishedShown_) return -1;
    const QList<QTableWidgetItem*> selected = table_->selectedItems();
    if (!selected.isEmpty()) return selected.front()->row();
    for (int row = 0; row < table_->rowCount(); ++row)
        if (table_->item(row, 0) && table_->item(row, 0)->data(kRecommendedRole).toBool()) return row;
    return -1;
}

QString ComparisonView::methodOfRow(int row) const
{
    const QTableWidgetItem* item = row >= 0 ? table_->item(row, 0) : nullptr;
    return item ? item->data(kMethodRole).toString() : QString();
}

void ComparisonView::updateTrainWith()
{
    const QString method = methodOfRow(chosenRow());
    const bool usable = !method.isEmpty() && isTrainingMethod(method);
    const bool already = usable && canonicalTrainingMethod(controller_->settings().method) == canonicalTrainingMethod(method);
    trainWith_->setEnabled(usable && !already);
    trainWith_->setText(usable ? tr("Train With %1").arg(method) : tr("Train With It"));
}

void ComparisonView::trainWith(int row)
{
    // The method is read from the row as shown (the comparison it came from may be replaced).
    const QString method = finishedShown_ ? methodOfRow(row) : QString();
    if (method.isEmpty() || !isTrainingMethod(method)) return;
    if (canonicalTrainingMethod(controller_->settings().method) != canonicalTrainingMethod(method)) {
        ProjectSettings s = controller_->settings();
        s.method = method;
        controller_->setSettings(s);
    }
    Q_EMIT methodChosenForTraining();
    // And trained: the Optimize tab showed the previous method's result with no hint to press
    // Start, under a button that says "Train" (a GUI review).
    controller_->startTraining();
}

void ComparisonView::loadSettings()
{
    const QSignalBlocker a(pool_), b(repeats_);  // showing the settings is not changing them
    const ProjectSettings& s = controller_->settings();
    pool_->setValue(s.comparisonPool);
    repeats_->setValue(s.comparisonRepeats);
    updatePoolHint();
    int checked = 0;
    for (QAction* action : methodsButton_->menu()->actions()) {
        const QSignalBlocker c(action);
        action->setChecked(s.comparisonMethods.isEmpty() || s.comparisonMethods.contains(action->data().toString()));
        checked += action->isChecked();
    }
    methodsButton_->setText(checked == methodsButton_->menu()->actions().size()
                                ? tr("All methods")
                                : tr("%1 of %2 methods").arg(checked).arg(methodsButton_->menu()->actions().size()));
}

void ComparisonView::storeSettings()
{
    ProjectSettings s = controller_->settings();
    s.comparisonPool = pool_->value();
    s.comparisonRepeats = repeats_->value();
    QStringList methods;
    for (QAction* action : methodsButton_->menu()->actions())
        if (action->isChecked()) methods << action->data().toString();
    if (methods.isEmpty()) {  // nothing to compare: the last method stays checked
        loadSettings();
        return;
    }
    // Empty means every method, so that methods the core adds later are compared too.
    s.comparisonMethods = methods.size() == methodsButton_->menu()->actions().size() ? QStringList() : methods;
    controller_->setSettings(s);
}

// The comparison's warnings as one paragraph: each is a sentence without its full stop (the CLI
// prints one a line), so they ran together ("… a test photo Stopped after 3 of 9 methods").
QString ComparisonView::asSentences(const QStringList& warnings)
{
    QStringList sentences;
    for (const QString& warning : warnings) {
        const QString sentence = warning.trimmed();
        if (sentence.isEmpty()) continue;
        const bool ended = sentence.endsWith(QLatin1Char('.')) || sentence.endsWith(QLatin1Char('!')) ||
                           sentence.endsWith(QLatin1Char('?'));
        sentences << (ended ? sentence : sentence + QLatin1Char('.'));
    }
    return sentences.join(QLatin1Char(' '));
}

QString ComparisonView::photosWithoutClassNote(const EvaluationReport& comparison)
{
    const QString background =
        comparison.backgroundPhotos > 0
            ? tr("The whitened methods' whitening was fitted on each pool and %n background photo(s). ", nullptr,
                 comparison.backgroundPhotos)
            : QString();
    if (comparison.unlabeled.isEmpty()) return background;
    QStringList kept;
    for (const MethodSummary& m : comparison.methods)
        if (m.selfTrainingUsed >= 0) kept << tr("%1 in %2").arg(m.name).arg(m.selfTrainingUsed);
    return tr("Unlabeled photos: %1; self-training kept (out of %2 repetitions) by %3. ")
        .arg(comparison.unlabeled).arg(comparison.repeats).arg(kept.join(QStringLiteral(", "))) + background;
}

void ComparisonView::refresh() { showComparison(controller_->comparison(), 0); }

void ComparisonView::showComparison(const MethodComparison* comparison, int pending)
{
    table_->setRowCount(0);
    run_->setEnabled(!controller_->isBusy() && controller_->embeddings().size() > 0);
    if (!comparison) {
        table_->setColumnHidden(kWithoutUnlabeledColumn, true);
        finishedShown_ = false;
        note_->setText(tr("Each method is trained on a few photos per class and scored on all the others, over "
                          "several random splits. Nothing here is measured on photos a method was trained on."));
        updateTrainWith();
        return;
    }
    table_->setRowCount(int(comparison->methods.size()));
    finishedShown_ = pending == 0;
    for (int i = 0; i < int(comparison->methods.size()); ++i) {
        const MethodSummary& m = comparison->methods[size_t(i)];
        const bool best = i == comparison->recommended;
        const std::optional<ProportionInterval> f1Interval = comparison->weightedF1Interval(m);
        QStringList cells{best ? QStringLiteral("★ %1 (recommended)").arg(m.name) : m.name,
                          meanSd(m.accuracyMean, m.accuracyStd), range(comparison->accuracyInterval(m)),
                          meanSd(m.weightedF1Mean, m.weightedF1Std),
                          f1Interval ? range(*f1Interval) : QStringLiteral("–"),  // a file written before it
                          QString::number(m.referencesPerClass, 'f', 1),
                          QString::number(m.seconds, 'f', 3),
                          m.plainAccuracies.empty() ? QString() : meanSd(m.plainAccuracyMean, m.plainAccuracyStd)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 0) {  // what Train With reads: the method of the row as shown
                item->setData(kMethodRole, m.name);
                item->setData(kRecommendedRole, best);
            }
            if (best) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            table_->setItem(i, c, item);
        }
    }
    // The recommendation in view: with a dozen methods it was below the table's fold.
    if (comparison->recommended >= 0 && comparison->recommended < table_->rowCount())
        table_->scrollToItem(table_->item(comparison->recommended, 0));
    table_->setColumnHidden(kWithoutUnlabeledColumn,
                            std::none_of(comparison->methods.begin(), comparison->methods.end(),
                                         [](const MethodSummary& m) { return !m.plainAccuracies.empty(); }));
    note_->setText((pending > 0 ? tr("%n more method(s) running; the best is marked when all are done. ", nullptr,
                                     pending)
                                : QString()) +
                   tr("%1 training photos per class, %2 repetitions, %3 test photos each. ")
                       .arg(comparison->pool).arg(comparison->repeats).arg(comparison->testPhotosPerRepeat) +
                   // The ★ is the best of several on these same splits: its figure is a little high.
                   (comparison->recommended >= 0 && comparison->methods.size() > 1
                        ? tr("★ marks the best of %1 on these splits, so its own figure runs a little high; the 95% "
                             "range counts each near-identical group once. ").arg(comparison->methods.size())
                        : QString()) +
                   photosWithoutClassNote(*comparison) + asSentences(comparison->warnings));
    updateTrainWith();
}

} // namespace exemplar::ui
