#include "Dataset.h"
#include "Error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <memory>
#include <unistd.h>

using exemplar::Dataset;
using exemplar::SkippedFile;

namespace {

// Scanning only lists files, but the photos are real JPEGs anyway so that nothing here would
// pass only because the content is never looked at.
bool writePhoto(const QString& path)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", cv::Mat(12, 16, CV_8UC3, cv::Scalar(40, 90, 200)), jpeg);
    QFile file(path);
    return file.open(QIODevice::WriteOnly) &&
           file.write(reinterpret_cast<const char*>(jpeg.data()), qint64(jpeg.size())) == qint64(jpeg.size());
}

bool writeText(const QString& path, const QByteArray& text = "not a photo\n")
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QString reasonFor(const Dataset& dataset, const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (const SkippedFile& skipped : dataset.skipped)
        if (skipped.path == absolute) return skipped.reason;
    return {};
}

QStringList photoNames(const Dataset& dataset)
{
    QStringList names;
    for (const exemplar::Photo& photo : dataset.photos)
        names << dataset.classNames[photo.classIndex] + QLatin1Char('/') + QFileInfo(photo.path).fileName();
    return names;
}

QString describe(const Dataset& dataset)
{
    QStringList lines;
    for (const SkippedFile& skipped : dataset.skipped) lines << skipped.path + QStringLiteral(": ") + skipped.reason;
    return QStringLiteral("skipped [%1] warnings [%2]").arg(lines.join(QStringLiteral("; ")),
                                                          dataset.warnings.join(QStringLiteral("; ")));
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fromFilesTakesClassesFromParentFolders()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a")), b = dir.filePath(QStringLiteral("b"));
        QVERIFY(writePhoto(a + QStringLiteral("/tulip/2.jpg")));
        QVERIFY(writePhoto(a + QStringLiteral("/tulip/1.jpg")));
        QVERIFY(writePhoto(b + QStringLiteral("/rose/x.jpg")));
        QVERIFY(writePhoto(b + QStringLiteral("/tulip/3.jpg")));
        QVERIFY(writeText(a + QStringLiteral("/tulip/notes.txt")));
        const Dataset dataset = Dataset::fromFiles(
            {a + QStringLiteral("/tulip/2.jpg"), b + QStringLiteral("/tulip/3.jpg"), a + QStringLiteral("/tulip/1.jpg"),
             b + QStringLiteral("/rose/x.jpg"), a + QStringLiteral("/tulip/notes.txt"), a + QStringLiteral("/missing.jpg"),
             b + QStringLiteral("/rose/x.jpg")});
        // Classes in name order; one class per folder name wherever it is; list order inside a class.
        QCOMPARE(dataset.classNames, (QStringList{QStringLiteral("rose"), QStringLiteral("tulip")}));
        QCOMPARE(photoNames(dataset), (QStringList{QStringLiteral("rose/x.jpg"), QStringLiteral("tulip/2.jpg"),
                                                   QStringLiteral("tulip/3.jpg"), QStringLiteral("tulip/1.jpg")}));
        QVERIFY(reasonFor(dataset, a + QStringLiteral("/tulip/notes.txt")).contains(QStringLiteral("not an image")));
        QCOMPARE(reasonFor(dataset, a + QStringLiteral("/missing.jpg")), QStringLiteral("file does not exist"));
        QCOMPARE(reasonFor(dataset, b + QStringLiteral("/rose/x.jpg")), QStringLiteral("listed twice"));
        QCOMPARE(int(dataset.skipped.size()), 3);
        QVERIFY2(dataset.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("\"rose\" has only one photo")),
                 qPrintable(describe(dataset)));
    }

    void init();
    void classesAreSubfoldersInNaturalOrder();
    void photosAreOrderedNaturally();
    void hiddenFilesAreNeitherListedNorReported();
    void reportsProblemEntries_data();
    void reportsProblemEntries();
    void warnsAboutSmallClasses_data();
    void warnsAboutSmallClasses();
    void unicodeAndSpacesInNames();
    void reportsLooseFiles();
    void scanRejectsBadRoots_data();
    void scanRejectsBadRoots();
    void fromClassFoldersSkipsDuplicatesAndNonFolders();

private:
    std::unique_ptr<QTemporaryDir> dir_;  // fresh for every test function
    QString path(const QString& relative) const { return dir_->filePath(relative); }
};

void TestDataset::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY2(dir_->isValid(), qPrintable(dir_->errorString()));
}

