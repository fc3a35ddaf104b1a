#include "MiddleElidedEdit.h"

#include <QComboBox>
#include <QEvent>
#include <QLineEdit>

namespace exemplar::ui {

MiddleElidedEdit::MiddleElidedEdit(QLineEdit* edit) : QObject(edit), edit_(edit)
{
    edit->installEventFilter(this);
    // An editable combo box takes the focus itself and hands its focus events to its line edit
    // directly, past any event filter: it is watched for them.
    focusOwner_ = qobject_cast<QComboBox*>(edit->parentWidget());
    if (focusOwner_) focusOwner_->installEventFilter(this);
    else focusOwner_ = edit;
}

void MiddleElidedEdit::setWholeText(QLineEdit* edit, const QString& text)
{
    auto* elided = edit->findChild<MiddleElidedEdit*>(QString(), Qt::FindDirectChildrenOnly);
    if (!elided) elided = new MiddleElidedEdit(edit);
    elided->whole_ = text;
    elided->show();
}

void MiddleElidedEdit::show()
{
    if (edit_->hasFocus() || focusOwner_->hasFocus()) {
        if (edit_->text() != whole_) edit_->setText(whole_);
        return;
    }
    // The frame and the text margins take a few pixels of the width.
    const int room = edit_->contentsRect().width() - edit_->textMargins().left() - edit_->textMargins().right() - 6;
    edit_->setText(edit_->fontMetrics().elidedText(whole_, Qt::ElideMiddle, std::max(room, 0)));
    edit_->setCursorPosition(0);
}

bool MiddleElidedEdit::eventFilter(QObject* watched, QEvent* event)
{
    if ((watched == edit_ || watched == focusOwner_) && (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut ||
                             event->type() == QEvent::Resize || event->type() == QEvent::FontChange))
        show();
    return QObject::eventFilter(watched, event);
}

} // namespace exemplar::ui
