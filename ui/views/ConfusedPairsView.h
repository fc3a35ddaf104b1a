#pragma once
// "Which classes does the classifier confuse?": class pairs ranked by cross-validated confusion
// inside the labeled photos (a task: k folds of the chosen method) or by how alike the classes
// look before any training, with both figures on every row. Activating a row opens the two
// classes side by side (ClassPairGallery).
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace exemplar::ui {

class ProjectController;
class ClassPairGallery;

class ConfusedPairsView : public QWidget {
    Q_OBJECT

public:
    enum class Ranking { Confusion, Similarity };

    explicit ConfusedPairsView(ProjectController* controller, QWidget* parent = nullptr);

    QTableWidget* table() const { return table_; }
    void setRanking(Ranking ranking);
    Ranking ranking() const;
    void setMethod(const QString& methodId);  // the training method cross-validated next
    QString method() const;
    void findPairs();  // starts the task with the chosen method
    // The classes of row ROW (embedding class indices), {-1, -1} when there is none.
    std::pair<int, int> pairOfRow(int row) const;
    // Opens the gallery of row ROW's two classes; the last gallery opened (null once closed).
    ClassPairGallery* openGallery(int row);
    ClassPairGallery* gallery() const;

private:
    void refill();
    void updateMethods();

    ProjectController* controller_;
    QComboBox* method_;
    QPushButton* find_;
    QComboBox* ranking_;
    QLabel* summary_;
    QTableWidget* table_;
    QPointer<ClassPairGallery> gallery_;
    bool methodPicked_ = false;
};

} // namespace exemplar::ui
