#pragma once
// Two classes side by side: their closest cross-class photo pairs, one row per pair (a photo of
// the first class, the cosine, a photo of the second), what "these classes get confused" looks
// like. Double-clicking a row opens the pair large (PairDialog).
#include <QDialog>

class QLabel;
class QTableWidget;

namespace exemplar::ui {

class ProjectController;

class ClassPairGallery : public QDialog {
    Q_OBJECT

public:
    static constexpr int kPairs = 12;

    // CLASSA and CLASSB index the controller's embedding classes; SUMMARY says why they were paired.
    ClassPairGallery(ProjectController* controller, int classA, int classB, const QString& summary,
                     QWidget* parent = nullptr);

    int classA() const { return classA_; }
    int classB() const { return classB_; }
    int pairCount() const;
    QString pathA(int pair) const;  // the photo of class A in row PAIR
    QString pathB(int pair) const;
    QTableWidget* table() const { return table_; }

private:
    void refreshThumbnail(const QString& path);
    void openPair(int pair);

    ProjectController* controller_;
    int classA_, classB_;
    QTableWidget* table_;
};

} // namespace exemplar::ui
