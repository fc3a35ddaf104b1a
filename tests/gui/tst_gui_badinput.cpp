// The desktop application fed bad input (the GUI side of the bad-input issue): broken photos,
// awkward names and folders dropped on the window, damaged or foreign reference sets imported,
// results exported where they cannot be written. Every case must end in a clear message the user
// sees — a row in the skipped-files list or an error dialog (the controller's errorOccurred,
// which the window shows) — nothing may crash, and no destination may be left half-written.
#include "BadInputCorpus.h"
#include "GuiTestSupport.h"
#include "TestSupport.h"
#include "ReferenceSetFile.h"

#include "controller/ProjectController.h"
#include "views/SkippedFilesView.h"
#include "window/MainWindow.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <csignal>
#include <memory>
#include <sys/resource.h>

using namespace exemplar;
using namespace exemplar::ui;

class TestGuiBadInput : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString corpus_;
    int goodPhotos_ = 0;
    std::unique_ptr<test::AppWindow> app_;
    MainWindow* window_ = nullptr;

    ProjectController* controller() const { return window_->controller(); }
    QString path(const QString& name) const { return work_.filePath(name); }

    void addPhoto(const QString& relativePath, int seed)
    {
        QVERIFY(test::writeBytes(corpus_ + QLatin1Char('/') + relativePath, test::syntheticPhoto(seed, ".jpg")));
        ++goodPhotos_;
    }

    // Runs ACTION and returns the one error it must raise (empty when there was none or several);
    // the window must show that same message.
    template <typename Action>
    QString singleError(Action action)
    {
        QSignalSpy errors(controller(), &ProjectController::errorOccurred);
        action();
        test::waitIdle(controller(), 60000);
        if (errors.count() != 1) return QString();
        const QString message = errors.first().at(1).toString();
        return window_->lastError() == message ? message : QStringLiteral("(not shown in the window) ") + message;
    }

    QString skipReason(const QString& fileName) const
    {
        for (const SkippedFile& file : controller()->skippedFiles())
            if (QFileInfo(file.path).fileName() == fileName) return file.reason;
        return QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        EXEMPLAR_REQUIRE_MODEL();
        QStandardPaths::setTestModeEnabled(true);
        qputenv("EXEMPLAR_MODEL", test::defaultModelSpec().toLocal8Bit());
        QVERIFY(work_.isValid());
        corpus_ = path(QStringLiteral("corpus"));
        const QString unicodeClass = QStringLiteral("wild rosé 🌹 & co");
        for (const QString& folder : {unicodeClass, QStringLiteral("mixed"), QStringLiteral("empty class"),
                                      QStringLiteral("single"), QStringLiteral("twin")})
            QVERIFY(QDir().mkpath(corpus_ + QLatin1Char('/') + folder));
        addPhoto(unicodeClass + QStringLiteral("/fleur d'été 1.jpg"), 1);
        addPhoto(unicodeClass + QStringLiteral("/  photo № 2 .jpg"), 2);
        addPhoto(unicodeClass + QStringLiteral("/日本語の写真.jpg"), 3);
        for (int i = 0; i < 3; ++i) addPhoto(QStringLiteral("mixed/good %1.jpg").arg(i), 10 + i);
        addPhoto(QStringLiteral("single/only.jpg"), 20);
        addPhoto(QStringLiteral("twin/copy of fleur.jpg"), 1);  // byte-identical to the rosé class's photo
        addPhoto(QStringLiteral("twin/own.jpg"), 21);
        const QString mixed = corpus_ + QStringLiteral("/mixed/");
        QVERIFY(test::writeBrokenPhotos(mixed));

        app_ = std::make_unique<test::AppWindow>();
        window_ = &app_->window;
        window_->resize(1280, 800);
        window_->show();
        QVERIFY(test::dropPaths(window_, {corpus_}));
        QVERIFY2(test::waitIdle(controller(), 180000), "embedding the corpus did not finish");
    }

    void badPhotosAreListedWithReasons_data() { test::addBrokenPhotoRows(); }

    void badPhotosAreListedWithReasons()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        const QString given = skipReason(file);
        QVERIFY2(given.contains(reason), qPrintable(QStringLiteral("%1: \"%2\"").arg(file, given)));
        // … and the user sees it in the skipped-files list.
        QTreeWidget* list = window_->findChild<SkippedFilesView*>();
        QVERIFY(list);
        bool shown = false;
        for (int i = 0; i < list->topLevelItemCount(); ++i)
            shown |= list->topLevelItem(i)->text(0) == file && list->topLevelItem(i)->text(1) == given;
        QVERIFY2(shown, qPrintable(file));
    }

    void goodPhotosAreEmbeddedDespiteBadOnes()
    {
        QCOMPARE(controller()->embeddings().size(), goodPhotos_);
        QVERIFY(controller()->embeddings().classNames.contains(QStringLiteral("wild rosé 🌹 & co")));
        // A subfolder of the dropped corpus without photos is no class (it once was one, empty).
        QVERIFY(!controller()->embeddings().classNames.contains(QStringLiteral("empty class")));
        for (const SkippedFile& file : controller()->skippedFiles())
            QVERIFY2(!file.path.contains(QStringLiteral("rosé")), qPrintable(file.reason));
        QVERIFY(controller()->analysis());
    }

    void oddClassesAreReported_data()
    {
        QTest::addColumn<QString>("phrase");
        QTest::newRow("one-photo class") << "\"single\" has only one photo";
        QTest::newRow("same photo in two classes") << "copy of fleur.jpg";
    }

    void oddClassesAreReported()
    {
        QFETCH(QString, phrase);
        const QStringList warnings = controller()->datasetWarnings();
        QVERIFY2(warnings.filter(phrase).size() == 1, qPrintable(warnings.join(QLatin1Char('\n'))));
        QTreeWidget* list = window_->findChild<SkippedFilesView*>();
        bool shown = false;
        for (int i = 0; i < list->topLevelItemCount(); ++i) shown |= list->topLevelItem(i)->text(1).contains(phrase);
        QVERIFY(shown);
    }

    void badPhotosDroppedToClassifyGetAReason()
    {
        ProjectSettings settings = controller()->settings();
        settings.method = QStringLiteral("centroid");
        settings.holdoutFraction = 0;
        controller()->setSettings(settings);
        controller()->startTraining();
        QVERIFY(test::waitIdle(controller(), 120000));
        QVERIFY(controller()->activeReferenceSet());
        controller()->classifyPhotos({corpus_ + QStringLiteral("/mixed/bomb.png"), corpus_ + QStringLiteral("/mixed/zero.jpg")});
        QVERIFY(test::waitIdle(controller(), 60000));
        QCOMPARE(int(controller()->classifications().size()), 2);
        for (const ClassifiedPhoto& photo : controller()->classifications())
            QVERIFY2(!photo.error.isEmpty(), qPrintable(photo.path));
    }

    void badReferenceSetsAreRefused_data() { test::addBadReferenceSetRows(); }

    void badReferenceSetsAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, phrase);
        const QString valid = path(QStringLiteral("valid-other-model.exref"));
        if (!QFile::exists(valid))
            writeReferenceSet(test::referenceSetFromAnotherModel(controller()->embeddings().dim()), valid);
        QFile validFile(valid);
        QVERIFY(validFile.open(QIODevice::ReadOnly));
        const QByteArray bytes = validFile.readAll();
        QByteArray damaged = bytes;
        if (kind == QLatin1String("newer")) {
            QJsonObject json = QJsonDocument::fromJson(bytes).object();
            json.insert(QStringLiteral("format_version"), exemplar::kReferenceSetFormatVersion + 1);
            damaged = QJsonDocument(json).toJson();
        } else if (kind == QLatin1String("truncated")) {
            damaged = bytes.left(bytes.size() * 2 / 3);
        } else if (kind == QLatin1String("empty")) {
            damaged.clear();
        }
        const QString file = path(kind + QStringLiteral(".exref"));
        QVERIFY(test::writeBytes(file, damaged));
        const ReferenceSet* before = controller()->activeReferenceSet();
        const QString error = singleError([&] { controller()->importReferenceSet(file); });
        QVERIFY2(error.contains(phrase), qPrintable(error));
        QCOMPARE(controller()->activeReferenceSet(), before);  // the set in use stays in use
    }

    // Issue 13, defect 4: a FIFO given as a project or a reference set froze the GUI's main thread
    // (a black window, forever). Both are refused at once, with the kind of file named, and a
    // device as an export destination is refused and left as it was.
    void endlessFilesAreRefusedWithoutFreezing_data()
    {
        QTest::addColumn<QString>("what");
        QTest::newRow("FIFO opened as a project") << "project";
        QTest::newRow("FIFO imported as a reference set") << "set";
        QTest::newRow("/dev/zero imported as a reference set") << "zero";
    }

    void endlessFilesAreRefusedWithoutFreezing()
    {
        QFETCH(QString, what);
        const QString fifo = path(QStringLiteral("endless-%1.fifo").arg(what));
        if (what != QLatin1String("zero")) QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const QString error = singleError([&] {
            if (what == QLatin1String("project")) controller()->openProject(fifo);
            else controller()->importReferenceSet(what == QLatin1String("zero") ? QStringLiteral("/dev/zero") : fifo);
        });
        QVERIFY2(error.contains(what == QLatin1String("zero") ? QLatin1String("a character device") : QLatin1String("a FIFO")),
                 qPrintable(error));
    }

    void exportOntoADeviceIsRefused()
    {
        const QString node = path(QStringLiteral("device-node"));
        if (::mknod(QFile::encodeName(node).constData(), S_IFCHR | 0666, makedev(1, 3)) != 0)
            QSKIP("cannot make a device node here (not root)");
        const QString error = singleError([&] { controller()->saveProject(node); });
        QVERIFY2(error.contains(QLatin1String("a character device")), qPrintable(error));
        QVERIFY(QFileInfo(node).exists() && !QFileInfo(node).isFile());
    }

    void unwritableDestinationsAreReported_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("destination");
        QTest::newRow("reference set, no such folder") << "set" << "no/such/folder/set.exref";
        QTest::newRow("predictions, no such folder") << "predictions" << "no/such/folder/p.csv";
        QTest::newRow("metrics, no such folder") << "metrics" << "no/such/folder/m.json";
        QTest::newRow("project, no such folder") << "project" << "no/such/folder/p.exemplar";
        QTest::newRow("reference set, read-only folder") << "set" << "read-only/set.exref";
        QTest::newRow("project, read-only folder") << "project" << "read-only/p.exemplar";
    }

    void unwritableDestinationsAreReported()
    {
        QFETCH(QString, what);
        QFETCH(QString, destination);
        QString target = path(destination);
        if (destination.startsWith(QLatin1String("read-only"))) {
            const QString folder = path(QStringLiteral("read-only"));
            QDir().mkpath(folder);
            QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
            // Root writes into read-only folders; /proc takes no new files from anyone.
            if (test::writeBytes(folder + QStringLiteral("/probe"), "x")) {
                QFile::remove(folder + QStringLiteral("/probe"));
                target = QStringLiteral("/proc/exemplar-test-") + QFileInfo(destination).fileName();
            }
        }
        const QString error = singleError([&] {
            if (what == QLatin1String("set")) controller()->exportReferenceSet(target);
            else if (what == QLatin1String("predictions")) controller()->exportPredictions(target);
            else if (what == QLatin1String("metrics")) controller()->exportMetrics(target);
            else controller()->saveProject(target);
        });
        QVERIFY2(!error.isEmpty() && error.contains(target), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(controller()->projectPath() != QFileInfo(target).absoluteFilePath());
    }

    // A write that fails partway (a full disk, simulated by a file-size limit) leaves the file that
    // was there before as it was, and no temporary file beside it.
    // Save Project As and Export Reference Set onto a photo (or the exported set): a mistyped name
    // in a dialog replaced it, through a symbolic link too, where the CLI refused. Refused here as
    // there, byte for byte as it was.
    void savesNeverReplaceAnotherKindOfFile_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("victim");
        QTest::addColumn<QString>("name");
        QTest::newRow("project onto a photo") << "project" << "photo" << "victim";
        QTest::newRow("project onto a reference set") << "project" << "set" << "victim";
        QTest::newRow("reference set onto a photo") << "set" << "photo" << "victim";
        QTest::newRow("reference set onto a project") << "set" << "project" << "victim";
        QTest::newRow("predictions (CSV) onto a photo") << "predictions" << "photo" << "victim.csv";
        QTest::newRow("predictions (CSV) onto a project") << "predictions" << "project" << "victim.csv";
        QTest::newRow("predictions (JSON) onto a project") << "predictions" << "project" << "victim.json";
        QTest::newRow("metrics (JSON) onto a reference set") << "metrics" << "set" << "victim.json";
        QTest::newRow("metrics (CSV) onto a photo") << "metrics" << "photo" << "victim.csv";
    }
    void savesNeverReplaceAnotherKindOfFile()
    {
        QFETCH(QString, what);
        QFETCH(QString, victim);
        QFETCH(QString, name);
        const QString folder = path(QStringLiteral("kinds-%1-%2-%3").arg(what, victim, name));
        QVERIFY(QDir().mkpath(folder));
        const QString target = folder + QLatin1Char('/') + name;
        const QByteArray content = victim == QLatin1String("photo") ? QByteArray("\xFF\xD8\xFF\xE0") + " a photo"
                                   : victim == QLatin1String("set") ? QByteArray("{\"checksum\": \"00\", \"classes\": []}")
                                                                    : QByteArray("{\"classes\": [], \"format\": \"exemplar-project\"}");
        QVERIFY(test::writeBytes(target, content));
        const QString link = folder + QStringLiteral("/link.") + QFileInfo(name).suffix();
        QVERIFY(QFile::link(target, link));
        for (const QString& destination : {target, link}) {
            const QString error = singleError([&] {
                if (what == QLatin1String("project")) controller()->saveProject(destination);
                else if (what == QLatin1String("predictions")) controller()->exportPredictions(destination);
                else if (what == QLatin1String("metrics")) controller()->exportMetrics(destination);
                else controller()->exportReferenceSet(destination);
            });
            QVERIFY2(error.contains(QStringLiteral("exists and is not")), qPrintable(error));
            QFile file(target);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), content);
        }
    }

    // The kind checks above must not stop the common case: exporting again over the last export.
    void exportsReplaceTheirEarlierSelves_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("name");
        QTest::newRow("predictions, CSV") << "predictions" << "p.csv";
        QTest::newRow("predictions, JSON") << "predictions" << "p.json";
        QTest::newRow("metrics, CSV") << "metrics" << "m.csv";
        QTest::newRow("metrics, JSON") << "metrics" << "m.json";
    }
    void exportsReplaceTheirEarlierSelves()
    {
        QFETCH(QString, what);
        QFETCH(QString, name);
        const QString folder = path(QStringLiteral("again-") + name);
        QVERIFY(QDir().mkpath(folder));
        const QString target = folder + QLatin1Char('/') + name;
        QByteArray exported[2];
        for (QByteArray& bytes : exported) {
            QSignalSpy errors(controller(), &ProjectController::errorOccurred);
            if (what == QLatin1String("predictions")) controller()->exportPredictions(target);
            else controller()->exportMetrics(target);
            QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));
            QFile file(target);
            QVERIFY(file.open(QIODevice::ReadOnly));
            bytes = file.readAll();
        }
        QVERIFY(!exported[0].isEmpty());
        QCOMPARE(exported[1], exported[0]);
    }

    void failedExportLeavesThePreviousFile()
    {
        const QString folder = path(QStringLiteral("full-disk"));
        QVERIFY(QDir().mkpath(folder));
        const QString target = folder + QStringLiteral("/set.exref");
        const QByteArray previous = "{\"checksum\": \"previous reference set, must survive\"}\n";
        QVERIFY(test::writeBytes(target, previous));
        rlimit old{};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);  // a failing write(), not a killed process
        const rlimit small{1024, old.rlim_max};
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        const QString error = singleError([&] { controller()->exportReferenceSet(target); });
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY2(error.contains(target), qPrintable(error));
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), previous);
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("set.exref")});
    }

    void theErrorDialogIsShown()
    {
        // The window shows the controller's errors in a (non-blocking) dialog.
        const QString error = singleError([&] { controller()->importReferenceSet(path(QStringLiteral("missing.exref"))); });
        QVERIFY(!error.isEmpty());
        bool shown = false;
        for (QMessageBox* box : window_->findChildren<QMessageBox*>()) shown |= box->isVisible() && box->text() == error;
        QVERIFY(shown);
    }
};

QTEST_MAIN(TestGuiBadInput)
#include "tst_gui_badinput.moc"
