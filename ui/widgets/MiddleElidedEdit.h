#pragma once
// Shows a line edit's text elided in the middle while nobody is typing in it. An editable combo box
// (label next's "Class given") cut a long class name at its end, "010_Aston_Martin_\", so that the
// V8 Vantage and the Virage looked alike (a review); the class buttons beside it elide in the
// middle. The whole text comes back when the edit takes the focus, and what the user types is
// never replaced.
#include <QObject>
#include <QString>

class QLineEdit;
class QWidget;

namespace exemplar::ui {

class MiddleElidedEdit : public QObject {
    Q_OBJECT
public:
    // Shows TEXT in EDIT, elided in the middle to its width unless EDIT has the focus; installs
    // itself on EDIT the first time (it lives as EDIT's child).
    static void setWholeText(QLineEdit* edit, const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit MiddleElidedEdit(QLineEdit* edit);
    bool focused() const;
    void showWhole();
    void elide();

    QLineEdit* edit_;
    QWidget* focusOwner_;  // the edit, or the combo box it belongs to
    QString whole_;
    QString shown_;  // the text this filter last put in the edit
};

} // namespace exemplar::ui
