#pragma once
// Two photos side by side with their cosine similarity: what a heatmap cell or a graph edge means.
#include <QDialog>

namespace exemplar::ui {

class PairDialog : public QDialog {
    Q_OBJECT

public:
    PairDialog(const QString& pathA, const QString& classA, const QString& pathB, const QString& classB,
               double cosine, QWidget* parent = nullptr);
};

} // namespace exemplar::ui
