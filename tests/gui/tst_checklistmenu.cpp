// CheckListMenu: ticking a choice keeps the menu open, so several can be ticked in one trip;
// anything else closes it as a menu does.
#include "widgets/CheckListMenu.h"

#include <QAction>
#include <QApplication>
#include <QtTest>

using namespace exemplar::ui;

class TestCheckListMenu : public QObject {
    Q_OBJECT

    struct Menu {
        CheckListMenu menu;
        QAction* first = nullptr;
        QAction* second = nullptr;
        QAction* disabled = nullptr;
        QAction* plain = nullptr;
        Menu()
        {
            first = menu.addAction(QStringLiteral("centroid"));
            second = menu.addAction(QStringLiteral("linear"));
            disabled = menu.addAction(QStringLiteral("all"));
            plain = menu.addAction(QStringLiteral("Select all"));
            for (QAction* choice : {first, second, disabled}) choice->setCheckable(true);
            disabled->setEnabled(false);
            menu.popup(QPoint(100, 100));
        }
        void click(QAction* action)
        {
            QTest::mouseClick(&menu, Qt::LeftButton, {}, menu.actionGeometry(action).center());
        }
    };

private Q_SLOTS:
    void clickingChoicesTicksThemAndStaysOpen()
    {
        Menu m;
        QVERIFY(QTest::qWaitForWindowExposed(&m.menu));
        QSignalSpy toggled(m.first, &QAction::toggled);
        m.click(m.first);
        QVERIFY(m.first->isChecked());
        QCOMPARE(toggled.size(), 1);
        QVERIFY(m.menu.isVisible());
        m.click(m.second);
        QVERIFY(m.second->isChecked());
        m.click(m.first);  // and untick
        QVERIFY(!m.first->isChecked());
        QVERIFY(m.menu.isVisible());
    }

    void disabledChoicesStayAsTheyAre()
    {
        Menu m;
        QVERIFY(QTest::qWaitForWindowExposed(&m.menu));
        m.click(m.disabled);
        QVERIFY(!m.disabled->isChecked());
    }

    void spaceTicksTheHighlightedChoice()
    {
        Menu m;
        QVERIFY(QTest::qWaitForWindowExposed(&m.menu));
        m.menu.setActiveAction(m.second);
        QTest::keyClick(&m.menu, Qt::Key_Space);
        QVERIFY(m.second->isChecked());
        QVERIFY(m.menu.isVisible());
        QTest::keyClick(&m.menu, Qt::Key_Escape);
        QTRY_VERIFY(!m.menu.isVisible());
        QVERIFY(m.second->isChecked());
    }

    void anOrdinaryActionClosesIt()
    {
        Menu m;
        QVERIFY(QTest::qWaitForWindowExposed(&m.menu));
        QSignalSpy triggered(m.plain, &QAction::triggered);
        m.click(m.plain);
        QCOMPARE(triggered.size(), 1);
        QTRY_VERIFY(!m.menu.isVisible());
    }
};

QTEST_MAIN(TestCheckListMenu)
#include "tst_checklistmenu.moc"
