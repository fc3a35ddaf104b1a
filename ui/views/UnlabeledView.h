#pragma once
// Photos without a class: drop a folder of them here (or File ▸ Add Unlabeled Folder…). Once a
// reference set is trained, the label-next list ranks them by how much a label would teach it
// (unsure and representative first, core/workflow/LabelNext.h) and gives each one-click buttons:
// its suggested class, the runner-up, or any class from a searchable list. Classes given here are
// kept in the project; "Write Labels into Class Folders" copies those photos into their class
// folders, after which they are labeled photos like any other. Training self-trains with the
// rest when cross-validation says it helps.
#include <QWidget>

class QLabel;
class QPushButton;
class QStringListModel;
class QTableWidget;

namespace exemplar::ui {

class ProjectController;

class UnlabeledView : public QWidget {
    Q_OBJECT

public:
    explicit UnlabeledView(ProjectController* controller, QWidget* parent = nullptr);
    QTableWidget* labelNextList() const { return list_; }

    static constexpr int kRowsShown = 200;  // the most useful photos; labeling all of them is rarely worth it

Q_SIGNALS:
    void addFolderRequested();            // the window asks which folder
    void addBackgroundFolderRequested();  // the same, for a background folder
    void classifyAllRequested();          // the window shows the Classify tab, where the answers land

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildList();
    void refreshSummary();
    void refreshAssignments();
    // The project's class (index into sources().classes) the active set calls CLASS_INDEX; −1 when
    // the project has no class folder of that name (an imported set's class).
    int classSourceOfSetClass(int classIndex) const;
    void assignRow(int row, int classIndex);  // CLASS_INDEX of the ranking's set

    ProjectController* controller_;
    QLabel* summary_;
    QLabel* hint_;
    QPushButton* write_;
    QPushButton* clear_;
    QPushButton* classifyAll_;
    QLabel* backgroundSummary_;     // the background folders: photos for the whitening only
    QPushButton* clearBackground_;
    QTableWidget* list_;
    QStringList rowPaths_;  // photo path per list row
    QStringListModel* classChoices_;  // the classes a row can be given, shared by every row's box
};

} // namespace exemplar::ui
