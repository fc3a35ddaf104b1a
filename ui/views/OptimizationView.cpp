#include "views/OptimizationView.h"

#include "controller/ProjectController.h"
#include "plots/PlotTheme.h"
#include "views/FigureText.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {

constexpr int kAutoTableHeightBesidePlot = 220;  // pixels: a few candidates beside the objective plot
enum CountColumn { ClassColumn, AvailableColumn, PinColumn, BestColumn };
// least-central is the one method with an optimizer trace to plot and a best-so-far that Stop keeps.
bool optimizesSelection(const QString& method) { return canonicalTrainingMethod(method) == QLatin1String("least-central"); }

}

OptimizationView::OptimizationView(ProjectController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller)
{
    setObjectName(QStringLiteral("optimizationView"));
    method_ = new QComboBox(this);
    method_->setObjectName(QStringLiteral("methodBox"));
    // The table's order, but the method the tab opens on first and the recommended one second.
    QStringList descriptions;
    std::vector<const TrainingMethodInfo*> methods;
    for (const QString& first : {interactiveTrainingMethod(), defaultTrainingMethod()})
        methods.push_back(findTrainingMethod(first));
    for (const TrainingMethodInfo& method : trainingMethods())
        if (std::find(methods.begin(), methods.end(), &method) == methods.end()) methods.push_back(&method);
    for (const TrainingMethodInfo* method : methods) {
        method_->addItem(QStringLiteral("%1 — %2").arg(method->id, method->label), method->id);
        method_->setItemData(method_->count() - 1, method->description, Qt::ToolTipRole);
        descriptions << QStringLiteral("%1: %2").arg(method->id, method->description);
    }
    method_->setToolTip(descriptions.join(QLatin1Char('\n')));
    optimizer_ = new QComboBox(this);
    optimizer_->addItem(tr("Bayesian (Gaussian process)"), QStringLiteral("bayes"));
    optimizer_->addItem(tr("Coordinate ascent"), QStringLiteral("coordinate"));
    optimizer_->addItem(tr("Random search"), QStringLiteral("random"));
    centrality_ = new QComboBox(this);
    centrality_->addItem(tr("Whole graph (article)"));
    centrality_->addItem(tr("Within each class"));
    budget_ = new QSpinBox(this);
    budget_->setRange(1, 5000);
    budget_->setToolTip(tr("Objective evaluations the optimizer may spend"));
    holdout_ = new QDoubleSpinBox(this);
    holdout_->setRange(0, 90);
    holdout_->setSuffix(QStringLiteral(" %"));
    holdout_->setDecimals(0);
    holdout_->setToolTip(tr("Photos of each class held out and never used to choose references: the honest "
                            "accuracy on the Evaluation tab is measured on them"));
    knownReject_ = new QDoubleSpinBox(this);
    knownReject_->setObjectName(QStringLiteral("knownRejectRate"));
    knownReject_->setRange(0, 50);
    knownReject_->setDecimals(1);
    knownReject_->setSingleStep(1);
    knownReject_->setSuffix(QStringLiteral(" %"));
    knownReject_->setSpecialValueText(tr("never"));
    knownReject_->setToolTip(tr("After training, a score threshold is calibrated by cross-validation on the training "
                                "photos so that about this share of photos of known classes is answered \"unknown\"; "
                                "photos of other things score lower and are rejected far more often. The threshold "
                                "is stored in the exported reference set."));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1000000);
    start_ = new QPushButton(tr("Start"), this);
    start_->setObjectName(QStringLiteral("startTraining"));
    start_->setToolTip(tr("Train the reference set (F5)"));
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setObjectName(QStringLiteral("stopTraining"));
    stop_->setToolTip(tr("Stop the optimizer and keep the best selection found so far (Esc)"));
    stop_->setEnabled(false);

    auto* form = new QFormLayout;
    form->addRow(tr("Method:"), method_);
    form->addRow(tr("Optimizer:"), optimizer_);
    form->addRow(tr("Centrality:"), centrality_);
    form->addRow(tr("Budget:"), budget_);
    form->addRow(tr("Held out:"), holdout_);
    form->addRow(tr("\"Unknown\" rejects:"), knownReject_);
    form->addRow(tr("Seed:"), seed_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    form->addRow(buttons);

    counts_ = new QTableWidget(0, 4, this);
    counts_->setObjectName(QStringLiteral("countsTable"));
    // Short headers (explained in their tooltips) and numbers sized to their contents leave the
    // class names the room they need: car models differ at the end of a long name.
    counts_->setHorizontalHeaderLabels({tr("Class"), tr("Training"), tr("Pinned"), tr("Best")});
    counts_->horizontalHeaderItem(AvailableColumn)->setToolTip(tr("Training photos of the class: the photos the optimizer chooses from"));
    counts_->horizontalHeaderItem(PinColumn)->setToolTip(tr("Type a count to fix it for the next run; 0 lets the optimizer choose"));
    counts_->horizontalHeaderItem(BestColumn)->setToolTip(tr("References kept: the best count found so far, or the trained set's"));
    counts_->horizontalHeader()->setSectionResizeMode(ClassColumn, QHeaderView::Stretch);
    for (int column : {AvailableColumn, PinColumn, BestColumn})
        counts_->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    // One text line per class, so that many classes fit (200 classes: a scroll, not a wall).
    counts_->verticalHeader()->setDefaultSectionSize(counts_->fontMetrics().height() + 6);
    counts_->setWordWrap(false);  // one line per class: long names lose their middle, not their number
    counts_->setTextElideMode(Qt::ElideMiddle);
    counts_->verticalHeader()->setVisible(false);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(form);
    leftLayout->addWidget(counts_, 1);

    plot_ = createPlot(this);
    plot_->setObjectName(QStringLiteral("objectivePlot"));
    plot_->xAxis->setLabel(tr("evaluation"));
    // Short enough for the axis of a 1024x600 window (the longer "… on the training photos" was cut
    // there); the plot's tooltip says the rest.
    plot_->yAxis->setLabel(tr("leave-one-out accuracy (optimistic)"));
    plot_->setToolTip(tr("Each point is one selection the optimizer tried, scored by leave-one-out accuracy on the "
                         "training photos: optimistic, since the same photos choose the selection. The honest "
                         "figure is the held-out accuracy beside it."));
    showLegendBelow(plot_, 2);
    QCPGraph* values = plot_->addGraph();
    values->setName(tr("objective"));
    values->setLineStyle(QCPGraph::lsNone);
    values->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(70, 130, 200), 6));
    QCPGraph* best = plot_->addGraph();
    best->setName(tr("best so far"));
    best->setLineStyle(QCPGraph::lsStepLeft);
    best->setPen(QPen(QColor(230, 110, 40), 2));
    applyPlotTheme(plot_);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("trainingSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(plot_, 1);
    rightLayout->addWidget(summary_);
    autoTable_ = new QTableWidget(0, 3, this);
    autoTable_->setObjectName(QStringLiteral("autoCandidates"));
    // Short headers: beside the plot the pane is narrow, and the names need the room.
    autoTable_->setHorizontalHeaderLabels({tr("auto: candidate"), tr("CV acc."), tr("CV F1")});
    autoTable_->horizontalHeaderItem(1)->setToolTip(tr("Cross-validated accuracy inside the training photos"));
    autoTable_->horizontalHeaderItem(2)->setToolTip(tr("Cross-validated weighted F1 inside the training photos"));
    // The figures take only their width, the names the rest ("★ discriminant-centroid (chosen)" is
    // long beside the plot), wrapped at spaces and hyphens; a name still cut shows whole as a tooltip.
    autoTable_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    autoTable_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    autoTable_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    autoTable_->setWordWrap(true);
    // Rows follow the names' column when the splitter or the window changes it.
    connect(autoTable_->horizontalHeader(), &QHeaderView::sectionResized, autoTable_,
            [this] { autoTable_->resizeRowsToContents(); });
    autoTable_->verticalHeader()->setVisible(false);
    autoTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    autoTable_->setToolTip(tr("The methods \"auto\" chose from, scored by cross-validation inside the training photos "
                              "only (these figures chose the method: they are not the honest held-out estimate)"));
    autoTable_->setMaximumHeight(kAutoTableHeightBesidePlot);
    autoTable_->hide();
    rightLayout->addWidget(autoTable_);
    rightLayout->addStretch();  // takes the plot's room when it is hidden: the text stays at the top

    auto* splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({380, 700});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(start_, &QPushButton::clicked, controller_, &ProjectController::startTraining);
    connect(stop_, &QPushButton::clicked, controller_, &ProjectController::stopTraining);
    for (QComboBox* box : {method_, optimizer_, centrality_})
        connect(box, &QComboBox::currentIndexChanged, this, &OptimizationView::storeSettings);
    for (QSpinBox* box : {budget_, seed_}) connect(box, &QSpinBox::valueChanged, this, &OptimizationView::storeSettings);
    for (QDoubleSpinBox* box : {holdout_, knownReject_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &OptimizationView::storeSettings);
    connect(counts_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (loading_ || item->column() != PinColumn) return;
        const int source = controller_->sources().indexOfFolder(item->data(Qt::UserRole).toString());
        controller_->setPinnedCount(source, std::max(0, item->text().toInt()));
    });
    connect(controller_, &ProjectController::settingsChanged, this, &OptimizationView::loadSettings);
    // The hint above the plot depends on both (it said "Add class folders first." with classes
    // loaded, because it was only refreshed when a training ended); showOutcome rebuilds the counts.
    connect(controller_, &ProjectController::embeddingsChanged, this, &OptimizationView::showOutcome);
    connect(controller_, &ProjectController::sourcesChanged, this, &OptimizationView::showOutcome);
    connect(controller_, &ProjectController::trainingStarted, this, [this] {
        training_ = true;
        liveTrace_.clear();
        bestPoint_.clear();
        showTrace(liveTrace_);
        // Only least-central's optimizer has a best-so-far to keep; every other method (auto too,
        // which cross-validates its candidates first) is canceled whole.
        const QString method = canonicalTrainingMethod(controller_->settings().method);
        showObjectivePlotFor(method);
        summary_->setText(optimizesSelection(method)
                              ? tr("Optimizing… Stop keeps the best selection found so far.")
                              : tr("Training %1… Stop cancels it; the set trained before, if any, stays.").arg(method));
    });
    connect(controller_, &ProjectController::optimizerStepped, this, &OptimizationView::onStep);
    connect(controller_, &ProjectController::trainingChanged, this, &OptimizationView::showOutcome);
    connect(controller_, &ProjectController::taskEnded, this, [this](const QString& title, const QString&) {
        const bool trainingEnded = title == tr("Training") || title == ProjectController::tr("Training");
        if (trainingEnded) training_ = false;
        onBusy(controller_->isBusy());
        // A canceled or failed training changes no outcome: the summary would go on saying
        // "Training…"; show what is there now instead.
        if (trainingEnded) showOutcome();
    });
    connect(controller_, &ProjectController::busyChanged, this, &OptimizationView::onBusy);
    loadSettings();
    rebuildCounts();
}

