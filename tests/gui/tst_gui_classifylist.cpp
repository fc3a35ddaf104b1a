// The Classify tab's list of classified photos (ClassificationListModel drawn by
// ClassificationCardDelegate): thousands of photos listed without a widget each, every row saying
// what the set answered (a class, "unknown" and why, or why the photo could not be classified)
// with the top-K classes the setting asks for, and the photo's thumbnail drawn inside its own box.
// The classifications come from a project file, as a saved project brings them back.
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "ReferenceSetFile.h"
#include "project/ProjectFile.h"
#include "thumbnails/ThumbnailCache.h"
#include "views/ClassificationCardDelegate.h"
#include "views/ClassificationListModel.h"
#include "views/ClassifyView.h"

#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListView>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace exemplar;
using namespace exemplar::ui;
using test::countPixels;
using test::isRed;

namespace {

const ModelIdentity kSyntheticModel{QStringLiteral("synthetic-net"), QString(64, QLatin1Char('d')), 64};
constexpr int kPhotos = 3000;

// Every third photo answered, every third unknown, every third unreadable; ranked best first.
std::vector<ClassifiedPhoto> syntheticClassifications(const QString& firstPhoto, const QString& folder, int classes)
{
    std::vector<ClassifiedPhoto> photos;
    for (int i = 0; i < kPhotos; ++i) {
        ClassifiedPhoto photo;
        photo.path = i == 0 ? firstPhoto : QStringLiteral("%1/photo_%2.jpg").arg(folder).arg(i);
        if (i % 3 == 2) {
            photo.error = QStringLiteral("not a photo (no image format recognised)");
        } else {
            for (int c = 0; c < classes; ++c)
                photo.prediction.ranked.push_back({(i + c) % classes, 0.9f - 0.05f * c, -1});
            photo.prediction.margin = 0.05f;
            photo.prediction.unknown = i % 3 == 1;
            photo.prediction.unknownScore = photo.prediction.unknown ? 0.1f : 0.9f;
        }
        photos.push_back(photo);
    }
    return photos;
}

} // namespace

