#pragma once
// The suspect photos of the whole project (core/analysis/Audit.h): likely mislabeled, outliers and
// cross-class duplicates, mislabels first, each with the audit's explanation. Clicking one shows
// it in the photo browser and the graph; nothing is excluded automatically (the user decides).
#include <QTreeWidget>

namespace exemplar::ui {

class ProjectController;

class SuspectsView : public QTreeWidget {
    Q_OBJECT

public:
    explicit SuspectsView(ProjectController* controller, QWidget* parent = nullptr);

private:
    void rebuild();
    ProjectController* controller_;
};

} // namespace exemplar::ui
