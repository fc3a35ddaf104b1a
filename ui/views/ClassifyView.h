#pragma once
// Classify by drop: drop photos (or a folder of photos) here to see the top classes with their
// scores, the nearest reference of each, the margin, and "unknown" when the best score is below
// the reference set's own threshold (calibrated when it was trained, stored in .exref files).
// Works with the set trained in the project or an imported .exref file.
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace exemplar::ui {

class ProjectController;

class ClassifyView : public QWidget {
    Q_OBJECT

public:
    explicit ClassifyView(ProjectController* controller, QWidget* parent = nullptr);
    QListWidget* resultList() const { return results_; }

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
    void showAdded(int at, int count);  // COUNT new classifications from row AT, as cards
    void storeSettings();
    QWidget* resultCard(int index);

    ProjectController* controller_;
    QLabel* setLabel_;
    QSpinBox* topK_;
    QListWidget* results_;
    QLabel* hint_;
};

} // namespace exemplar::ui