class TestGuiClassifyList : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("ExemplarTest"));
    }

    void listsEveryPhotoWithoutAWidgetEach_data()
    {
        QTest::addColumn<int>("topK");
        QTest::newRow("top 1") << 1;
        QTest::newRow("top 3") << 3;
        QTest::newRow("top 20, more than the classes") << 20;
    }

    void listsEveryPhotoWithoutAWidgetEach()
    {
        QFETCH(int, topK);
        QTemporaryDir dir;
        test::AppWindow app;
        app.window.resize(1280, 800);
        app.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&app.window));
        const QString project = saveProjectWithClassifications(app, dir, topK);
        QVERIFY(!project.isEmpty());
        app.controller.openProject(project);
        QVERIFY(test::waitIdle(&app.controller, 120000));
        const ReferenceSet* set = app.controller.activeReferenceSet();
        QVERIFY(set);
        const int classes = int(set->head.classNames.size());

        ClassifyView* view = app.window.classifyView();
        app.window.findChild<QTabWidget*>()->setCurrentWidget(view);
        QListView* list = view->resultList();
        QAbstractItemModel* model = list->model();
        QCOMPARE(model->rowCount(), kPhotos);
        // One card per photo is painted, not built: the list holds no widget per row.
        QVERIFY2(list->findChildren<QWidget*>().size() < 20, qPrintable(QString::number(list->findChildren<QWidget*>().size())));

        const QModelIndex answered = model->index(0, 0), unknown = model->index(1, 0), failed = model->index(2, 0);
        QCOMPARE(answered.data(ClassificationListModel::OutcomeRole).toInt(), int(ClassificationListModel::Classified));
        QCOMPARE(unknown.data(ClassificationListModel::OutcomeRole).toInt(), int(ClassificationListModel::Unknown));
        QCOMPARE(failed.data(ClassificationListModel::OutcomeRole).toInt(), int(ClassificationListModel::Failed));
        const ClassifiedPhoto& first = app.controller.classifications().front();
        QVERIFY2(answered.data(Qt::DisplayRole).toString().contains(set->head.classNames[first.prediction.bestClass()]),
                 qPrintable(answered.data(Qt::DisplayRole).toString()));
        const Prediction& unknownPrediction = app.controller.classifications()[1].prediction;
        QVERIFY2(unknown.data(ClassificationListModel::VerdictRole).toString().contains(
                     set->head.unknownReason(unknownPrediction).toHtmlEscaped()),
                 qPrintable(unknown.data(ClassificationListModel::VerdictRole).toString()));
        QVERIFY(failed.data(Qt::DisplayRole).toString().contains(QLatin1String("could not be classified")));
        QVERIFY(failed.data(ClassificationListModel::RankedRole).toList().isEmpty());

        // The top K of the setting, in the prediction's order, with the set's names.
        const QVariantList ranked = answered.data(ClassificationListModel::RankedRole).toList();
        QCOMPARE(int(ranked.size()), std::min(topK, classes));
        for (int i = 0; i < ranked.size(); ++i) {
            const QVariantMap entry = ranked[i].toMap();
            const int c = first.prediction.ranked[size_t(i)].classIndex;
            QCOMPARE(entry.value(QLatin1String(ClassificationListModel::kClassIndex)).toInt(), c);
            QCOMPARE(entry.value(QLatin1String(ClassificationListModel::kName)).toString(), set->head.classNames[c]);
        }
        // Each card is as wide as the list shows, no wider (no horizontal scrolling to see the
        // nearest references at the right), and as tall as what it lists.
        QVERIFY2(list->visualRect(answered).right() < list->viewport()->width(),
                 qPrintable(QStringLiteral("%1 in %2").arg(list->visualRect(answered).right()).arg(list->viewport()->width())));
        QVERIFY(!list->horizontalScrollBar()->isVisible());
        const int lineHeight = list->fontMetrics().lineSpacing();
        QCOMPARE(list->visualRect(answered).height(),
                 ClassificationCardDelegate::cardHeight(std::min(topK, classes), lineHeight));
        QCOMPARE(list->visualRect(failed).height(), ClassificationCardDelegate::cardHeight(0, lineHeight));

        // Another top K lists that many classes from then on.
        ProjectSettings settings = app.controller.settings();
        settings.topK = topK == 1 ? 2 : 1;
        app.controller.setSettings(settings);
        QCOMPARE(int(model->index(0, 0).data(ClassificationListModel::RankedRole).toList().size()), settings.topK);
        QCOMPARE(model->rowCount(), kPhotos);

        // The photo is drawn inside its box, not beside or below it.
        QTRY_VERIFY_WITH_TIMEOUT(!app.controller.thumbnails()->thumbnail(first.path).isNull(), 20000);
        list->scrollToTop();
        QApplication::processEvents();
        const QImage shot = list->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        const QRect card = list->visualRect(model->index(0, 0));
        const auto parts = ClassificationCardDelegate::layout(card, settings.topK, lineHeight);
        const QSize scale(shot.width() / std::max(1, list->viewport()->width()), shot.height() / std::max(1, list->viewport()->height()));
        QCOMPARE(scale, QSize(1, 1));
        const int inside = countPixels(shot, parts.photo, isRed);
        QVERIFY2(inside > parts.photo.width() * parts.photo.height() / 4, qPrintable(QString::number(inside)));
        // Nowhere else on the card but in the classes' colour swatches (a class may be red).
        int swatches = 0;
        for (const QRect& row : parts.classRows) swatches += countPixels(shot, QRect(row.left(), row.top(), 12, row.height()), isRed);
        QCOMPARE(countPixels(shot, card, isRed) - swatches, inside);
    }

    void clearingEmptiesTheList()
    {
        QTemporaryDir dir;
        test::AppWindow app;
        const QString project = saveProjectWithClassifications(app, dir, 3);
        QVERIFY(!project.isEmpty());
        app.controller.openProject(project);
        QVERIFY(test::waitIdle(&app.controller, 120000));
        QCOMPARE(app.window.classifyView()->resultList()->model()->rowCount(), kPhotos);
        app.controller.clearClassifications();
        QCOMPARE(app.window.classifyView()->resultList()->model()->rowCount(), 0);
    }

    // A project keeps every classified photo with its whole ranking (the JSON export writes it),
    // and must open again however many there are: 10,000 photos of 200 classes.
    void manyClassifiedPhotosOpenAgain()
    {
        QTemporaryDir dir;
        constexpr int kClasses = 200, kMany = 10000;
        ProjectDocument document;
        for (int i = 0; i < kMany; ++i) {
            ClassifiedPhoto photo;
            photo.path = QStringLiteral("%1/a fairly long folder name/IMG_2026_%2.jpg").arg(dir.path()).arg(i);
            for (int c = 0; c < kClasses; ++c)
                photo.prediction.ranked.push_back({(i + c) % kClasses, 0.987654f - 0.00321f * c, 1234 + c});
            photo.prediction.margin = 0.00321f;
            photo.prediction.unknownScore = 0.5f;
            document.classifications.push_back(std::move(photo));
        }
        const QString path = dir.filePath(QStringLiteral("many.exemplar"));
        writeProject(document, path);
        // Packed, far under the 64 MB a project could be before (the JSON arrays took 244 MB).
        const qint64 bytes = QFileInfo(path).size();
        qInfo("%d photos of %d classes: a project of %.1f MB", kMany, kClasses, bytes / 1048576.0);
        QVERIFY2(bytes < (48ll << 20), qPrintable(QString::number(bytes)));
        // The bound that refuses a project too large to open again holds, and is not far above.
        const qint64 bound = classificationBytesBound(document);
        QVERIFY2(bound >= bytes && bound < 2 * bytes, qPrintable(QStringLiteral("%1 for %2").arg(bound).arg(bytes)));
        const ProjectDocument reopened = readProject(path);
        QCOMPARE(int(reopened.classifications.size()), kMany);
        const ClassifiedPhoto& last = reopened.classifications.back();
        QCOMPARE(last.path, document.classifications.back().path);
        QCOMPARE(int(last.prediction.ranked.size()), kClasses);
        QCOMPARE(last.prediction.ranked[7].classIndex, document.classifications.back().prediction.ranked[7].classIndex);
        QCOMPARE(last.prediction.ranked[7].referenceIndex, 1234 + 7);
        QCOMPARE(last.prediction.ranked[7].score, document.classifications.back().prediction.ranked[7].score);
    }

    // What a project file says of one photo's ranking, as written by this version, by format 1
    // (JSON arrays), or damaged: read back whole, or the photo marked for classifying again.
    void savedRankingReadBack_data()
    {
        QTest::addColumn<QJsonValue>("ranking");  // null: leave the file as written
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("classesBack");      // -1: damaged
        QTest::newRow("as written") << QJsonValue() << QString() << 3;
        QTest::newRow("format 1 arrays")
            << QJsonValue(QJsonArray{QJsonArray{2, 0.75, 7}, QJsonArray{0, 0.5, 1}, QJsonArray{1, 0.25, 4}})
            << QStringLiteral("ranked") << 3;
        QTest::newRow("not base64") << QJsonValue(QStringLiteral("!!!!%%%%!!!!%%%%")) << QStringLiteral("ranking") << -1;
        QTest::newRow("a partial record") << QJsonValue(QStringLiteral("AAAAAAAAAAAAAAAAAAAA")) << QStringLiteral("ranking") << -1;
        QTest::newRow("a number") << QJsonValue(12) << QStringLiteral("ranking") << -1;
        QTest::newRow("empty: no classes") << QJsonValue(QString()) << QStringLiteral("ranking") << 0;
    }

    void savedRankingReadBack()
    {
        QFETCH(QJsonValue, ranking);
        QFETCH(QString, key);
        QFETCH(int, classesBack);
        QTemporaryDir dir;
        ProjectDocument document;
        ClassifiedPhoto photo;
        photo.path = dir.filePath(QStringLiteral("a.jpg"));
        photo.prediction.ranked = {{2, 0.75f, 7}, {0, 0.5f, 1}, {1, 0.25f, 4}};
        photo.prediction.margin = 0.25f;
        document.classifications.push_back(photo);
        const QString path = dir.filePath(QStringLiteral("p.exemplar"));
        writeProject(document, path);
        if (!key.isEmpty()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
            file.close();
            QJsonArray classified = root.value(QStringLiteral("classifications")).toArray();
            QJsonObject entry = classified.at(0).toObject();
            entry.remove(QStringLiteral("ranking"));
            entry.insert(key, ranking);
            classified[0] = entry;
            root.insert(QStringLiteral("classifications"), classified);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(QJsonDocument(root).toJson());
        }
        const ProjectDocument reopened = readProject(path);
        QCOMPARE(int(reopened.classifications.size()), 1);
        const ClassifiedPhoto& back = reopened.classifications.front();
        QCOMPARE(back.path, photo.path);
        if (classesBack < 0) {
            QVERIFY2(back.error.contains(QLatin1String("classify it again")), qPrintable(back.error));
            QVERIFY(back.prediction.ranked.empty());
            return;
        }
        QVERIFY2(back.error.isEmpty(), qPrintable(back.error));
        QCOMPARE(int(back.prediction.ranked.size()), classesBack);
        for (int i = 0; i < classesBack; ++i) {
            QCOMPARE(back.prediction.ranked[size_t(i)].classIndex, photo.prediction.ranked[size_t(i)].classIndex);
            QCOMPARE(back.prediction.ranked[size_t(i)].score, photo.prediction.ranked[size_t(i)].score);
            QCOMPARE(back.prediction.ranked[size_t(i)].referenceIndex, photo.prediction.ranked[size_t(i)].referenceIndex);
        }
    }

