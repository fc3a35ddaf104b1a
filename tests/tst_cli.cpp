// exemplar-cli driven as a user drives it: real photos from ../shared/data (read in place through
// symbolic links in a temporary dataset, never copied), real model, real files, real exit codes.
#include "CliRunner.h"
#include "InstalledModelPaths.h"
#include "Error.h"
#include "JsonLinesFile.h"
#include "ReferenceSetFile.h"
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <sys/stat.h>
#include <vector>

// Most classify tests use the reference set trainThenClassifyHeldOutPhotos leaves in the work
// folder (training it again for each would cost minutes); without it they skip, saying so.
#define REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set)                                  \
    EXEMPLAR_REQUIRE_MODEL();                                                   \
    const QString set = work_.filePath(QStringLiteral("flowers.exref"));        \
    if (!QFile::exists(set)) QSKIP("needs the reference set trained above")

class TestCli : public QObject {
    Q_OBJECT

private:
    using Run = exemplar::test::CliRun;
    static Run cli(const QStringList& args) { return exemplar::test::runCli(args); }

    QTemporaryDir work_;
    QString dataset_;  // a small flowers dataset: 4 classes × 16 photos, linked in place

    QString makeDataset(const QStringList& classes, int perClass)
    {
        const QString root = work_.filePath(QStringLiteral("flowers"));
        for (const QString& name : classes) {
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
            const QStringList files = source.entryList(QDir::Files, QDir::Name).mid(0, perClass);
            QDir().mkpath(root + QLatin1Char('/') + name);
            for (const QString& file : files)
                QFile::link(source.absoluteFilePath(file), root + QLatin1Char('/') + name + QLatin1Char('/') + file);
        }
        return root;
    }

private Q_SLOTS:
    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("no command") << QStringList{} << 2 << "Usage";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << "unknown command";
        QTest::newRow("train without --out") << QStringList{"train", "/tmp"} << 2 << "--out";
        QTest::newRow("bad pool") << QStringList{"eval", "/tmp", "--pool", "zero"} << 2 << "--pool";
        QTest::newRow("unknown method") << QStringList{"eval", "/tmp", "--methods", "all,magic"} << 2 << "magic";
        QTest::newRow("missing dataset") << QStringList{"embed", "/nonexistent/photos"} << 1 << "does not exist";
        QTest::newRow("--unlabeled and --transductive")
            << QStringList{"eval", "/nonexistent/photos", "--unlabeled", "/tmp", "--transductive"} << 2 << "choose one";
        QTest::newRow("--label-next without --unlabeled")
            << QStringList{"classify", "/nonexistent/set.exref", "/nonexistent/photo.jpg", "--label-next", "5"} << 2 << "--unlabeled";
        QTest::newRow("--label-next zero")
            << QStringList{"classify", "/nonexistent/set.exref", "--unlabeled", "/tmp", "--label-next", "0"} << 2 << "label-next";
        QTest::newRow("--unknown-rate without --foreign")  // it measured nothing, unsaid
            << QStringList{"eval", "/nonexistent/photos", "--unknown-rate", "0.2"} << 2 << "--unknown-rate needs --foreign";
        QTest::newRow("--extra-photos without --learning-curve")
            << QStringList{"eval", "/nonexistent/photos", "--extra-photos", "5"} << 2 << "--extra-photos needs --learning-curve";
        QTest::newRow("--label-next with --jsonl")  // the list would break the lines of results
            << QStringList{"classify", "/nonexistent/set.exref", "--unlabeled", "/tmp", "--label-next", "3", "--jsonl"} << 2
            << "--label-next and --jsonl";
        QTest::newRow("--link without --sort-into")
            << QStringList{"classify", "/nonexistent/set.exref", "--unlabeled", "/tmp", "--link"} << 2 << "--sort-into";
        QTest::newRow("sorting into a device")  // refused before the set is even read
            << QStringList{"classify", "/nonexistent/set.exref", "/nonexistent/photo.jpg", "--sort-into", "/dev/null"} << 1
            << "/dev/null exists and is not a folder";
        QTest::newRow("missing reference set")
            << QStringList{"classify", "/nonexistent/set.exref", "/nonexistent/photo.jpg"} << 1 << "set.exref";
        QTest::newRow("missing model") << QStringList{"info", "--model", "/nonexistent/model.json"} << 1
                                       << "does not exist (the model named by --model";
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, phrase);
        const Run run = cli(args);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(phrase.toUtf8()), run.err.constData());
        // One line of reason, not a stack of messages (the usage text is the exception).
        if (!args.isEmpty()) QCOMPARE(run.err.trimmed().count('\n'), 0);
    }

    void helpListsCommands()
    {
        const Run run = cli({QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        for (const char* command : {"embed", "train", "classify", "eval", "info"})
            QVERIFY2(run.out.contains(command), command);
    }

    void trainThenClassifyHeldOutPhotos()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        dataset_ = makeDataset({QStringLiteral("daffodil"), QStringLiteral("iris"), QStringLiteral("snowdrop"),
                                QStringLiteral("sunflower")}, 16);
        const QString set = work_.filePath(QStringLiteral("flowers.exref"));

        const Run embed = cli({QStringLiteral("embed"), dataset_, QStringLiteral("--json"), QStringLiteral("--quiet")});
        QCOMPARE(embed.exitCode, 0);
        QCOMPARE(embed.json().value(QStringLiteral("photos")).toInt(), 64);

        const Run train = cli({QStringLiteral("train"), dataset_, QStringLiteral("--out"), set, QStringLiteral("--holdout"),
                               QStringLiteral("0.25"), QStringLiteral("--method"), QStringLiteral("seed"),
                               QStringLiteral("--json"), QStringLiteral("--quiet")});
        QVERIFY2(train.exitCode == 0, train.err.constData());
        QVERIFY(QFile::exists(set));
        const QJsonObject trained = train.json();
        QCOMPARE(trained.value(QStringLiteral("held_out_photos")).toInt(), 16);
        QCOMPARE(trained.value(QStringLiteral("method")).toString(), QStringLiteral("least-central"));  // "seed" is its older name

        // Classify the held-out photos listed in the file: none of them chose a reference.
        const Run info = cli({QStringLiteral("info"), set, QStringLiteral("--json")});
        QCOMPARE(info.exitCode, 0);
        QCOMPARE(info.json().value(QStringLiteral("classes")).toArray().size(), 4);
        QFile file(set);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray heldOut = QJsonDocument::fromJson(file.readAll())
                                       .object().value(QStringLiteral("extra")).toObject()
                                       .value(QStringLiteral("held_out_files")).toArray();
        QCOMPARE(heldOut.size(), 16);
        QStringList args{QStringLiteral("classify"), set, QStringLiteral("--json")};
        for (const QJsonValue& path : heldOut) args << path.toString();
        const Run classify = cli(args);
        QVERIFY2(classify.exitCode == 0, classify.err.constData());
        const QJsonArray results = classify.json().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 16);
        int correct = 0;
        for (const QJsonValue& value : results) {
            const QJsonObject result = value.toObject();
            const QString expected = QFileInfo(result.value(QStringLiteral("file")).toString()).dir().dirName();
            if (result.value(QStringLiteral("class")).toString() == expected) ++correct;
            QVERIFY(result.value(QStringLiteral("margin")).toDouble() >= 0);
            QCOMPARE(result.value(QStringLiteral("top")).toArray().size(), 3);
        }
        qInfo("held-out photos classified correctly: %d of 16", correct);
        QVERIFY(correct >= 13);  // four very distinct flowers: anything less means a broken pipeline
    }

    // The set above was trained with the fast 224×224 model. A user who names no model classifies
    // with it all the same: the program finds the installed model the set was made with, though its
    // default is another. A model named by hand is obeyed, and a wrong one refused with the remedy.
    void classifyUsesTheInstalledModelOfTheSet()
    {
        using exemplar::test::CliModel;
        const QString set = work_.filePath(QStringLiteral("flowers.exref"));
        if (!QFile::exists(set)) QSKIP("trainThenClassifyHeldOutPhotos made no reference set");
        const QString fast = exemplar::test::installedModelSpec(exemplar::kFastModelStem);
        const QString standard = exemplar::test::installedModelSpec(exemplar::kDefaultModelStem);
        if (exemplar::test::defaultModelSpec() != fast || !QFile::exists(standard))
            QSKIP("needs the set trained with the installed fast model and the installed default model");
        const QString photo = QDir(dataset_ + QStringLiteral("/iris")).entryInfoList(QDir::Files, QDir::Name).value(0).filePath();

        const Run named = cli({QStringLiteral("classify"), set, photo, QStringLiteral("--json")});
        QVERIFY2(named.exitCode == 0, named.err.constData());
        const Run found = exemplar::test::runCli({QStringLiteral("classify"), set, photo, QStringLiteral("--json")},
                                                 CliModel::Program);
        QVERIFY2(found.exitCode == 0, found.err.constData());
        QVERIFY2(found.err.contains("using the installed model") && found.err.contains("efficientnet-b0.json"),
                 found.err.constData());
        // The same network on the same photo: the same answer, to the last digit written.
        QCOMPARE(found.json().value(QStringLiteral("results")), named.json().value(QStringLiteral("results")));

        const Run wrong = exemplar::test::runCli({QStringLiteral("classify"), set, photo, QStringLiteral("--model"),
                                                  QStringLiteral("efficientnet-b0-256x384")}, CliModel::Program);
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(wrong.err.contains("made with model efficientnet-b0-imagenet ") && wrong.err.contains("use --model"),
                 wrong.err.constData());

        // The set's own network named with other preprocessing (a spec of the user's that adds flip
        // averaging): it classifies, and says that the answers may differ a little.
        const QString flipped = work_.filePath(QStringLiteral("fast-flipped.json"));
        QVERIFY(exemplar::test::writeEditedModelSpec(fast, flipped, QStringLiteral("augment"), QStringLiteral("flip")));
        const Run other = exemplar::test::runCli({QStringLiteral("classify"), set, photo, QStringLiteral("--model"), flipped},
                                                 CliModel::Program);
        QVERIFY2(other.exitCode == 0, other.err.constData());
        QVERIFY2(other.err.contains("warning: the reference set was made with the same network but other preprocessing") &&
                     other.err.contains("augment none → \"flip\""),
                 other.err.constData());
        QVERIFY2(!found.err.contains("warning"), found.err.constData());  // its own model: no warning
    }

    // A folder of unlabeled photos (one in a subfolder, one damaged, two with the same name) sorted
    // into class folders: each good photo lands once, under the class it was classified as, the
    // damaged one is reported, the name clash gets " (2)", and sorting again files nothing twice.
    void classifySortsUnlabeledPhotosIntoClassFolders()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        const QString pile = work_.filePath(QStringLiteral("pile"));
        const QString out = work_.filePath(QStringLiteral("sorted"));
        QVERIFY(QDir().mkpath(pile + QStringLiteral("/day two")));
        const QFileInfoList iris = QDir(dataset_ + QStringLiteral("/iris")).entryInfoList(QDir::Files, QDir::Name);
        const QFileInfoList sunflower = QDir(dataset_ + QStringLiteral("/sunflower")).entryInfoList(QDir::Files, QDir::Name);
        QVERIFY(iris.size() >= 4 && sunflower.size() >= 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(QFile::copy(iris[i].absoluteFilePath(), pile + QLatin1Char('/') + iris[i].fileName()));
            QVERIFY(QFile::copy(sunflower[i].absoluteFilePath(), pile + QStringLiteral("/day two/") + sunflower[i].fileName()));
        }
        QVERIFY(QFile::copy(iris[3].absoluteFilePath(), pile + QStringLiteral("/day two/") + iris[0].fileName()));
        QFile damaged(pile + QStringLiteral("/damaged.jpg"));
        QVERIFY(damaged.open(QIODevice::WriteOnly));
        damaged.write("\xff\xd8\xff\xe0 cut short");
        damaged.close();

        const QStringList args{QStringLiteral("classify"), set, QStringLiteral("--unlabeled"), pile, QStringLiteral("--sort-into"),
                               out, QStringLiteral("--json"), QStringLiteral("--quiet")};
        const Run run = cli(args);
        QCOMPARE(run.exitCode, 1);  // the damaged photo
        QVERIFY2(run.err.contains("damaged.jpg"), run.err.constData());
        const QJsonArray results = run.json().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 8);
        QCOMPARE(run.json().value(QStringLiteral("sorted")).toObject().value(QStringLiteral("filed")).toInt(), 7);
        // Every good photo is in the folder of its answer, byte for byte, and nothing else is there.
        int filed = 0;
        QDirIterator it(out, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            ++filed;
        }
        QCOMPARE(filed, 7);
        QMap<QString, int> perFolder;
        for (const QJsonValue& value : results) {
            const QJsonObject r = value.toObject();
            if (r.contains(QStringLiteral("error"))) continue;
            const QString folder = r.value(QStringLiteral("unknown")).toBool() ? QStringLiteral("unknown") : r.value(QStringLiteral("class")).toString();
            ++perFolder[folder];
        }
        for (auto at = perFolder.begin(); at != perFolder.end(); ++at)
            QCOMPARE(int(QDir(out + QLatin1Char('/') + at.key()).entryList(QDir::Files).size()), at.value());
        // The two photos of one name are both there: side by side as "NAME" and "NAME (2)" when
        // they got the same class.
        const QString twin = QFileInfo(iris[0].fileName()).completeBaseName() + QStringLiteral(" (2).") + iris[0].suffix();
        QDirIterator named(out, {iris[0].fileName(), twin}, QDir::Files, QDirIterator::Subdirectories);
        int sameName = 0;
        while (named.hasNext()) {
            named.next();
            ++sameName;
        }
        QCOMPARE(sameName, 2);
        // A photo filed under another name is reported as such, where it went: exactly the " (2)"s.
        const QJsonArray renamed =
            run.json().value(QStringLiteral("sorted")).toObject().value(QStringLiteral("renamed")).toArray();
        QDirIterator twins(out, {twin}, QDir::Files, QDirIterator::Subdirectories);
        int twinCount = 0;
        while (twins.hasNext()) {
            twins.next();
            ++twinCount;
        }
        // The two iris photos of one name are answered alike here (both iris, as each is): the clash
        // is real, so the report cannot pass empty.
        QString firstClass, secondClass;
        for (const QJsonValue& value : results) {
            const QJsonObject r = value.toObject();
            const QString file = r.value(QStringLiteral("file")).toString();
            if (QFileInfo(file).fileName() != iris[0].fileName()) continue;
            (file.contains(QStringLiteral("/day two/")) ? secondClass : firstClass) = r.value(QStringLiteral("class")).toString();
        }
        QVERIFY2(!firstClass.isEmpty() && firstClass == secondClass, qPrintable(firstClass + QStringLiteral(" / ") + secondClass));
        QCOMPARE(twinCount, 1);
        QCOMPARE(renamed.size(), twinCount);
        for (const QJsonValue& value : renamed) {
            const QJsonObject entry = value.toObject();
            QVERIFY(entry.value(QStringLiteral("file")).toString().startsWith(pile));
            QCOMPARE(QFileInfo(entry.value(QStringLiteral("filed_as")).toString()).fileName(), twin);
            QVERIFY(QFileInfo::exists(entry.value(QStringLiteral("filed_as")).toString()));
        }

        // The photos most worth labeling: as many as asked, each a readable photo of the pile with
        // the set's suggestion, best first.
        const Run next = cli({QStringLiteral("classify"), set, QStringLiteral("--unlabeled"), pile, QStringLiteral("--label-next"),
                              QStringLiteral("3"), QStringLiteral("--json"), QStringLiteral("--quiet")});
        const QJsonArray toLabel = next.json().value(QStringLiteral("label_next")).toArray();
        QCOMPARE(toLabel.size(), 3);
        double previous = 2;
        for (const QJsonValue& value : toLabel) {
            const QJsonObject entry = value.toObject();
            QVERIFY(entry.value(QStringLiteral("file")).toString().startsWith(pile));
            QVERIFY(!entry.value(QStringLiteral("file")).toString().endsWith(QStringLiteral("damaged.jpg")));
            QVERIFY(!entry.value(QStringLiteral("suggested")).toString().isEmpty());
            QVERIFY(entry.value(QStringLiteral("priority")).toDouble() <= previous);
            previous = entry.value(QStringLiteral("priority")).toDouble();
        }

        const Run again = cli(args);
        const QJsonObject sortedAgain = again.json().value(QStringLiteral("sorted")).toObject();
        QCOMPARE(sortedAgain.value(QStringLiteral("filed")).toInt(), 0);
        QCOMPARE(sortedAgain.value(QStringLiteral("already_filed")).toInt(), 7);

        QCOMPARE(cli({QStringLiteral("classify"), set, QStringLiteral("--unlabeled"), pile, QStringLiteral("--link")}).exitCode, 2);

        // Resumed, then sorted: the photos the lines already hold are filed as their lines say
        // (they were once skipped and never filed), and a line naming a class the set lacks is an
        // error, not a photo filed as unknown.
        const QString lines = work_.filePath(QStringLiteral("pile.jsonl"));
        const QString resortedOut = work_.filePath(QStringLiteral("resorted"));
        QCOMPARE(cli({QStringLiteral("classify"), set, QStringLiteral("--unlabeled"), pile, QStringLiteral("--resume"), lines,
                      QStringLiteral("--quiet")}).exitCode, 1);  // the damaged photo
        QCOMPARE(readAll(lines).count('\n'), 8);
        const Run resorted = cli({QStringLiteral("classify"), set, QStringLiteral("--unlabeled"), pile, QStringLiteral("--resume"),
                                  lines, QStringLiteral("--sort-into"), resortedOut});
        QCOMPARE(resorted.exitCode, 0);  // the damaged photo's line is there: not tried again
        QCOMPARE(readAll(lines).count('\n'), 8);
        for (auto at = perFolder.begin(); at != perFolder.end(); ++at)
            QCOMPARE(int(QDir(resortedOut + QLatin1Char('/') + at.key()).entryList(QDir::Files).size()), at.value());
        QFile edited(lines);
        QVERIFY(edited.open(QIODevice::Append));
        edited.write(QJsonDocument(QJsonObject{{QStringLiteral("file"), sunflower[2].absoluteFilePath()},
                                               {QStringLiteral("class"), QStringLiteral("orchid")},
                                               {QStringLiteral("nearest_class"), QStringLiteral("orchid")},
                                               {QStringLiteral("unknown"), false}})
                         .toJson(QJsonDocument::Compact) + '\n');
        edited.close();
        const Run foreignLine = cli({QStringLiteral("classify"), set, sunflower[2].absoluteFilePath(), QStringLiteral("--resume"),
                                     lines, QStringLiteral("--sort-into"), resortedOut});
        QCOMPARE(foreignLine.exitCode, 1);
        QVERIFY2(foreignLine.err.contains("names class \"orchid\""), foreignLine.err.constData());
        QVERIFY(!QFileInfo::exists(resortedOut + QStringLiteral("/unknown/") + sunflower[2].fileName()));

        // One photo however its path is written is classified once, in every output.
        const QString photo = iris[0].absoluteFilePath();
        const QString relative = QDir::current().relativeFilePath(photo);
        const Run spelled = cli({QStringLiteral("classify"), set, photo, relative, QStringLiteral("./") + relative,
                                 QFileInfo(photo).absolutePath() + QStringLiteral("//") + iris[0].fileName(),
                                 QStringLiteral("--json"), QStringLiteral("--quiet")});
        QCOMPARE(spelled.json().value(QStringLiteral("results")).toArray().size(), 1);
    }

    void classifyReportsBadPhotoAndGoesOn()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        const QString bad = work_.filePath(QStringLiteral("not-a-photo.jpg"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is text, not a JPEG\n");
        file.close();
        const QString good = QDir(dataset_ + QStringLiteral("/iris")).entryInfoList(QDir::Files).first().absoluteFilePath();
        const Run run = cli({QStringLiteral("classify"), set, bad, good});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("not-a-photo.jpg"), run.err.constData());
        QVERIFY2(run.out.contains(good.toUtf8()), run.out.constData());
    }

    // A list of held-out photos plus a broken one, for the --files-from/--jsonl/--resume cases.
    QString writePhotoList(int perClass, QStringList* photos)
    {
        for (const QString& name : {QStringLiteral("daffodil"), QStringLiteral("iris"), QStringLiteral("snowdrop"),
                                    QStringLiteral("sunflower")}) {
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
            for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(40, perClass))
                *photos << source.absoluteFilePath(file);
        }
        const QString bad = work_.filePath(QStringLiteral("not-a-photo.jpg"));
        QFile badFile(bad);
        if (badFile.open(QIODevice::WriteOnly)) badFile.write("this is text, not a JPEG\n");
        photos->insert(3, bad);
        const QString list = work_.filePath(QStringLiteral("list-%1.txt").arg(perClass));
        QFile file(list);
        if (file.open(QIODevice::WriteOnly)) file.write((photos->join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        return list;
    }

    // {file: parsed line}; a photo with two lines fails the test.
    static QMap<QString, QJsonObject> jsonLines(const QByteArray& bytes)
    {
        QMap<QString, QJsonObject> byFile;
        for (const QByteArray& line : bytes.split('\n')) {
            if (line.isEmpty()) continue;
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            const QString file = record.value(QStringLiteral("file")).toString();
            if (byFile.contains(file)) qFatal("%s has two lines", qPrintable(file));
            byFile.insert(file, record);
        }
        return byFile;
    }

    static QByteArray readAll(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // An empty list (a search that found nothing) classifies nothing, and says so; so does a list
    // of blank lines (one was taken as a file named " \t ").
    void anEmptyListIsSaidSo()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        const QString list = work_.filePath(QStringLiteral("empty-list.txt"));
        QFile file(list);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\n\r\n \t \n");  // a line of blanks names no file either
        file.close();
        const Run run = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), list, QStringLiteral("--jsonl")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains("names no files"), run.err.constData());
    }

    // `find -print0` lists end each name with NUL: every photo is classified, one whose name holds
    // a line break too. Read as lines, the first "name" swallowed the rest and exit was 0.
    void aNulSeparatedListIsReadByName()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        QStringList photos;
        writePhotoList(1, &photos);
        photos.removeAt(3);  // the broken one
        const QString oddName = work_.filePath(QStringLiteral("two\nlines.jpg"));
        QFile::remove(oddName);
        QVERIFY(QFile::copy(photos.first(), oddName));
        photos << oddName;
        const QString list = work_.filePath(QStringLiteral("print0-list"));
        QFile file(list);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (const QString& photo : photos) file.write(QFile::encodeName(photo) + '\0');
        file.close();
        const Run run = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), list, QStringLiteral("--jsonl"),
                             QStringLiteral("--quiet")});
        QCOMPARE(run.exitCode, 0);
        const QMap<QString, QJsonObject> lines = jsonLines(run.out);
        QCOMPARE(QStringList(lines.keys()), [&] { QStringList sorted = photos; sorted.sort(); return sorted; }());
        for (const QJsonObject& line : lines) QVERIFY(line.value(QStringLiteral("error")).toString().isEmpty());
    }

    // A list through a pipe or FIFO (`--files-from <(find …)`) has no data when it is opened: it
    // was once read as empty ("names no files", nothing classified). Now read to its end, however
    // slowly it is written; a list without end (/dev/zero) is refused instead of filling memory.
    void aListThroughAFifoIsReadToItsEnd()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        QStringList photos;
        writePhotoList(1, &photos);
        photos.removeAt(3);  // the broken one
        const QString fifo = work_.filePath(QStringLiteral("list.fifo"));
        QFile::remove(fifo);
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QProcess process;
        exemplar::test::startCli(&process, {QStringLiteral("classify"), set, QStringLiteral("--files-from"), fifo,
                                            QStringLiteral("--jsonl"), QStringLiteral("--quiet")});
        QFile writer(fifo);
        QVERIFY(writer.open(QIODevice::WriteOnly | QIODevice::Unbuffered));  // waits for the reader
        QTest::qWait(300);  // the reader finds nothing yet
        for (const QString& photo : photos) {
            writer.write(QFile::encodeName(photo) + '\n');
            QTest::qWait(100);
        }
        writer.close();
        QVERIFY(process.waitForFinished(120000));
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(process.exitCode() == 0, err.constData());
        QStringList expected = photos;
        expected.sort();
        QCOMPARE(jsonLines(process.readAllStandardOutput()).keys(), expected);  // QMap: sorted keys

        const Run endless = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), QStringLiteral("/dev/zero")});
        QCOMPARE(endless.exitCode, 1);
        QVERIFY2(endless.err.contains("longer than"), endless.err.constData());
    }

    void classifyKilledAndResumedEqualsOneRun()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        QStringList photos;
        const QString list = writePhotoList(10, &photos);
        photos << photos.first();  // listed twice: classified once

        const Run single = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), list,
                                QStringLiteral("--jsonl"), QStringLiteral("--quiet")});
        QCOMPARE(single.exitCode, 1);  // the broken photo: a line with its reason, not a stop
        const QMap<QString, QJsonObject> expected = jsonLines(single.out);
        QCOMPARE(expected.size(), 41);
        QVERIFY(expected.value(photos[3]).value(QStringLiteral("error")).toString().size() > 0);
        QVERIFY(!single.out.contains("\n\n"));

        // Killed midway: started through stdin (--files-from -), stopped once a few lines are out.
        // Without the cache, where these photos are since training: each one takes the network,
        // so the run is still going when the first lines are out.
        const QString out = work_.filePath(QStringLiteral("resumed.jsonl"));
        QProcess process;
        exemplar::test::startCli(&process, {QStringLiteral("classify"), set, QStringLiteral("--files-from"),
                                            QStringLiteral("-"), QStringLiteral("--resume"), out, QStringLiteral("--quiet"),
                                            QStringLiteral("--no-cache")});
        QVERIFY(process.waitForStarted());
        process.write((photos.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        process.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(readAll(out).count('\n') >= 5, 120000);
        process.kill();
        process.waitForFinished();
        const QByteArray partial = readAll(out);
        QVERIFY2(partial.count('\n') < 41, "killed before the end");

        // A kill can also leave an unfinished line: the resume drops it and redoes that photo.
        const QByteArray next = QJsonDocument(expected.value(photos[10])).toJson(QJsonDocument::Compact);
        QFile file(out);
        QVERIFY(file.open(QIODevice::Append));
        file.write(next.left(next.size() / 2));
        file.close();

        const Run resumed = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), list,
                                 QStringLiteral("--resume"), out});
        QVERIFY2(resumed.err.contains("unfinished last line"), resumed.err.constData());
        QCOMPARE(jsonLines(readAll(out)), expected);

        // Resuming a finished file does nothing more.
        const Run again = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), list,
                               QStringLiteral("--resume"), out, QStringLiteral("--quiet")});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(jsonLines(readAll(out)), expected);
    }

    // Resuming cuts off an unfinished last line, but only one a killed writer of ours leaves (the
    // start of a JSON object): a file of another kind without a final newline was once cut to
    // nothing. Refused, and left byte for byte as it was.
    void resumeNeverCutsAFileOfAnotherKind_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("text without a newline") << QByteArray("my essay, not yet finished") << false;
        QTest::newRow("results, then text without a newline") << QByteArray("{\"file\": \"a.jpg\"}\nmy notes") << false;
        QTest::newRow("binary without a newline") << QByteArray("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11) << false;
        QTest::newRow("results, then half a record") << QByteArray("{\"file\": \"a.jpg\"}\n{\"file\": \"b.j") << true;
        // A whole JSON document without a final newline (a reference set, settings) is not what a
        // kill leaves: a record and its newline go out in one write. It was once cut to nothing.
        QTest::newRow("one JSON document without a newline") << QByteArray("{\"checksum\": \"9a\", \"classes\": [1, 2]}") << false;
        QTest::newRow("results, then a whole record without its newline")
            << QByteArray("{\"file\": \"a.jpg\"}\n{\"file\": \"b.jpg\"}") << false;
    }
    void resumeNeverCutsAFileOfAnotherKind()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, accepted);
        const QString path = work_.filePath(QStringLiteral("tail.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        file.close();
        if (accepted) {
            {
                const exemplar::JsonLinesFile resumed(path);  // holds the file's lock while in scope
                QVERIFY(resumed.droppedPartialLine());
                QCOMPARE(int(resumed.existing().size()), 1);
                QCOMPARE(readAll(path), content.left(content.indexOf('\n') + 1));
            }
            // Read through a reader (as classify --resume does, keeping a few fields of each), the
            // records are handed over, not also kept.
            QStringList files;
            const exemplar::JsonLinesFile read(path, {}, [&files](const QJsonObject& record) {
                files << record.value(QStringLiteral("file")).toString();
            });
            QCOMPARE(files.size(), 1);
            QVERIFY(read.existing().empty());
        } else {
            QVERIFY_THROWS_EXCEPTION(exemplar::Error, exemplar::JsonLinesFile{path});
            QCOMPARE(readAll(path), content);
        }
    }

    void resumeRefusesAForeignFileAndASecondWriter()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        const QString photo = QDir(dataset_ + QStringLiteral("/iris")).entryInfoList(QDir::Files).first().absoluteFilePath();

        const QString foreign = work_.filePath(QStringLiteral("notes.jsonl"));
        QFile file(foreign);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"file\": \"a.jpg\"}\nmy shopping list\n");
        file.close();
        const QByteArray before = readAll(foreign);
        const Run refused = cli({QStringLiteral("classify"), set, photo, QStringLiteral("--resume"), foreign});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("line 2"), refused.err.constData());
        QCOMPARE(readAll(foreign), before);  // nothing lost

        // Lines of JSON that are not classify's (no "file"), and a reference set itself (one JSON
        // document without a newline, once wiped by --resume): refused, byte for byte as they were.
        const QString otherLines = work_.filePath(QStringLiteral("other.jsonl"));
        QFile other(otherLines);
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.write("{\"event\": \"start\"}\n{\"event\": \"st");
        other.close();
        const QString setCopy = work_.filePath(QStringLiteral("copy-of-set.exref"));
        QFile::remove(setCopy);
        QVERIFY(QFile::copy(set, setCopy));
        for (const QString& target : {otherLines, setCopy}) {
            const QByteArray was = readAll(target);
            const Run kept = cli({QStringLiteral("classify"), set, photo, QStringLiteral("--resume"), target,
                                  QStringLiteral("--quiet")});
            QCOMPARE(kept.exitCode, 1);
            QVERIFY2(kept.err.contains("another kind"), kept.err.constData());
            QCOMPARE(readAll(target), was);
        }

        const QString out = work_.filePath(QStringLiteral("locked.jsonl"));
        {
            const exemplar::JsonLinesFile holder(out);  // another writer holds the file
            const Run locked = cli({QStringLiteral("classify"), set, photo, QStringLiteral("--resume"), out});
            QCOMPARE(locked.exitCode, 1);
            QVERIFY2(locked.err.contains("another process"), locked.err.constData());
        }
        const Run free = cli({QStringLiteral("classify"), set, photo, QStringLiteral("--resume"), out,
                              QStringLiteral("--quiet")});
        QCOMPARE(free.exitCode, 0);
        QCOMPARE(jsonLines(readAll(out)).size(), 1);
    }

    void concurrentEmbedsShareOneCache()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        QStringList photos;
        const QString list = writePhotoList(6, &photos);
        const QString cache = work_.filePath(QStringLiteral("shared-cache"));
        // Three processes fill one empty cache from the same list at once, as cluster workers on a
        // shared file system would.
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < 3; ++i) {
            auto process = std::make_unique<QProcess>();
            exemplar::test::startCli(process.get(), {QStringLiteral("embed"), QStringLiteral("--files-from"), list,
                                                     QStringLiteral("--cache-dir"), cache, QStringLiteral("--out"),
                                                     work_.filePath(QStringLiteral("concurrent-%1.npy").arg(i)),
                                                     QStringLiteral("--json"), QStringLiteral("--quiet")});
            processes.push_back(std::move(process));
        }
        for (const auto& process : processes) {
            QVERIFY(process->waitForFinished(600000));
            QCOMPARE(process->exitCode(), 0);
            const QJsonObject json = QJsonDocument::fromJson(process->readAllStandardOutput()).object();
            QCOMPARE(json.value(QStringLiteral("photos")).toInt(), 24);
            QCOMPARE(json.value(QStringLiteral("skipped")).toArray().size(), 1);  // the text file
        }
        // Every entry they wrote is whole: a fourth run finds all of them and computes nothing.
        const Run after = cli({QStringLiteral("embed"), QStringLiteral("--files-from"), list, QStringLiteral("--cache-dir"),
                               cache, QStringLiteral("--out"), work_.filePath(QStringLiteral("after.npy")),
                               QStringLiteral("--json"), QStringLiteral("--quiet")});
        QCOMPARE(after.exitCode, 0);
        QCOMPARE(after.json().value(QStringLiteral("from_cache")).toInt(), 24);
        QCOMPARE(after.json().value(QStringLiteral("computed")).toInt(), 0);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(readAll(work_.filePath(QStringLiteral("concurrent-%1.npy").arg(i))),
                     readAll(work_.filePath(QStringLiteral("after.npy"))));
        QCOMPARE(readAll(work_.filePath(QStringLiteral("after.csv"))).count('\n'), 25);
    }

    void evalReportsEveryMethod()
    {
        EXEMPLAR_REQUIRE_MODEL();
        if (dataset_.isEmpty()) QSKIP("needs the dataset made above");
        const Run run = cli({QStringLiteral("eval"), dataset_, QStringLiteral("--pool"), QStringLiteral("5"),
                             QStringLiteral("--repeats"), QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject json = run.json();
        QCOMPARE(json.value(QStringLiteral("pool")).toInt(), 5);
        QCOMPARE(json.value(QStringLiteral("repeats")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("classes")).toInt(), 4);
        QCOMPARE(json.value(QStringLiteral("photos")).toInt(), 64);
        const QJsonObject methods = json.value(QStringLiteral("methods")).toObject();
        for (const char* name : {"all", "centroid", "least-central"}) {
            const QJsonObject method = methods.value(QLatin1String(name)).toObject();
            for (const char* key : {"accuracy", "accuracy_std", "weighted_f1", "references_per_class", "seconds"})
                QVERIFY2(method.contains(QLatin1String(key)), key);
            QVERIFY(method.value(QStringLiteral("accuracy")).toDouble() > 0.7);
        }
        QVERIFY2(run.err.contains("evaluating"), "progress goes to stderr");

        // A method named twice, or by its older name too, is compared once (the text printed it
        // twice while the JSON, keyed by name, held it once).
        const Run twice = cli({QStringLiteral("eval"), dataset_, QStringLiteral("--pool"), QStringLiteral("5"),
                               QStringLiteral("--repeats"), QStringLiteral("1"), QStringLiteral("--methods"),
                               QStringLiteral("centroid,seed,centroid,least-central"), QStringLiteral("--json"),
                               QStringLiteral("--quiet")});
        QVERIFY2(twice.exitCode == 0, twice.err.constData());
        QCOMPARE(twice.json().value(QStringLiteral("method_order")).toArray(),
                 (QJsonArray{QStringLiteral("centroid"), QStringLiteral("least-central")}));

        // A pool larger than any class: the header says what was asked and what was given.
        const Run large = cli({QStringLiteral("eval"), dataset_, QStringLiteral("--pool"), QStringLiteral("100000"),
                               QStringLiteral("--repeats"), QStringLiteral("1"), QStringLiteral("--methods"),
                               QStringLiteral("centroid"), QStringLiteral("--quiet")});
        QVERIFY2(large.exitCode == 0, large.err.constData());
        QVERIFY2(large.out.contains("pool 100000 per class asked, at most 15 given"), large.out.constData());
    }

    // eval --foreign: "unknown" calibrated inside each pool, then measured on the test photos and
    // on photos of none of the classes (cars, at any depth of the folder), in JSON and in text.
    void evalMeasuresForeignPhotos()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("cars24"));
        if (dataset_.isEmpty()) QSKIP("needs the dataset made above");
        const QString foreign = work_.filePath(QStringLiteral("cars"));
        const QDir cars(exemplar::test::sharedDataSet(QStringLiteral("cars24")));
        int linked = 0;
        for (const QString& model : cars.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name).mid(0, 3)) {
            const QDir source(cars.filePath(model));
            QDir().mkpath(foreign + QStringLiteral("/nested/") + model);
            for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 4))
                linked += QFile::link(source.absoluteFilePath(file), foreign + QStringLiteral("/nested/") + model + QLatin1Char('/') + file);
        }
        QCOMPARE(linked, 12);
        const QStringList args{QStringLiteral("eval"), dataset_, QStringLiteral("--pool"), QStringLiteral("10"),
                               QStringLiteral("--repeats"), QStringLiteral("3"), QStringLiteral("--methods"),
                               QStringLiteral("centroid"), QStringLiteral("--foreign"), foreign};
        const Run run = cli(args + QStringList{QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject unknown = run.json().value(QStringLiteral("unknown")).toObject();
        QCOMPARE(unknown.value(QStringLiteral("known_reject_rate_asked")).toDouble(), 0.05);
        QCOMPARE(unknown.value(QStringLiteral("calibrated_repeats")).toInt(), 3);
        const QJsonObject cars24 = unknown.value(QStringLiteral("foreign_photos")).toObject();
        QCOMPARE(cars24.value(QStringLiteral("photos")).toInt(), 12);
        QVERIFY2(cars24.value(QStringLiteral("answered_unknown")).toDouble() >= 0.95, run.out.constData());
        const QJsonObject known = unknown.value(QStringLiteral("known_test_photos")).toObject();
        QCOMPARE(known.value(QStringLiteral("photos")).toInt(), 24);
        QVERIFY2(known.value(QStringLiteral("answered_unknown")).toDouble() <= 0.25, run.out.constData());

        const Run text = cli(args);
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QVERIFY2(text.out.contains("foreign photos") && text.out.contains("95% interval"), text.out.constData());
        // A rate that cannot calibrate anything is a usage error, not a silent "never unknown".
        QCOMPARE(cli(args + QStringList{QStringLiteral("--unknown-rate"), QStringLiteral("0")}).exitCode, 2);
    }

    // --background DIR: photos of other flowers (and, by mistake, a copy of a photo of the dataset)
    // reach the whitened methods' whitening in eval and train; the copy is left out with a warning
    // in eval, where any photo may be a test photo.
    void backgroundPhotosReachTheWhitening()
    {
        EXEMPLAR_REQUIRE_MODEL();
        if (dataset_.isEmpty()) QSKIP("needs the dataset made above");
        const QString background = work_.filePath(QStringLiteral("other-flowers"));
        QDir().mkpath(background);
        int linked = 0;
        for (const QString& name : {QStringLiteral("bluebell"), QStringLiteral("tigerlily"), QStringLiteral("windflower")}) {
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
            for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 8))
                linked += QFile::link(source.absoluteFilePath(file), background + QLatin1Char('/') + name + QLatin1Char('-') + file);
        }
        const QDir daffodil(dataset_ + QStringLiteral("/daffodil"));
        linked += QFile::copy(daffodil.absoluteFilePath(daffodil.entryList(QDir::Files, QDir::Name).first()),
                              background + QStringLiteral("/copy.jpg"));
        QCOMPARE(linked, 25);

        const QStringList eval{QStringLiteral("eval"), dataset_, QStringLiteral("--pool"), QStringLiteral("5"),
                               QStringLiteral("--repeats"), QStringLiteral("2"), QStringLiteral("--methods"),
                               QStringLiteral("centroid,whitened-centroid"), QStringLiteral("--background"), background};
        const Run run = cli(eval + QStringList{QStringLiteral("--json"), QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject json = run.json();
        QCOMPARE(json.value(QStringLiteral("background_photos")).toInt(), 24);
        QVERIFY2(json.value(QStringLiteral("warnings")).toVariant().toStringList().join(' ').contains(
                     QStringLiteral("1 background photo(s) were left out")), run.out.constData());
        const Run text = cli(eval + QStringList{QStringLiteral("--quiet")});
        QVERIFY2(text.out.contains("whitening fitted on each pool and 24 background photos"), text.out.constData());

        const QString set = work_.filePath(QStringLiteral("background.exref"));
        const QStringList train{QStringLiteral("train"), dataset_, QStringLiteral("--out"), set,
                                QStringLiteral("--background"), background, QStringLiteral("--quiet"), QStringLiteral("--method")};
        const Run whitened = cli(train + QStringList{QStringLiteral("whitened-linear"), QStringLiteral("--json")});
        QVERIFY2(whitened.exitCode == 0, whitened.err.constData());
        // The copy is left out only when its photo is held out.
        const int used = whitened.json().value(QStringLiteral("background_photos")).toInt();
        QVERIFY2(used == 24 || used == 25, whitened.out.constData());
        const Run info = cli({QStringLiteral("info"), set});
        QVERIFY2(info.out.contains(QStringLiteral("whitening fitted on the training photos and %1 background photos").arg(used).toUtf8()),
                 info.out.constData());
        const Run centroid = cli(train + QStringList{QStringLiteral("centroid")});
        QVERIFY2(centroid.out.contains("unused: the method chosen does not whiten"), centroid.out.constData());
        // discriminant-centroid whitens, but these photos lie in one folder, with no kinds to learn from.
        const Run discriminant = cli(train + QStringList{QStringLiteral("discriminant-centroid")});
        QVERIFY2(discriminant.out.contains("unused: discriminant-centroid learns only from background photos sorted"),
                 discriminant.out.constData());
        const Run discriminantInfo = cli({QStringLiteral("info"), set});
        QVERIFY2(!discriminantInfo.out.contains("background photos"), discriminantInfo.out.constData());
        // Sorted into one subfolder per species, the same photos teach it; --no-recursive is about
        // class folders and leaves a background's subfolders (its kinds) alone.
        const QString sorted = work_.filePath(QStringLiteral("sorted-flowers"));
        for (const QString& name : {QStringLiteral("bluebell"), QStringLiteral("tigerlily"), QStringLiteral("windflower")}) {
            QDir().mkpath(sorted + QLatin1Char('/') + name);
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
            for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 8))
                QVERIFY(QFile::link(source.absoluteFilePath(file), sorted + QLatin1Char('/') + name + QLatin1Char('/') + file));
        }
        const Run sortedRun = cli({QStringLiteral("train"), dataset_, QStringLiteral("--out"), set, QStringLiteral("--background"),
                                   sorted, QStringLiteral("--no-recursive"), QStringLiteral("--method"),
                                   QStringLiteral("discriminant-centroid"), QStringLiteral("--quiet")});
        QVERIFY2(sortedRun.exitCode == 0, sortedRun.err.constData());
        QVERIFY2(sortedRun.out.contains("Background: 24 photos fitted into the whitening"), sortedRun.out.constData());
        // A missing background folder is the user's error, named.
        const Run missing = cli({QStringLiteral("eval"), dataset_, QStringLiteral("--background"),
                                 work_.filePath(QStringLiteral("no-such-folder")), QStringLiteral("--quiet")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains("no-such-folder"), missing.err.constData());
    }

    void auditFlagsPlantedMislabels()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        // Distinct flowers, then two photos filed in the wrong folder, as a user might.
        const QString root = work_.filePath(QStringLiteral("planted"));
        const QStringList classes{QStringLiteral("daffodil"), QStringLiteral("iris"), QStringLiteral("snowdrop"),
                                  QStringLiteral("sunflower"), QStringLiteral("pansy")};
        QStringList planted;
        for (const QString& name : classes) {
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
            QDir().mkpath(root + QLatin1Char('/') + name);
            for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 16))
                QFile::link(source.absoluteFilePath(file), root + QLatin1Char('/') + name + QLatin1Char('/') + file);
        }
        for (const auto& [from, to] : {std::pair<QString, QString>{QStringLiteral("snowdrop"), QStringLiteral("sunflower")},
                                       {QStringLiteral("daffodil"), QStringLiteral("iris")}}) {
            const QString file = QDir(root + QLatin1Char('/') + from).entryList(QDir::Files, QDir::Name).first();
            QVERIFY(QFile::rename(root + QLatin1Char('/') + from + QLatin1Char('/') + file,
                                  root + QLatin1Char('/') + to + QLatin1Char('/') + file));
            planted << to + QLatin1Char('/') + file;
        }
        const Run run = cli({QStringLiteral("audit"), root, QStringLiteral("--json"), QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QStringList mislabeled;
        for (const QJsonValue& value : run.json().value(QStringLiteral("suspects")).toArray()) {
            const QJsonObject suspect = value.toObject();
            if (suspect.value(QStringLiteral("reasons")).toArray().contains(QStringLiteral("likely mislabeled"))) {
                const QFileInfo file(suspect.value(QStringLiteral("file")).toString());
                mislabeled << file.dir().dirName() + QLatin1Char('/') + file.fileName();
            }
        }
        for (const QString& photo : planted) QVERIFY2(mislabeled.contains(photo), qPrintable(mislabeled.join(", ")));
        QVERIFY(mislabeled.size() <= 5);  // and not half the set
    }

    void auditRanksConfusedPairs()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        // Two yellow flowers among unlike ones: the pair that looks most alike before training.
        const QString root = work_.filePath(QStringLiteral("confusable"));
        for (const QString& name : {QStringLiteral("daffodil"), QStringLiteral("tulip"), QStringLiteral("snowdrop"),
                                    QStringLiteral("sunflower"), QStringLiteral("pansy")}) {
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + name);
            QDir().mkpath(root + QLatin1Char('/') + name);
            for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 16))
                QFile::link(source.absoluteFilePath(file), root + QLatin1Char('/') + name + QLatin1Char('/') + file);
        }
        const Run refused = cli({QStringLiteral("audit"), root, QStringLiteral("--confused-pairs"), QStringLiteral("nonsense")});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("unknown method") && !refused.err.contains("embedding"), refused.err.constData());

        const Run run = cli({QStringLiteral("audit"), root, QStringLiteral("--json"), QStringLiteral("--quiet"),
                             QStringLiteral("--confused-pairs"), QStringLiteral("centroid")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject pairs = run.json().value(QStringLiteral("confused_pairs")).toObject();
        QCOMPARE(pairs.value(QStringLiteral("method")).toString(), QStringLiteral("centroid"));
        QCOMPARE(pairs.value(QStringLiteral("held_out")).toInt(), 80);
        int previous = std::numeric_limits<int>::max();
        for (const QJsonValue& value : pairs.value(QStringLiteral("by_confusion")).toArray()) {
            const QJsonObject pair = value.toObject();
            const int errors = pair.value(QStringLiteral("errors")).toInt();
            QCOMPARE(errors, pair.value(QStringLiteral("a_as_b")).toInt() + pair.value(QStringLiteral("b_as_a")).toInt());
            QVERIFY(errors > 0 && errors <= previous);
            previous = errors;
        }
        const QJsonArray bySimilarity = pairs.value(QStringLiteral("by_similarity")).toArray();
        QCOMPARE(bySimilarity.size(), 10);  // every pair of 5 classes
        const QJsonObject alike = bySimilarity.first().toObject();
        QCOMPARE(QSet<QString>({alike.value(QStringLiteral("a")).toString(), alike.value(QStringLiteral("b")).toString()}),
                 QSet<QString>({QStringLiteral("daffodil"), QStringLiteral("tulip")}));
    }

    // One class leaves no pair to confuse: said so, not "0 held-out photos, 0.0% right".
    void auditOfOneClassSaysThereIsNothingToConfuse()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        const QString root = work_.filePath(QStringLiteral("one-class"));
        const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/daisy")));
        QDir().mkpath(root + QStringLiteral("/daisy"));
        for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, 8))
            QVERIFY(QFile::link(source.absoluteFilePath(file), root + QStringLiteral("/daisy/") + file));
        const Run run = cli({QStringLiteral("audit"), root, QStringLiteral("--quiet"), QStringLiteral("--confused-pairs"),
                             QStringLiteral("centroid")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("most confused pairs: none to rank") && !run.out.contains("0 held-out photos"),
                 run.out.constData());
    }

    // A class may be named "unknown": its answers read as the class, not as the verdict.
    void aClassNamedUnknownIsToldFromTheVerdict()
    {
        EXEMPLAR_REQUIRE_MODEL();
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("flowers17"));
        const QString root = work_.filePath(QStringLiteral("named-unknown"));
        QStringList heldOut;
        for (const auto& [from, as] : {std::pair{QStringLiteral("daisy"), QStringLiteral("unknown")},
                                       std::pair{QStringLiteral("sunflower"), QStringLiteral("sunflower")}}) {
            const QDir source(exemplar::test::sharedDataSet(QStringLiteral("flowers17/")) + from);
            const QStringList files = source.entryList(QDir::Files, QDir::Name);
            QDir().mkpath(root + QLatin1Char('/') + as);
            for (const QString& file : files.mid(0, 12))
                QVERIFY(QFile::link(source.absoluteFilePath(file), root + QLatin1Char('/') + as + QLatin1Char('/') + file));
            heldOut << source.absoluteFilePath(files.value(40));
        }
        const QString set = work_.filePath(QStringLiteral("named-unknown.exref"));
        const Run trained = cli({QStringLiteral("train"), root, QStringLiteral("--quiet"), QStringLiteral("--method"),
                                 QStringLiteral("centroid"), QStringLiteral("--out"), set});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        const Run run = cli({QStringLiteral("classify"), set, heldOut[0], heldOut[1], QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.split('\n');
        const QByteArray daisy = lines.value(0);
        QVERIFY2(daisy.contains(": unknown (the class of that name, not the verdict; margin"), run.out.constData());
        QVERIFY2(!run.out.contains("sunflower (the class of that name"), run.out.constData());
    }

    void damagedReferenceSetIsRefused()
    {
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        QFile file(set);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        const QString damaged = work_.filePath(QStringLiteral("damaged.exref"));
        QFile out(damaged);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() / 2));
        out.close();
        const Run run = cli({QStringLiteral("info"), damaged});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("damaged"), run.err.constData());
    }

    // A reference set edited by hand (and sealed again, so it reads): info prints the stored
    // figures only where they are shares, and an interval only where it holds its figure.
    void handEditedEvaluationIsNotPrintedAsAFigure_data()
    {
        QTest::addColumn<QJsonValue>("accuracy");
        QTest::addColumn<QJsonValue>("weightedF1");
        QTest::addColumn<QJsonArray>("interval");
        QTest::addColumn<QJsonArray>("weightedF1Interval");
        QTest::addColumn<QStringList>("shown");
        QTest::addColumn<QStringList>("notShown");
        QTest::newRow("as written") << QJsonValue(0.875) << QJsonValue(0.5) << QJsonArray{0.8, 0.9} << QJsonArray{0.4, 0.6}
                                    << QStringList{"87.5% (95% interval 80.0% to 90.0%)", "F1 50.0% (95% interval 40.0% to 60.0%)"}
                                    << QStringList{"not a valid"};
        QTest::newRow("above one") << QJsonValue(7.5) << QJsonValue(-2) << QJsonArray{0.2, 9} << QJsonArray{-3, 0.5}
                                   << QStringList{"accuracy (not a valid share in the file), weighted F1 (not a valid share"}
                                   << QStringList{"750", "-200", "900", "interval"};
        QTest::newRow("text") << QJsonValue(QStringLiteral("NaN")) << QJsonValue(QStringLiteral("1e999")) << QJsonArray{}
                              << QJsonArray{QStringLiteral("0.1"), QStringLiteral("0.9")}
                              << QStringList{"accuracy (not a valid share in the file)"} << QStringList{"nan", "inf", "interval"};
        QTest::newRow("interval not around it") << QJsonValue(0.5) << QJsonValue(0.5) << QJsonArray{0.6, 0.7}
                                                << QJsonArray{0.1, 0.2}
                                                << QStringList{"accuracy 50.0%, weighted F1 50.0%"} << QStringList{"interval"};
    }

    void handEditedEvaluationIsNotPrintedAsAFigure()
    {
        QFETCH(QJsonValue, accuracy);
        QFETCH(QJsonValue, weightedF1);
        QFETCH(QJsonArray, interval);
        QFETCH(QJsonArray, weightedF1Interval);
        QFETCH(QStringList, shown);
        QFETCH(QStringList, notShown);
        REQUIRE_FLOWERS_SET_TRAINED_ABOVE(set);
        exemplar::ReferenceSet edited = exemplar::readReferenceSet(set);
        edited.evaluation.insert(QStringLiteral("accuracy"), accuracy);
        edited.evaluation.insert(QStringLiteral("weighted_f1"), weightedF1);
        edited.evaluation.insert(QStringLiteral("accuracy_interval_95"), interval);
        edited.evaluation.insert(QStringLiteral("weighted_f1_interval_95"), weightedF1Interval);
        const QString path = work_.filePath(QStringLiteral("edited.exref"));
        exemplar::writeReferenceSet(edited, path);
        const Run run = cli({QStringLiteral("info"), path});
        QCOMPARE(run.exitCode, 0);
        for (const QString& text : shown) QVERIFY2(run.out.contains(text.toUtf8()), run.out.constData());
        for (const QString& text : notShown) QVERIFY2(!run.out.toLower().contains(text.toUtf8()), run.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
