#pragma once
// Thumbnails of the selected class with each photo's state: kept as a reference, held out for the
// honest report, excluded by the user, or skipped (with the reason); suspect photos (core/analysis/Audit.h)
// carry an orange badge and their explanation in the tooltip. Delete excludes or re-includes the
// current photo. Large classes are listed incrementally (see PhotoGridModel): the GUI thread only
// ever lays out a batch of rows at a time.
#include <QListView>

namespace exemplar::ui {

class PhotoGridModel;
class ProjectController;

class PhotoGridView : public QListView {
    Q_OBJECT

public:
    explicit PhotoGridView(ProjectController* controller, QWidget* parent = nullptr);
    // Test hooks: every photo of the class (listed yet or not), and the current one (-1: none).
    int photoCount() const;
    QString photoText(int index) const;
    QString photoToolTip(int index) const;
    int currentPhotoIndex() const;
    int suspectCount() const;  // suspect photos of the class

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void showPhoto(const QString& path);  // makes it current, fetching rows up to it
    void toggleExcluded(const QModelIndex& index);

    ProjectController* controller_;
    PhotoGridModel* model_;
    bool rebuilding_ = false;
};

} // namespace exemplar::ui
