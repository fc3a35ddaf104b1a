// MiddleElidedEdit: a long class name in a narrow editable combo box shows its start and its end
// (the part that tells sister classes apart), and the whole name while the user types.
#include "widgets/MiddleElidedEdit.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QtTest>

using namespace exemplar::ui;

class TestMiddleElidedEdit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void longNamesShowBothEnds_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("elided");
        QTest::newRow("a long name") << QStringLiteral("010_Aston_Martin_Virage_Convertible_2012") << true;
        QTest::newRow("a short name") << QStringLiteral("daisy") << false;
        QTest::newRow("nothing given") << QString() << false;
    }
    void longNamesShowBothEnds()
    {
        QFETCH(QString, name);
        QFETCH(bool, elided);
        QWidget window;
        auto* focusElsewhere = new QLineEdit(&window);
        auto* box = new QComboBox(&window);
        box->setEditable(true);
        box->addItems({QStringLiteral("daisy"), QStringLiteral("010_Aston_Martin_Virage_Convertible_2012")});
        box->setGeometry(0, 40, 150, 28);
        window.resize(200, 100);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));  // focus events come only to the active window
        focusElsewhere->setFocus();
        QApplication::processEvents();

        MiddleElidedEdit::setWholeText(box->lineEdit(), name);
        const QString shown = box->lineEdit()->text();
        QCOMPARE(shown.contains(QChar(0x2026)), elided);
        if (elided) {
            QVERIFY2(shown.startsWith(QStringLiteral("010_")) && shown.endsWith(QStringLiteral("_2012")), qPrintable(shown));
            QVERIFY(box->lineEdit()->fontMetrics().horizontalAdvance(shown) < box->lineEdit()->width());
        } else {
            QCOMPARE(shown, name);
        }
        // Typing in it: the whole name; leaving it: elided again; a wider box: more of the name.
        box->lineEdit()->setFocus();
        QApplication::processEvents();
        QTRY_COMPARE(box->lineEdit()->text(), name);
        focusElsewhere->setFocus();
        QApplication::processEvents();
        QTRY_COMPARE(box->lineEdit()->text(), shown);
        box->resize(600, 28);
        QApplication::processEvents();
        QTRY_COMPARE(box->lineEdit()->text(), name);
    }

    // What the user types is never replaced: not on a resize while typing, not when the class
    // list refreshes with the same class, not when the focus leaves (the combo box commits it then).
    void typedTextIsKept()
    {
        QWidget window;
        auto* focusElsewhere = new QLineEdit(&window);
        auto* box = new QComboBox(&window);
        box->setEditable(true);
        box->setInsertPolicy(QComboBox::NoInsert);
        const QString longName = QStringLiteral("010_Aston_Martin_Virage_Convertible_2012");
        box->addItems({QStringLiteral("daisy"), longName});
        box->setGeometry(0, 40, 150, 28);
        window.resize(200, 100);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        MiddleElidedEdit::setWholeText(box->lineEdit(), longName);
        box->setFocus();
        QTRY_COMPARE(box->lineEdit()->text(), longName);
        // A name of no class (the box's inline completion would finish a class's name).
        box->lineEdit()->selectAll();
        QTest::keyClicks(box->lineEdit(), QStringLiteral("ros"));
        box->resize(140, 28);
        QApplication::processEvents();
        QCOMPARE(box->lineEdit()->text(), QStringLiteral("ros"));
        MiddleElidedEdit::setWholeText(box->lineEdit(), longName);  // the list refreshed, nothing chosen
        QCOMPARE(box->lineEdit()->text(), QStringLiteral("ros"));
        QTest::keyClicks(box->lineEdit(), QStringLiteral("e"));
        focusElsewhere->setFocus();
        QApplication::processEvents();
        QTest::qWait(20);
        QCOMPARE(box->lineEdit()->text(), QStringLiteral("rose"));
        // A class chosen meanwhile (the list gives the box a new whole text): shown, elided.
        MiddleElidedEdit::setWholeText(box->lineEdit(), QStringLiteral("daisy"));
        QCOMPARE(box->lineEdit()->text(), QStringLiteral("daisy"));
    }
};

QTEST_MAIN(TestMiddleElidedEdit)
#include "tst_middleelidededit.moc"
