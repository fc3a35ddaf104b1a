// Filing classified photos into class folders (core/workflow/SortIntoFolders), on real files in a
// temporary folder: where each photo lands, what happens to names taken, to hostile class names,
// to a second run and to an output that is not a folder.
#include "Error.h"
#include "SortIntoFolders.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

using namespace exemplar;

namespace {

QString writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return {};
    file.write(bytes);
    return path;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestSortIntoFolders : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void folderNames_data()
    {
        QTest::addColumn<QString>("className");
        QTest::addColumn<QString>("folder");
        QTest::newRow("plain") << QStringLiteral("daisy") << QStringLiteral("daisy");
        QTest::newRow("spaces and accents") << QStringLiteral("Pâquerette 2") << QStringLiteral("Pâquerette 2");
        QTest::newRow("separator") << QStringLiteral("../../etc") << QStringLiteral(".._.._etc");
        QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("a_b");
        QTest::newRow("dot dot") << QStringLiteral("..") << QStringLiteral("_..");
        QTest::newRow("empty") << QString() << QStringLiteral("_");
        QTest::newRow("control character") << QStringLiteral("a\nb") << QStringLiteral("a_b");
        QTest::newRow("longer than a folder's name may be") << QString(300, QLatin1Char('x')) << QString(255, QLatin1Char('x'));
        QTest::newRow("long, with a 2-byte character at the cut") << QString(253, QLatin1Char('x')) + QStringLiteral("éé")
                                                                  << QString(253, QLatin1Char('x')) + QStringLiteral("é");
    }

    void folderNames()
    {
        QFETCH(QString, className);
        QFETCH(QString, folder);
        QCOMPARE(classFolderName(className), folder);
    }

    void unknownFolderIsNotAClass()
    {
        QCOMPARE(unknownFolderName({QStringLiteral("daisy")}), QStringLiteral("unknown"));
        QCOMPARE(unknownFolderName({QStringLiteral("Unknown"), QStringLiteral("daisy")}), QStringLiteral("_unknown"));
    }

    // Classes whose folders would meet get distinct ones: made-safe names, case, Unicode form.
    void classFoldersNeverMerge_data()
    {
        QTest::addColumn<QStringList>("classes");
        QTest::addColumn<QStringList>("folders");
        QTest::newRow("distinct") << QStringList{"daisy", "tulip"} << QStringList{"daisy", "tulip"};
        QTest::newRow("made safe alike") << QStringList{"a/b", "a_b"} << QStringList{"a_b", "a_b (2)"};
        QTest::newRow("case only (USB drives, macOS)") << QStringList{"Daisy", "daisy"} << QStringList{"Daisy", "daisy (2)"};
        QTest::newRow("NFC and NFD") << QStringList{QStringLiteral("caf\u00e9"), QStringLiteral("cafe\u0301")}
                                     << QStringList{QStringLiteral("caf\u00e9"), QStringLiteral("cafe\u0301 (2)")};
        QTest::newRow("a class named like the unknown folder") << QStringList{"unknown", "Unknown"}
                                                              << QStringList{"unknown", "Unknown (2)"};
        // Two 255-byte names that differ in case (legal on Linux): the second made room for " (2)".
        QTest::newRow("255 bytes, case only") << QStringList{QString(255, QLatin1Char('a')), QString(255, QLatin1Char('A'))}
                                              << QStringList{QString(255, QLatin1Char('a')), QString(251, QLatin1Char('A')) + " (2)"};
    }

    void classFoldersNeverMerge()
    {
        QFETCH(QStringList, classes);
        QFETCH(QStringList, folders);
        QCOMPARE(classFolderNames(classes), folders);
        QVERIFY(!folders.contains(unknownFolderName(classes), Qt::CaseInsensitive));
        // Through the filing itself: each class's photo in its own folder.
        QTemporaryDir dir;
        std::vector<PhotoToFile> photos;
        for (int c = 0; c < classes.size(); ++c)
            photos.push_back({writeFile(dir.filePath(QStringLiteral("in/%1.jpg").arg(c)), QByteArray::number(c)), classes[c]});
        const QString out = dir.filePath(QStringLiteral("out"));
        QCOMPARE(fileIntoClassFolders(photos, classes, out, FilingAction::Copy).filed, int(classes.size()));
        for (int c = 0; c < classes.size(); ++c)
            QCOMPARE(readFile(QStringLiteral("%1/%2/%3.jpg").arg(out, folders[c]).arg(c)), QByteArray::number(c));
    }

    void filesCopiesAndLinks_data()
    {
        QTest::addColumn<bool>("link");
        QTest::newRow("copies") << false;
        QTest::newRow("links") << true;
    }

