#include "window/MainWindow.h"

#include "Feedback.h"
#include "ImageDecoder.h"
#include "InstalledModels.h"
#include "ModelSpec.h"
#include "controller/ProjectController.h"
#include "tasks/TaskRunner.h"
#include "export/PlotExport.h"
#include "Error.h"
#include "views/ClassListView.h"
#include "views/ClassifyView.h"
#include "views/ComparisonView.h"
#include "views/ConfusedPairsView.h"
#include "views/EvaluationView.h"
#include "views/GraphView.h"
#include "views/HeatmapView.h"
#include "views/HistogramView.h"
#include "views/OptimizationView.h"
#include "views/PhotoGridView.h"
#include "views/SkippedFilesView.h"
#include "views/SuspectsView.h"
#include "widgets/DropTarget.h"
#include "views/UnlabeledView.h"
#include "window/AppTheme.h"

#include <QAbstractItemView>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QTimer>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStyle>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {
constexpr int kMaxRecent = 8;

// A list with its caption above it, for the Classes dock.
QWidget* labeled(QLabel* label, QWidget* list, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(label);
    layout->addWidget(list);
    return box;
}
const char* kProjectFilter = QT_TRANSLATE_NOOP("MainWindow", "Exemplar projects (*.exemplar)");
const char* kReferenceFilter = QT_TRANSLATE_NOOP("MainWindow", "Reference sets (*.exref)");

QString lastDir()
{
    return QSettings().value(QStringLiteral("paths/lastDir"), QDir::homePath()).toString();
}
void rememberDir(const QString& path)
{
    QSettings().setValue(QStringLiteral("paths/lastDir"), QFileInfo(path).absolutePath());
}
} // namespace

