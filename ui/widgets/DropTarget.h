#pragma once
// Makes any widget (or an item view's viewport) accept dropped files and folders and report their
// local paths; one implementation for the window, the class list and the classify pane.
#include <QObject>
#include <QStringList>

class QWidget;

namespace exemplar::ui {

class DropTarget : public QObject {
    Q_OBJECT

public:
    // Installs itself as an event filter on WIDGET (and sets acceptDrops). Owned by WIDGET.
    explicit DropTarget(QWidget* widget);

Q_SIGNALS:
    void pathsDropped(const QStringList& paths);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace exemplar::ui
