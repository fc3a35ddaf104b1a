#pragma once
// Thumbnails of the selected class with each photo's state: kept as a reference, held out for the
// honest report, excluded by the user, or skipped (with the reason); suspect photos (core/Audit.h)
// carry an orange badge and their explanation in the tooltip. Delete excludes or re-includes the
// current photo.
#include <QHash>
#include <QListWidget>

namespace exemplar::ui {

class ProjectController;

class PhotoGridView : public QListWidget {
    Q_OBJECT

public:
    explicit PhotoGridView(ProjectController* controller, QWidget* parent = nullptr);
    int suspectCount() const;  // suspect photos shown

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void rebuild();
    void toggleExcluded(QListWidgetItem* item);
    QIcon iconFor(QListWidgetItem* item, const QPixmap& thumbnail) const;

    ProjectController* controller_;
    QHash<QString, QListWidgetItem*> itemOfPath_;
    bool rebuilding_ = false;
};

} // namespace exemplar::ui