MainWindow::MainWindow(ProjectController* controller, QWidget* parent) : QMainWindow(parent), controller_(controller)
{
    setObjectName(QStringLiteral("mainWindow"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    createViews();
    createMenus();
    createStatusBar();
    auto* drop = new DropTarget(this);
    connect(drop, &DropTarget::pathsDropped, controller_, &ProjectController::addFolders);
    connect(controller_, &ProjectController::errorOccurred, this, &MainWindow::showError);
    connect(controller_, &ProjectController::statusMessage, this, [this](const QString& message) {
        statusBar()->showMessage(message, 8000);
    });
    connect(controller_, &ProjectController::projectChanged, this, &MainWindow::updateTitle);
    connect(controller_, &ProjectController::projectOpened, this, &MainWindow::addRecentProject);
    connect(controller_, &ProjectController::openingChanged, this, [this](bool opening) { setProjectEditable(!opening); });
    restoreSettings();
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createViews()
{
    classList_ = new ClassListView(controller_, this);
    auto* skipped = new SkippedFilesView(controller_, this);
    auto* skippedLabel = new QLabel(tr("Skipped files"), this);
    const auto countSkipped = [this, skippedLabel] {
        skippedLabel->setText(tr("Skipped files (%1) and warnings (%2)")
                                  .arg(controller_->skippedFiles().size() + controller_->unlabeledPhotos().skipped.size())
                                  .arg(controller_->datasetWarnings().size()));
    };
    connect(controller_, &ProjectController::datasetChanged, skippedLabel, countSkipped);
    connect(controller_, &ProjectController::unlabeledPhotosChanged, skippedLabel, countSkipped);
    suspects_ = new SuspectsView(controller_, this);
    auto* suspectsLabel = new QLabel(tr("Suspect photos"), this);
    suspectsLabel->setToolTip(suspects_->toolTip());
    connect(controller_, &ProjectController::auditChanged, suspectsLabel, [this, suspectsLabel] {
        const AuditReport* audit = controller_->audit();
        // Large projects are audited with sampled pair searches: say so where the count is shown.
        suspectsLabel->setText(!audit ? tr("Suspect photos")
                               : audit->sampled() ? tr("Suspect photos (%1, sampled search)").arg(audit->suspects.size())
                                                  : tr("Suspect photos (%1)").arg(audit->suspects.size()));
        const QString note = audit ? audit->searchNote() : QString();
        suspectsLabel->setToolTip(note.isEmpty() ? suspects_->toolTip() : suspects_->toolTip() + QLatin1Char('\n') + note);
    });
    // A photo picked in the dock is shown where photos are: clicked with the Methods tab open, it
    // showed nothing (a GUI review). The graph marks it too, so it stays open.
    const auto showPickedPhoto = [this] {
        if (tabs_->currentWidget() != graph_) tabs_->setCurrentIndex(kPhotosTab);
    };
    connect(suspects_, &QTreeWidget::itemClicked, this, showPickedPhoto);
    connect(suspects_, &QTreeWidget::itemActivated, this, showPickedPhoto);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(classList_);
    splitter->addWidget(labeled(suspectsLabel, suspects_, this));
    splitter->addWidget(labeled(skippedLabel, skipped, this));
    splitter->setSizes({380, 140, 120});
    auto* dock = new QDockWidget(tr("Classes"), this);
    dock->setObjectName(QStringLiteral("classesDock"));
    dock->setWidget(splitter);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    // Fine-grained class names are long and differ in their middles and ends: the dock grows to
    // show them whole, up to a third of the window (then they elide in the middle, full on hover).
    connect(controller_, &ProjectController::sourcesChanged, dock, [this, dock] {
        QTimer::singleShot(0, dock, [this, dock] {  // after the list has rebuilt its rows
            const int wanted = std::min(classList_->widthForNames(), width() / 3);
            if (dock->width() < wanted) resizeDocks({dock}, {wanted}, Qt::Horizontal);
        });
    });

    photoGrid_ = new PhotoGridView(controller_, this);
    auto* welcome = new QLabel(tr("<h2>Drop labeled photo folders here</h2>"
                                  "<p>One folder per class, several class folders, or a parent folder of class "
                                  "folders — or use <b>File ▸ Add Class Folders…</b> (Ctrl+Shift+O).</p>"
                                  "<p>Photos are embedded once and cached; then explore the similarity, train a "
                                  "reference set on the Optimize tab and drop photos on the Classify tab.</p>"),
                               this);
    welcome->setAlignment(Qt::AlignCenter);
    welcome->setWordWrap(true);
    auto* photos = new QStackedWidget(this);
    photos->addWidget(welcome);
    photos->addWidget(photoGrid_);
    connect(controller_, &ProjectController::sourcesChanged, photos, [this, photos] {
        photos->setCurrentIndex(controller_->sources().isEmpty() ? 0 : 1);
    });

    heatmap_ = new HeatmapView(controller_, this);
    graph_ = new GraphView(controller_, this);
    histograms_ = new HistogramView(controller_, this);
    optimization_ = new OptimizationView(controller_, this);
    evaluation_ = new EvaluationView(controller_, this);
    comparison_ = new ComparisonView(controller_, this);
    connect(comparison_, &ComparisonView::methodChosenForTraining, this, [this] { tabs_->setCurrentWidget(optimization_); });
    confusedPairs_ = new ConfusedPairsView(controller_, this);
    classify_ = new ClassifyView(controller_, this);
    connect(classify_, &ClassifyView::classifyRequested, this, &MainWindow::classifyPhotosDialog);
    connect(classify_, &ClassifyView::importRequested, this, &MainWindow::importReferenceSetDialog);
    connect(classify_, &ClassifyView::exportRequested, this, &MainWindow::exportPredictionsDialog);
    connect(classify_, &ClassifyView::sortRequested, this, &MainWindow::sortIntoFoldersDialog);
    unlabeled_ = new UnlabeledView(controller_, this);
    connect(unlabeled_, &UnlabeledView::addFolderRequested, this, &MainWindow::addUnlabeledFolderDialog);
    connect(unlabeled_, &UnlabeledView::addBackgroundFolderRequested, this, &MainWindow::addBackgroundFolderDialog);
    connect(unlabeled_, &UnlabeledView::classifyAllRequested, this, [this] { tabs_->setCurrentWidget(classify_); });

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("viewTabs"));
    tabs_->setDocumentMode(true);
    tabs_->insertTab(kPhotosTab, photos, tr("Photos"));
    tabs_->addTab(heatmap_, tr("Similarity"));
    tabs_->addTab(graph_, tr("Graph"));
    tabs_->addTab(histograms_, tr("Histograms"));
    tabs_->addTab(optimization_, tr("Optimize"));
    tabs_->addTab(evaluation_, tr("Evaluation"));
    tabs_->addTab(comparison_, tr("Methods"));
    tabs_->addTab(classify_, tr("Classify"));
    tabs_->addTab(confusedPairs_, tr("Confused Pairs"));
    tabs_->addTab(unlabeled_, tr("Unlabeled"));
    setCentralWidget(tabs_);
}

// While a project file is read the window stays live (progress and Cancel in the status bar) but
// the project shown takes no edits, drops or runs: they would be lost when the file replaces it.
void MainWindow::setProjectEditable(bool editable)
{
    centralWidget()->setEnabled(editable);
    for (QDockWidget* dock : findChildren<QDockWidget*>()) dock->setEnabled(editable);
    setAcceptDrops(editable);
    if (!editable) {
        for (const QPointer<QAction>& action : std::as_const(projectActions_))
            if (action && action->isEnabled()) {
                action->setEnabled(false);
                frozenActions_ << action;
            }
    } else {
        for (const QPointer<QAction>& action : std::as_const(frozenActions_))
            if (action) action->setEnabled(true);
        frozenActions_.clear();
    }
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QList<QAction*> keptWhileOpening;
    keptWhileOpening << file->addAction(tr("&New Project"), QKeySequence::New, this, [this] {
        if (maybeSave()) controller_->newProject();
    });
    keptWhileOpening << file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::openProjectDialog);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    keptWhileOpening << recentMenu_->menuAction();
    connect(recentMenu_, &QMenu::aboutToShow, this, [this] {
        recentMenu_->clear();
        const QStringList recent = QSettings().value(QStringLiteral("recentProjects")).toStringList();
        for (const QString& path : recent)
            recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] {
                if (maybeSave()) openProjectFile(path);
            })->setToolTip(path);
        if (recent.isEmpty()) recentMenu_->addAction(tr("(none)"))->setEnabled(false);
    });
    keptWhileOpening << file->addAction(tr("&Save Project"), QKeySequence::Save, this, &MainWindow::saveProject);
    keptWhileOpening << file->addAction(tr("Save Project &As…"), QKeySequence::SaveAs, this, &MainWindow::saveProjectAs);
    file->addSeparator();
    file->addAction(tr("&Add Class Folders…"), QKeySequence(tr("Ctrl+Shift+O")), this, &MainWindow::addFoldersDialog);
    file->addAction(tr("Add &Unlabeled Folder…"), QKeySequence(tr("Ctrl+Shift+U")), this, &MainWindow::addUnlabeledFolderDialog);
    QAction* background = file->addAction(tr("Add &Background Folder…"), QKeySequence(tr("Ctrl+Shift+B")), this,
                                          &MainWindow::addBackgroundFolderDialog);
    background->setObjectName(QStringLiteral("addBackgroundAction"));
    background->setStatusTip(tr("Photos of other things of the same kind as your classes (other models, other "
                                "machines), never a class: the whitened methods learn from them which differences "
                                "are ordinary"));
    // Kept in the project: it decides which photos the project has.
    QAction* subfolders = file->addAction(tr("Read &Subfolders of Class Folders"), controller_,
                                          &ProjectController::setScanSubfolders);
    subfolders->setObjectName(QStringLiteral("scanSubfolders"));
    subfolders->setCheckable(true);
    subfolders->setToolTip(tr("Photos in subfolders of a class folder (sorted by date, camera, …) belong to the class"));
    const auto showScanSetting = [this, subfolders] { subfolders->setChecked(controller_->settings().scan.recursive); };
    showScanSetting();
    connect(controller_, &ProjectController::settingsChanged, subfolders, showScanSetting);
    file->addSeparator();
    file->addAction(tr("&Import Reference Set…"), QKeySequence(tr("Ctrl+I")), this, &MainWindow::importReferenceSetDialog);
    file->addAction(tr("&Export Reference Set…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::exportReferenceSetDialog);
    QAction* onnx = file->addAction(tr("Export Classifier as &ONNX…"), QKeySequence(tr("Ctrl+Shift+E")), this,
                                    &MainWindow::exportOnnxDialog);
    onnx->setObjectName(QStringLiteral("exportOnnxAction"));
    onnx->setStatusTip(tr("The network and the reference set as one ONNX file, for any ONNX runtime: input a photo "
                          "resized to the model's input, output one score per class"));
    QMenu* exportMenu = file->addMenu(tr("Export &Plots and Results"));
    exportMenu->addAction(tr("Current &Plot…"), QKeySequence(tr("Ctrl+Shift+P")), this, &MainWindow::exportCurrentPlotDialog);
    exportMenu->addAction(tr("&All Plots to Folder…"), this, &MainWindow::exportAllPlotsDialog);
    exportMenu->addAction(tr("&Metrics (CSV/JSON)…"), this, &MainWindow::exportMetricsDialog);
    exportMenu->addAction(tr("P&redictions (CSV/JSON)…"), this, &MainWindow::exportPredictionsDialog);
    file->addSeparator();
    keptWhileOpening << file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(tr("&Train Reference Set"), QKeySequence(Qt::Key_F5), this, [this] {
        tabs_->setCurrentWidget(optimization_);
        controller_->startTraining();
    });
    run->addAction(tr("&Compare Methods"), QKeySequence(Qt::Key_F6), this, [this] {
        tabs_->setCurrentWidget(comparison_);
        controller_->compareMethods();
    });
    run->addAction(tr("Find C&onfused Pairs"), QKeySequence(Qt::Key_F7), this, [this] {
        tabs_->setCurrentWidget(confusedPairs_);
        confusedPairs_->findPairs();
    });
    run->addAction(tr("C&lassify Photos…"), QKeySequence(tr("Ctrl+K")), this, &MainWindow::classifyPhotosDialog);
    run->addAction(tr("&Sort Classified Photos into Folders…"), QKeySequence(tr("Ctrl+Shift+K")), this,
                   &MainWindow::sortIntoFoldersDialog);
    QAction* paste = run->addAction(tr("Classify &Pasted Photos"), QKeySequence::Paste, this, [this] {
        tabs_->setCurrentWidget(classify_);
        if (!classify_->classifyClipboard())
            statusBar()->showMessage(tr("The clipboard holds no photo, image or file to classify."), 5000);
    });
    paste->setObjectName(QStringLiteral("classifyPastedAction"));
    run->addAction(tr("&Write Labels into Class Folders"), QKeySequence(tr("Ctrl+Shift+W")), this, [this] {
        tabs_->setCurrentWidget(unlabeled_);
        controller_->writeAssignedLabels();
    });
    run->addAction(tr("&Embed Photos Again"), QKeySequence(Qt::Key_F4), controller_, &ProjectController::embedPhotos);
    keptWhileOpening << run->addAction(tr("&Stop / Cancel"), QKeySequence(Qt::Key_Escape), controller_, &ProjectController::cancel);

    QMenu* modelMenu = menuBar()->addMenu(tr("&Model"));
    createModelMenu(modelMenu);
    // What may change the project: every action of File, Run and Model but opening, saving and
    // quitting, and Stop (which cancels the open too).
    for (QMenu* menu : {file, run, modelMenu})
        for (QAction* action : menu->actions())
            if (!action->isSeparator() && !keptWhileOpening.contains(action)) projectActions_ << action;

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < tabs_->count(); ++i)  // Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth
        view->addAction(tabs_->tabText(i), i < 10 ? QKeySequence(QStringLiteral("Ctrl+%1").arg((i + 1) % 10)) : QKeySequence(), this,
                        [this, i] { tabs_->setCurrentIndex(i); });
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const QString currentTheme = QSettings().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    for (AppTheme t : {AppTheme::System, AppTheme::Light, AppTheme::Dark}) {
        const QString label = t == AppTheme::System ? tr("&System") : t == AppTheme::Light ? tr("&Light") : tr("&Dark");
        QAction* action = theme->addAction(label, this, [t] {
            applyAppTheme(t);
            QSettings().setValue(QStringLiteral("ui/theme"), appThemeName(t));
        });
        action->setCheckable(true);
        action->setChecked(appThemeName(t) == currentTheme);
        themes->addAction(action);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence(Qt::Key_F1), this, &MainWindow::showShortcuts);
    help->addAction(tr("&About Exemplar"), this, &MainWindow::showAbout);
}

