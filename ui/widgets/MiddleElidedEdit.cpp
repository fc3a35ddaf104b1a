#include "MiddleElidedEdit.h"

#include <QComboBox>
#include <QEvent>
#include <QLineEdit>
#include <QTimer>

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
    // While somebody types, what they typed stays: only a new whole text (the class just chosen) shows.
    if (elided->focused() && text == elided->whole_) return;
    elided->whole_ = text;
    if (elided->focused()) elided->showWhole();
    else elided->elide();
}

bool MiddleElidedEdit::focused() const
{
    return edit_->hasFocus() || focusOwner_->hasFocus();
}

void MiddleElidedEdit::showWhole()
{
    shown_ = whole_;
    edit_->setText(whole_);
}

void MiddleElidedEdit::elide()
{
    // The frame and the text margins take a few pixels of the width.
    const int room = edit_->contentsRect().width() - edit_->textMargins().left() - edit_->textMargins().right() - 6;
    shown_ = edit_->fontMetrics().elidedText(whole_, Qt::ElideMiddle, std::max(room, 0));
    edit_->setText(shown_);
    edit_->setCursorPosition(0);
}

bool MiddleElidedEdit::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != edit_ && watched != focusOwner_) return QObject::eventFilter(watched, event);
    // Only the text this filter put there is ever replaced: what the user typed is theirs.
    const bool ours = edit_->text() == shown_;
    switch (event->type()) {
    case QEvent::FocusIn:
        if (ours && shown_ != whole_) showWhole();
        break;
    case QEvent::FocusOut:
        // After the combo box has had the focus-out (it commits a typed class name then, and the
        // class list may give this box a new whole text meanwhile).
        QTimer::singleShot(0, this, [this] {
            if (!focused() && edit_->text() == shown_) elide();
        });
        break;
    case QEvent::Resize:
    case QEvent::FontChange:
        if (!focused() && ours) elide();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace exemplar::ui
