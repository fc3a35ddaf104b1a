#pragma once
// The project's classes: name (editable), photo count, references kept; checkbox = included.
// Folders dropped here (or anywhere on the window) are added as classes.
#include <QTreeWidget>

namespace exemplar::ui {

class ProjectController;

class ClassListView : public QTreeWidget {
    Q_OBJECT

public:
    explicit ClassListView(ProjectController* controller, QWidget* parent = nullptr);
    // The width that shows the longest class name whole beside the other columns: the window
    // widens the dock towards it (up to a share of its own width) when classes change.
    int widthForNames() const;

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void rebuild();
    void onItemChanged(QTreeWidgetItem* item, int column);
    int currentSource() const;

    ProjectController* controller_;
    bool rebuilding_ = false;
};

} // namespace exemplar::ui