// The installed models (the default first, then the fast 224 one) as a choice, then any other
// spec file. Choosing the default stores "the default" in the project, so a project follows a
// future default instead of pinning today's file.
void MainWindow::createModelMenu(QMenu* model)
{
    auto* choices = new QActionGroup(model);
    std::vector<std::pair<QAction*, QString>> installed;
    for (const InstalledModel& m : installedModels()) {
        QAction* action = model->addAction(m.label, this, [this, m] {
            controller_->setModelSpecPath(m.isDefault ? QString() : m.specPath);
        });
        action->setCheckable(true);
        action->setObjectName(QStringLiteral("model:") + QFileInfo(m.specPath).completeBaseName());
        choices->addAction(action);
        installed.emplace_back(action, m.specPath);
    }
    if (installed.empty()) {
        QAction* none = model->addAction(tr("No installed model (run scripts/setup.sh)"));
        none->setEnabled(false);
    }
    model->addSeparator();
    model->addAction(tr("&Choose Embedding Model…"), this, &MainWindow::chooseModelDialog);
    QAction* current = model->addAction(QString());
    current->setEnabled(false);
    connect(model, &QMenu::aboutToShow, this, [this, current, installed] {
        const QString path = QFileInfo(controller_->modelSpecPath()).absoluteFilePath();
        for (const auto& [action, specPath] : installed) action->setChecked(specPath == path);
        current->setText(tr("Current: %1").arg(controller_->modelSpecPath()));
    });
}

