#pragma once
// A menu of checkable choices that stays open while the user ticks several of them (the methods
// to compare): a plain QMenu closes after every tick, so choosing three methods took three trips.
// A click on anything else (an ordinary action, outside the menu) still closes it, and Esc does.
#include <QMenu>

namespace exemplar::ui {

class CheckListMenu : public QMenu {
    Q_OBJECT

public:
    explicit CheckListMenu(QWidget* parent = nullptr);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    // Toggles ACTION in place when it is a checkable choice; false: the menu handles it as usual.
    bool toggleInPlace(QAction* action);
};

} // namespace exemplar::ui