void TestDataset::classesAreSubfoldersInNaturalOrder()
{
    // Created out of order; a plain string sort would put class10 before class2.
    for (const char* name : {"class10", "class2", "class1", "Zebra", "apple"}) {
        QVERIFY(writePhoto(path(QStringLiteral("root/%1/a.jpg").arg(QLatin1String(name)))));
        QVERIFY(writePhoto(path(QStringLiteral("root/%1/b.jpg").arg(QLatin1String(name)))));
    }
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));

    QCOMPARE(dataset.classNames, (QStringList{"apple", "class1", "class2", "class10", "Zebra"}));
    QCOMPARE(dataset.classCount(), 5);
    QCOMPARE(dataset.classFolders.size(), 5);
    for (int i = 0; i < dataset.classCount(); ++i) {
        QVERIFY(QFileInfo(dataset.classFolders[i]).isAbsolute());
        QCOMPARE(QFileInfo(dataset.classFolders[i]).fileName(), dataset.classNames[i]);
    }
    QCOMPARE(dataset.photosPerClass(), (std::vector<int>{2, 2, 2, 2, 2}));
    QVERIFY2(dataset.skipped.empty() && dataset.warnings.isEmpty(), qPrintable(describe(dataset)));
}

void TestDataset::photosAreOrderedNaturally()
{
    for (const char* name : {"b/img10.jpg", "b/img2.png", "b/img1.JPG", "a/x.webp", "a/w.tif", "c/only3.bmp",
                             "c/only1.jpeg", "c/only20.tiff"})
        QVERIFY(writePhoto(path(QStringLiteral("root/") + QLatin1String(name))));
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));

    // Ordered by class, then by file name as a file manager shows it.
    QCOMPARE(photoNames(dataset), (QStringList{"a/w.tif", "a/x.webp", "b/img1.JPG", "b/img2.png", "b/img10.jpg",
                                               "c/only1.jpeg", "c/only3.bmp", "c/only20.tiff"}));
    QCOMPARE(dataset.photoCount(), 8);
    QCOMPARE(dataset.photosPerClass(), (std::vector<int>{2, 3, 3}));
    for (const exemplar::Photo& photo : dataset.photos) {
        QVERIFY(QFileInfo(photo.path).isAbsolute());
        QVERIFY(photo.path.startsWith(dataset.classFolders[photo.classIndex] + QLatin1Char('/')));
    }
}