QList<PlotHandle> OptimizationView::plots() const { return {plotHandle(plot_, QStringLiteral("optimizer-objective"))}; }

int OptimizationView::plottedEvaluations() const { return plot_->graph(0)->dataCount(); }

bool OptimizationView::showsObjectivePlot() const { return !plot_->isHidden(); }

void OptimizationView::showObjectivePlotFor(const QString& method)
{
    // The other methods have no objective to plot: an empty accuracy axis only raised the question
    // of what it was waiting for. Their summary and auto's candidates get the room.
    const bool optimizes = optimizesSelection(method);
    plot_->setVisible(optimizes);
    // Beside the plot auto's candidates keep to a few rows; without it they may take the room.
    autoTable_->setMaximumHeight(optimizes ? kAutoTableHeightBesidePlot : QWIDGETSIZE_MAX);
}

void OptimizationView::onBusy(bool busy)
{
    start_->setEnabled(!busy && controller_->embeddings().size() > 0);
    stop_->setEnabled(busy && training_);
}

void OptimizationView::loadSettings()
{
    loading_ = true;
    const ProjectSettings& s = controller_->settings();
    method_->setCurrentIndex(std::max(0, method_->findData(canonicalTrainingMethod(s.method))));
    optimizer_->setCurrentIndex(std::max(0, optimizer_->findData(optimizerStrategyName(s.strategy))));
    centrality_->setCurrentIndex(s.centralityScope == CentralityScope::WholeGraph ? 0 : 1);
    budget_->setValue(s.budget);
    holdout_->setValue(100 * s.holdoutFraction);
    knownReject_->setValue(100 * s.knownRejectRate);
    seed_->setValue(int(s.seed));
    // The optimizer settings matter to least-central, and to auto, which tries it among its candidates.
    const TrainingMethodInfo* method = findTrainingMethod(s.method);
    const bool optimizes = method && method->usesOptimizer;
    for (QWidget* w : std::initializer_list<QWidget*>{optimizer_, centrality_, budget_}) w->setEnabled(optimizes);
    // Before anything is trained the plot previews the chosen method; afterwards it belongs to the
    // set shown (showOutcome) until the next training starts.
    if (!training_ && !controller_->training()) showObjectivePlotFor(s.method);
    loading_ = false;
    rebuildCounts();
}

