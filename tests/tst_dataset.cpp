#include "Dataset.h"
#include "Error.h"
#include "Feedback.h"
#include "UndecodableNames.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <memory>
#include <unistd.h>

using exemplar::Dataset;
using exemplar::ScanOptions;
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

// A real photo at RAW PATH (bytes, not necessarily UTF-8): Qt cannot make such names, POSIX can.
bool writeRawPhoto(const QByteArray& rawPath)
{
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", cv::Mat(12, 16, CV_8UC3, cv::Scalar(40, 90, 200)), jpeg);
    const int fd = ::open(rawPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return false;
    const bool written = ::write(fd, jpeg.data(), jpeg.size()) == ssize_t(jpeg.size());
    return ::close(fd) == 0 && written;
}

// FOLDER/RAW NAME as a photo, or as a folder holding two photos.
bool makeRawEntry(const QString& folder, const QByteArray& rawName, bool asFolder)
{
    const QByteArray path = QFile::encodeName(folder) + '/' + rawName;
    if (!asFolder) return writeRawPhoto(path);
    return ::mkdir(path.constData(), 0755) == 0 && writeRawPhoto(path + "/1.jpg") && writeRawPhoto(path + "/2.jpg");
}

QString reasonFor(const Dataset& dataset, const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (const SkippedFile& skipped : dataset.skipped)
        if (skipped.path == absolute) return skipped.reason;
    return {};
}

// CLASS/path inside the class folder, per photo.
QStringList photoNames(const Dataset& dataset)
{
    QStringList names;
    for (const exemplar::Photo& photo : dataset.photos)
        names << dataset.classNames[photo.classIndex] + QLatin1Char('/') +
                     QDir(dataset.classFolders[photo.classIndex]).relativeFilePath(photo.path);
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
        // A listed class spans folders (a/tulip, b/tulip): name each photo by class and file name.
        QStringList names;
        for (const exemplar::Photo& photo : dataset.photos)
            names << dataset.classNames[photo.classIndex] + QLatin1Char('/') + QFileInfo(photo.path).fileName();
        QCOMPARE(names, (QStringList{QStringLiteral("rose/x.jpg"), QStringLiteral("tulip/2.jpg"),
                                     QStringLiteral("tulip/3.jpg"), QStringLiteral("tulip/1.jpg")}));
        QVERIFY(reasonFor(dataset, a + QStringLiteral("/tulip/notes.txt")).contains(QStringLiteral("not an image")));
        QCOMPARE(reasonFor(dataset, a + QStringLiteral("/missing.jpg")), QStringLiteral("file does not exist"));
        QCOMPARE(reasonFor(dataset, b + QStringLiteral("/rose/x.jpg")), QStringLiteral("listed twice"));
        QCOMPARE(int(dataset.skipped.size()), 3);
        QVERIFY2(dataset.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("\"rose\" has only one photo")),
                 qPrintable(describe(dataset)));
    }

    void init();
    void cleanup();
    void classesAreSubfoldersInNaturalOrder();
    void photosAreOrderedNaturally();
    void hiddenFilesAreNotListedAndOnlyHiddenPhotosReported();
    void aDeviceBesideTheClassesIsReportedOnce();
    void reportsProblemEntries_data();
    void reportsProblemEntries();
    void warnsAboutSmallClasses_data();
    void warnsAboutSmallClasses();
    void warnsAboutLookAlikeClassNames();
    void unicodeAndSpacesInNames();
    void scansSubfoldersOfAClass_data();
    void scansSubfoldersOfAClass();
    void namesThatAreNotUtf8AreSkippedWithAReason();
    void escapesBytesThatAreNotUtf8_data();
    void escapesBytesThatAreNotUtf8();
    void reportsLooseFiles();
    void scanRejectsBadRoots_data();
    void scanRejectsBadRoots();
    void fromClassFoldersSkipsDuplicatesAndNonFolders();
    void aListingSaysWhereItIsAndStopsWhenCanceled();
    void aChainOfFoldersIsReadOnlySoDeep();

private:
    std::unique_ptr<QTemporaryDir> dir_;  // fresh for every test function
    QString path(const QString& relative) const { return dir_->filePath(relative); }
};

void TestDataset::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY2(dir_->isValid(), qPrintable(dir_->errorString()));
}

