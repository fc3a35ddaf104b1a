#pragma once
// The application shell: classes dock, view tabs, menus, status bar with progress and cancel,
// remembered geometry and settings. It wires views to the controller and owns no project logic.
#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace exemplar::ui {

class ProjectController;
class HeatmapView;
class GraphView;
class HistogramView;
class OptimizationView;
class EvaluationView;
class ComparisonView;
class ConfusedPairsView;
class ClassifyView;
class ClassListView;
class PhotoGridView;
class SuspectsView;
class UnlabeledView;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // The window shows CONTROLLER's project and sends it every command; it does not own it.
    explicit MainWindow(ProjectController* controller, QWidget* parent = nullptr);
    ~MainWindow() override;

    ProjectController* controller() const { return controller_; }
    QTabWidget* tabs() const { return tabs_; }
    ClassListView* classList() const { return classList_; }
    PhotoGridView* photoGrid() const { return photoGrid_; }
    SuspectsView* suspectsList() const { return suspects_; }
    HeatmapView* heatmapView() const { return heatmap_; }
    GraphView* graphView() const { return graph_; }
    HistogramView* histogramView() const { return histograms_; }
    OptimizationView* optimizationView() const { return optimization_; }
    EvaluationView* evaluationView() const { return evaluation_; }
    ComparisonView* comparisonView() const { return comparison_; }
    ConfusedPairsView* confusedPairsView() const { return confusedPairs_; }
    ClassifyView* classifyView() const { return classify_; }
    UnlabeledView* unlabeledView() const { return unlabeled_; }
    QString lastError() const { return lastError_; }
    // Writes every plot of every view into DIRECTORY as NAME.png/.svg/.pdf; returns the files.
    QStringList exportAllPlots(const QString& directory, const QStringList& suffixes);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    static constexpr int kPhotosTab = 0;
    void createViews();
    void createMenus();
    void createStatusBar();
    // A cancel asked (the button, Esc, a view's Stop): said at once ("Stopping…", the button off
    // until the task has stopped), since a task stops only at its next step, seconds later.
    void showStopping();
    void restoreSettings();
    void updateTitle();
    void showError(const QString& title, const QString& message);
    bool maybeSave();
    void addRecentProject(const QString& path);
    void openProjectFile(const QString& path);

    void addFoldersDialog();
    void addUnlabeledFolderDialog();
    void addBackgroundFolderDialog();
    void openProjectDialog();
    bool saveProject();
    bool saveProjectAs();
    void classifyPhotosDialog();
    void importReferenceSetDialog();
    void exportReferenceSetDialog();
    void exportOnnxDialog();
    void exportCurrentPlotDialog();
    void exportAllPlotsDialog();
    void exportMetricsDialog();
    void exportPredictionsDialog();
    void sortIntoFoldersDialog();
    void chooseModelDialog();
    void createModelMenu(QMenu* model);
    void showShortcuts();
    void showAbout();

    ProjectController* controller_;
    QTabWidget* tabs_ = nullptr;
    ClassListView* classList_ = nullptr;
    PhotoGridView* photoGrid_ = nullptr;
    SuspectsView* suspects_ = nullptr;
    HeatmapView* heatmap_ = nullptr;
    GraphView* graph_ = nullptr;
    HistogramView* histograms_ = nullptr;
    OptimizationView* optimization_ = nullptr;
    EvaluationView* evaluation_ = nullptr;
    ComparisonView* comparison_ = nullptr;
    ConfusedPairsView* confusedPairs_ = nullptr;
    ClassifyView* classify_ = nullptr;
    UnlabeledView* unlabeled_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    // While a project file is read: the actions that would change the project shown, disabled
    // then (New, Open, Save, Quit and Stop stay), and enabled again when the read has ended.
    QList<QPointer<QAction>> projectActions_;
    QList<QPointer<QAction>> frozenActions_;
    void setProjectEditable(bool editable);
    QLabel* taskLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QToolButton* cancel_ = nullptr;
    QString lastError_;
};

} // namespace exemplar::ui
