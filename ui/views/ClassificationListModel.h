#pragma once
// The classified photos as the Classify tab lists them: one row per photo of the controller's
// classifications, in their order, read on demand. The list view asks only for the rows it shows,
// so a drop of 10,000 photos costs what one screenful costs (the widget-per-card list it replaces
// built some fifteen widgets per photo and walked all of them for every thumbnail that arrived).
#include <QAbstractListModel>
#include <QString>
#include <QVariantList>

namespace exemplar::ui {

class ProjectController;

class ClassificationListModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        PathRole = Qt::UserRole,  // the classified photo
        VerdictRole,              // the verdict as rich text (Qt::DisplayRole has it plain)
        OutcomeRole,              // Outcome
        RankedRole,               // the top classes: QVariantList of RankedClass maps (keys below)
        ListedClassesRole,        // how many RankedRole lists (cheap: what a row's height needs)
    };
    enum Outcome { Classified, Unknown, Failed };
    // Keys of one RankedRole entry.
    static constexpr const char* kName = "name";
    static constexpr const char* kScore = "score";
    static constexpr const char* kClassIndex = "classIndex";
    static constexpr const char* kReferencePath = "referencePath";  // empty: not among the project's photos
    static constexpr const char* kReferenceFile = "referenceFile";  // the file name the set recorded

    explicit ClassificationListModel(ProjectController* controller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // How many classes a row lists (the top-K setting, at most the classes the set has).
    int listedClasses(int row) const;

private:
    QString verdict(int row, bool rich) const;
    QVariantList ranked(int row) const;

    ProjectController* controller_;
    int rows_ = 0;     // the rows the view knows of (the controller's count after each signal)
    int topK_ = 0;     // the top-K setting the rows were laid out for
};

} // namespace exemplar::ui