void TestDataset::cleanup()
{
    // QTemporaryDir removes with Qt, which cannot see names that are not UTF-8; rm can.
    QProcess::execute(QStringLiteral("rm"), {QStringLiteral("-rf"), dir_->path()});
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

void TestDataset::hiddenFilesAreNotListedAndOnlyHiddenPhotosReported()
{
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/a.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/b.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/.hidden.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/._a.jpg"))));  // macOS resource fork
    QVERIFY(writeText(path(QStringLiteral("root/cats/.DS_Store"))));
    QVERIFY(writeText(path(QStringLiteral("root/.DS_Store"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/.thumbnails/t.jpg"))));  // a system's: passed over
    QVERIFY(writePhoto(path(QStringLiteral("root/.old/t.jpg"))));         // a hidden folder is no class
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/.AppleDouble/a.jpg"))));  // a file server's, in every folder
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/.Trash-1000/files/x.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/.loose.jpg"))));         // beside the classes, hidden
    QVERIFY(writePhoto(path(QStringLiteral("root/cats/.picasaoriginals/a.jpg"))));  // originals, hidden
    QVERIFY(makeRawEntry(path(QStringLiteral("root/cats")), ".caf\xe9.jpg", false));  // hidden, not UTF-8
    QVERIFY(makeRawEntry(path(QStringLiteral("root/cats")), "._caf\xe9.jpg", false));
    QVERIFY(makeRawEntry(path(QStringLiteral("root/cats")), ".\xe9t\xe9", true));       // a hidden folder, not UTF-8

    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(dataset.classNames, QStringList{"cats"});
    QCOMPARE(photoNames(dataset), (QStringList{"cats/a.jpg", "cats/b.jpg"}));
    // Hidden photos and folders are named (someone may have hidden them), never read; system
    // litter is not named.
    const struct {
        const char* path;
        const char* phrase;
    } expected[] = {{"root/cats/.hidden.jpg", "hidden (its name starts with a dot): not read"},
                    {"root/cats/.picasaoriginals", "hidden folder (its name starts with a dot): not read"},
                    {"root/cats/.caf\\xE9.jpg", "hidden (its name starts with a dot): not read"},
                    {"root/cats/.\\xE9t\\xE9", "hidden folder (its name starts with a dot): not read"},
                    {"root/.old", "hidden folder (its name starts with a dot): not read"},
                    {"root/.loose.jpg", "outside any class folder"}};
    for (const auto& entry : expected)
        QVERIFY2(reasonFor(dataset, path(QLatin1String(entry.path))).contains(QLatin1String(entry.phrase)),
                 qPrintable(QLatin1String(entry.path) + QStringLiteral(": ") + describe(dataset)));
    QVERIFY2(dataset.skipped.size() == std::size(expected), qPrintable(describe(dataset)));
    QVERIFY2(dataset.warnings.isEmpty(), qPrintable(describe(dataset)));
}

void TestDataset::aDeviceBesideTheClassesIsReportedOnce()
{
    // A link to /dev/null among the class folders: QDir lists it as a folder and as a file, and it
    // was reported twice ("not a folder", then "file outside any class folder").
    QVERIFY(writePhoto(path(QStringLiteral("devroot/cats/a.jpg"))));
    QVERIFY(QFile::link(QStringLiteral("/dev/null"), path(QStringLiteral("devroot/null"))));
    const Dataset dataset = Dataset::scan(path(QStringLiteral("devroot")));
    QCOMPARE(dataset.classNames, QStringList{"cats"});
    QVERIFY2(dataset.skipped.size() == 1, qPrintable(describe(dataset)));
    QCOMPARE(dataset.skipped.front().path, path(QStringLiteral("devroot/null")));
    QVERIFY2(dataset.skipped.front().reason.contains(QLatin1String("not a folder (a character device)")), qPrintable(describe(dataset)));
}

void TestDataset::reportsProblemEntries_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("reported");  // entries of the class folder that must be skipped
    QTest::addColumn<QString>("phrase");
    QTest::addColumn<bool>("recursive");  // subfolder scanning

    QTest::newRow("text file") << "text" << QStringList{"notes.txt"} << "not an image file type" << true;
    QTest::newRow("file without extension") << "text" << QStringList{"README"} << "not an image file type" << true;
    QTest::newRow("nested subfolder, scanning off") << "folder" << QStringList{"more"} << "subfolder scanning is off" << false;
    QTest::newRow("symlink to the parent folder") << "parentlink" << QStringList{"up"}
                                                  << "subfolder is a symbolic link back to a folder that contains it" << true;
    QTest::newRow("symlink to the parent folder, scanning off") << "parentlink" << QStringList{"up"}
                                                                << "subfolder scanning is off" << false;
    QTest::newRow("symlink to the class folder itself") << "selflink" << QStringList{"here"}
                                                        << "symbolic link back to a folder that contains it" << true;
    QTest::newRow("symlink to the root folder /") << "rootlink" << QStringList{"everything"}
                                                  << "symbolic link back to a folder that contains it" << true;
    QTest::newRow("symlink to /proc") << "proclink" << QStringList{"proc"} << "system folder" << true;
    QTest::newRow("symlink to /sys/class") << "syslink" << QStringList{"sys"} << "system folder" << true;
    QTest::newRow("broken symlink") << "broken" << QStringList{"gone.jpg"} << "broken symbolic link" << true;
    QTest::newRow("symlink loop") << "loop" << QStringList{"a.jpg", "b.jpg"} << "symbolic link" << true;
    QTest::newRow("unreadable file (chmod 000)") << "unreadable" << QStringList{"locked.jpg"} << "not readable" << true;
}

void TestDataset::reportsProblemEntries()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, reported);
    QFETCH(QString, phrase);
    QFETCH(bool, recursive);

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
    } else if (kind == QLatin1String("selflink")) {
        QVERIFY(QFile::link(QStringLiteral("."), entry));
    } else if (kind == QLatin1String("rootlink")) {
        QVERIFY(QFile::link(QStringLiteral("/"), entry));
    } else if (kind == QLatin1String("proclink")) {
        QVERIFY(QFile::link(QStringLiteral("/proc"), entry));
    } else if (kind == QLatin1String("syslink")) {
        QVERIFY(QFile::link(QStringLiteral("/sys/class"), entry));
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
    ScanOptions options;
    options.recursive = recursive;
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")), options);
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

// "Daisy" and "daisy", or "café" typed as é and as e + ◌́: two classes, as the folders say, but
// most likely one split by accident (and one folder on a USB drive or a Mac): said once per pair.
void TestDataset::warnsAboutLookAlikeClassNames()
{
    const QStringList names{QStringLiteral("Daisy"), QStringLiteral("daisy"), QStringLiteral("caf\u00e9"),
                            QStringLiteral("cafe\u0301"), QStringLiteral("tulip")};
    for (const QString& name : names)
        for (int i = 0; i < 2; ++i) QVERIFY(writePhoto(path(QStringLiteral("root/%1/%2.jpg").arg(name).arg(i))));
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(dataset.classNames.size(), 5);
    QCOMPARE(dataset.warnings.size(), 2);
    QVERIFY2(dataset.warnings.filter(QStringLiteral("\"Daisy\"")).filter(QStringLiteral("\"daisy\"")).size() == 1,
             qPrintable(describe(dataset)));
    QVERIFY2(dataset.warnings.filter(QStringLiteral("caf")).size() == 1, qPrintable(describe(dataset)));
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

void TestDataset::scansSubfoldersOfAClass_data()
{
    QTest::addColumn<bool>("recursive");
    QTest::addColumn<QStringList>("photos");
    QTest::addColumn<QStringList>("skipped");  // relative to the root

    QTest::newRow("scanned (the default)")
        << true
        << QStringList{"cars/2023/a.jpg", "cars/2023/b.jpg", "cars/2024/canon/c.jpg", "cars/2024/d.jpg", "cars/top.jpg",
                       "trucks/t1.jpg", "trucks/t2.jpg"}
        << QStringList{"cars/2024/again", "cars/2024/canon/notes.txt"};
    QTest::newRow("scanning off")
        << false << QStringList{"cars/top.jpg", "trucks/t1.jpg", "trucks/t2.jpg"} << QStringList{"cars/2023", "cars/2024"};
}

void TestDataset::scansSubfoldersOfAClass()
{
    QFETCH(bool, recursive);
    QFETCH(QStringList, photos);
    QFETCH(QStringList, skipped);

    // Photos sorted by year and camera under their class, as phones and cameras file them.
    for (const char* name : {"cars/top.jpg", "cars/2023/b.jpg", "cars/2023/a.jpg", "cars/2024/d.jpg",
                             "cars/2024/canon/c.jpg", "trucks/t1.jpg", "trucks/t2.jpg"})
        QVERIFY(writePhoto(path(QStringLiteral("root/") + QLatin1String(name))));
    QVERIFY(writeText(path(QStringLiteral("root/cars/2024/canon/notes.txt"))));
    // A second way into a folder already read: its photos are listed once.
    QVERIFY(QFile::link(path(QStringLiteral("root/cars/2023")), path(QStringLiteral("root/cars/2024/again"))));

    ScanOptions options;
    options.recursive = recursive;
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")), options);
    QCOMPARE(dataset.classNames, (QStringList{"cars", "trucks"}));  // subfolders are no classes
    QCOMPARE(photoNames(dataset), photos);
    QStringList reported;
    for (const SkippedFile& file : dataset.skipped) reported << QDir(path(QStringLiteral("root"))).relativeFilePath(file.path);
    QCOMPARE(reported, skipped);
    if (recursive)
        QVERIFY2(reasonFor(dataset, path(QStringLiteral("root/cars/2024/again"))).contains(QLatin1String("already scanned")),
                 qPrintable(describe(dataset)));
}

void TestDataset::namesThatAreNotUtf8AreSkippedWithAReason()
{
    // Latin-1 names ("café" with é as the byte E9) and a stray byte: Qt cannot open them.
    QVERIFY(writePhoto(path(QStringLiteral("root/cls/ok1.jpg"))));
    QVERIFY(writePhoto(path(QStringLiteral("root/cls/ok2.jpg"))));
    QVERIFY(QDir().mkpath(path(QStringLiteral("root/cls/sub"))));
    QVERIFY(makeRawEntry(path(QStringLiteral("root/cls")), "caf\xe9.jpg", false));
    QVERIFY(makeRawEntry(path(QStringLiteral("root/cls/sub")), "\xff\xfe photo.jpg", false));
    QVERIFY(makeRawEntry(path(QStringLiteral("root")), "b\xff", true));  // a class folder
    QVERIFY(makeRawEntry(path(QStringLiteral("root")), "loose\xe9.png", false));

    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(dataset.classNames, QStringList{"cls"});
    QCOMPARE(photoNames(dataset), (QStringList{"cls/ok1.jpg", "cls/ok2.jpg"}));
    const struct {
        const char* path;
        const char* phrase;
    } expected[] = {{"root/cls/caf\\xE9.jpg", "file name is not valid UTF-8"},
                    {"root/cls/sub/\\xFF\\xFE photo.jpg", "file name is not valid UTF-8"},
                    {"root/b\\xFF", "folder name is not valid UTF-8"},
                    {"root/loose\\xE9.png", "file name is not valid UTF-8"}};
    for (const auto& entry : expected)
        QVERIFY2(reasonFor(dataset, path(QLatin1String(entry.path))).contains(QLatin1String(entry.phrase)),
                 qPrintable(QLatin1String(entry.path) + QStringLiteral(": ") + describe(dataset)));
    QCOMPARE(int(dataset.skipped.size()), 4);
}

void TestDataset::escapesBytesThatAreNotUtf8_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("escaped");
    QTest::newRow("Latin-1 é") << QByteArray("caf\xe9.jpg") << QStringLiteral("caf\\xE9.jpg");
    QTest::newRow("valid UTF-8 kept") << QByteArray("caf\xc3\xa9 \xf0\x9f\x8c\xb9.jpg") << QStringLiteral("café 🌹.jpg");
    QTest::newRow("truncated sequence") << QByteArray("a\xe2\x82") << QStringLiteral("a\\xE2\\x82");
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QStringLiteral("\\xC0\\xAF");
    QTest::newRow("UTF-16 surrogate") << QByteArray("\xed\xa0\x80") << QStringLiteral("\\xED\\xA0\\x80");
}

void TestDataset::escapesBytesThatAreNotUtf8()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, escaped);
    QCOMPARE(exemplar::escapedFileName(raw), escaped);
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

    // A class folder that is a link leading nowhere was dropped without a word: named, with why.
    QVERIFY(QFile::link(path(QStringLiteral("root/dogs")), path(QStringLiteral("root/dogs"))));
    QVERIFY(QFile::link(path(QStringLiteral("moved-away")), path(QStringLiteral("root/birds"))));
    const Dataset withLinks = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(withLinks.classNames, QStringList{"cats"});
    QVERIFY2(reasonFor(withLinks, path(QStringLiteral("root/dogs"))).contains(QLatin1String("a loop of links")),
             qPrintable(describe(withLinks)));
    QVERIFY2(reasonFor(withLinks, path(QStringLiteral("root/birds"))).contains(path(QStringLiteral("moved-away"))),
             qPrintable(describe(withLinks)));
    // Dropped on the window as a class folder: the same reason, not "not a folder".
    const Dataset dropped = Dataset::fromClassFolders({path(QStringLiteral("root/dogs"))});
    QCOMPARE(int(dropped.skipped.size()), 1);
    QVERIFY2(dropped.skipped[0].reason.contains(QLatin1String("a loop of links")), qPrintable(describe(dropped)));

    // A class folder that leads back to the dataset folder, or above it (to "/": a whole disk,
    // listed for minutes), was read as a class of every photo: named, not read.
    QVERIFY(QFile::link(QStringLiteral("."), path(QStringLiteral("root/everything"))));
    QVERIFY(QFile::link(path(QString()), path(QStringLiteral("root/above"))));
    QVERIFY(QFile::link(QStringLiteral("/"), path(QStringLiteral("root/disk"))));
    QElapsedTimer timer;
    timer.start();
    const Dataset withLoops = Dataset::scan(path(QStringLiteral("root")));
    QVERIFY2(timer.elapsed() < 10000, "the disk was listed");
    QCOMPARE(withLoops.classNames, QStringList{"cats"});
    QCOMPARE(withLoops.photoCount(), 2);
    for (const char* name : {"root/everything", "root/above", "root/disk"})
        QVERIFY2(reasonFor(withLoops, path(QLatin1String(name))).contains(QLatin1String("back to the dataset folder")),
                 qPrintable(describe(withLoops)));
}

void TestDataset::scanRejectsBadRoots_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("phrase");

    QTest::newRow("missing folder") << "missing" << "does not exist";
    QTest::newRow("a file") << "file" << "is not a folder";
    QTest::newRow("no subfolders") << "flat" << "has no class folders";
    QTest::newRow("only hidden subfolders") << "hidden" << "has no class folders";
    QTest::newRow("only a hidden folder of photos") << "hiddenphotos" << "is a hidden folder (its name starts with a dot): not read";
    QTest::newRow("a loop of links") << "loop" << "broken symbolic link (a loop of links)";
    QTest::newRow("a link to nothing") << "dangling" << "which does not exist";
    QTest::newRow("only a broken link inside") << "brokenclass" << "broken symbolic link (a loop of links)";
    // Its links were taken for class folders, and "cwd" led to the folder the program ran in.
    QTest::newRow("a link to /proc/self") << "procself" << "is a system folder";
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
    } else if (kind == QLatin1String("hiddenphotos")) {
        QVERIFY(writePhoto(root + QStringLiteral("/.cats/a.jpg")));
    } else if (kind == QLatin1String("loop")) {
        QVERIFY(QFile::link(root, path(QStringLiteral("other"))));
        QVERIFY(QFile::link(path(QStringLiteral("other")), root));
    } else if (kind == QLatin1String("dangling")) {
        QVERIFY(QFile::link(path(QStringLiteral("gone")), root));
    } else if (kind == QLatin1String("brokenclass")) {
        QVERIFY(QDir().mkpath(root));
        QVERIFY(QFile::link(root + QStringLiteral("/cats"), root + QStringLiteral("/cats")));  // a link to itself
    } else if (kind == QLatin1String("procself")) {
        if (!QFileInfo(QStringLiteral("/proc/self/cwd")).isDir()) QSKIP("this system has no /proc/self");
        QVERIFY(QFile::link(QStringLiteral("/proc/self"), root));
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
    QVERIFY2(dataset.skipped[2].reason.contains(QLatin1String("class folder does not exist (moved, renamed or deleted?)")),
             qPrintable(describe(dataset)));

    // Nothing at all usable: an empty dataset, not an exception (the caller decides).
    const Dataset none = Dataset::fromClassFolders({path(QStringLiteral("missing"))});
    QCOMPARE(none.classCount(), 0);
    QCOMPARE(none.photosPerClass(), std::vector<int>{});
    QCOMPARE(int(none.skipped.size()), 1);

    // A class folder that is a symbolic link into a pseudo-filesystem (dropped, or inside a
    // scanned dataset): its tree never ends, so it is skipped with the reason, not walked.
    QVERIFY(QFile::link(QStringLiteral("/proc"), path(QStringLiteral("procclass"))));
    QElapsedTimer timer;
    timer.start();
    const Dataset system = Dataset::fromClassFolders({path(QStringLiteral("dogs")), path(QStringLiteral("procclass"))});
    QVERIFY2(timer.elapsed() < 10000, "scanning took suspiciously long (/proc walked?)");
    QCOMPARE(system.classNames, QStringList{"dogs"});
    QCOMPARE(int(system.skipped.size()), 1);
    QVERIFY2(system.skipped[0].reason.contains(QLatin1String("system folder")), qPrintable(describe(system)));
}