void MainWindow::createStatusBar()
{
    taskLabel_ = new QLabel(this);
    // A gap before the running task's name: a long status message cut off at its left edge read as
    // one sentence with it ("…0 file(s) skLooking for suspect photos…", a GUI review).
    taskLabel_->setContentsMargins(16, 0, 0, 0);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("taskProgress"));
    progress_->setMaximumWidth(240);
    progress_->setTextVisible(true);
    cancel_ = new QToolButton(this);
    cancel_->setObjectName(QStringLiteral("cancelTask"));
    cancel_->setText(tr("Cancel"));
    cancel_->setToolTip(tr("Cancel the running task (Esc)"));
    statusBar()->addPermanentWidget(taskLabel_);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(cancel_);
    for (QWidget* w : std::initializer_list<QWidget*>{taskLabel_, progress_, cancel_}) w->setVisible(false);
    connect(cancel_, &QToolButton::clicked, controller_, &ProjectController::cancel);
    // Whoever asked (this button, Esc, the Optimize tab's Stop): said at once.
    connect(controller_, &ProjectController::cancelRequested, this, &MainWindow::showStopping);
    connect(controller_, &ProjectController::busyChanged, this, [this](bool busy) {
        for (QWidget* w : std::initializer_list<QWidget*>{taskLabel_, progress_, cancel_}) w->setVisible(busy);
        cancel_->setEnabled(true);
        if (busy) progress_->setRange(0, 0);  // indeterminate until the first report
    });
    connect(controller_, &ProjectController::taskStarted, this, [this](const QString& title) {
        cancel_->setEnabled(true);
        taskLabel_->setText(title + QStringLiteral("…"));
        progress_->setRange(0, 0);
    });
    connect(controller_, &ProjectController::taskProgress, this,
            [this](const QString& title, qint64 done, qint64 total, const QString& what) {
                if (total > 0) {
                    progress_->setRange(0, 1000);
                    progress_->setValue(int(1000 * done / total));
                    // A percentage: a task of several steps reports thousandths of its whole
                    // ("612 / 1000" while embedding 50 photos); the counts are in the text beside.
                    progress_->setFormat(QStringLiteral("%p%"));
                } else {
                    progress_->setRange(0, 0);  // a step of unknown length (loading the network)
                }
                if (!cancel_->isEnabled()) return;  // stopping: that stays said
                taskLabel_->setText(what.isEmpty() ? title
                                                    : QStringLiteral("%1: %2").arg(title, shortenedProgressText(what, 80)));
                taskLabel_->setToolTip(what);
            });
    // The hint stays until the project has classes (dropped, added or opened), then goes.
    const QString hint = tr("Drop class folders on the window to begin.");
    statusBar()->showMessage(hint);
    connect(controller_, &ProjectController::sourcesChanged, this, [this, hint] {
        if (!controller_->sources().isEmpty() && statusBar()->currentMessage() == hint) statusBar()->clearMessage();
    });
}

