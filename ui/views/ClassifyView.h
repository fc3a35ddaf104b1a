#pragma once
// Classify by drop: drop photos (or a folder of photos) here to see the top classes with their
// scores, the nearest reference of each, the margin, and "unknown" when the best score is below
// the reference set's own threshold (calibrated when it was trained, stored in .exref files).
// Works with the set trained in the project or an imported .exref file.
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;
class QSpinBox;

namespace exemplar::ui {

class ClassificationListModel;
class ProjectController;

class ClassifyView : public QWidget {
    Q_OBJECT

public:
    explicit ClassifyView(ProjectController* controller, QWidget* parent = nullptr);
    QListView* resultList() const { return results_; }
    ClassificationListModel* resultModel() const { return model_; }

    // Classifies what the clipboard holds: file URLs (photos or folders, as a drop would), or an
    // image (a screenshot, a photo copied from a browser), saved first to a file of its own under
    // the user's cache so that the result keeps its thumbnail. False when it holds neither.
    bool classifyClipboard();

Q_SIGNALS:
    void classifyRequested();  // "Classify Photos…": the window asks which files
    void importRequested();
    void exportRequested();
    void sortRequested();  // "Sort into Folders…": the window asks where and how

private:
    void refresh();
    void storeSettings();

    ProjectController* controller_;
    QLabel* setLabel_;
    QSpinBox* topK_;
    ClassificationListModel* model_;
    QListView* results_;
    QLabel* hint_;
};

} // namespace exemplar::ui