void OptimizationView::storeSettings()
{
    if (loading_) return;
    ProjectSettings s = controller_->settings();
    s.method = method_->currentData().toString();
    parseOptimizerStrategy(optimizer_->currentData().toString(), &s.strategy);
    s.centralityScope = centrality_->currentIndex() == 0 ? CentralityScope::WholeGraph : CentralityScope::WithinClass;
    s.budget = budget_->value();
    s.holdoutFraction = holdout_->value() / 100.0;
    s.knownRejectRate = knownReject_->value() / 100.0;
    s.seed = quint64(seed_->value());
    controller_->setSettings(s);
}

void OptimizationView::rebuildCounts()
{
    loading_ = true;
    const EmbeddingSet& set = controller_->embeddings();
    const std::vector<int> perClass = set.countsPerClass();
    const Dataset& dataset = controller_->dataset();
    const TrainingOutcome* training = controller_->training();
    std::vector<int> best = bestPoint_;
    if (best.empty() && training) {
        best.assign(size_t(set.classCount()), 0);
        if (!training->keptRows.empty()) {
            for (int row : training->keptRows) ++best[size_t(set.labels[size_t(row)])];
        } else {
            // References that are no photo (class means, a linear head's weights): the trained
            // set's own count per class, matched by name, not 0 as if the class had none.
            const ReferenceHead& head = training->set.head;
            const std::vector<int> perClass = head.referencesPerClass();
            for (int c = 0; c < set.classCount(); ++c) {
                const int k = int(head.classNames.indexOf(set.classNames[c]));
                if (k >= 0 && size_t(k) < perClass.size()) best[size_t(c)] = perClass[size_t(k)];
            }
        }
    }
    // Before training, the held-out fraction of each class is only an estimate: near-identical
    // photos stay together, so the split may hold out one more or one fewer. After training,
    // the photos the method really saw, so that a best count never exceeds its training photos.
    // Only while the photos are attached to the training (not yet after a project is reopened)
    // and the split's settings are still the ones it was drawn with.
    std::vector<int> trained;
    const ProjectSettings& settings = controller_->settings();
    if (training && !training->poolRows.empty() && trainedHoldout_ == settings.holdoutFraction &&
        trainedSeed_ == settings.seed) {
        trained.assign(size_t(set.classCount()), 0);
        for (int row : training->poolRows) ++trained[size_t(set.labels[size_t(row)])];
    }
    counts_->setRowCount(set.classCount());
    for (int c = 0; c < set.classCount(); ++c) {
        const QString folder = dataset.classFolders.value(c);
        const int pinned = controller_->settings().pinnedCounts.value(folder, 0);
        const int available = perClass[size_t(c)] - int(std::lround(perClass[size_t(c)] * controller_->settings().holdoutFraction));
        auto* name = new QTableWidgetItem(set.classNames[c]);
        name->setToolTip(set.classNames[c]);  // the whole name, when the column elides it
        name->setFlags(Qt::ItemIsEnabled);
        QPixmap swatch(10, 10);
        swatch.fill(classColor(c));
        name->setIcon(QIcon(swatch));
        // A class added since training has no count of its own there: the estimate, as before.
        const bool exact = !trained.empty() && training->set.head.classNames.contains(set.classNames[c]);
        auto* availableItem = exact ? new QTableWidgetItem(QString::number(trained[size_t(c)]))
                                    : new QTableWidgetItem(QStringLiteral("≈%1").arg(std::max(0, available)));
        availableItem->setToolTip(exact ? tr("The photos of this class the trained set was chosen from")
                                        : tr("About this many: the held-out share of the class, rounded; "
                                             "near-identical photos stay on one side of the split"));
        availableItem->setFlags(Qt::ItemIsEnabled);
        auto* pin = new QTableWidgetItem(pinned > 0 ? QString::number(pinned) : QString());
        pin->setData(Qt::UserRole, folder);
        pin->setToolTip(tr("Empty or 0: the optimizer chooses. A number: keep exactly that many."));
        auto* bestItem = new QTableWidgetItem(size_t(c) < best.size() ? QString::number(best[size_t(c)]) : QString());
        bestItem->setFlags(Qt::ItemIsEnabled);
        counts_->setItem(c, ClassColumn, name);
        counts_->setItem(c, AvailableColumn, availableItem);
        counts_->setItem(c, PinColumn, pin);
        counts_->setItem(c, BestColumn, bestItem);
    }
    loading_ = false;
    onBusy(controller_->isBusy());
}