void TestDataset::hiddenFilesAreNeitherListedNorReported()
{
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/a.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/b.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/.hidden.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/._a.jpg"))));  // macOS resource fork
    QVERIFY(writeText(path(QStringLiteral("root/cats/.DS_Store"))));
    QVERIFY(writeText(path(QStringLiteral("root/.DS_Store"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/.thumbnails/t.jpg"))));  // a hidden folder is no class

    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(dataset.classNames, QStringList{"cats"});
    QCOMPARE(photoNames(dataset), (QStringList{"cats/a.jpg", "cats/b.jpg"}));
    QVERIFY2(dataset.skipped.empty(), qPrintable(describe(dataset)));
    QVERIFY2(dataset.warnings.isEmpty(), qPrintable(describe(dataset)));
}

void TestDataset::reportsProblemEntries_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("reported");  // entries of the class folder that must be skipped
    QTest::addColumn<QString>("phrase");

    QTest::newRow("text file") << "text" << QStringList{"notes.txt"} << "not an image file type";
    QTest::newRow("file without extension") << "text" << QStringList{"README"} << "not an image file type";
    QTest::newRow("nested subfolder") << "folder" << QStringList{"more"} << "subfolder";
    QTest::newRow("symlink to the parent folder") << "parentlink" << QStringList{"up"} << "subfolder";
    QTest::newRow("broken symlink") << "broken" << QStringList{"gone.jpg"} << "broken symbolic link";
    QTest::newRow("symlink loop") << "loop" << QStringList{"a.jpg", "b.jpg"} << "symbolic link";
    QTest::newRow("unreadable file (chmod 000)") << "unreadable" << QStringList{"locked.jpg"} << "not readable";
}

void TestDataset::reportsProblemEntries()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, reported);
    QFETCH(QString, phrase);

    const QString cls = path(QStringLiteral("root/cls"));
    QVERIFY(writePhoto(cls + QStringLiteral("/good1.jpg")));
    QVERIFY(writePhoto(cls + QStringLiteral("/good2.jpg")));
    const QString entry = cls + QLatin1Char('/') + reported.first();
    if (kind == QLatin1String("text")) {
        QVERIFY(writeText(entry));
    } else if (kind == QLatin1String("folder")) {
        QVERIFY(writePhoto(entry + QStringLiteral("/deeper.jpg")));
    } else if (kind == QLatin1String("parentlink")) {
        QVERIFY(QFile::link(QStringLiteral(".."), entry));
    } else if (kind == QLatin1String("broken")) {
        QVERIFY(QFile::link(cls + QStringLiteral("/nowhere.jpg"), entry));
    } else if (kind == QLatin1String("loop")) {
        QVERIFY(QFile::link(cls + QStringLiteral("/b.jpg"), cls + QStringLiteral("/a.jpg")));
        QVERIFY(QFile::link(cls + QStringLiteral("/a.jpg"), cls + QStringLiteral("/b.jpg")));
    } else if (kind == QLatin1String("unreadable")) {
        if (::geteuid() == 0)
            QSKIP("running as root: root reads a chmod-000 file anyway, so it cannot be made unreadable");
        QVERIFY(writePhoto(entry));
        QVERIFY(QFile::setPermissions(entry, QFileDevice::Permissions()));
    }

    QElapsedTimer timer;
    timer.start();
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QVERIFY2(timer.elapsed() < 10000, "scanning took suspiciously long (a loop followed?)");

    // The problem entries are reported with their reason; the good photos are still listed.
    QCOMPARE(photoNames(dataset), (QStringList{"cls/good1.jpg", "cls/good2.jpg"}));
    QCOMPARE(int(dataset.skipped.size()), reported.size());
    for (const QString& name : reported) {
        const QString reason = reasonFor(dataset, cls + QLatin1Char('/') + name);
        QVERIFY2(reason.contains(phrase, Qt::CaseInsensitive), qPrintable(name + QStringLiteral(": ") + describe(dataset)));
    }
    // Nothing is reported twice, and no entry of a nested folder leaks in.
    for (const SkippedFile& skipped : dataset.skipped) QVERIFY(!skipped.path.endsWith(QLatin1String("deeper.jpg")));
}

void TestDataset::warnsAboutSmallClasses_data()
{
    QTest::addColumn<int>("photos");
    QTest::addColumn<QString>("phrase");  // empty: no warning expected

    QTest::newRow("empty class") << 0 << "has no photos";
    QTest::newRow("one photo") << 1 << "only one photo";
    QTest::newRow("two photos") << 2 << "";
}

void TestDataset::warnsAboutSmallClasses()
{
    QFETCH(int, photos);
    QFETCH(QString, phrase);

    QVERIFY(writePhoto(path(QStringLiteral("root/big/1.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/big/2.jpg"))));
    QVERIFY(QDir().mkpath(path(QStringLiteral("root/small class"))));
    for (int i = 0; i < photos; ++i) QVERIFY(writePhoto(path(QStringLiteral("root/small class/%1.jpg").arg(i))));

    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    // A small class is still a class: the user decides what to do about the warning.
    QCOMPARE(dataset.classNames, (QStringList{"big", "small class"}));
    QCOMPARE(dataset.photosPerClass(), (std::vector<int>{2, photos}));
    if (phrase.isEmpty()) {
        QVERIFY2(dataset.warnings.isEmpty(), qPrintable(describe(dataset)));
    } else {
        QCOMPARE(dataset.warnings.size(), 1);
        QVERIFY2(dataset.warnings.first().contains(phrase), qPrintable(dataset.warnings.first()));
        QVERIFY2(dataset.warnings.first().contains(QLatin1String("\"small class\"")), qPrintable(dataset.warnings.first()));
    }
}

void TestDataset::unicodeAndSpacesInNames()
{
    const QString bulldozer = QStringLiteral("Bulldozer D8 – Cat");
    const QString nandu = QStringLiteral("ñandú");
    QVERIFY(writePhoto(path(QStringLiteral("root/%1/photo one.jpg").arg(bulldozer))));
    QVERIFY(writePhoto(path(QStringLiteral("root/%1/photo two (copy).jpg").arg(bulldozer))));
    QVERIFY(writePhoto(path(QStringLiteral("root/%1/фото 1.jpg").arg(nandu))));
    QVERIFY(writePhoto(path(QStringLiteral("root/%1/写真 2.png").arg(nandu))));

    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(dataset.classNames, (QStringList{bulldozer, nandu}));
    QCOMPARE(photoNames(dataset),
             (QStringList{bulldozer + QStringLiteral("/photo one.jpg"), bulldozer + QStringLiteral("/photo two (copy).jpg"),
                          nandu + QStringLiteral("/фото 1.jpg"), nandu + QStringLiteral("/写真 2.png")}));
    for (const exemplar::Photo& photo : dataset.photos) QVERIFY2(QFileInfo::exists(photo.path), qPrintable(photo.path));
    QVERIFY2(dataset.skipped.empty(), qPrintable(describe(dataset)));
}

void TestDataset::reportsLooseFiles()
{
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/1.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/2.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/stray.jpg"))));
    QVERIFY(writeText(path(QStringLiteral("root/labels.csv"))));

    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(dataset.classNames, QStringList{"cats"});
    QCOMPARE(dataset.photoCount(), 2);
    QCOMPARE(int(dataset.skipped.size()), 2);
    for (const char* name : {"root/stray.jpg", "root/labels.csv"}) {
        const QString reason = reasonFor(dataset, path(QLatin1String(name)));
        QVERIFY2(reason.contains(QLatin1String("outside any class folder")), qPrintable(describe(dataset)));
    }
}

void TestDataset::scanRejectsBadRoots_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("missing folder") << "missing" << "does not exist";
    QTest::newRow("a file") << "file" << "is not a folder";
    QTest::newRow("no subfolders") << "flat" << "has no class folders";
    QTest::newRow("only hidden subfolders") << "hidden" << "has no class folders";
}

