#include "widgets/CheckListMenu.h"

#include <QKeyEvent>
#include <QMouseEvent>

namespace exemplar::ui {

CheckListMenu::CheckListMenu(QWidget* parent) : QMenu(parent) {}

bool CheckListMenu::toggleInPlace(QAction* action)
{
    if (!action || !action->isCheckable() || !action->isEnabled() || action->menu()) return false;
    action->trigger();  // toggles, and emits toggled/triggered as a click would
    return true;
}

void CheckListMenu::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && toggleInPlace(actionAt(event->position().toPoint()))) {
        event->accept();
        return;
    }
    QMenu::mouseReleaseEvent(event);
}

void CheckListMenu::keyPressEvent(QKeyEvent* event)
{
    // Space ticks the highlighted choice and stays; Return and Enter close the menu as usual.
    if (event->key() == Qt::Key_Space && toggleInPlace(activeAction())) {
        event->accept();
        return;
    }
    QMenu::keyPressEvent(event);
}

} // namespace exemplar::ui
