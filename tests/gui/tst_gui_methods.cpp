// The Methods tab while a comparison runs: each method's row must appear as soon as that method has
// finished all its repetitions (not when every method has), with the figures the final table
// gives it, and the best one is marked only at the end.
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "views/ComparisonView.h"
#include "views/OptimizationView.h"

#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest>

using namespace exemplar;
using namespace exemplar::ui;

namespace {
const ModelIdentity kSyntheticModel{QStringLiteral("synthetic-net"), QString(64, QLatin1Char('e')), 64};
}

class TestGuiMethods : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // QSettings go to a test location
        QApplication::setOrganizationName(QStringLiteral("ExemplarTest"));
    }

    void rowsAppearAsEachMethodFinishes()
    {
        test::AppWindow app;
        MainWindow& window = app.window;
        ProjectController& controller = app.controller;
        window.resize(1280, 800);
        window.show();
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(
                                      std::vector<int>(12, 20), 64, 1.2f, 3)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        ComparisonView* methods = window.comparisonView();
        window.tabs()->setCurrentWidget(methods);
        ProjectSettings settings = controller.settings();
        settings.comparisonMethods = QStringList{"all", "centroid", "whitened-centroid", "linear"};
        settings.comparisonRepeats = 3;
        settings.comparisonPool = 5;
        controller.setSettings(settings);

        // What the table shows each time a method finishes (the view is connected before this).
        struct Seen {
            int rows;
            bool finalYet;
            QString firstRow;
            QString note;
        };
        std::vector<Seen> seen;
        connect(&controller, &ProjectController::comparisonProgressed, this, [&] {
            QTableWidget* table = methods->table();
            seen.push_back({table->rowCount(), controller.comparison() != nullptr,
                            table->rowCount() ? table->item(0, 0)->text() : QString(),
                            methods->findChild<QLabel*>(QStringLiteral("comparisonNote"))->text()});
        });
        controller.compareMethods();
        QVERIFY(test::waitIdle(&controller, 300000));

        QCOMPARE(int(seen.size()), 3);  // after the 1st, 2nd and 3rd of 4 methods
        for (size_t k = 0; k < seen.size(); ++k) {
            QCOMPARE(seen[k].rows, int(k) + 1);
            QVERIFY(!seen[k].finalYet);  // shown while the comparison is still running
            QCOMPARE(seen[k].firstRow, QStringLiteral("all"));  // no ★ before every method is in
            QVERIFY2(seen[k].note.contains(QLatin1String("running")), qPrintable(seen[k].note));
        }
        QVERIFY(controller.comparison());
        QCOMPARE(methods->table()->rowCount(), 4);
        int marked = 0;
        for (int r = 0; r < 4; ++r) marked += methods->table()->item(r, 0)->text().contains(QStringLiteral("★"));
        QCOMPARE(marked, 1);

        // On a small screen every figure still fits its column on one line; the table scrolls
        // sideways instead (the figures wrapped to "79.2 ±" / "5.9" at 1024×600, headers cut).
        window.resize(1024, 600);
        QTest::qWait(50);
        QTableWidget* table = methods->table();
        int columnsWidth = 0;
        for (int c = 0; c < table->columnCount(); ++c) {
            columnsWidth += table->horizontalHeader()->sectionSize(c);
            for (int r = 0; r < table->rowCount(); ++r) {
                const QTableWidgetItem* item = table->item(r, c);
                if (!item || c == 0 || table->isColumnHidden(c)) continue;
                QVERIFY2(table->fontMetrics().horizontalAdvance(item->text()) + 6 <= table->horizontalHeader()->sectionSize(c),
                         qPrintable(QStringLiteral("column %1 is %2 px for \"%3\"").arg(c)
                                        .arg(table->horizontalHeader()->sectionSize(c)).arg(item->text())));
            }
        }
        if (columnsWidth > table->viewport()->width()) QVERIFY(table->horizontalScrollBar()->maximum() > 0);
        if (!qEnvironmentVariableIsEmpty("EXEMPLAR_SCREENSHOT_DIR"))
            window.grab().save(qEnvironmentVariable("EXEMPLAR_SCREENSHOT_DIR") + QStringLiteral("/methods-1024x600.png"));
    }

    // The ★ method is one click from being trained: "Train With …" makes the recommended method
    // (or the selected row's) the project's and shows the Optimize tab; a double-click does the
    // same (a GUI review: the default, the article's method, measured worst, and nothing in the
    // Methods tab acted on the recommendation).
    void theRecommendedMethodIsOneClickFromTraining()
    {
        test::AppWindow app;
        MainWindow& window = app.window;
        ProjectController& controller = app.controller;
        window.resize(1024, 600);
        window.show();
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(
                                      std::vector<int>(6, 14), 64, 1.2f, 5)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        ComparisonView* methods = window.comparisonView();
        window.tabs()->setCurrentWidget(methods);
        auto* trainWith = methods->findChild<QPushButton*>(QStringLiteral("trainWithComparedMethod"));
        QVERIFY(trainWith);
        QVERIFY(!trainWith->isEnabled());  // nothing compared yet
        ProjectSettings settings = controller.settings();
        settings.method = QStringLiteral("least-central");
        settings.comparisonMethods = QStringList{"centroid", "whitened-centroid"};  // neither the project's
        settings.comparisonRepeats = 2;
        settings.comparisonPool = 5;
        controller.setSettings(settings);
        controller.compareMethods();
        QVERIFY(test::waitIdle(&controller, 300000));
        const EvaluationReport* comparison = controller.comparison();
        QVERIFY(comparison && comparison->recommended >= 0);
        const QString best = comparison->methods[size_t(comparison->recommended)].name;

        QVERIFY(trainWith->isEnabled());
        QCOMPARE(trainWith->text(), QStringLiteral("Train With %1").arg(best));
        trainWith->click();
        QCOMPARE(controller.settings().method, best);
        QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(window.optimizationView()));
        QVERIFY(!trainWith->isEnabled());  // it is the project's method now
        // And trained with it, as the button says.
        QVERIFY(test::waitIdle(&controller, 300000));
        QVERIFY(controller.training());
        QCOMPARE(controller.training()->set.method, best);
        // Another row, selected or double-clicked, is trained instead.
        window.tabs()->setCurrentWidget(methods);
        QTableWidget* table = methods->table();
        int other = -1;
        for (int r = 0; r < table->rowCount(); ++r)
            if (comparison->methods[size_t(r)].name != controller.settings().method) other = r;
        QVERIFY(other >= 0);
        const QString otherMethod = comparison->methods[size_t(other)].name;
        QTest::qWait(50);  // laid out again, now that the tab shows
        table->selectRow(other);
        QCOMPARE(trainWith->text(), QStringLiteral("Train With %1").arg(otherMethod));
        QVERIFY(trainWith->isEnabled());
        const QRect cell = table->visualRect(table->model()->index(other, 0));
        // A double-click as a hand makes it: a press (the view remembers the row pressed) first.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(controller.settings().method, otherMethod);
        QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(window.optimizationView()));
        QVERIFY(test::waitIdle(&controller, 300000));
        QCOMPARE(controller.training()->set.method, otherMethod);
    }

    // Every method's row, the ★ among them, shows at 1024×600: the table shared the tab evenly with
    // a learning curve not yet measured (one line of text), and the ★ row was below its fold.
    void everyComparedMethodShowsOnASmallScreen()
    {
        test::AppWindow app;
        MainWindow& window = app.window;
        ProjectController& controller = app.controller;
        window.resize(1024, 600);
        window.show();
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(
                                      std::vector<int>(5, 10), 64, 1.2f, 3)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        ComparisonView* methods = window.comparisonView();
        window.tabs()->setCurrentWidget(methods);
        ProjectSettings settings = controller.settings();
        settings.comparisonMethods.clear();  // all of them
        settings.comparisonRepeats = 1;
        settings.comparisonPool = 4;
        controller.setSettings(settings);
        controller.compareMethods();
        QVERIFY(test::waitIdle(&controller, 300000));
        QTest::qWait(50);
        QTableWidget* table = methods->table();
        QVERIFY(table->rowCount() >= 8);
        const QRect last = table->visualRect(table->model()->index(table->rowCount() - 1, 0));
        QCOMPARE(table->verticalScrollBar()->maximum(), 0);  // no row is scrolled off, the first neither
        QVERIFY2(last.bottom() < table->viewport()->height(),
                 qPrintable(QStringLiteral("row %1 ends at %2 in a %3-pixel table").arg(table->rowCount())
                                .arg(last.bottom()).arg(table->viewport()->height())));
    }

    // The Methods tab says before a comparison runs which classes have too few photos for the pool
    // asked for (a GUI review: 200 classes of 6 photos under the default pool of 10).
    void poolHintNamesClassesWithTooFewPhotos_data()
    {
        QTest::addColumn<int>("pool");
        QTest::addColumn<QString>("hint");  // empty: hidden
        QTest::newRow("every class has more") << 3 << QString();
        QTest::newRow("the smallest class only") << 5 << QStringLiteral("1 of 12 class(es) have no more than 5 photos (the smallest: 4)");
        QTest::newRow("two classes") << 6 << QStringLiteral("2 of 12 class(es) have no more than 6 photos (the smallest: 4)");
        QTest::newRow("every class") << 20 << QStringLiteral("12 of 12 class(es) have no more than 20 photos (the smallest: 4)");
    }

    void poolHintNamesClassesWithTooFewPhotos()
    {
        QFETCH(int, pool);
        QFETCH(QString, hint);
        test::AppWindow app;
        MainWindow& window = app.window;
        ProjectController& controller = app.controller;
        window.show();
        std::vector<int> counts(12, 20);
        counts[3] = 6;
        counts[7] = 4;
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::makeClusteredSet(counts, 64, 1.2f, 3)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        window.tabs()->setCurrentWidget(window.comparisonView());
        ProjectSettings settings = controller.settings();
        settings.comparisonPool = pool;
        controller.setSettings(settings);  // as a project's saved settings arrive
        auto* label = window.comparisonView()->findChild<QLabel*>(QStringLiteral("poolHint"));
        QVERIFY(label);
        QCOMPARE(label->isVisible(), !hint.isEmpty());
        if (!hint.isEmpty()) QVERIFY2(label->text().startsWith(hint), qPrintable(label->text()));

        // Typed into the spin box: follows at once.
        auto* spin = window.comparisonView()->findChild<QSpinBox*>(QStringLiteral("comparisonPool"));
        QVERIFY(spin);
        spin->setValue(pool == 3 ? 4 : 3);
        QCOMPARE(label->isVisible(), pool == 3);  // 4 leaves the class of 4 photos short
        spin->setValue(pool);
        QCOMPARE(label->isVisible(), !hint.isEmpty());

        // Other photos under the same settings: the hint follows them (every class of 2 photos).
        controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(
                                      test::makeClusteredSet(std::vector<int>(12, 2), 64, 1.2f, 3)),
                                  kSyntheticModel);
        QVERIFY(test::waitIdle(&controller, 120000));
        QCOMPARE(controller.settings().comparisonPool, pool);
        QVERIFY(label->isVisible());
        QVERIFY2(label->text().startsWith(QStringLiteral("12 of 12 class(es) have no more than %1 photos (the smallest: 2)").arg(pool)),
                 qPrintable(label->text()));
    }
};

QTEST_MAIN(TestGuiMethods)
#include "tst_gui_methods.moc"