void MainWindow::showStopping()
{
    cancel_->setEnabled(false);
    taskLabel_->setText(tr("Stopping at the next step…"));
    taskLabel_->setToolTip(tr("Canceled: the task stops at its next step (seconds for a large one)"));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1280, 800);
    // A size remembered on a larger screen (or the default on a small one) put the status bar, its
    // Cancel button and half the tabs off screen: fitted to the screen the window opens on.
    if (const QScreen* shown = screen(); shown && !isMaximized() && !isFullScreen()) {
        const QRect available = shown->availableGeometry();
        // Title bar and borders: known once shown; before, as the style draws them.
        QSize frame = frameGeometry().size() - geometry().size();
        if (frame.isEmpty()) {
            const int border = style()->pixelMetric(QStyle::PM_MdiSubWindowFrameWidth, nullptr, this);
            frame = QSize(2 * border, style()->pixelMetric(QStyle::PM_TitleBarHeight, nullptr, this) + 2 * border);
        }
        const QSize room = available.size() - frame;
        if (width() > room.width() || height() > room.height()) {
            resize(size().boundedTo(room));
            move(available.topLeft());
        }
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    tabs_->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
    controller_->cancelEverything();
    event->accept();
}

void MainWindow::updateTitle()
{
    const QString path = controller_->projectPath();
    setWindowTitle(QStringLiteral("%1[*] — Exemplar").arg(path.isEmpty() ? tr("Untitled") : QFileInfo(path).fileName()));
    setWindowModified(controller_->isModified());
}

