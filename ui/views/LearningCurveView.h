#pragma once
// "How many more photos?": the learning curve of one method measured on the project's labeled
// photos (core/evaluation/LearningCurve.h), drawn as measured points with their spread, the fitted
// curve, and what it predicts for today's photos per class and for a few more, with ranges.
// Part of the Methods tab; it asks the controller for the measurement and redraws on its signal.
#include <QWidget>

class QCPErrorBars;
class QCustomPlot;
class QLabel;
class QPushButton;

namespace exemplar::ui {

class ProjectController;

class LearningCurveView : public QWidget {
    Q_OBJECT

public:
    explicit LearningCurveView(ProjectController* controller, QWidget* parent = nullptr);

private:
    void refresh();
    void showPlot(bool shown);
    void updateButton();

    ProjectController* controller_;
    QPushButton* measure_;
    QLabel* summary_;
    QCustomPlot* plot_;
    QCPErrorBars* measuredSpread_;  // sd of the trials at each measured size
    QCPErrorBars* expectedRange_;   // the bootstrap range of each prediction
};

} // namespace exemplar::ui
