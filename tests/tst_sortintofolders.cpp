// Filing classified photos into class folders (core/workflow/SortIntoFolders), on real files in a
// temporary folder: where each photo lands, what happens to names taken, to hostile class names,
// to a second run and to an output that is not a folder.
#include "Error.h"
#include "SortIntoFolders.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

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