void MainWindow::showError(const QString& title, const QString& message)
{
    lastError_ = message;
    statusBar()->showMessage(tr("%1: %2").arg(title, message), 15000);
    // Window-modal but not blocking: long work keeps running and tests are not stopped by it.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::maybeSave()
{
    if (!controller_->isModified() || controller_->sources().isEmpty()) return true;
    const auto answer = QMessageBox::question(this, tr("Unsaved project"), tr("Save the changes to this project first?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save) return saveProject();
    return answer == QMessageBox::Discard;
}

void MainWindow::addRecentProject(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentProjects")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("recentProjects"), recent.mid(0, kMaxRecent));
}

void MainWindow::openProjectFile(const QString& path)
{
    controller_->openProject(path);  // projectOpened adds it to the recent projects
}

void MainWindow::addUnlabeledFolderDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a folder of unlabeled photos"), lastDir());
    if (folder.isEmpty()) return;
    rememberDir(folder + QStringLiteral("/x"));
    tabs_->setCurrentWidget(unlabeled_);
    controller_->addUnlabeledFolders({folder});
}

void MainWindow::addBackgroundFolderDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Add a folder of photos of other things of the same kind (not of your classes)"), lastDir());
    if (folder.isEmpty()) return;
    rememberDir(folder + QStringLiteral("/x"));
    tabs_->setCurrentWidget(unlabeled_);
    controller_->addBackgroundFolders({folder});
}

void MainWindow::addFoldersDialog()
{
    // A multi-selection folder dialog needs Qt's own dialog; either a class folder or a parent
    // folder of class folders can be chosen.
    QFileDialog dialog(this, tr("Add class folders (or a folder of class folders)"), lastDir());
    dialog.setFileMode(QFileDialog::Directory);
    dialog.setOption(QFileDialog::ShowDirsOnly);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    for (auto* view : dialog.findChildren<QAbstractItemView*>()) view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    if (dialog.exec() != QDialog::Accepted) return;
    const QStringList folders = dialog.selectedFiles();
    if (!folders.isEmpty()) rememberDir(folders.first() + QStringLiteral("/x"));
    controller_->addFolders(folders);
}

void MainWindow::openProjectDialog()
{
    if (!maybeSave()) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), lastDir(), tr(kProjectFilter));
    if (path.isEmpty()) return;
    rememberDir(path);
    openProjectFile(path);
}

bool MainWindow::saveProject()
{
    if (controller_->projectPath().isEmpty()) return saveProjectAs();
    return controller_->saveProject(controller_->projectPath());
}

bool MainWindow::saveProjectAs()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save project"), lastDir(), tr(kProjectFilter));
    if (path.isEmpty()) return false;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".exemplar");
    rememberDir(path);
    if (!controller_->saveProject(path)) return false;
    addRecentProject(controller_->projectPath());
    return true;
}

void MainWindow::classifyPhotosDialog()
{
    QStringList patterns;
    for (const QString& extension : supportedImageExtensions()) patterns << QStringLiteral("*.") + extension;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Classify photos"), lastDir(), tr("Photos (%1);;All files (*)").arg(patterns.join(QLatin1Char(' '))));
    if (paths.isEmpty()) return;
    rememberDir(paths.first());
    tabs_->setCurrentWidget(classify_);
    controller_->classifyPhotos(paths);
}

