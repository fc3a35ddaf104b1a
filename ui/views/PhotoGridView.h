#pragma once
// Thumbnails of the selected class with each photo's state: kept as a reference, held out for the
// honest report, excluded by the user, or skipped (with the reason). Delete excludes or
// re-includes the current photo.
#include <QHash>
#include <QListWidget>

namespace exemplar::ui {

class ProjectController;

class PhotoGridView : public QListWidget {
    Q_OBJECT

public:
    explicit PhotoGridView(ProjectController* controller, QWidget* parent = nullptr);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void rebuild();
    void toggleExcluded(QListWidgetItem* item);

    ProjectController* controller_;
    QHash<QString, QListWidgetItem*> itemOfPath_;
    bool rebuilding_ = false;
};

} // namespace exemplar::ui