// A listing of a whole disk dropped by mistake runs on a worker: it says which class it reads and
// how many photos it found so far, and Stop ends it between two entries.
void TestDataset::aListingSaysWhereItIsAndStopsWhenCanceled()
{
    for (const char* name : {"alpha/a.jpg", "beta/b.jpg", "gamma/c.jpg"})
        QVERIFY(writePhoto(path(QStringLiteral("root/") + QLatin1String(name))));
    // Listing looks at names only: a thousand empty files deep in one class stand for a large tree.
    QVERIFY(QDir().mkpath(path(QStringLiteral("root/beta/2024/march"))));
    for (int i = 0; i < 1000; ++i)
        QVERIFY(writeText(path(QStringLiteral("root/beta/2024/march/%1.jpg").arg(i))));

    struct Report {
        qint64 done, total;
        QString what;
    };
    std::vector<Report> reports;
    exemplar::Feedback feedback;
    feedback.setProgressHandler([&](qint64 done, qint64 total, const QString& what) { reports.push_back({done, total, what}); });
    const Dataset whole = Dataset::scan(path(QStringLiteral("root")), {}, &feedback);
    QCOMPARE(whole.photoCount(), 1003);
    QStringList said;
    for (const Report& report : reports) {
        QCOMPARE(report.total, qint64(3));  // the bar counts class folders
        said << QStringLiteral("%1: %2").arg(report.done).arg(report.what);
    }
    QCOMPARE(said, (QStringList{"0: listing \"alpha\" (0 photos so far)", "1: listing \"beta\" (0 photos so far)",
                                "1: listing \"beta\" (1000 photos so far)", "2: listing \"gamma\" (0 photos so far)"}));

    // Canceled while the second class is read (from the handler, as a GUI's Stop would from its
    // thread): no dataset, no third class read.
    reports.clear();
    exemplar::Feedback stopping;
    stopping.setProgressHandler([&](qint64 done, qint64 total, const QString& what) {
        reports.push_back({done, total, what});
        if (done == 1) stopping.cancel();
    });
    QVERIFY_THROWS_EXCEPTION(exemplar::OperationCanceled, Dataset::scan(path(QStringLiteral("root")), {}, &stopping));
    QCOMPARE(int(reports.size()), 2);
    QVERIFY(reports.back().what.contains(QLatin1String("beta")));

    // Canceled before it starts: nothing is read at all.
    exemplar::Feedback canceled;
    canceled.cancel();
    QVERIFY_THROWS_EXCEPTION(exemplar::OperationCanceled,
                             Dataset::fromClassFolders({path(QStringLiteral("root/alpha"))}, {}, &canceled));
}

