// The controller and its tasks with no model and no photo sets: synthetic embeddings through
// loadEmbeddings, project files written and read for real. Each slot builds its own controller
// and files, so none depends on another's state.
#include "GuiTestSupport.h"
#include "SyntheticEmbeddings.h"

#include "Error.h"
#include "HonestEvaluation.h"
#include "LearningCurve.h"
#include "TrainWorkflow.h"
#include "controller/ProjectController.h"
#include "ReferenceSetFile.h"
#include "project/ProjectFile.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <algorithm>

#include <fcntl.h>
#include <sys/stat.h>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

const ModelIdentity kSyntheticModel{QStringLiteral("synthetic-net"), QString(64, QLatin1Char('b')), 16};

std::shared_ptr<const EmbeddingSet> syntheticPhotos()
{
    return std::make_shared<const EmbeddingSet>(test::makeClusteredSet({10, 12, 9}, 16, 0.4f, 21));
}

// A controller holding synthetic embeddings and a set trained on them (class means: quick).
void loadAndTrain(ProjectController* controller)
{
    controller->loadEmbeddings(syntheticPhotos(), kSyntheticModel);
    QVERIFY(test::waitIdle(controller, 60000));
    ProjectSettings settings = controller->settings();
    settings.method = QStringLiteral("centroid");
    controller->setSettings(settings);
    controller->startTraining();
    QVERIFY(test::waitIdle(controller, 60000));
    QVERIFY(controller->training());
}

// Plain one-colour photos at the relative paths NAMES under ROOT (their folders made as needed).
bool writePhotos(const QString& root, std::initializer_list<const char*> names, QSize size, Qt::GlobalColor colour)
{
    for (const char* name : names) {
        const QString path = root + QLatin1Char('/') + QLatin1String(name);
        QImage photo(size, QImage::Format_RGB32);
        photo.fill(colour);
        if (!QDir().mkpath(QFileInfo(path).absolutePath()) || !photo.save(path)) return false;
    }
    return true;
}

QJsonObject projectJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Edits the project file at PATH by hand: setting KEY becomes VALUE (removed when undefined).
bool editSetting(const QString& path, const QString& key, const QJsonValue& value)
{
    QJsonObject json = projectJson(path);
    QJsonObject settings = json.value(QStringLiteral("settings")).toObject();
    if (value.isUndefined())
        settings.remove(key);
    else
        settings.insert(key, value);
    json.insert(QStringLiteral("settings"), settings);
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(QJsonDocument(json).toJson()) > 0;
}

// PATH's top-level KEY replaced by VALUE.
bool editTopLevel(const QString& path, const QString& key, const QJsonValue& value)
{
    QJsonObject json = projectJson(path);
    json.insert(key, value);
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(QJsonDocument(json).toJson()) > 0;
}

} // namespace