void MainWindow::importReferenceSetDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import reference set"), lastDir(), tr(kReferenceFilter));
    if (path.isEmpty()) return;
    rememberDir(path);
    tabs_->setCurrentWidget(classify_);
    controller_->importReferenceSet(path);
}

void MainWindow::exportReferenceSetDialog()
{
    if (!controller_->activeReferenceSet()) {
        showError(tr("Export reference set"), tr("There is no reference set yet: train one on the Optimize tab."));
        return;
    }
    QString path = QFileDialog::getSaveFileName(this, tr("Export reference set"), lastDir(), tr(kReferenceFilter));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".exref");
    rememberDir(path);
    controller_->exportReferenceSet(path);
}

void MainWindow::exportOnnxDialog()
{
    if (!controller_->activeReferenceSet()) {
        showError(tr("Export ONNX classifier"), tr("There is no reference set yet: train one on the Optimize tab."));
        return;
    }
    QString path = QFileDialog::getSaveFileName(this, tr("Export classifier as ONNX"), lastDir(), tr("ONNX model (*.onnx)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".onnx");
    rememberDir(path);
    controller_->exportClassifierOnnx(path);
}

void MainWindow::exportCurrentPlotDialog()
{
    auto* provider = dynamic_cast<PlotProvider*>(tabs_->currentWidget());
    if (!provider) {
        showError(tr("Export plot"), tr("This tab has no plot. The Similarity, Graph, Histograms, Optimize and "
                                        "Evaluation tabs do."));
        return;
    }
    QString selectedFilter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), lastDir(), plotFileFilters().join(QStringLiteral(";;")),
                                                &selectedFilter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty())
        path += selectedFilter.contains(QLatin1String("svg")) ? QStringLiteral(".svg")
              : selectedFilter.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf") : QStringLiteral(".png");
    rememberDir(path);
    const QList<PlotHandle> plots = provider->plots();
    try {
        for (int i = 0; i < plots.size(); ++i) {
            // Views with several plots write NAME-PLOT.EXT for all but the first.
            const QFileInfo info(path);
            const QString target = i == 0 ? path : info.absoluteDir().filePath(QStringLiteral("%1-%2.%3").arg(
                                                       info.completeBaseName(), plots[i].name, info.suffix()));
            exportPlot(plots[i], target);
        }
        statusBar()->showMessage(tr("Plot written to %1").arg(path), 8000);
    } catch (const Error& error) {
        showError(tr("Export plot"), error.message());
    }
}

QStringList MainWindow::exportAllPlots(const QString& directory, const QStringList& suffixes)
{
    QStringList written;
    // Typed, not cast: a view that stops providing plots no longer compiles here.
    for (PlotProvider* provider :
         std::initializer_list<PlotProvider*>{heatmap_, graph_, histograms_, optimization_, evaluation_}) {
        for (const PlotHandle& plot : provider->plots())
            for (const QString& suffix : suffixes) {
                const QString path = QDir(directory).filePath(plot.name + QLatin1Char('.') + suffix);
                exportPlot(plot, path);
                written << path;
            }
    }
    return written;
}

void MainWindow::exportAllPlotsDialog()
{
    const QString directory = QFileDialog::getExistingDirectory(this, tr("Export all plots (PNG, SVG and PDF) to"), lastDir());
    if (directory.isEmpty()) return;
    try {
        const QStringList files = exportAllPlots(directory, {QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("pdf")});
        statusBar()->showMessage(tr("%1 files written to %2").arg(files.size()).arg(directory), 8000);
    } catch (const Error& error) {
        showError(tr("Export plots"), error.message());
    }
}

// A CSV or JSON file name from a save dialog; a name typed without a suffix gets the chosen
// type's (the export wrote "pred12", a CSV no program would open as one).
static QString tableFileName(QWidget* parent, const QString& title)
{
    const QString csv = QObject::tr("CSV (*.csv)"), json = QObject::tr("JSON (*.json)");
    QString chosen;
    QString path = QFileDialog::getSaveFileName(parent, title, lastDir(), csv + QStringLiteral(";;") + json, &chosen);
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += chosen == json ? QStringLiteral(".json") : QStringLiteral(".csv");
    return path;
}

