#pragma once
// Interactive training: method and optimizer settings, Start / Stop, the live objective per
// evaluation with the best so far, and the per-class counts (current best, updated live) where a
// class's count can be pinned by hand before re-running. Stopping keeps the best selection so far.
// With "auto", the cross-validated table of the candidates it chose from is shown below.
#include "export/PlotExport.h"

#include "Optimizer.h"

#include <QJsonObject>
#include <QWidget>
#include <vector>

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace exemplar::ui {

class ProjectController;
struct TrainingOutcome;

class OptimizationView : public QWidget, public PlotProvider {
    Q_OBJECT

public:
    explicit OptimizationView(ProjectController* controller, QWidget* parent = nullptr);
    QList<PlotHandle> plots() const override;
    int plottedEvaluations() const;
    bool showsObjectivePlot() const;  // only for least-central, the one method with an optimizer trace
    QComboBox* methodBox() const { return method_; }
    QTableWidget* autoCandidates() const { return autoTable_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* stopButton() const { return stop_; }

private:
    void loadSettings();
    void storeSettings();
    void rebuildCounts();
    void onStep(const OptimizerStep& step);
    void showTrace(const std::vector<OptimizerStep>& trace);
    void showOutcome();
    void showAutoCandidates(const QJsonObject& details);
    void onBusy(bool busy);
    void showObjectivePlotFor(const QString& method);

    ProjectController* controller_;
    QComboBox* method_;
    QComboBox* optimizer_;
    QComboBox* centrality_;
    QSpinBox* budget_;
    QDoubleSpinBox* holdout_;
    QDoubleSpinBox* knownReject_;
    QSpinBox* seed_;
    QPushButton* start_;
    QPushButton* stop_;
    QCustomPlot* plot_;
    QTableWidget* counts_;
    QTableWidget* autoTable_;
    QLabel* summary_;
    std::vector<OptimizerStep> liveTrace_;
    std::vector<int> bestPoint_;
    bool training_ = false;
    // The outcome last shown and the split settings it was drawn with: the Training column shows
    // its real counts only while the settings still match.
    const TrainingOutcome* shownTraining_ = nullptr;
    double trainedHoldout_ = -1;
    quint64 trainedSeed_ = 0;
    bool loading_ = false;
};

} // namespace exemplar::ui
