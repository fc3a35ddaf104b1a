// The photo grid's cells at any photo shape: a tall (portrait) photo with a long file name must be
// drawn inside its thumbnail box, and its name in the band reserved below it, elided, never under
// the image. Checked on the pixels of the grid as painted: the photo is pure red, so any red pixel
// in a text band is the image overdrawing the name.
#include "GuiTestSupport.h"

#include "views/PhotoGridDelegate.h"
#include "views/PhotoGridView.h"
#include "thumbnails/ThumbnailCache.h"

#include <QImage>
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
        app.controller.cancel();  // embedding is not needed here
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
};

QTEST_MAIN(TestGuiPhotoGrid)
#include "tst_gui_photogrid.moc"