void MainWindow::exportMetricsDialog()
{
    if (!controller_->training()) {
        showError(tr("Export metrics"), tr("There are no metrics yet: train a reference set first."));
        return;
    }
    const QString path = tableFileName(this, tr("Export metrics"));
    if (path.isEmpty()) return;
    rememberDir(path);
    controller_->exportMetrics(path);
}

void MainWindow::exportPredictionsDialog()
{
    if (controller_->classifications().empty() || !controller_->activeReferenceSet()) {
        showError(tr("Export predictions"), tr("There are no predictions yet: drop photos on the Classify tab."));
        return;
    }
    const QString path = tableFileName(this, tr("Export predictions"));
    if (path.isEmpty()) return;
    rememberDir(path);
    controller_->exportPredictions(path);
}

void MainWindow::sortIntoFoldersDialog()
{
    const QString title = tr("Sort into folders");
    if (controller_->classifications().empty() || !controller_->activeReferenceSet()) {
        showError(title, tr("There are no classified photos yet: drop photos on the Classify tab."));
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Sort the classified photos into…"), lastDir());
    if (folder.isEmpty()) return;
    rememberDir(folder + QStringLiteral("/."));
    QMessageBox ask(QMessageBox::Question, title,
                    tr("File %n classified photo(s) into one folder per class (and \"unknown\") in %1?", nullptr,
                       int(controller_->classifications().size())).arg(QDir::toNativeSeparators(folder)),
                    QMessageBox::Cancel, this);
    QString informative = tr("Copies leave the photos where they are. Links take no space but break if the photos move.");
    // Photos given a class by hand are not filed by the set's answer (a review found them in
    // neither their class's folder nor "unknown", unsaid).
    if (const qsizetype given = controller_->unlabeledSources().assigned.size(); given > 0)
        informative += QStringLiteral("\n\n") +
                       tr("The %n photo(s) you gave a class are not filed here by the set's answer: \"Write Labels "
                          "into Class Folders\" on the Unlabeled tab copies them into the class you gave.", nullptr,
                          int(given));
    ask.setInformativeText(informative);
    QPushButton* copy = ask.addButton(tr("Copy"), QMessageBox::AcceptRole);
    QPushButton* link = ask.addButton(tr("Link"), QMessageBox::AcceptRole);
    ask.setDefaultButton(copy);
    ask.exec();
    if (ask.clickedButton() != copy && ask.clickedButton() != link) return;
    controller_->sortClassifiedPhotos(folder, ask.clickedButton() == link);
}

void MainWindow::chooseModelDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose an embedding model spec"),
                                                      QFileInfo(controller_->modelSpecPath()).absolutePath(),
                                                      tr("Model specs (*.json)"));
    if (!path.isEmpty()) controller_->setModelSpecPath(path);
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    auto* table = new QTableWidget(0, 2, &dialog);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->verticalHeader()->setVisible(false);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QList<QPair<QString, QString>> rows;
    for (QAction* action : findChildren<QAction*>())
        if (!action->shortcut().isEmpty())
            rows << qMakePair(action->text().remove(QLatin1Char('&')), action->shortcut().toString(QKeySequence::NativeText));
    rows << qMakePair(tr("Rename class (class list)"), QStringLiteral("F2"))
         << qMakePair(tr("Remove class (class list)"), QStringLiteral("Del"))
         << qMakePair(tr("Exclude / include photo (photo grid)"), QStringLiteral("Del"));
    table->setRowCount(rows.size());
    for (int i = 0; i < rows.size(); ++i) {
        table->setItem(i, 0, new QTableWidgetItem(rows[i].first));
        table->setItem(i, 1, new QTableWidgetItem(rows[i].second));
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog.resize(460, 520);
    dialog.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Exemplar"),
                       tr("<h3>Exemplar %1</h3><p>Build an accurate image classifier from a dozen labeled photos per "
                          "class: CNN embeddings, eigenvector centrality of the similarity graph, references chosen by "
                          "Bayesian optimization — and honest, held-out accuracy figures.</p><p>Model: %2</p>")
                           .arg(QApplication::applicationVersion(), controller_->modelSpecPath().toHtmlEscaped()));
}

} // namespace exemplar::ui
