#pragma once
// Every file that is not in the training data and why: unreadable, undecodable, not an image,
// outside a class folder, duplicate class name; and the dataset's warnings (empty or one-photo
// classes, a photo filed under two classes), and the unlabeled and background photos' skipped
// files. Nothing is dropped silently.
#include <QTreeWidget>

namespace exemplar::ui {

class ProjectController;

class SkippedFilesView : public QTreeWidget {
    Q_OBJECT

public:
    explicit SkippedFilesView(ProjectController* controller, QWidget* parent = nullptr);

private:
    void rebuild();
    ProjectController* controller_;
};

} // namespace exemplar::ui
