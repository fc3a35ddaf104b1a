// The photo grid's cells at any photo shape: a tall (portrait) photo with a long file name must be
// drawn inside its thumbnail box, and its name in the band reserved below it, elided, never under
// the image. Checked on the pixels of the grid as painted: the photo is pure red, so any red pixel
// in a text band is the image overdrawing the name.
#include "GuiTestSupport.h"

#include "views/PhotoGridDelegate.h"
#include "views/PhotoGridView.h"
#include "thumbnails/ThumbnailCache.h"

#include <QImage>
#include <QListView>
#include <QPainter>
#include <QStandardItemModel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace exemplar;
using namespace exemplar::ui;

using test::countPixels;
using test::isRed;

class TestGuiPhotoGrid : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ExemplarTest"));
    }

    void namesStayBelowTallThumbnails_data()
    {
        QTest::addColumn<QSize>("photo");
        QTest::newRow("portrait 1:3") << QSize(300, 900);
        QTest::newRow("portrait 3:4") << QSize(600, 800);
        QTest::newRow("landscape 2:1") << QSize(800, 400);
    }

    void namesStayBelowTallThumbnails()
    {
        QFETCH(QSize, photo);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("tall"));
        QDir().mkpath(folder);
        QImage red(photo, QImage::Format_RGB32);
        red.fill(Qt::red);
        const QString name = QStringLiteral("a_very_long_file_name_of_a_portrait_photo_taken_with_a_phone_2024_0001.png");
        QVERIFY(red.save(folder + QLatin1Char('/') + name));
        QImage blue(QSize(400, 300), QImage::Format_RGB32);
        blue.fill(Qt::blue);
        QVERIFY(blue.save(folder + QStringLiteral("/short.png")));

        test::AppWindow app;
        app.window.resize(1280, 800);
        app.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&app.window));
        app.controller.addFolders({folder});
        QTRY_COMPARE(app.controller.dataset().photoCount(), 2);  // listed by the task, before embedding
        app.controller.cancelEverything();  // embedding is not needed here
        QVERIFY(test::waitIdle(&app.controller, 60000));
        app.controller.selectClass(0);
        PhotoGridView* grid = app.window.photoGrid();
        QCOMPARE(grid->photoCount(), 2);
        // Wait until both thumbnails are painted (they load off the GUI thread).
        QTRY_VERIFY_WITH_TIMEOUT(app.controller.thumbnails()->thumbnail(folder + QLatin1Char('/') + name).isNull() == false &&
                                     !app.controller.thumbnails()->thumbnail(folder + QStringLiteral("/short.png")).isNull(),
                                 20000);
        QTest::qWait(200);
        const QImage shot = grid->viewport()->grab().toImage();
        const qreal ratio = shot.devicePixelRatio();
        const int line = grid->fontMetrics().lineSpacing();
        const QColor base = grid->palette().color(QPalette::Base);
        for (int row = 0; row < grid->model()->rowCount(); ++row) {
            const QModelIndex index = grid->model()->index(row, 0);
            const QRect cell = grid->visualRect(index);
            const PhotoGridDelegate::Layout parts = PhotoGridDelegate::layout(cell, grid->iconSize(), line);
            QVERIFY(!parts.icon.intersects(parts.text));
            QVERIFY(cell.contains(parts.text));
            const auto scaled = [ratio](const QRect& r) {
                return QRectF(QPointF(r.topLeft()) * ratio, QSizeF(r.size()) * ratio).toRect();
            };
            const bool isTall = grid->model()->data(index, Qt::DisplayRole).toString().startsWith(QLatin1String("a_very"));
            if (isTall) {
                QVERIFY2(countPixels(shot, scaled(parts.icon), isRed) > 0, "the photo is not drawn");
                QCOMPARE(countPixels(shot, scaled(parts.text), isRed), 0);  // nothing of the image on the name
            }
            // The name and the state ("not embedded yet": the embedding was canceled) each get a line.
            QCOMPARE(grid->model()->data(index, Qt::DisplayRole).toString().count(QLatin1Char('\n')), 1);
            for (int k = 0; k < 2; ++k) {
                const QRect textLine(parts.text.left(), parts.text.top() + k * line, parts.text.width(), line);
                QVERIFY2(countPixels(shot, scaled(textLine), [&](QColor c) { return c != base && !isRed(c); }) > 10,
                         qPrintable(QStringLiteral("line %1 of row %2 is empty").arg(k + 1).arg(row)));
            }
        }
    }

    // A selected cell is the selection's colour as a whole, so that its (highlighted) text stays
    // readable on a kept photo's green: the style highlighted only an icon-mode item's text
    // rectangle, empty here, and the white text stood on pale green (a GUI review).
    void aSelectedKeptPhotoIsHighlightedWhole()
    {
        QStandardItemModel model;
        auto* item = new QStandardItem(QStringLiteral("04883.jpg\n★ kept reference\n⚑ suspect: likely mislabeled"));
        item->setData(QBrush(QColor(80, 170, 90, 70)), Qt::BackgroundRole);  // as PhotoGridModel paints a kept photo
        model.appendRow(item);
        QListView view;
        view.setModel(&model);
        PhotoGridDelegate delegate;
        QStyleOptionViewItem option;
        option.initFrom(&view);
        option.widget = &view;
        option.rect = QRect(0, 0, 160, 150);
        option.decorationSize = QSize(128, 96);
        option.state |= QStyle::State_Selected | QStyle::State_Enabled | QStyle::State_Active;
        QImage painted(option.rect.size(), QImage::Format_ARGB32);
        painted.fill(Qt::white);
        {
            QPainter painter(&painted);
            delegate.paint(&painter, option, model.index(0, 0));
        }
        // A corner of the cell, away from the thumbnail and the text: the selection's colour.
        const QColor highlight = option.palette.color(QPalette::Active, QPalette::Highlight);
        const QColor corner = painted.pixelColor(3, option.rect.height() - 3);
        QVERIFY2(std::abs(corner.red() - highlight.red()) + std::abs(corner.green() - highlight.green()) +
                         std::abs(corner.blue() - highlight.blue()) < 40,
                 qPrintable(QStringLiteral("corner %1, highlight %2").arg(corner.name(), highlight.name())));
    }

    // A class folder deleted while the project is open: its photos say they are no longer on disk
    // (a GUI review saw grey boxes that never filled), and show again once the folder is back and
    // read again.
    void photosGoneFromDiskSaySo()
    {
        QTemporaryDir dir;
        // Two classes: the first is shown (and its thumbnails loaded) when the folders are added;
        // the second is deleted before it is ever shown.
        QImage green(QSize(400, 300), QImage::Format_RGB32);
        green.fill(Qt::green);
        const auto fill = [&](const QString& folder) {
            return QDir().mkpath(folder) && green.save(folder + QStringLiteral("/a.png")) &&
                   green.save(folder + QStringLiteral("/b.png"));
        };
        const QString shown = dir.filePath(QStringLiteral("a-shown")), gone = dir.filePath(QStringLiteral("b-gone"));
        QVERIFY(fill(shown) && fill(gone));

        test::AppWindow app;
        app.window.resize(1280, 800);
        app.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&app.window));
        app.controller.addFolders({shown, gone});
        QTRY_COMPARE(app.controller.dataset().photoCount(), 4);
        app.controller.cancelEverything();  // embedding is not needed here
        QVERIFY(test::waitIdle(&app.controller, 60000));
        const int goneClass = app.controller.sources().indexOfFolder(QFileInfo(gone).canonicalFilePath());
        QVERIFY(goneClass >= 0);
        QVERIFY(QDir(gone).removeRecursively());
        app.controller.selectClass(goneClass);
        PhotoGridView* grid = app.window.photoGrid();
        QCOMPARE(grid->photoCount(), 2);
        QTRY_COMPARE(grid->model()->rowCount(), 2);  // fetched by the view as it paints
        const auto text = [&](int row) { return grid->model()->data(grid->model()->index(row, 0), Qt::DisplayRole).toString(); };
        for (int row = 0; row < 2; ++row)
            QTRY_VERIFY2_WITH_TIMEOUT(text(row).contains(QStringLiteral("no longer on disk")), qPrintable(text(row)), 20000);
        QVERIFY(grid->model()->data(grid->model()->index(0, 0), Qt::ToolTipRole).toString().contains(QStringLiteral("F4")));

        // Put back and read again: the thumbnails are tried again, and shown.
        QVERIFY(fill(gone));
        QSignalSpy listed(&app.controller, &ProjectController::datasetChanged);
        app.controller.embedPhotos();
        QTRY_VERIFY(!listed.isEmpty());  // the folders listed anew (the old list stays until then)
        QCOMPARE(app.controller.dataset().photoCount(), 4);
        app.controller.cancelEverything();
        QVERIFY(test::waitIdle(&app.controller, 60000));
        app.controller.selectClass(goneClass);
        QTRY_VERIFY_WITH_TIMEOUT(!app.controller.thumbnails()->thumbnail(QFileInfo(gone + QStringLiteral("/a.png")).absoluteFilePath()).isNull(), 20000);
        QTRY_COMPARE(grid->photoCount(), 2);
        QTRY_COMPARE(grid->model()->rowCount(), 2);
        for (int row = 0; row < 2; ++row) QVERIFY2(!text(row).contains(QStringLiteral("no longer")), qPrintable(text(row)));
    }
};

QTEST_MAIN(TestGuiPhotoGrid)
#include "tst_gui_photogrid.moc"