// Photos filed by date and camera sit a few levels down and are read; a chain of folders 40
// deep (a loop of copies, a hostile archive; 2,000 levels took a minute) is read to 32 levels, and
// the folder beyond is reported, not silently lost.
void TestDataset::aChainOfFoldersIsReadOnlySoDeep()
{
    QString deep = path(QStringLiteral("root/cars"));
    QVERIFY(writePhoto(deep + QStringLiteral("/2024/05/17/canon/a.jpg")));
    for (int level = 1; level <= 40; ++level) {
        deep += QStringLiteral("/d");
        if (level == 32 || level == 33) QVERIFY(writePhoto(deep + QStringLiteral("/level%1.jpg").arg(level)));
    }
    QVERIFY(QDir().mkpath(deep));
    const Dataset dataset = Dataset::scan(path(QStringLiteral("root")));
    QCOMPARE(photoNames(dataset), (QStringList{"cars/2024/05/17/canon/a.jpg",
                                               QStringLiteral("cars/") + QStringLiteral("d/").repeated(32) + QStringLiteral("level32.jpg")}));
    QCOMPARE(int(dataset.skipped.size()), 1);
    QCOMPARE(dataset.skipped[0].path, path(QStringLiteral("root/cars/") + QStringLiteral("d/").repeated(32) + QStringLiteral("d")));
    QVERIFY2(dataset.skipped[0].reason.contains(QLatin1String("more than 32 levels")), qPrintable(dataset.skipped[0].reason));
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