void OptimizationView::onStep(const OptimizerStep& step)
{
    liveTrace_.push_back(step);
    if (step.value >= step.bestValue) bestPoint_ = step.point;  // this step is the new best
    showTrace(liveTrace_);
    for (int c = 0; c < counts_->rowCount() && size_t(c) < bestPoint_.size(); ++c)
        if (QTableWidgetItem* item = counts_->item(c, BestColumn)) item->setText(QString::number(bestPoint_[size_t(c)]));
    summary_->setText(tr("Evaluation %1: objective %2, best so far %3 (leave-one-out on the training photos: "
                         "optimistic, not the expected accuracy).")
                          .arg(step.evaluation).arg(step.value, 0, 'f', 4).arg(step.bestValue, 0, 'f', 4));
}

void OptimizationView::showTrace(const std::vector<OptimizerStep>& trace)
{
    QVector<double> x, value, best;
    for (const OptimizerStep& step : trace) {
        x << step.evaluation;
        value << step.value;
        best << step.bestValue;
    }
    plot_->graph(0)->setData(x, value, true);
    plot_->graph(1)->setData(x, best, true);
    plot_->rescaleAxes();
    plot_->xAxis->setRange(0, std::max<double>(controller_->settings().budget, x.isEmpty() ? 1 : x.last()) + 1);
    // The objective is an accuracy: before the first evaluation its axis shows 0 to 1, not
    // QCustomPlot's default range of an empty graph (0 to 5).
    const QCPRange y = x.isEmpty() ? QCPRange(0.0, 1.0) : plot_->yAxis->range();
    plot_->yAxis->setRange(y.lower - 0.02, y.upper + 0.02);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void OptimizationView::showOutcome()
{
    const TrainingOutcome* training = controller_->training();
    bestPoint_.clear();
    showAutoCandidates(training ? training->set.selection : QJsonObject());
    if (!training) {
        if (!training_) {
            liveTrace_.clear();
            showTrace(liveTrace_);
            showObjectivePlotFor(controller_->settings().method);
            // Class folders may be listed while their photos are still being embedded.
            summary_->setText(controller_->embeddings().size() > 0 ? tr("Press Start to train a reference set.")
                              : controller_->sources().isEmpty()
                                  ? tr("Add class folders first.")
                                  : tr("The photos are being embedded; Start is ready when they are."));
        }
        rebuildCounts();
        return;
    }
    liveTrace_ = training->trace;
    showTrace(liveTrace_);
    showObjectivePlotFor(training->trace.empty() ? training->set.method : QStringLiteral("least-central"));
    if (training != shownTraining_) {
        // A new outcome: just trained with the current settings, or opened with the project's.
        shownTraining_ = training;
        trainedHoldout_ = controller_->settings().holdoutFraction;
        trainedSeed_ = controller_->settings().seed;
    }
    rebuildCounts();
    QString text = tr("<b>%1</b>: %2 references from %3 training photos%4.")
                       // One call: the method is a file's text (escaped: this is rich text), and a
                       // "%2" in it must stay text.
                       .arg(training->set.method.toHtmlEscaped(), QString::number(training->set.head.referenceCount()),
                            QString::number(training->poolPaths.size()),
                            training->canceled ? tr(" (stopped early: best selection so far)") : QString());
    // Self-trained references include unlabeled photos: said, or "1101 references from 993 training
    // photos" read as a miscount (a review).
    const QJsonObject selfTraining = training->set.selection.value(QStringLiteral("self_training")).toObject();
    if (selfTraining.value(QStringLiteral("used")).toBool())
        text += tr(" Self-training added %1 unlabeled photos with the class the set predicted (in cross-validation "
                   "inside the training photos, %2 of %3 right with them, %4 without).")
                    .arg(selfTraining.value(QStringLiteral("pseudo_labeled")).toInt())
                    .arg(selfTraining.value(QStringLiteral("cv_correct_with")).toInt())
                    .arg(selfTraining.value(QStringLiteral("cv_photos")).toInt())
                    .arg(selfTraining.value(QStringLiteral("cv_correct_without")).toInt());
    else if (selfTraining.value(QStringLiteral("stopped")).toBool())
        text += tr(" Stopped while checking whether the %1 unlabeled photos help: the set is trained without them.")
                    .arg(selfTraining.value(QStringLiteral("unlabeled_photos")).toInt());
    else if (selfTraining.value(QStringLiteral("unlabeled_photos")).toInt() > 0)
        text += tr(" Self-training with the %1 unlabeled photos was tried and not kept: in cross-validation inside the "
                   "training photos it did not help.")
                    .arg(selfTraining.value(QStringLiteral("unlabeled_photos")).toInt());
    // Said whether or not self-training was kept: these were never candidates (SelfTraining.h).
    if (const int unlike = selfTraining.value(QStringLiteral("unlike_the_training_photos")).toInt(); unlike > 0)
        text += tr(" %n unlabeled photo(s) unlike every training photo (as \"unknown\" judges it) were given no class.",
                   nullptr, unlike);
    if (training->hasHeldOut())
        text += tr(" Honest held-out accuracy <b>%1</b> (95% interval %4 to %5), weighted F1 %2 on %3 photos never "
                   "used for choosing.")
                    .arg(percentText(training->metrics.accuracy),
                         percentWithInterval(training->metrics.weightedF1, training->metrics.weightedF1Interval))
                    .arg(training->metrics.total)
                    .arg(percentText(training->metrics.accuracyInterval.low), percentText(training->metrics.accuracyInterval.high)) +
                missingHeldOutNote(training->missingHeldOut, training->metrics.total).toHtmlEscaped();
    else if (training->missingHeldOut > 0)
        text += tr(" None of its %1 held-out photos is among the project's photos any more (a class folder moved or "
                   "deleted, or photos excluded since training): train again for an honest figure.")
                    .arg(training->missingHeldOut);
    else
        text += tr(" No photos were held out, so there is no honest accuracy figure.");
    const QJsonObject choice = training->set.selection.value(QStringLiteral("auto")).toObject();
    if (!choice.isEmpty()) {
        const QString chosen = choice.value(QStringLiteral("chosen")).toString();
        const QString best = choice.value(QStringLiteral("best_cv")).toString();
        text += tr("<br><b>auto</b> chose <b>%1</b> (cross-validated on the training photos, table below)")
                    .arg(chosen.toHtmlEscaped());
        // Sets from before the rule record no best_cv.
        text += best.isEmpty() || best == chosen
                    ? QStringLiteral(".")
                    : tr(": %1 scored higher, but by less than the folds' noise (one standard error).")
                          .arg(best.toHtmlEscaped());
    }
    for (const QString& warning : training->warnings)
        text += QStringLiteral("<br><b>%1</b> %2").arg(tr("Warning:"), warning.toHtmlEscaped());
    text += QStringLiteral("<br>") + (training->unknownNote.isEmpty()
                                          ? training->set.head.unknownRule()
                                          : training->unknownNote).toHtmlEscaped();
    summary_->setText(text);
}

void OptimizationView::showAutoCandidates(const QJsonObject& details)
{
    const QJsonObject choice = details.value(QStringLiteral("auto")).toObject();
    const QJsonArray candidates = choice.value(QStringLiteral("candidates")).toArray();
    autoTable_->setVisible(!candidates.isEmpty());
    autoTable_->setRowCount(int(candidates.size()));
    const QString chosen = choice.value(QStringLiteral("chosen")).toString();
    for (int i = 0; i < int(candidates.size()); ++i) {
        const QJsonObject row = candidates[i].toObject();
        const QString method = row.value(QStringLiteral("method")).toString();
        const bool isChosen = method == chosen;
        // A linear candidate past the top of its regularization path was not fitted.
        const bool skipped = row.contains(QStringLiteral("skipped"));
        const QStringList cells{isChosen ? tr("★ %1 (chosen)").arg(method) : method,
                                skipped ? tr("skipped") : percentText(row.value(QStringLiteral("cv_accuracy")).toDouble()),
                                skipped ? QString() : percentText(row.value(QStringLiteral("cv_weighted_f1")).toDouble())};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (skipped) item->setToolTip(row.value(QStringLiteral("skipped")).toString());
            else if (c == 0) item->setToolTip(cells[0]);
            QFont font = item->font();
            font.setBold(isChosen);
            item->setFont(font);
            autoTable_->setItem(i, c, item);
        }
    }
    autoTable_->resizeRowsToContents();
}

} // namespace exemplar::ui