private:
    // A set trained on synthetic embeddings, written as an .exref, and a project that imports it
    // and holds kPhotos classifications, the first of a real (red) photo; its path, or empty.
    static QString saveProjectWithClassifications(test::AppWindow& app, const QTemporaryDir& dir, int topK)
    {
        app.controller.loadEmbeddings(std::make_shared<const EmbeddingSet>(test::nearIdenticalClasses(12, 10, 64, 5)),
                                      kSyntheticModel);
        ProjectSettings settings = app.controller.settings();
        settings.method = QStringLiteral("centroid");
        app.controller.setSettings(settings);
        if (!test::waitIdle(&app.controller, 120000)) return {};
        app.controller.startTraining();
        if (!test::waitIdle(&app.controller, 120000) || !app.controller.activeReferenceSet()) return {};
        const QString setPath = dir.filePath(QStringLiteral("set.exref"));
        writeReferenceSet(*app.controller.activeReferenceSet(), setPath);

        QImage red(QSize(400, 300), QImage::Format_RGB32);
        red.fill(Qt::red);
        const QString photo = dir.filePath(QStringLiteral("red.png"));
        if (!red.save(photo)) return {};
        ProjectDocument document;
        document.settings = settings;
        document.settings.topK = topK;
        document.importedReferenceSet = setPath;
        document.classifications = syntheticClassifications(
            photo, dir.path(), int(app.controller.activeReferenceSet()->head.classNames.size()));
        const QString path = dir.filePath(QStringLiteral("classified.exemplar"));
        writeProject(document, path);
        return path;
    }
};

QTEST_MAIN(TestGuiClassifyList)
#include "tst_gui_classifylist.moc"