    void filesCopiesAndLinks()
    {
        QFETCH(bool, link);
        const FilingAction action = link ? FilingAction::Link : FilingAction::Copy;
        QTemporaryDir dir;
        const QString a = writeFile(dir.filePath(QStringLiteral("in/a.jpg")), "photo a");
        const QString b = writeFile(dir.filePath(QStringLiteral("in/sub/a.jpg")), "photo b, same name");
        const QString c = writeFile(dir.filePath(QStringLiteral("in/c.jpg")), "photo c");
        const QString d = writeFile(dir.filePath(QStringLiteral("in/d.jpg")), "photo d");
        const QString out = dir.filePath(QStringLiteral("out"));
        const QStringList classes{QStringLiteral("daisy"), QStringLiteral("../escape")};
        const std::vector<PhotoToFile> photos{{a, QStringLiteral("daisy")}, {b, QStringLiteral("daisy")},
                                              {c, QString()}, {d, QStringLiteral("../escape")},
                                              {dir.filePath(QStringLiteral("in/gone.jpg")), QStringLiteral("daisy")}};

        FilingOutcome outcome = fileIntoClassFolders(photos, classes, out, action);
        QCOMPARE(outcome.filed, 4);
        QCOMPARE(outcome.alreadyFiled, 0);
        QCOMPARE(int(outcome.failed.size()), 1);  // the photo that is gone, linked or copied
        QCOMPARE(outcome.failed[0].path, photos.back().path);
        QCOMPARE(readFile(out + QStringLiteral("/daisy/a.jpg")), QByteArray("photo a"));
        QCOMPARE(readFile(out + QStringLiteral("/daisy/a (2).jpg")), QByteArray("photo b, same name"));
        QCOMPARE(readFile(out + QStringLiteral("/unknown/c.jpg")), QByteArray("photo c"));
        QCOMPARE(readFile(out + QStringLiteral("/.._escape/d.jpg")), QByteArray("photo d"));  // inside OUT
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("escape"))));
        QCOMPARE(QFileInfo(out + QStringLiteral("/daisy/a.jpg")).isSymLink(), link);
        QCOMPARE(QDir(out + QStringLiteral("/daisy")).entryList(QDir::Files | QDir::Hidden | QDir::System).size(), 2);  // no leftover temporaries

        // Again, after a new photo came: only it is filed; nothing is duplicated or overwritten.
        const QString e = writeFile(dir.filePath(QStringLiteral("in/e.jpg")), "photo e");
        std::vector<PhotoToFile> more(photos.begin(), photos.end() - 1);
        more.push_back({e, QStringLiteral("daisy")});
        outcome = fileIntoClassFolders(more, classes, out, action);
        QCOMPARE(outcome.filed, 1);
        QCOMPARE(outcome.alreadyFiled, 4);
        QVERIFY(outcome.failed.empty());
        QVERIFY(!QFileInfo::exists(out + QStringLiteral("/daisy/a (3).jpg")));

        // A different photo under a name already filed does not replace it.
        QVERIFY(QFile::remove(a));
        writeFile(a, "another photo a");
        outcome = fileIntoClassFolders({{a, QStringLiteral("daisy")}}, classes, out, action);
        QCOMPARE(outcome.filed, link ? 0 : 1);  // a link to the same path is the same photo
        if (!link) {
            QCOMPARE(readFile(out + QStringLiteral("/daisy/a.jpg")), QByteArray("photo a"));
            QCOMPARE(readFile(out + QStringLiteral("/daisy/a (3).jpg")), QByteArray("another photo a"));
        }
    }

    // A copy is readable as the photo was (cp's rule), not only by its owner as the temporary
    // file it was written through.
    void copiesKeepThePhotosPermissions()
    {
        QTemporaryDir dir;
        const QString photo = writeFile(dir.filePath(QStringLiteral("in/a.jpg")), "photo a");
        const QFile::Permissions shared = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
        QVERIFY(QFile::setPermissions(photo, shared));
        const QString out = dir.filePath(QStringLiteral("out"));
        QCOMPARE(fileIntoClassFolders({{photo, QStringLiteral("daisy")}}, {QStringLiteral("daisy")}, out, FilingAction::Copy).filed, 1);
        QCOMPARE(QFile::permissions(out + QStringLiteral("/daisy/a.jpg")) & ~(QFile::ReadUser | QFile::WriteUser), shared);
    }

    // A full disk: the photo that does not fit is reported as such (Qt alone says "Unknown
    // error"), the photos before it stay filed, and no partial copy is left. On a real 64 KB
    // tmpfs, which needs root; skipped otherwise.
    void aFullDiskIsReportedAndLeavesNoPartialCopy()
    {
        QTemporaryDir dir;
        const QString small = dir.filePath(QStringLiteral("small-disk"));
        QVERIFY(QDir().mkpath(small));
        if (::geteuid() != 0 || QProcess::execute(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                                                    QStringLiteral("size=64k"), QStringLiteral("tmpfs"), small}) != 0)
            QSKIP("mounting a small tmpfs needs root (and a system that allows it)");
        const auto unmount = qScopeGuard([&] { QProcess::execute(QStringLiteral("umount"), {small}); });
        const QString fits = writeFile(dir.filePath(QStringLiteral("in/fits.jpg")), QByteArray(20 << 10, 'a'));
        const QString tooLarge = writeFile(dir.filePath(QStringLiteral("in/large.jpg")), QByteArray(200 << 10, 'b'));
        const FilingOutcome outcome = fileIntoClassFolders({{fits, QStringLiteral("daisy")}, {tooLarge, QStringLiteral("daisy")}},
                                                           {QStringLiteral("daisy")}, small + QStringLiteral("/out"), FilingAction::Copy);
        QCOMPARE(outcome.filed, 1);
        QCOMPARE(int(outcome.failed.size()), 1);
        QVERIFY2(outcome.failed[0].reason.contains(QLatin1String("the disk is full")), qPrintable(outcome.failed[0].reason));
        QCOMPARE(QDir(small + QStringLiteral("/out/daisy")).entryList(QDir::Files | QDir::Hidden | QDir::System),
                 QStringList{QStringLiteral("fits.jpg")});
    }

    // Two photos of one name that fills the file system's limit (255 bytes): the second's " (2)"
    // made its name too long, and it could never be filed. Its name is shortened instead, whole
    // characters only (the name is of 2-byte characters here).
    void aLongNameTakenIsShortenedToFit()
    {
        QTemporaryDir dir;
        const QString longBase = QString(125, QChar(0x00E9)) + QStringLiteral("ab");  // 252 bytes; ".jpg" makes 256
        const QString name = longBase.chopped(1) + QStringLiteral(".jpg");           // 255 bytes
        QCOMPARE(QFile::encodeName(name).size(), 255);
        const QString first = writeFile(dir.filePath(QStringLiteral("in/1/") + name), "first");
        const QString second = writeFile(dir.filePath(QStringLiteral("in/2/") + name), "second");
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        const FilingOutcome outcome = fileIntoClassFolders({{first, QStringLiteral("daisy")}, {second, QStringLiteral("daisy")}},
                                                           {QStringLiteral("daisy")}, dir.filePath(QStringLiteral("out")),
                                                           FilingAction::Copy);
        QVERIFY2(outcome.failed.empty(), outcome.failed.empty() ? "" : qPrintable(outcome.failed[0].reason));
        QCOMPARE(outcome.filed, 2);
        const QStringList filed = QDir(dir.filePath(QStringLiteral("out/daisy"))).entryList(QDir::Files, QDir::Name);
        QCOMPARE(filed.size(), 2);
        QVERIFY(filed.contains(name));
        const QString renamed = filed.at(filed.indexOf(name) == 0 ? 1 : 0);
        QVERIFY2(renamed.endsWith(QLatin1String(" (2).jpg")), qPrintable(renamed));
        // The outcome says which photo went under which name (the window reports it).
        QCOMPARE(int(outcome.renamed.size()), 1);
        QCOMPARE(outcome.renamed[0].first, second);
        QCOMPARE(QFileInfo(outcome.renamed[0].second).fileName(), renamed);
        QVERIFY(QFile::encodeName(renamed).size() <= 255);
        QVERIFY(name.startsWith(renamed.chopped(8)));
        QCOMPARE(readFile(dir.filePath(QStringLiteral("out/daisy/")) + renamed), QByteArray("second"));
    }

    void outputThatIsNotAFolderIsRefused()
    {
        QTemporaryDir dir;
        const QString photo = writeFile(dir.filePath(QStringLiteral("a.jpg")), "photo");
        const QString file = writeFile(dir.filePath(QStringLiteral("out")), "a file");
        QVERIFY_THROWS_EXCEPTION(Error, fileIntoClassFolders({{photo, QStringLiteral("daisy")}}, {QStringLiteral("daisy")}, file,
                                                             FilingAction::Copy));
        QCOMPARE(readFile(file), QByteArray("a file"));
    }
};

QTEST_GUILESS_MAIN(TestSortIntoFolders)
#include "tst_sortintofolders.moc"
