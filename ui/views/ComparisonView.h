#pragma once
// Every training method compared honestly: repeated splits of each class into a training pool and
// test photos; mean ± sd of accuracy and weighted F1 on the test photos; the best one marked.
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QToolButton;

namespace exemplar {
struct EvaluationReport;
}

namespace exemplar::ui {

using MethodComparison = EvaluationReport;
class ProjectController;

class ComparisonView : public QWidget {
    Q_OBJECT

public:
    explicit ComparisonView(ProjectController* controller, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }

Q_SIGNALS:
    // The user chose a compared method as the one to train with (the project's method is set):
    // the window shows the Optimize tab, where Start trains it.
    void methodChosenForTraining();

private:
    // The compared method of ROW becomes the project's training method.
    void trainWith(int row);
    int chosenRow() const;  // the selected row, else the ★ one; −1 when none or still running
    QString methodOfRow(int row) const;
    void updateTrainWith();
    void refresh();
    // What the methods learned from photos without a class: self-training with unlabeled photos (how
    // often it was kept) and the background photos in the whitening; empty when neither.
    static QString photosWithoutClassNote(const exemplar::EvaluationReport& comparison);
    static QString asSentences(const QStringList& warnings);
    // COMPARISON's rows; PENDING methods are still running (a comparison in progress).
    void showComparison(const MethodComparison* comparison, int pending);
    void storeSettings();
    void loadSettings();
    void updatePoolHint();  // which classes have too few photos for the pool asked for

    ProjectController* controller_;
    QSpinBox* pool_;
    QSpinBox* repeats_;
    QPushButton* run_;
    QPushButton* trainWith_;
    bool finishedShown_ = false;  // the table shows a whole comparison (not one still running)
    QToolButton* methodsButton_;
    QTableWidget* table_;
    QLabel* note_;
    QLabel* poolHint_;
};

} // namespace exemplar::ui