class TestProjectController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void trainsWithoutRunningANetwork()
    {
        ProjectController controller;
        loadAndTrain(&controller);
        const ReferenceSet& set = controller.training()->set;
        QCOMPARE(set.modelName, kSyntheticModel.name);  // recorded from where the embeddings came from
        QCOMPARE(set.method, QStringLiteral("centroid"));
        QVERIFY(controller.training()->hasHeldOut());
        QVERIFY(controller.activeReferenceSet());
    }

    // The defect: open a project with a trained set and save it at once (or after its photos
    // moved): the saved file had no training, and the set was gone on the next open.
    void openThenSaveAtOnceKeepsTheTrainedSet()
    {
        QTemporaryDir dir;
        const QString first = dir.filePath(QStringLiteral("first.exemplar"));
        const QString second = dir.filePath(QStringLiteral("second.exemplar"));
        int references = 0;
        {
            ProjectController controller;
            loadAndTrain(&controller);
            references = controller.training()->set.head.referenceCount();
            QVERIFY(controller.saveProject(first));
        }
        // Loaded embeddings name no real folder: on reopening, every photo is "gone", as when a
        // project's photos have moved.
        ProjectController reopened;
        QVERIFY(test::openProject(&reopened, first));
        QVERIFY(reopened.training());
        QVERIFY(reopened.saveProject(second));  // at once, while its (empty) rescan settles
        QVERIFY(test::waitIdle(&reopened, 30000));
        QVERIFY(reopened.training());

        const ProjectDocument saved = readProject(second);
        QVERIFY(saved.training != nullptr);
        QCOMPARE(saved.training->set.head.referenceCount(), references);
        QCOMPARE(saved.training->heldOutPaths.size(), readProject(first).training->heldOutPaths.size());
    }

    // Opening reads the file as a task (a reference set of hundreds of MB takes seconds): the call
    // returns at once with the project unchanged; a canceled open, or a file that cannot be read,
    // leaves it as it was, trained set and all.
    void openingIsATaskThatLeavesTheProjectUntilRead_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("read") << QStringLiteral("read");
        QTest::newRow("canceled") << QStringLiteral("canceled");
        QTest::newRow("not a project") << QStringLiteral("not a project");
        QTest::newRow("missing") << QStringLiteral("missing");
    }
    void openingIsATaskThatLeavesTheProjectUntilRead()
    {
        QFETCH(QString, how);
        QTemporaryDir dir;
        const QString saved = dir.filePath(QStringLiteral("saved.exemplar"));
        {
            ProjectController other;
            loadAndTrain(&other);
            QVERIFY(other.saveProject(saved));
        }
        ProjectController controller;
        loadAndTrain(&controller);
        const QString current = QFileInfo(dir.filePath(QStringLiteral("current.exemplar"))).absoluteFilePath();
        QVERIFY(controller.saveProject(current));
        const TrainingOutcome* training = controller.training();

        QString path = saved;
        if (how == QLatin1String("not a project")) {
            path = dir.filePath(QStringLiteral("damaged.exemplar"));
            QFile damaged(path);
            QVERIFY(damaged.open(QIODevice::WriteOnly) && damaged.write("{\"format\": \"exemplar-pro") > 0);
        } else if (how == QLatin1String("missing")) {
            path = dir.filePath(QStringLiteral("nowhere.exemplar"));
        }
        QSignalSpy opening(&controller, &ProjectController::openingChanged);
        QSignalSpy opened(&controller, &ProjectController::projectOpened);
        QSignalSpy errors(&controller, &ProjectController::errorOccurred);
        controller.openProject(path);
        QVERIFY(controller.isOpening());
        QCOMPARE(controller.projectPath(), current);
        QCOMPARE(controller.training(), training);
        if (how == QLatin1String("canceled")) controller.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isOpening(), 60000);
        QCOMPARE(opening.count(), 2);
        QCOMPARE(opening.at(0).at(0).toBool(), true);
        QCOMPARE(opening.at(1).at(0).toBool(), false);
        if (how == QLatin1String("read")) {
            QCOMPARE(opened.count(), 1);
            QCOMPARE(controller.projectPath(), QFileInfo(saved).absoluteFilePath());
            QVERIFY(controller.training());  // (the saved one may reuse the old one's address)
            QVERIFY(errors.isEmpty());
        } else {
            QCOMPARE(opened.count(), 0);
            QCOMPARE(controller.projectPath(), current);
            QCOMPARE(controller.training(), training);
            QVERIFY(!controller.isModified());
            QCOMPARE(errors.count(), how == QLatin1String("canceled") ? 0 : 1);
        }
        QVERIFY(test::waitIdle(&controller, 30000));
    }

    // The file is read beside the project's own work, not after it: that work goes on, and when
    // the file cannot be read its result is applied as if nothing had been asked (the defect: the
    // open canceled it first, and a missing file left the project without it).
    void aFailedOpenLeavesTheRunningWorkAlone()
    {
        QTemporaryDir dir;
        ProjectController controller;
        loadAndTrain(&controller);
        QVERIFY(!controller.comparison());
        controller.compareMethods();
        QVERIFY(controller.isBusy());
        QVERIFY(!test::openProject(&controller, dir.filePath(QStringLiteral("nowhere.exemplar"))));
        QVERIFY(test::waitIdle(&controller, 120000));
        QVERIFY2(controller.comparison(), "the comparison under way was dropped by the failed open");
    }

    // Stop during a comparison keeps the methods already measured (a GUI review: minutes of work at
    // 200 classes vanished), says it stopped, and recommends none from a part.
    void aStoppedComparisonKeepsItsFinishedMethods()
    {
        ProjectController controller;
        loadAndTrain(&controller);
        ProjectSettings settings = controller.settings();
        // The second is long (an optimization of 1,000 steps per repetition): Stop lands in it.
        settings.comparisonMethods = QStringList{"all", "least-central", "linear", "whitened-linear"};
        settings.comparisonRepeats = 3;
        settings.budget = 1000;
        controller.setSettings(settings);
        bool stopped = false;
        connect(&controller, &ProjectController::comparisonProgressed, this, [&] {
            if (!stopped) controller.cancel();
            stopped = true;
        });
        controller.compareMethods();
        QVERIFY(test::waitIdle(&controller, 300000));
        QVERIFY(stopped);
        QVERIFY2(controller.comparison(), "the finished methods were dropped");
        const int kept = int(controller.comparison()->methods.size());
        QVERIFY2(kept >= 1 && kept < 4, qPrintable(QString::number(kept)));
        QCOMPARE(controller.comparison()->methods.front().name, QStringLiteral("all"));
        QCOMPARE(controller.comparison()->recommended, -1);
        QVERIFY2(controller.comparison()->warnings.join(QLatin1Char(' ')).contains(QStringLiteral("Stopped after")),
                 qPrintable(controller.comparison()->warnings.join(QLatin1Char(' '))));
    }

    // The label-next list's message follows the unlabeled folders at once: "add a folder" stayed
    // while a folder just added was being embedded.
    void theLabelNextMessageFollowsTheFolders()
    {
        QTemporaryDir dir;
        QImage photo(32, 24, QImage::Format_RGB32);
        photo.fill(Qt::darkCyan);
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("pile"))));
        QVERIFY(photo.save(dir.filePath(QStringLiteral("pile/a.png"))));
        ProjectController controller;
        loadAndTrain(&controller);
        QVERIFY2(controller.labelingList().unavailable.contains(QStringLiteral("add a folder")),
                 qPrintable(controller.labelingList().unavailable));
        controller.addUnlabeledFolders({dir.filePath(QStringLiteral("pile"))});
        QVERIFY2(controller.labelingList().unavailable.contains(QStringLiteral("embedded yet")),
                 qPrintable(controller.labelingList().unavailable));
        QVERIFY(test::waitIdle(&controller, 120000));
    }

    // A change that comes in while the project is written (a drop: Qt does not count drops as user
    // input, so the save's event loop delivers them) is not in the file: the project stays modified.
    void aChangeDuringTheSaveLeavesTheProjectModified()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("saved.exemplar"));
        ProjectController controller;
        loadAndTrain(&controller);
        const int budget = controller.settings().budget;
        QTimer::singleShot(0, &controller, [&controller] {
            ProjectSettings settings = controller.settings();
            settings.budget += 3;
            controller.setSettings(settings);
        });
        QVERIFY(controller.saveProject(path));
        QCOMPARE(controller.settings().budget, budget + 3);
        QVERIFY(controller.isModified());
        QCOMPARE(readProject(path).settings.budget, budget);
        QVERIFY(controller.saveProject(path));
        QVERIFY(!controller.isModified());
        QCOMPARE(readProject(path).settings.budget, budget + 3);
    }

    // Saving writes off the GUI thread (a newly trained set of hundreds of MB takes seconds): the
    // event loop runs meanwhile, so the window paints, yet the project is not changed under the
    // save: a training that ends meanwhile is applied after it, and leaves the project modified.
    void savingKeepsTheEventLoopRunningAndTheProjectStill()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("saved.exemplar"));
        ProjectController controller;
        loadAndTrain(&controller);
        const QByteArray saved = referenceSetFingerprint(controller.training()->set);
        bool ranDuringSave = false;
        QTimer::singleShot(0, &controller, [&ranDuringSave] { ranDuringSave = true; });
        ProjectSettings settings = controller.settings();
        settings.method = QStringLiteral("whitened-centroid");
        controller.setSettings(settings);
        controller.startTraining();
        QVERIFY(controller.saveProject(path));
        QVERIFY2(ranDuringSave, "the event loop did not run while the project was written");
        QVERIFY(test::waitIdle(&controller, 60000));
        QCOMPARE(controller.training()->set.method, QStringLiteral("whitened-centroid"));
        QVERIFY(controller.isModified());  // the new training is not what was saved
        const ProjectDocument document = readProject(path);
        QVERIFY(document.training);
        QCOMPARE(referenceSetFingerprint(document.training->set), saved);
    }

    // Saving a set that a sidecar already holds keeps that file (the same project) or copies it
    // (Save As), instead of serializing the set again; a sidecar changed meanwhile, or a new
    // training, is written anew. Each way the project opens with the set it was saved with.
    void savingAgainKeepsOrCopiesTheSidecar()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p.exemplar"));
        const QString sidecar = referenceSetSidecarPath(project);
        ProjectController controller;
        loadAndTrain(&controller);
        const QByteArray trained = referenceSetFingerprint(controller.training()->set);
        QVERIFY(controller.saveProject(project));
        struct stat first{};
        QCOMPARE(::stat(QFile::encodeName(sidecar).constData(), &first), 0);

        // Saved again: the very same file (a rewrite replaces it: a new inode).
        QVERIFY(controller.saveProject(project));
        struct stat again{};
        QCOMPARE(::stat(QFile::encodeName(sidecar).constData(), &again), 0);
        QCOMPARE(again.st_ino, first.st_ino);

        // Save As: a byte-for-byte copy beside the new project.
        const QString other = dir.filePath(QStringLiteral("other.exemplar"));
        QVERIFY(controller.saveProject(other));
        const auto bytes = [](const QString& path) {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QVERIFY(!bytes(sidecar).isEmpty());
        QCOMPARE(bytes(referenceSetSidecarPath(other)), bytes(sidecar));
        QCOMPARE(referenceSetFingerprint(readProject(other).training->set), trained);

        // The copy's sidecar replaced behind the window's back (another set's file): written anew.
        ReferenceSet foreign = controller.training()->set;
        foreign.method = QStringLiteral("whitened-centroid");
        writeReferenceSet(foreign, referenceSetSidecarPath(other));
        QVERIFY(controller.saveProject(other));
        QCOMPARE(readProject(other).training->set.method, QStringLiteral("centroid"));
        QCOMPARE(referenceSetFingerprint(readProject(other).training->set), trained);

        // Replaced by a set of the same size with its time put back (cp -p, rsync -t, a disk that
        // keeps time to 2 s): its checksum differs, so it is written anew.
        QVERIFY(controller.saveProject(other));
        const QString otherSidecar = referenceSetSidecarPath(other);
        struct stat kept{};
        QCOMPARE(::stat(QFile::encodeName(otherSidecar).constData(), &kept), 0);
        ReferenceSet sameSize = controller.training()->set;
        sameSize.head.bias[0] += 1.0f;  // another set, the same number of bytes
        writeReferenceSet(sameSize, otherSidecar);
        const struct timespec times[2] = {kept.st_atim, kept.st_mtim};
        QCOMPARE(::utimensat(AT_FDCWD, QFile::encodeName(otherSidecar).constData(), times, 0), 0);
        QCOMPARE(QFileInfo(otherSidecar).size(), qint64(kept.st_size));
        QVERIFY(controller.saveProject(other));
        QCOMPARE(referenceSetFingerprint(readProject(other).training->set), trained);

        // Reopened, then saved: the file it was read from is kept.
        ProjectController reopened;
        reopened.openProject(project);
        QVERIFY(test::waitIdle(&reopened, 30000));
        QVERIFY(reopened.training());
        QVERIFY(reopened.saveProject(project));
        struct stat reopenedSave{};
        QCOMPARE(::stat(QFile::encodeName(sidecar).constData(), &reopenedSave), 0);
        QCOMPARE(reopenedSave.st_ino, first.st_ino);

        // Another training: written anew.
        ProjectSettings settings = controller.settings();
        settings.method = QStringLiteral("whitened-centroid");
        controller.setSettings(settings);
        controller.startTraining();
        QVERIFY(test::waitIdle(&controller, 60000));
        QVERIFY(controller.saveProject(project));
        QCOMPARE(readProject(project).training->set.method, QStringLiteral("whitened-centroid"));
    }

    // One text of the project far longer than any a project writes (a damaged or hostile file: a
    // "ranking" of 65 MB) is refused before parsing, which would take gigabytes to read it; a
    // long one within bounds only costs that photo its result.
    void aProjectWithAnEndlessTextIsRefusedBeforeParsing_data()
    {
        QTest::addColumn<int>("megabytes");
        QTest::addColumn<bool>("refused");
        QTest::newRow("65 MB") << 65 << true;
        QTest::newRow("17 MB, longer than any ranking") << 17 << false;
        QTest::newRow("1 MB") << 1 << false;
    }
    void aProjectWithAnEndlessTextIsRefusedBeforeParsing()
    {
        QFETCH(int, megabytes);
        QFETCH(bool, refused);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("endless.exemplar"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\": \"exemplar-project\", \"format_version\": 2, \"classifications\": [{\"path\": \"/a.jpg\", \"ranking\": \"");
        file.write(QByteArray((megabytes << 20) + 1, 'A'));  // not whole records either
        file.write("\"}]}");
        file.close();
        try {
            const ProjectDocument document = readProject(path);
            QVERIFY2(!refused, "read");
            QCOMPARE(int(document.classifications.size()), 1);
            QVERIFY(document.classifications.front().prediction.ranked.empty());
            QVERIFY(document.classifications.front().error.contains(QStringLiteral("classify it again")));
        } catch (const Error& error) {
            QVERIFY2(refused, qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("a text of 65 MB")), qPrintable(error.message()));
        }
    }

    // A name, path, method or message far longer than any a project writes was laid out in a
    // widget on the GUI thread: a 10 MB class name froze the window 19 s per paint. Such a project
    // is refused, whichever field holds the text; one at the limit opens.
    void aProjectWithAnEndlessNameIsRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("length");
        QTest::addColumn<bool>("refused");
        QTest::newRow("class name, 1 MB") << "name" << (1 << 20) << true;
        QTest::newRow("class folder, 20,000") << "folder" << 20000 << true;
        QTest::newRow("method, 100,000") << "method" << 100000 << true;
        QTest::newRow("classified photo's error, 1 MB") << "error" << (1 << 20) << true;
        QTest::newRow("an assigned photo's path (a key), 20,000") << "assigned" << 20000 << true;
        QTest::newRow("class name at the limit, 16,384") << "name" << 16384 << false;
    }
    void aProjectWithAnEndlessNameIsRefused()
    {
        QFETCH(QString, field);
        QFETCH(int, length);
        QFETCH(bool, refused);
        const QString text(length, QLatin1Char('N'));
        QJsonObject classEntry{{QStringLiteral("folder"), QStringLiteral("/nowhere/daisy")}, {QStringLiteral("name"), QStringLiteral("daisy")}};
        QJsonObject root{{QStringLiteral("format"), QStringLiteral("exemplar-project")}, {QStringLiteral("format_version"), 2}};
        if (field == QLatin1String("name") || field == QLatin1String("folder")) classEntry.insert(field, text);
        root.insert(QStringLiteral("classes"), QJsonArray{classEntry});
        if (field == QLatin1String("method"))
            root.insert(QStringLiteral("settings"), QJsonObject{{QStringLiteral("method"), text}});
        if (field == QLatin1String("error"))
            root.insert(QStringLiteral("classifications"),
                        QJsonArray{QJsonObject{{QStringLiteral("path"), QStringLiteral("/a.jpg")}, {QStringLiteral("error"), text}}});
        if (field == QLatin1String("assigned"))
            root.insert(QStringLiteral("unlabeled"),
                        QJsonObject{{QStringLiteral("assigned"), QJsonObject{{text, QStringLiteral("daisy")}}}});
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("long.exemplar"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(root).toJson());
        file.close();
        try {
            const ProjectDocument document = readProject(path);
            QVERIFY2(!refused, "read");
            QCOMPARE(document.sources.classes.front().name, text);
        } catch (const Error& error) {
            QVERIFY2(refused, qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("a text of %1 characters").arg(length)), qPrintable(error.message()));
        }
    }

    // Issue 13: a project whose sidecar reference set is missing (or damaged, or a FIFO) was
    // refused whole. It now opens with its classes, settings and comparison, without the set,
    // and says why.
    void aProjectWithoutItsTrainedSetOpensWithoutIt_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("sidecar deleted") << "deleted";
        QTest::newRow("sidecar truncated") << "truncated";
        QTest::newRow("sidecar replaced by a FIFO") << "fifo";
    }

    void aProjectWithoutItsTrainedSetOpensWithoutIt()
    {
        QFETCH(QString, damage);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("project.exemplar"));
        ProjectDocument document;
        document.settings.budget = 17;
        TrainRequest request;
        request.training.method = QStringLiteral("centroid");
        request.model = kSyntheticModel;
        document.training = std::make_shared<const TrainedReferenceSet>(trainReferenceSet(*syntheticPhotos(), request));
        writeProject(document, path);
        const QString sidecar = referenceSetSidecarPath(path);
        QVERIFY(QFile::exists(sidecar));
        if (damage == QLatin1String("truncated")) {
            QFile file(sidecar);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.resize(file.size() / 2));
        } else {
            QVERIFY(QFile::remove(sidecar));
            if (damage == QLatin1String("fifo")) QCOMPARE(::mkfifo(QFile::encodeName(sidecar).constData(), 0600), 0);
        }

        const ProjectDocument opened = readProject(path);
        QVERIFY(!opened.training);
        QCOMPARE(opened.settings.budget, 17);
        QVERIFY2(opened.warnings.join(QLatin1Char('\n')).contains(QLatin1String("opens without it")),
                 qPrintable(opened.warnings.join(QLatin1Char('\n'))));
    }

    // The defect: results were restored only at the end of the job chain, so a failed or canceled
    // embedding on open dropped them and the next save wrote neither training nor comparison.
    void resultsSurviveAFailedEmbeddingOnOpen()
    {
        QTemporaryDir dir;
        // Real photo files in real class folders; the project's model spec does not exist, so the
        // embedding job fails.
        QStringList folders;
        for (const QString& name : {QStringLiteral("red"), QStringLiteral("blue")}) {
            const QString folder = dir.filePath(name);
            QDir().mkpath(folder);
            for (int i = 0; i < 3; ++i) {
                QImage image(32, 32, QImage::Format_RGB32);
                image.fill(name == QLatin1String("red") ? QColor(200 + i, 0, 0) : QColor(0, 0, 200 + i));
                QVERIFY(image.save(folder + QStringLiteral("/%1.png").arg(i)));
            }
            folders << folder;
        }
        ProjectDocument document;
        for (const QString& folder : folders) document.sources.classes.push_back({folder, QFileInfo(folder).fileName(), false});
        document.settings.modelSpecPath = dir.filePath(QStringLiteral("missing-model.json"));
        const EmbeddingSet photos = test::makeClusteredSet({6, 6}, 16, 0.4f, 3);
        TrainRequest request;
        request.training.method = QStringLiteral("all");
        request.model = kSyntheticModel;
        document.training = std::make_shared<const TrainedReferenceSet>(trainReferenceSet(photos, request));
        EvaluationOptions evaluation;
        evaluation.pool = 3;
        evaluation.repeats = 2;
        evaluation.methods = {QStringLiteral("all"), QStringLiteral("centroid")};
        document.comparison = std::make_shared<const MethodComparison>(evaluateHonestly(photos, evaluation));
        LearningCurveOptions curveOptions;
        curveOptions.training.method = QStringLiteral("centroid");
        document.learningCurve = std::make_shared<const LearningCurve>(measureLearningCurve(photos, curveOptions));
        QVERIFY2(document.learningCurve->fitted, qPrintable(document.learningCurve->reason));
        const QString path = dir.filePath(QStringLiteral("project.exemplar"));
        writeProject(document, path);

        ProjectController controller;
        QSignalSpy errors(&controller, &ProjectController::errorOccurred);
        controller.openProject(path);
        QVERIFY(test::waitIdle(&controller, 60000));
        QVERIFY2(!errors.isEmpty(), "the failed embedding was not reported");
        QVERIFY(controller.training());
        QVERIFY(controller.comparison());
        QCOMPARE(int(controller.comparison()->methods.size()), 2);
        QVERIFY(controller.learningCurve());  // issue 12's "how many more photos?" is kept too
        QCOMPARE(controller.learningCurve()->summary(), document.learningCurve->summary());

        const QString resaved = dir.filePath(QStringLiteral("resaved.exemplar"));
        QVERIFY(controller.saveProject(resaved));
        const QJsonObject json = projectJson(resaved);
        QVERIFY(json.contains(QStringLiteral("training")));
        QVERIFY(json.contains(QStringLiteral("method_comparison")));
        const ProjectDocument back = readProject(resaved);
        QCOMPARE(back.comparison->methods[0].accuracyMean, document.comparison->methods[0].accuracyMean);
        QCOMPARE(back.comparison->recommended, document.comparison->recommended);
        QVERIFY(json.value(QStringLiteral("learning_curve")).isObject());
        QCOMPARE(back.learningCurve->points.size(), document.learningCurve->points.size());
        QCOMPARE(back.learningCurve->expectedMore, document.learningCurve->expectedMore);
        QCOMPARE(back.learningCurve->law.at(7), document.learningCurve->law.at(7));

        // A damaged curve opens without it, and says so: not an object, or numbers no measurement
        // makes (2 billion photos per class would have made the view draw 8 billion points).
        const QJsonObject saved = json.value(QStringLiteral("learning_curve")).toObject();
        const auto edited = [&](const QString& key, const QJsonValue& value) {
            QJsonObject curve = saved;
            curve.insert(key, value);
            return QJsonValue(curve);
        };
        QJsonArray badTrial = saved.value(QStringLiteral("measured")).toArray();
        QJsonObject firstPoint = badTrial.at(0).toObject();
        firstPoint.insert(QStringLiteral("accuracy_per_trial"), QJsonArray{0.5, 7.0});
        badTrial.replace(0, firstPoint);
        const QList<QPair<QJsonValue, QString>> damages{
            {QJsonValue(QStringLiteral("oops")), QStringLiteral("not a JSON object")},
            {edited(QStringLiteral("photos_per_class"), 2000000000), QStringLiteral("photos per class 2000000000")},
            {edited(QStringLiteral("extra_photos"), -3), QStringLiteral("extra photos -3")},
            {edited(QStringLiteral("expected_more"), 1e300), QStringLiteral("an expected accuracy")},
            {edited(QStringLiteral("measured"), badTrial), QStringLiteral("an accuracy of 7")},
        };
        for (const auto& [value, reason] : damages) {
            QJsonObject damaged = json;
            damaged.insert(QStringLiteral("learning_curve"), value);
            const QString damagedPath = dir.filePath(QStringLiteral("damaged.exemplar"));
            QFile file(damagedPath);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(QJsonDocument(damaged).toJson()) > 0);
            file.close();
            const ProjectDocument opened = readProject(damagedPath);
            QVERIFY2(!opened.learningCurve, qPrintable(reason));
            const QString warnings = opened.warnings.join(QLatin1Char('\n'));
            QVERIFY2(warnings.contains(QLatin1String("learning curve is damaged")) && warnings.contains(reason), qPrintable(warnings));
        }

        // A damaged method comparison opens without it, and says so, in the same way.
        const QJsonObject comparison = json.value(QStringLiteral("method_comparison")).toObject();
        const QString method = comparison.value(QStringLiteral("methods")).toObject().keys().first();
        const auto withMethodFigure = [&](const QString& key, const QJsonValue& value) {
            QJsonObject methods = comparison.value(QStringLiteral("methods")).toObject();
            QJsonObject m = methods.value(method).toObject();
            m.insert(key, value);
            methods.insert(method, m);
            QJsonObject edited = comparison;
            edited.insert(QStringLiteral("methods"), methods);
            return QJsonValue(edited);
        };
        QJsonObject manyRepeats = comparison;
        manyRepeats.insert(QStringLiteral("repeats"), 2000000);
        const QList<QPair<QJsonValue, QString>> comparisonDamages{
            {QJsonValue(QJsonArray{1, 2}), QStringLiteral("not a JSON object")},
            {QJsonValue(manyRepeats), QStringLiteral("2000000 repetitions")},
            {withMethodFigure(QStringLiteral("accuracy_per_repeat"), QJsonArray{0.5, 7.0}), QStringLiteral("an accuracy of 7")},
            {withMethodFigure(QStringLiteral("accuracy"), 1.5), QStringLiteral("a mean accuracy of 1.5")},
            {withMethodFigure(QStringLiteral("seconds"), -1), QStringLiteral("a figure of -1")},
        };
        for (const auto& [value, reason] : comparisonDamages) {
            QJsonObject damaged = json;
            damaged.insert(QStringLiteral("method_comparison"), value);
            const QString damagedPath = dir.filePath(QStringLiteral("damaged-comparison.exemplar"));
            QFile file(damagedPath);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(QJsonDocument(damaged).toJson()) > 0);
            file.close();
            const ProjectDocument opened = readProject(damagedPath);
            QVERIFY2(!opened.comparison, qPrintable(reason));
            QVERIFY(opened.learningCurve);  // the rest of the project is intact
            const QString warnings = opened.warnings.join(QLatin1Char('\n'));
            QVERIFY2(warnings.contains(QLatin1String("method comparison is damaged")) && warnings.contains(reason),
                     qPrintable(warnings));
        }
    }

    // The defect: settings read from a project file were taken as they were (budget −5,
    // held-out −1 or 5) and the run failed later.
    void badSettingsInAProjectAreRepairedAndReported_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("budget -5") << "budget" << QJsonValue(-5);
        QTest::newRow("held-out -1") << "holdout" << QJsonValue(-1);
        QTest::newRow("held-out 5") << "holdout" << QJsonValue(5);
        QTest::newRow("unknown rejects 3") << "known_reject_rate" << QJsonValue(3);
        QTest::newRow("comparison pool 0") << "comparison_pool" << QJsonValue(0);
        QTest::newRow("top-k -1") << "top_k" << QJsonValue(-1);
        QTest::newRow("unknown method") << "method" << QJsonValue(QStringLiteral("bogus"));
    }

    void badSettingsInAProjectAreRepairedAndReported()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.exemplar"));
        writeProject(ProjectDocument(), path);
        QVERIFY(editSetting(path, key, value));

        ProjectController controller;
        QSignalSpy errors(&controller, &ProjectController::errorOccurred);
        QVERIFY(test::openProject(&controller, path));
        QCOMPARE(errors.count(), 1);
        const ProjectSettings defaults;
        const ProjectSettings& s = controller.settings();
        QCOMPARE(s.budget, defaults.budget);
        QCOMPARE(s.holdoutFraction, defaults.holdoutFraction);
        QCOMPARE(s.knownRejectRate, defaults.knownRejectRate);
        QCOMPARE(s.comparisonPool, defaults.comparisonPool);
        QCOMPARE(s.topK, defaults.topK);
        QCOMPARE(s.method, defaults.method);
    }

    // Unlabeled and background folders and the classes given by hand survive a save; a damaged "unlabeled"
    // section (wrong types, a hand edit) opens with what is well-formed in it, and nothing else.
    void unlabeledSectionSurvivesSavingAndDamage_data()
    {
        QTest::addColumn<QJsonValue>("unlabeled");
        QTest::addColumn<QStringList>("folders");
        QTest::addColumn<int>("assigned");
        QTest::addColumn<QStringList>("background");
        const QJsonObject good{{QStringLiteral("folders"), QJsonArray{QStringLiteral("/photos/pile")}},
                               {QStringLiteral("assigned"), QJsonObject{{QStringLiteral("/photos/pile/a.jpg"), QStringLiteral("/photos/daisy")}}},
                               {QStringLiteral("background_folders"), QJsonArray{QStringLiteral("/photos/other-models")}}};
        QTest::newRow("as saved") << QJsonValue(good) << QStringList{QStringLiteral("/photos/pile")} << 1
                                  << QStringList{QStringLiteral("/photos/other-models")};
        QTest::newRow("a number") << QJsonValue(7) << QStringList() << 0 << QStringList();
        QTest::newRow("folders an object, assigned an array")
            << QJsonValue(QJsonObject{{QStringLiteral("folders"), QJsonObject{{QStringLiteral("x"), 1}}},
                                      {QStringLiteral("assigned"), QJsonArray{1, 2}},
                                      {QStringLiteral("background_folders"), QStringLiteral("/not/a/list")}})
            << QStringList() << 0 << QStringList();
        QTest::newRow("non-strings and empty names among them")
            << QJsonValue(QJsonObject{{QStringLiteral("folders"), QJsonArray{3, QString(), QStringLiteral("/ok"), QJsonValue::Null}},
                                      {QStringLiteral("assigned"), QJsonObject{{QStringLiteral("/a.jpg"), 5},
                                                                               {QStringLiteral("/b.jpg"), QStringLiteral("/daisy")},
                                                                               {QStringLiteral("/c.jpg"), QJsonArray{}}}},
                                      {QStringLiteral("background_folders"), QJsonArray{1, QString(), QStringLiteral("/bg")}}})
            << QStringList{QStringLiteral("/ok")} << 1 << QStringList{QStringLiteral("/bg")};
    }

    void unlabeledSectionSurvivesSavingAndDamage()
    {
        QFETCH(QJsonValue, unlabeled);
        QFETCH(QStringList, folders);
        QFETCH(int, assigned);
        QFETCH(QStringList, background);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.exemplar"));
        ProjectDocument document;
        document.unlabeled.folders = QStringList{QStringLiteral("/photos/pile")};
        document.unlabeled.assigned.insert(QStringLiteral("/photos/pile/a.jpg"), QStringLiteral("/photos/daisy"));
        document.unlabeled.backgroundFolders = QStringList{QStringLiteral("/photos/other-models")};
        writeProject(document, path);
        QCOMPARE(readProject(path).unlabeled.backgroundFolders, document.unlabeled.backgroundFolders);
        QCOMPARE(readProject(path).unlabeled.folders, document.unlabeled.folders);
        QCOMPARE(readProject(path).unlabeled.assigned, document.unlabeled.assigned);
        QVERIFY(editTopLevel(path, QStringLiteral("unlabeled"), unlabeled));
        const ProjectDocument opened = readProject(path);
        QCOMPARE(opened.unlabeled.folders, folders);
        QCOMPARE(int(opened.unlabeled.assigned.size()), assigned);
        QCOMPARE(opened.unlabeled.backgroundFolders, background);
    }

    // A dropped parent's hidden subfolder is no class: it is said in the status bar, without a
    // warning box; a system's (.git) is not mentioned.
    void aParentsHiddenFolderIsMentionedNotAdded()
    {
        QTemporaryDir dir;
        QVERIFY(writePhotos(dir.path(), {"cats/a.jpg", "dogs/c.jpg", ".old/d.jpg", ".git/e.jpg"}, QSize(16, 12),
                            Qt::darkCyan));
        ProjectController controller;
        QSignalSpy said(&controller, &ProjectController::statusMessage);
        QSignalSpy errors(&controller, &ProjectController::errorOccurred);
        controller.addFolders({dir.path()});
        QCOMPARE(int(controller.sources().classes.size()), 2);
        QCOMPARE(errors.count(), 0);
        QVERIFY(std::any_of(said.begin(), said.end(), [](const QList<QVariant>& message) {
            const QString text = message.front().toString();
            return text.contains(QLatin1String("class folder(s); not read, being hidden: .old")) &&
                   !text.contains(QLatin1String(".git"));
        }));
        QVERIFY(test::waitIdle(&controller, 120000));
    }

    // A dropped folder holding only an empty subfolder (and a note) became a class of no photos,
    // and the project's trained set and figures were thrown away for it: refused, nothing added.
    // A class keeping its photos in dated subfolders is still a class.
    void aDroppedFolderWithoutPhotosAddsNoClass()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("empty/sub"))));
        QFile note(dir.filePath(QStringLiteral("empty/readme.txt")));
        QVERIFY(note.open(QIODevice::WriteOnly));
        note.write("nothing here yet\n");
        note.close();
        ProjectController controller;
        QSignalSpy errors(&controller, &ProjectController::errorOccurred);
        QSignalSpy sourcesChanged(&controller, &ProjectController::sourcesChanged);
        controller.addFolders({dir.filePath(QStringLiteral("empty"))});
        QCOMPARE(int(controller.sources().classes.size()), 0);
        QCOMPARE(sourcesChanged.count(), 0);
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.front().at(1).toString().contains(QLatin1String("No class folder added: sub has no photos")),
                 qPrintable(errors.front().at(1).toString()));
        QVERIFY(!controller.isBusy());

        // Beside classes, an empty subfolder is said in the status bar, without a box.
        QVERIFY(writePhotos(dir.filePath(QStringLiteral("parent")), {"cats/2024/a.jpg", "dogs/c.jpg"}, QSize(16, 12),
                            Qt::darkCyan));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("parent/birds"))));
        // A link back to the parent is a loop, not a class of every photo.
        QVERIFY(QFile::link(QStringLiteral("."), dir.filePath(QStringLiteral("parent/everything"))));
        QSignalSpy said(&controller, &ProjectController::statusMessage);
        controller.addFolders({dir.filePath(QStringLiteral("parent"))});
        QCOMPARE(int(controller.sources().classes.size()), 2);
        QCOMPARE(controller.sources().classes[0].name, QStringLiteral("cats"));
        QCOMPARE(errors.count(), 2);
        QVERIFY2(errors.back().at(1).toString().contains(QLatin1String("everything: class folder is a symbolic link back")),
                 qPrintable(errors.back().at(1).toString()));
        QVERIFY(std::any_of(said.begin(), said.end(), [](const QList<QVariant>& message) {
            return message.front().toString().contains(QLatin1String("Added 2 class folder(s); not added, having no photos: birds"));
        }));
        QVERIFY(test::waitIdle(&controller, 120000));
    }

    // The class folders are listed by the embedding task, not on the GUI thread (2,000 photos take
    // a sixth of a second, a slow disk longer): the folders are the project's at once, their photos
    // arrive before the embeddings, and a task stopped before its list was shown leaves no list
    // (the old one would stand beside the new sources) and says how to list them.
    void classFoldersAreListedByTheTask()
    {
        QTemporaryDir dir;
        QVERIFY(writePhotos(dir.path(), {"cats/a.jpg", "cats/b.jpg", "dogs/c.jpg"}, QSize(16, 12), Qt::darkCyan));
        ProjectController controller;
        std::vector<int> embeddedWhenListed;
        connect(&controller, &ProjectController::datasetChanged, this,
                [&] { embeddedWhenListed.push_back(controller.embeddings().size()); });
        controller.addFolders({dir.path()});  // the parent of the class folders, as a user drops it
        QCOMPARE(int(controller.sources().classes.size()), 2);
        QCOMPARE(controller.dataset().photoCount(), 0);  // listed by the task, not yet
        QVERIFY(controller.isBusy());
        QTRY_COMPARE(controller.dataset().photoCount(), 3);
        QCOMPARE(embeddedWhenListed, std::vector<int>{0});
        QVERIFY(test::waitIdle(&controller, 120000));

        QVERIFY(writePhotos(dir.path(), {"birds/d.jpg"}, QSize(16, 12), Qt::darkYellow));
        controller.addFolders({dir.filePath(QStringLiteral("birds"))});
        QSignalSpy said(&controller, &ProjectController::statusMessage);
        controller.cancel();  // before the event loop could show the new list
        QVERIFY(test::waitIdle(&controller, 120000));
        QCOMPARE(int(controller.sources().classes.size()), 3);
        QCOMPARE(controller.dataset().photoCount(), 0);
        QCOMPARE(controller.dataset().warnings.size(), 1);
        QVERIFY(controller.dataset().warnings.front().contains(QLatin1String("Embed Photos Again")));
        QVERIFY(std::any_of(said.begin(), said.end(), [](const QList<QVariant>& message) {
            return message.front().toString().contains(QLatin1String("were not listed"));
        }));
        controller.embedPhotos();  // what the user does next: Run ▸ Embed Photos Again (F4) lists them
        QTRY_COMPARE(controller.dataset().photoCount(), 4);
        QVERIFY(test::waitIdle(&controller, 120000));
    }

    // A class renamed before its photos were listed, or while they were embedded, keeps the new
    // name in the list and the embeddings that arrive afterwards.
    void aClassRenamedWhileListedKeepsItsNewName()
    {
        QTemporaryDir dir;
        QVERIFY(writePhotos(dir.path(), {"cats/a.jpg", "cats/b.jpg", "dogs/c.jpg"}, QSize(64, 48), Qt::darkMagenta));
        ProjectController controller;
        controller.addFolders({dir.path()});
        controller.renameClass(0, QStringLiteral("felines"));  // before the event loop could show the list
        QVERIFY(test::waitIdle(&controller, 120000));
        QCOMPARE(controller.sources().classes[0].name, QStringLiteral("felines"));
        QCOMPARE(controller.dataset().classNames, (QStringList{QStringLiteral("felines"), QStringLiteral("dogs")}));
        if (controller.embeddings().size() > 0)  // with the model installed
            QCOMPARE(controller.embeddings().classNames, controller.dataset().classNames);
    }

    // Photos filed in subfolders of a class folder belong to the class unless the project says
    // otherwise; the choice is saved with the project (older projects, without it, read them).
    void subfolderScanningIsAProjectSetting()
    {
        QTemporaryDir dir;
        QVERIFY(writePhotos(dir.path(), {"cats/a.jpg", "cats/b.jpg", "cats/2024/c.jpg", "cats/2024/phone/d.jpg"}, QSize(16, 12),
                            Qt::darkGreen));
        ProjectController controller;
        QVERIFY(controller.settings().scan.recursive);  // the default
        controller.addFolders({dir.filePath(QStringLiteral("cats"))});
        QTRY_COMPARE(controller.dataset().photoCount(), 4);
        QVERIFY(test::waitIdle(&controller, 120000));

        QSignalSpy settingsChanged(&controller, &ProjectController::settingsChanged);
        controller.setScanSubfolders(false);
        QCOMPARE(settingsChanged.count(), 1);
        QTRY_COMPARE(controller.dataset().photoCount(), 2);
        QCOMPARE(int(controller.dataset().skipped.size()), 1);
        QVERIFY(controller.dataset().skipped[0].reason.contains(QLatin1String("subfolder scanning is off")));
        QVERIFY(controller.isModified());
        QVERIFY(test::waitIdle(&controller, 120000));

        const QString path = dir.filePath(QStringLiteral("p.exemplar"));
        QVERIFY(controller.saveProject(path));
        QCOMPARE(projectJson(path).value(QStringLiteral("settings")).toObject().value(QStringLiteral("scan_subfolders")),
                 QJsonValue(false));
        ProjectController reopened;
        QSignalSpy ended(&reopened, &ProjectController::taskEnded);
        QVERIFY(test::openProject(&reopened, path));
        QVERIFY(!reopened.settings().scan.recursive);
        QTRY_COMPARE(reopened.dataset().photoCount(), 2);
        QVERIFY(test::waitIdle(&reopened, 120000));
        for (const QList<QVariant>& end : ended)  // an open cancels nothing of its own making
            QVERIFY2(end.at(1).toString() != QLatin1String("canceled"), qPrintable(end.at(0).toString()));

        // A project written before the setting existed.
        QVERIFY(editSetting(path, QStringLiteral("scan_subfolders"), QJsonValue(QJsonValue::Undefined)));
        QVERIFY(readProject(path).settings.scan.recursive);
    }

    void anOlderMethodNameInAProjectIsTheCurrentOne()
    {
        ProjectSettings settings;
        settings.method = QStringLiteral("seed");
        QVERIFY(repairSettings(&settings).isEmpty());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.exemplar"));
        ProjectDocument document;
        document.settings.method = QStringLiteral("seed");
        writeProject(document, path);
        QCOMPARE(readProject(path).settings.method, QStringLiteral("least-central"));
    }
};

QTEST_MAIN(TestProjectController)
#include "tst_projectcontroller.moc"