void TestDataset::scanRejectsBadRoots()
{
    QFETCH(QString, kind);
    QFETCH(QString, phrase);

    const QString root = path(QStringLiteral("root"));
    if (kind == QLatin1String("file")) {
        QVERIFY(writePhoto(root));
    } else if (kind == QLatin1String("flat")) {
        QVERIFY(writePhoto(root + QStringLiteral("/a.jpg")));
        QVERIFY(writePhoto(root + QStringLiteral("/b.jpg")));
    } else if (kind == QLatin1String("hidden")) {
        QVERIFY(writePhoto(root + QStringLiteral("/.git/a.jpg")));
    }

    try {
        const Dataset dataset = Dataset::scan(root);
        QFAIL(qPrintable(QStringLiteral("no error; %1 classes").arg(dataset.classCount())));
    } catch (const exemplar::Error& e) {
        QVERIFY2(e.message().contains(phrase), qPrintable(e.message()));
        QVERIFY2(e.message().contains(root), qPrintable(e.message()));  // says which folder
    }
}

void TestDataset::fromClassFoldersSkipsDuplicatesAndNonFolders()
{
    // What the GUI gets when folders are dropped: each one is a class named after it, in the
    // order given.
    for (const char* name : {"a/cats/1.jpg", "a/cats/2.jpg", "b/cats/3.jpg", "dogs/1.jpg", "dogs/2.jpg", "dogs/3.jpg"})
        QVERIFY(writePhoto(path(QLatin1String(name))));
    QVERIFY(writePhoto(path(QStringLiteral("single.jpg"))));
    const QStringList folders{path(QStringLiteral("dogs")), path(QStringLiteral("a/cats")), path(QStringLiteral("b/cats")),
                              path(QStringLiteral("single.jpg")), path(QStringLiteral("missing"))};

    const Dataset dataset = Dataset::fromClassFolders(folders);
    QCOMPARE(dataset.classNames, (QStringList{"dogs", "cats"}));
    QCOMPARE(dataset.classFolders, (QStringList{path(QStringLiteral("dogs")), path(QStringLiteral("a/cats"))}));
    QCOMPARE(dataset.photosPerClass(), (std::vector<int>{3, 2}));
    QCOMPARE(int(dataset.skipped.size()), 3);
    QVERIFY2(dataset.skipped[0].path == path(QStringLiteral("b/cats")) &&
                 dataset.skipped[0].reason.contains(QLatin1String("a class named \"cats\" already exists")),
             qPrintable(describe(dataset)));
    QVERIFY2(dataset.skipped[1].reason.contains(QLatin1String("not a folder")), qPrintable(describe(dataset)));
    QVERIFY2(dataset.skipped[2].reason.contains(QLatin1String("not a folder")), qPrintable(describe(dataset)));

    // Nothing at all usable: an empty dataset, not an exception (the caller decides).
    const Dataset none = Dataset::fromClassFolders({path(QStringLiteral("missing"))});
    QCOMPARE(none.classCount(), 0);
    QCOMPARE(none.photosPerClass(), std::vector<int>{});
    QCOMPARE(int(none.skipped.size()), 1);
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
