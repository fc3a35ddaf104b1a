#pragma once
// The switch the heatmap, the graph and the histograms each carry: raw cosine, or the space the
// trained set's classifier scores in (see core/workflow/ClassifierSpace.h). All of them show the
// controller's one choice, so flipping one flips every view. Disabled, with the reason as its
// tooltip, while there is no trained space to show.
#include <QComboBox>

namespace exemplar::ui {

class ProjectController;

class SpaceSwitch : public QComboBox {
    Q_OBJECT

public:
    explicit SpaceSwitch(ProjectController* controller, QWidget* parent = nullptr);

private:
    void sync();

    ProjectController* controller_;
};

} // namespace exemplar::ui
