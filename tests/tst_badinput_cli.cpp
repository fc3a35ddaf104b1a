// The bad-input corpus, generated at run time and fed to exemplar-cli as a user would: broken
// photos, awkward names, odd folders, wrong models, damaged reference sets and destinations that
// cannot be written. Every case must end in a clear one-line reason; where the run can go on it
// must (the good photos are still used); and no destination may be left half-written.
//
// Permission cases need permission bits to apply: when the suite runs as root (CI, containers),
// those runs drop to the unprivileged user "nobody" in the child process. A full disk is
// simulated with RLIMIT_FSIZE, which makes writes past the limit fail (EFBIG) just as a full
// file system makes them fail (ENOSPC): a short write after some bytes went out.
#include "BadInputCorpus.h"
#include "HeifFixtures.h"
#include "ReferenceSetFile.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <zlib.h>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace exemplar::test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    // The CLI's contract for a failure: exit 1 and exactly one line of its own on stderr, naming
    // the problem. (Image libraries may add lines of their own about the corpus's broken photos.)
    bool failedWithOneLine(const QByteArray& phrase) const
    {
        QList<QByteArray> own;
        for (const QByteArray& line : err.trimmed().split('\n'))
            if (line.startsWith("exemplar-cli")) own << line;
        return exitCode == 1 && own.size() == 1 && own.first().contains(phrase);
    }
    QByteArray describe() const { return "exit " + QByteArray::number(exitCode) + ", stderr: " + err; }
};

// How the CLI child process is started.
struct ChildLimits {
    bool unprivileged = false;  // as "nobody" when the test runs as root
    rlim_t maxFileBytes = 0;    // 0: no limit; otherwise writes past it fail like a full disk (`ulimit -f`)
    rlim_t maxAddressSpace = 0; // 0: no limit; otherwise allocating past it fails (bounded memory)
    int timeoutSeconds = 600;   // then the child is killed and the run counts as hung (exit code -2)
    QString standardOutput;     // a file standard output goes to instead of the test (e.g. /dev/full)
    QString cacheFolder;        // the embedding cache to use (empty: none, --no-cache)
};

// The account root's children drop to, looked up in the parent (getpwnam is not safe between
// fork and exec). Null when the system has no "nobody".
//
// "nobody" must also reach the CLI and the model: a build inside a private folder (mktemp -d makes
// mode 0700 ones) would make every unprivileged run fail to start. Such a checkout runs as root.
bool othersCanReach(const QString& path, mode_t need)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || (st.st_mode & need) != need) return false;
    for (QDir dir = QFileInfo(path).absoluteDir();; ) {
        if (::stat(QFile::encodeName(dir.absolutePath()).constData(), &st) != 0 || !(st.st_mode & S_IXOTH)) return false;
        if (!dir.cdUp()) return true;
    }
}

const passwd* unprivilegedAccount()
{
    static const bool reachable = [] {
        const bool ok = othersCanReach(QStringLiteral(EXEMPLAR_CLI_PATH), S_IXOTH)
                        && othersCanReach(exemplar::test::defaultModelSpec(), S_IROTH);
        if (!ok)
            qWarning("the CLI or the model is inside a folder other users cannot enter: "
                     "the runs meant for \"nobody\" run as this user");
        return ok;
    }();
    return reachable ? getpwnam("nobody") : nullptr;
}
bool permissionBitsApply() { return geteuid() != 0 || unprivilegedAccount() != nullptr; }

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    QCOMPARE(file.write(bytes), bytes.size());
}

// RAW PATH (bytes, not necessarily UTF-8) written with POSIX calls: Qt cannot create such names.
void writeRawNamedFile(const QByteArray& path, const QByteArray& bytes)
{
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    QVERIFY2(fd >= 0, path.constData());
    QCOMPARE(::write(fd, bytes.constData(), size_t(bytes.size())), ssize_t(bytes.size()));
    QCOMPARE(::close(fd), 0);
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void appendBigEndian(QByteArray* out, quint32 value)
{
    for (int shift = 24; shift >= 0; shift -= 8) out->append(char((value >> shift) & 0xFF));
}

void appendPngChunk(QByteArray* png, const char* type, const QByteArray& data)
{
    appendBigEndian(png, quint32(data.size()));
    const QByteArray typed = QByteArray(type, 4) + data;
    png->append(typed);
    appendBigEndian(png, quint32(crc32(0, reinterpret_cast<const Bytef*>(typed.constData()), uInt(typed.size()))));
}

// A genuine decompression bomb: a complete, valid SIDE×SIDE 1-bit grey PNG of zeros. About 110 KB
// on disk for 30000×30000, but 2.7 GB once decoded to 8-bit BGR. Deflated row by row, so the
// test itself never holds the raw image either.
QByteArray pngBomb(quint32 side)
{
    QByteArray header;
    appendBigEndian(&header, side);
    appendBigEndian(&header, side);
    header.append("\x01\x00\x00\x00\x00", 5);  // bit depth 1, grey, deflate, filter 0, no interlace

    const QByteArray row((side + 7) / 8 + 1, '\0');  // filter byte + packed pixels
    z_stream stream{};
    deflateInit(&stream, Z_BEST_COMPRESSION);
    QByteArray compressed;
    char buffer[1 << 16];
    for (quint32 y = 0; y <= side; ++y) {
        const bool last = y == side;
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(row.constData()));
        stream.avail_in = last ? 0 : uInt(row.size());
        do {
            stream.next_out = reinterpret_cast<Bytef*>(buffer);
            stream.avail_out = sizeof buffer;
            deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH);
            compressed.append(buffer, qsizetype(sizeof buffer - stream.avail_out));
        } while (stream.avail_out == 0);
    }
    deflateEnd(&stream);

    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    appendPngChunk(&png, "IHDR", header);
    appendPngChunk(&png, "IDAT", compressed);
    appendPngChunk(&png, "IEND", QByteArray());
    return png;
}

} // namespace

class TestBadInputCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir work_;
    QString corpus_;       // the dataset holding every bad photo beside good ones
    int goodPhotos_ = 0;   // photos in the corpus that must be embedded
    QString goodPhoto_;    // one readable photo, for classify
    QString heicPhoto_;    // a HEIC photo of class "phone", for classify
    Run corpusRun_;        // `embed CORPUS --json`, run once (it needs the model)
    Run corpusSetRun_;     // the training run behind corpusSet()
    bool corpusRan_ = false;

    QString path(const QString& name) const { return work_.filePath(name); }

    Run cli(const QStringList& args, const ChildLimits& limits = {}) const
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("EXEMPLAR_MODEL"), exemplar::test::defaultModelSpec());
        process.setProcessEnvironment(env);
        // Runs in the child between fork and exec: only async-signal-safe calls.
        const passwd* nobody = limits.unprivileged && geteuid() == 0 ? unprivilegedAccount() : nullptr;
        const uid_t uid = nobody ? nobody->pw_uid : 0;
        const gid_t gid = nobody ? nobody->pw_gid : 0;
        process.setChildProcessModifier([limits, uid, gid] {
            if (limits.maxAddressSpace > 0) {
                const rlimit limit{limits.maxAddressSpace, limits.maxAddressSpace};
                setrlimit(RLIMIT_AS, &limit);
            }
            if (limits.maxFileBytes > 0) {
                // SIGXFSZ is left as it is: the CLI itself must turn a write past the limit into a
                // failing write() (as under a user's `ulimit -f`), not die of the signal.
                const rlimit limit{limits.maxFileBytes, limits.maxFileBytes};
                setrlimit(RLIMIT_FSIZE, &limit);
            }
            if (uid != 0 && (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) _exit(125);
        });
        if (!limits.standardOutput.isEmpty()) process.setStandardOutputFile(limits.standardOutput);
        if (!limits.cacheFolder.isEmpty()) {
            env.insert(QStringLiteral("EXEMPLAR_CACHE_DIR"), limits.cacheFolder);
            process.setProcessEnvironment(env);
        }
        // --no-cache: the cache is not under test here, and "nobody" could not write the suite's.
        process.start(QStringLiteral(EXEMPLAR_CLI_PATH),
                      limits.cacheFolder.isEmpty() ? args + QStringList{QStringLiteral("--no-cache")} : args);
        if (!process.waitForFinished(limits.timeoutSeconds * 1000)) {
            process.kill();
            process.waitForFinished();
            return {-2, process.readAllStandardOutput(), "hung: killed after the test's time limit\n" + process.readAllStandardError()};
        }
        return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
    }

    void addPhoto(const QString& relativePath, int seed)
    {
        writeFile(corpus_ + QLatin1Char('/') + relativePath, syntheticPhoto(seed, ".jpg"));
        ++goodPhotos_;
    }

    // The dataset: two ordinary classes with awkwardly named photos, every kind of bad file in
    // class "mixed", an empty class, a one-photo class and one photo filed under two classes.
    void makeCorpus()
    {
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
        goodPhoto_ = corpus_ + QStringLiteral("/mixed/good 0.jpg");
        // What phones save, in folders by date: HEIC and AVIF, read through libheif.
        const QByteArray png = syntheticPhoto(50, ".png");
        const cv::Mat phoneShot = cv::imdecode(cv::Mat(1, int(png.size()), CV_8U, const_cast<char*>(png.constData())),
                                               cv::IMREAD_COLOR);
        const QByteArray heic = encodeHeif(phoneShot, HeifCodec::Hevc, {6, 0, 6});
        const QByteArray avif = encodeHeif(phoneShot(cv::Rect(0, 0, 200, 160)), HeifCodec::Av1);
        QVERIFY(!heic.isEmpty() && !avif.isEmpty());
        QVERIFY(QDir().mkpath(corpus_ + QStringLiteral("/phone/2024-06")));
        heicPhoto_ = corpus_ + QStringLiteral("/phone/2024-06/IMG_0001.HEIC");
        writeFile(heicPhoto_, heic);
        writeFile(corpus_ + QStringLiteral("/phone/IMG_0002.avif"), avif);
        goodPhotos_ += 2;

        const QString mixed = corpus_ + QStringLiteral("/mixed/");
        // JPEG signature kept, headers overwritten: the decoder must give up, not guess.
        writeFile(mixed + QStringLiteral("corrupt.jpg"), corruptJpeg(30));
        writeFile(mixed + QStringLiteral("truncated.png"), truncatedPng(31));
        writeFile(mixed + QStringLiteral("zero.jpg"), QByteArray());
        writeFile(mixed + QStringLiteral("text.jpg"), "These are my holiday notes, not a photo.\n");
        writeFile(mixed + QStringLiteral("bomb.png"), pngBomb(30000));
        QVERIFY(QFile::link(mixed + QStringLiteral("loop-b.jpg"), mixed + QStringLiteral("loop-a.jpg")));
        QVERIFY(QFile::link(mixed + QStringLiteral("loop-a.jpg"), mixed + QStringLiteral("loop-b.jpg")));
        QVERIFY(QFile::link(QStringLiteral(".."), mixed + QStringLiteral("up")));  // a folder loop
        const QByteArray damaged = encodeHeif(cv::Mat(48, 64, CV_8UC3, cv::Scalar(20, 90, 160)), HeifCodec::Hevc);
        writeFile(mixed + QStringLiteral("truncated.heic"), damaged.left(damaged.size() / 2));
        // Names from a Latin-1 system: "café.jpg" with é as the byte E9, and a class folder.
        writeRawNamedFile(QFile::encodeName(mixed) + "caf\xe9.jpg", syntheticPhoto(33, ".jpg"));
        const QByteArray latinFolder = QFile::encodeName(corpus_) + "/b\xff";
        QVERIFY(::mkdir(latinFolder.constData(), 0755) == 0);
        writeRawNamedFile(latinFolder + "/1.jpg", syntheticPhoto(34, ".jpg"));
        writeFile(mixed + QStringLiteral("unreadable.jpg"), syntheticPhoto(32, ".jpg"));
        QVERIFY(QFile::setPermissions(mixed + QStringLiteral("unreadable.jpg"), QFileDevice::Permissions()));
        // Root with no user to drop to reads it anyway: then it is one more good photo.
        if (!permissionBitsApply()) ++goodPhotos_;
    }

    // The corpus embedded once, unprivileged so that the unreadable photo really is unreadable.
    const Run& corpusRun()
    {
        if (!corpusRan_) {
            corpusRun_ = cli({QStringLiteral("embed"), corpus_, QStringLiteral("--json")}, {true, 0});
            corpusRan_ = true;
        }
        return corpusRun_;
    }

    QString reasonFor(const QJsonObject& json, const QString& fileName) const
    {
        for (const QJsonValue& value : json.value(QStringLiteral("skipped")).toArray()) {
            const QJsonObject skipped = value.toObject();
            if (QFileInfo(skipped.value(QStringLiteral("path")).toString()).fileName() == fileName)
                return skipped.value(QStringLiteral("reason")).toString();
        }
        return QString();
    }

    // The corpus trained unprivileged (like the corpus run, so that the unreadable photo stays
    // out) into a writable folder, once; empty when training failed (see corpusSetRun_).
    QString corpusSet()
    {
        const QString folder = path(QStringLiteral("out-writable"));
        const QString set = folder + QStringLiteral("/corpus.exref");
        if (corpusSetRun_.exitCode < 0) {
            QDir().mkpath(folder);
            QFile::setPermissions(folder, QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther |
                                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
            corpusSetRun_ = trainCorpus(set, {true, 0});
        }
        return corpusSetRun_.exitCode == 0 ? set : QString();
    }

    // Trains a reference set of the corpus at DESTINATION.
    Run trainCorpus(const QString& destination, const ChildLimits& limits = {}) const
    {
        return cli({QStringLiteral("train"), corpus_, QStringLiteral("--out"), destination, QStringLiteral("--method"),
                    QStringLiteral("all"), QStringLiteral("--holdout"), QStringLiteral("0"), QStringLiteral("--quiet")},
                   limits);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(work_.isValid());
        // Readable by "nobody" for the unprivileged runs.
        QVERIFY(QFile::setPermissions(work_.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                        QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                                        QFileDevice::ExeOther));
        makeCorpus();
    }

    // QTemporaryDir removes with Qt, which cannot see names that are not UTF-8; rm can.
    void cleanupTestCase() { QProcess::execute(QStringLiteral("rm"), {QStringLiteral("-rf"), corpus_}); }

    void badPhotosAreSkippedWithReasons_data()
    {
        addBrokenPhotoRows();
        QTest::newRow("folder symlink loop") << "up" << "subfolder is a symbolic link back to a folder that contains it";
        QTest::newRow("truncated HEIC") << "truncated.heic" << "not a readable HEIF/AVIF image";
        QTest::newRow("file name not UTF-8") << "caf\\xE9.jpg" << "file name is not valid UTF-8";
        QTest::newRow("class folder name not UTF-8") << "b\\xFF" << "folder name is not valid UTF-8";
        QTest::newRow("unreadable file") << "unreadable.jpg" << "not readable";
    }

    void badPhotosAreSkippedWithReasons()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        EXEMPLAR_REQUIRE_MODEL();
        if (file == QLatin1String("unreadable.jpg") && !permissionBitsApply())
            QSKIP("running as root without a user to drop to: permission bits do not apply");
        const Run& run = corpusRun();
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QString given = reasonFor(run.json(), file);
        QVERIFY2(given.contains(reason), qPrintable(QStringLiteral("%1: \"%2\"").arg(file, given)));
    }

    void goodPhotosAreEmbeddedDespiteBadOnes()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const Run& run = corpusRun();
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QJsonObject json = run.json();
        QCOMPARE(json.value(QStringLiteral("photos")).toInt(), goodPhotos_);
        // Unicode and space-laden names are photos like any other: none of them is skipped.
        for (const QJsonValue& value : json.value(QStringLiteral("skipped")).toArray())
            QVERIFY2(!value.toObject().value(QStringLiteral("path")).toString().contains(QStringLiteral("rosé")),
                     qPrintable(value.toObject().value(QStringLiteral("reason")).toString()));
        QStringList classes;
        for (const QJsonValue& value : json.value(QStringLiteral("classes")).toArray())
            classes << value.toObject().value(QStringLiteral("name")).toString();
        QVERIFY2(classes.contains(QStringLiteral("wild rosé 🌹 & co")), qPrintable(classes.join(QLatin1Char('|'))));
    }

    // train says what it skipped in its JSON and under --quiet too (a review: --json had no list
    // and "warnings": [], --quiet printed neither the skipped files nor "class has no photos").
    void trainReportsSkippedFilesInJsonAndWhenQuiet()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString set = path(QStringLiteral("skips.exref"));
        const Run json = cli({QStringLiteral("train"), corpus_, QStringLiteral("--out"), set, QStringLiteral("--json"),
                              QStringLiteral("--method"), QStringLiteral("centroid")});
        QVERIFY2(json.exitCode == 0, json.describe().constData());
        QVERIFY2(!reasonFor(json.json(), QStringLiteral("truncated.heic")).isEmpty(), json.out.constData());
        const Run quiet = cli({QStringLiteral("train"), corpus_, QStringLiteral("--out"), set, QStringLiteral("--quiet"),
                               QStringLiteral("--method"), QStringLiteral("centroid")});
        QVERIFY2(quiet.exitCode == 0, quiet.describe().constData());
        QVERIFY2(quiet.err.contains("skipped") && quiet.err.contains("truncated.heic"), quiet.err.constData());
    }

    // The HEIC photo (in a dated subfolder, turned by its container) is in the trained set: as a
    // query it must find itself, so its decoding is the same in train and classify.
    void classifiesAHeicPhoto()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString set = corpusSet();
        QVERIFY2(!set.isEmpty(), corpusSetRun_.describe().constData());
        const Run run = cli({QStringLiteral("classify"), set, heicPhoto_, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QJsonObject result = run.json().value(QStringLiteral("results")).toArray().at(0).toObject();
        QCOMPARE(result.value(QStringLiteral("nearest_class")).toString(), QStringLiteral("phone"));
        const QJsonObject top = result.value(QStringLiteral("top")).toArray().at(0).toObject();
        QCOMPARE(top.value(QStringLiteral("reference")).toString(), QStringLiteral("IMG_0001.HEIC"));
        QVERIFY2(top.value(QStringLiteral("score")).toDouble() > 0.999, qPrintable(QString::fromUtf8(run.out)));
    }

    // A name given in bytes that are not UTF-8 (here the corpus's "caf\xE9.jpg", as a shell passes
    // it, or as a list holds it) reaches Exemplar with U+FFFD in place of the byte: the file is
    // there but cannot be opened by that name, and the error says why instead of "does not exist".
    void undecodableNamesGivenByHandAreExplained_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("photo on the command line") << "argument";
        QTest::newRow("photo in --files-from") << "list";
        QTest::newRow("dataset folder") << "dataset";
    }

    void undecodableNamesGivenByHandAreExplained()
    {
        QFETCH(QString, how);
        const QString photo = QFile::decodeName(QFile::encodeName(corpus_) + "/mixed/caf\xe9.jpg");
        const QString folder = QFile::decodeName(QFile::encodeName(corpus_) + "/b\xff");
        QVERIFY(photo.contains(QChar::ReplacementCharacter) && folder.contains(QChar::ReplacementCharacter));
        Run run;
        if (how == QLatin1String("dataset")) {
            run = cli({QStringLiteral("embed"), folder});
        } else {
            EXEMPLAR_REQUIRE_MODEL();
            const QString set = corpusSet();
            QVERIFY2(!set.isEmpty(), corpusSetRun_.describe().constData());
            if (how == QLatin1String("argument")) {
                run = cli({QStringLiteral("classify"), set, photo});
            } else {
                const QString list = path(QStringLiteral("latin1-list.txt"));
                writeFile(list, QFile::encodeName(corpus_) + "/mixed/caf\xe9.jpg\n");
                run = cli({QStringLiteral("classify"), set, QStringLiteral("--files-from"), list});
            }
        }
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("not UTF-8") && run.err.contains("rename it"), run.describe().constData());
    }

    // --no-recursive: the dated subfolder is skipped and said so; the class keeps its own photo.
    void noRecursiveSkipsSubfolders()
    {
        EXEMPLAR_REQUIRE_MODEL();
        // Unprivileged like the corpus run, so that the unreadable photo stays out of both counts.
        const Run run = cli({QStringLiteral("embed"), corpus_, QStringLiteral("--json"), QStringLiteral("--no-recursive")},
                            {true, 0});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(reasonFor(run.json(), QStringLiteral("2024-06")).contains(QLatin1String("subfolder scanning is off")),
                 run.out.constData());
        QCOMPARE(run.json().value(QStringLiteral("photos")).toInt(), goodPhotos_ - 1);
    }

    void oddClassesAreReported_data()
    {
        QTest::addColumn<QString>("phrase");
        QTest::newRow("empty class folder") << "\"empty class\" has no photos";
        QTest::newRow("one-photo class") << "\"single\" has only one photo";
        QTest::newRow("same photo in two classes") << "copy of fleur.jpg";
    }

    void oddClassesAreReported()
    {
        QFETCH(QString, phrase);
        EXEMPLAR_REQUIRE_MODEL();
        const Run& run = corpusRun();
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QStringList warnings = run.json().value(QStringLiteral("warnings")).toVariant().toStringList();
        QVERIFY2(warnings.filter(phrase).size() == 1, qPrintable(warnings.join(QLatin1Char('\n'))));
    }

    // A class folder that cannot be read is skipped with the system's reason and left out: before,
    // it was "a class with no photos", trained into a set that could never answer it.
    void unreadableClassFoldersAreLeftOut()
    {
        EXEMPLAR_REQUIRE_MODEL();
        if (!permissionBitsApply()) QSKIP("running as root without an unprivileged account: every folder is readable");
        const QString root = path(QStringLiteral("locked-classes"));
        for (const char* name : {"rose", "tulip", "locked"}) {
            QVERIFY(QDir().mkpath(root + QLatin1Char('/') + QLatin1String(name)));
            for (int i = 0; i < 2; ++i)
                writeFile(root + QStringLiteral("/%1/%2.jpg").arg(QLatin1String(name)).arg(i), syntheticPhoto(70 + i + 2 * int(qstrlen(name)), ".jpg"));
        }
        QVERIFY(QFile::setPermissions(root + QStringLiteral("/locked"), QFileDevice::Permissions()));
        const Run run = cli({QStringLiteral("embed"), root, QStringLiteral("--json")}, {true, 0});
        QFile::setPermissions(root + QStringLiteral("/locked"), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(reasonFor(run.json(), QStringLiteral("locked")).contains(QLatin1String("class folder cannot be read")),
                 run.out.constData());
        QCOMPARE(run.json().value(QStringLiteral("classes")).toArray().size(), 2);
    }

    void badModelsAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("missing model") << "missing" << "does not exist";
        QTest::newRow("output size differs from the spec") << "wrong-dim" << "1280 values but the spec says 1000";
        QTest::newRow("text file as the ONNX model") << "not-onnx" << "cannot load model";
    }

    void badModelsAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, phrase);
        QString spec = path(QStringLiteral("no/such/model.json"));
        if (kind != QLatin1String("missing")) {
            EXEMPLAR_REQUIRE_MODEL();
            QJsonObject json = QJsonDocument::fromJson(readFile(exemplar::test::defaultModelSpec())).object();
            const QString onnx = QFileInfo(exemplar::test::defaultModelSpec()).dir().filePath(
                json.value(QStringLiteral("onnx")).toString());
            if (kind == QLatin1String("wrong-dim")) {
                QJsonObject embedding = json.value(QStringLiteral("embedding")).toObject();
                embedding.insert(QStringLiteral("dim"), 1000);
                json.insert(QStringLiteral("embedding"), embedding);
                json.insert(QStringLiteral("onnx"), onnx);
            } else {
                writeFile(path(QStringLiteral("notes.onnx")), "not a network\n");
                json.insert(QStringLiteral("onnx"), path(QStringLiteral("notes.onnx")));
            }
            spec = path(kind + QStringLiteral(".json"));
            writeFile(spec, QJsonDocument(json).toJson());
        }
        const Run run = cli({QStringLiteral("embed"), corpus_, QStringLiteral("--model"), spec});
        QVERIFY2(run.failedWithOneLine(phrase.toUtf8()), run.describe().constData());
        QVERIFY(run.out.isEmpty());
    }

    void badReferenceSetsAreRefused_data()
    {
        addBadReferenceSetRows();
        QTest::newRow("a photo renamed .exref") << "photo" << "is not an Exemplar reference set (not JSON";
    }

    void badReferenceSetsAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, phrase);
        const QString valid = path(QStringLiteral("valid-other-model.exref"));
        if (!QFile::exists(valid)) exemplar::writeReferenceSet(referenceSetFromAnotherModel(1280), valid);
        const QByteArray bytes = readFile(valid);
        const QString set = path(kind + QStringLiteral(".exref"));
        if (kind == QLatin1String("other-model")) {
            EXEMPLAR_REQUIRE_MODEL();  // the comparison needs the loaded model's identity
            writeFile(set, bytes);
        } else if (kind == QLatin1String("newer")) {
            QJsonObject json = QJsonDocument::fromJson(bytes).object();
            json.insert(QStringLiteral("format_version"), exemplar::kReferenceSetFormatVersion + 1);
            writeFile(set, QJsonDocument(json).toJson());
        } else if (kind == QLatin1String("truncated")) {
            writeFile(set, bytes.left(bytes.size() * 2 / 3));
        } else if (kind == QLatin1String("photo")) {
            writeFile(set, syntheticPhoto(40, ".jpg"));
        } else {
            writeFile(set, QByteArray());
        }
        const Run run = cli({QStringLiteral("classify"), set, goodPhoto_});
        QVERIFY2(run.failedWithOneLine(phrase.toUtf8()), run.describe().constData());
        QVERIFY2(run.out.isEmpty(), "no classification may be printed from a refused set");
    }

    // What cannot reach standard output (a full disk, here /dev/full) fails the command, said on
    // stderr: the exit status was 0 with JSON cut off in the middle (a bad-input hunt).
    void unwritableStandardOutputFails_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("info --json") << QStringList{QStringLiteral("--json")};
        QTest::newRow("info as text") << QStringList{};
        QTest::newRow("info --help") << QStringList{QStringLiteral("--help")};
    }

    void unwritableStandardOutputFails()
    {
        QFETCH(QStringList, options);
        if (!QFileInfo(QStringLiteral("/dev/full")).exists()) QSKIP("this system has no /dev/full");
        const QString valid = path(QStringLiteral("valid-other-model.exref"));
        if (!QFile::exists(valid)) exemplar::writeReferenceSet(referenceSetFromAnotherModel(1280), valid);
        ChildLimits toFullDisk;
        toFullDisk.standardOutput = QStringLiteral("/dev/full");
        const Run run = cli(QStringList{QStringLiteral("info"), valid} + options, toFullDisk);
        QVERIFY2(run.failedWithOneLine("exemplar-cli info: error: cannot write standard output: No space left on device"),
                 run.describe().constData());
    }

    void unwritableDestinationsLeaveNoTrace_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("kind");
        for (const char* command : {"train", "export-onnx"}) {
            QTest::addRow("%s, read-only folder", command) << command << "read-only";
            QTest::addRow("%s, disk full midway", command) << command << "disk-full";
        }
    }

    // Writing over an existing file must either replace it completely or leave it untouched,
    // with no temporary file beside it.
    void unwritableDestinationsLeaveNoTrace()
    {
        QFETCH(QString, command);
        QFETCH(QString, kind);
        EXEMPLAR_REQUIRE_MODEL();
        const bool train = command == QLatin1String("train");
        const QString source = train ? QString() : corpusSet();
        const QString folder = path(QStringLiteral("out-%1-%2").arg(command, kind));
        QVERIFY(QDir().mkpath(folder));
        const QString destination = folder + (train ? QStringLiteral("/corpus.exref") : QStringLiteral("/corpus.onnx"));
        // An earlier output of the same kind (a file of another kind is not replaced at all).
        const QByteArray previous = train ? QByteArray("{\n    \"checksum\": \"previous reference set, must survive\"\n}\n")
                                          : QByteArray("\x08\x07 previous ONNX model, must survive\n");
        writeFile(destination, previous);

        ChildLimits limits;
        if (kind == QLatin1String("read-only")) {
            if (!permissionBitsApply()) QSKIP("running as root: a read-only folder is still writable");
            QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                                      QFileDevice::ReadOther | QFileDevice::ExeOther));
            limits.unprivileged = true;
        } else {
            limits.maxFileBytes = 16 * 1024;  // both files are larger: the write fails partway
        }
        const Run run = train ? trainCorpus(destination, limits)
                              : cli({QStringLiteral("export-onnx"), source, destination}, limits);
        // Writable again, so that the checks below and the temporary folder's removal work.
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QVERIFY2(run.failedWithOneLine("cannot write " + destination.toUtf8()), run.describe().constData());
        QCOMPARE(readFile(destination), previous);
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QFileInfo(destination).fileName()});
    }

    // A cache on a full disk (here: writes past 40 bytes fail, as under `ulimit -f`) gets no entry
    // cut off: buffered entries whose write failed only when flushed were renamed into place
    // empty or cut off (a bad-input hunt). The photos are embedded all the same.
    void aFullDiskLeavesNoCutOffCacheEntry()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString cache = path(QStringLiteral("full-cache"));
        QVERIFY(QDir().mkpath(cache));
        const QString classes = path(QStringLiteral("full-cache-photos"));
        for (int i = 0; i < 4; ++i) {
            const QString folder = classes + QStringLiteral("/c%1").arg(i % 2);
            QVERIFY(QDir().mkpath(folder));
            writeFile(folder + QStringLiteral("/p%1.jpg").arg(i), syntheticPhoto(70 + i, ".jpg"));
        }
        ChildLimits limits;
        limits.cacheFolder = cache;
        limits.maxFileBytes = 40;  // under every entry's size (a fingerprint entry is 52 bytes)
        const Run run = cli({QStringLiteral("embed"), classes}, limits);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        // Every entry is larger than the limit, so any file there was cut off (before the fix: the
        // fingerprint entries, at 40 of their 52 bytes).
        QDirIterator it(cache, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QFileInfo entry(it.next());
            QFAIL(qPrintable(QStringLiteral("%1 was committed cut off, at %2 bytes").arg(entry.filePath()).arg(entry.size())));
        }
    }

    // An output path mistyped onto a photo, or onto the command's own input, is refused before
    // any work and the file left byte for byte: before, train -o PHOTO and export-onnx SET SET
    // replaced them.
    void outputsNeverReplaceAnotherKindOfFile_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("victim");
        QTest::newRow("train -o a photo") << "train" << "photo";
        QTest::newRow("export-onnx onto a photo") << "export-onnx" << "photo";
        QTest::newRow("export-onnx onto its own reference set") << "export-onnx" << "set";
    }

    void outputsNeverReplaceAnotherKindOfFile()
    {
        QFETCH(QString, command);
        QFETCH(QString, victim);
        EXEMPLAR_REQUIRE_MODEL();
        const QString set = command == QLatin1String("train") ? QString() : corpusSet();
        QString target;
        if (victim == QLatin1String("set")) {
            target = path(QStringLiteral("own-input.exref"));
            QVERIFY(QFile::copy(set, target));
        } else {
            target = path(QStringLiteral("victim-%1.jpg").arg(command));
            writeFile(target, syntheticPhoto(60, ".jpg"));
        }
        const QByteArray before = readFile(target);
        const Run run = command == QLatin1String("train")
                            ? cli({QStringLiteral("train"), corpus_, QStringLiteral("--out"), target})
                            : cli({QStringLiteral("export-onnx"), victim == QLatin1String("set") ? target : set, target});
        QVERIFY2(run.failedWithOneLine("exists and is not"), run.describe().constData());
        QCOMPARE(readFile(target), before);
    }

    // export-onnx writes an ONNX model, and the network it reads is one too, so the kind check let
    // `export-onnx SET MODEL.onnx` replace the installed network (every later command then failed
    // with an OpenCV message). Refused now, through a symbolic link too, the network left as it was.
    void exportNeverReplacesTheNetworkItReads_data()
    {
        QTest::addColumn<bool>("throughLink");
        QTest::newRow("the network itself") << false;
        QTest::newRow("a symbolic link to it") << true;
    }
    void exportNeverReplacesTheNetworkItReads()
    {
        QFETCH(bool, throughLink);
        EXEMPLAR_REQUIRE_MODEL();
        const QString set = corpusSet();
        QVERIFY2(!set.isEmpty(), corpusSetRun_.describe().constData());
        // A copy of the model, so that a failure here cannot break the installed one.
        const QString folder = path(QStringLiteral("own-network-%1").arg(throughLink));
        QVERIFY(QDir().mkpath(folder));
        QJsonObject json = QJsonDocument::fromJson(readFile(exemplar::test::defaultModelSpec())).object();
        const QString onnx = folder + QStringLiteral("/network.onnx");
        QVERIFY(QFile::copy(QFileInfo(exemplar::test::defaultModelSpec()).dir().filePath(
                                json.value(QStringLiteral("onnx")).toString()),
                            onnx));
        json.insert(QStringLiteral("onnx"), onnx);
        json.remove(QStringLiteral("labels"));
        const QString spec = folder + QStringLiteral("/model.json");
        writeFile(spec, QJsonDocument(json).toJson());
        QString target = onnx;
        if (throughLink) {
            target = folder + QStringLiteral("/link.onnx");
            QVERIFY(QFile::link(onnx, target));
        }
        const QByteArray before = readFile(onnx);
        const Run run = cli({QStringLiteral("export-onnx"), set, target, QStringLiteral("--model"), spec});
        QVERIFY2(run.failedWithOneLine("which this command reads"), run.describe().constData());
        QCOMPARE(readFile(onnx), before);
        // The same command onto a new name works: the copy is a valid model for the set.
        const Run fine = cli({QStringLiteral("export-onnx"), set, folder + QStringLiteral("/out.onnx"),
                              QStringLiteral("--model"), spec, QStringLiteral("--quiet")});
        QVERIFY2(fine.exitCode == 0, fine.describe().constData());
    }

    // `embed --out` wrote the array over whatever the path held (a photo of the dataset, a reference
    // set) and, for a path not ending in .npy, wrote it under that name with the CSV at NAME.csv.
    // Refused before any work now, each file left byte for byte.
    void embeddingOutputNeverReplacesAnotherKindOfFile_data()
    {
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("victim");  // the file that must survive, beside OUT
        QTest::addColumn<QString>("phrase");
        QTest::newRow("a photo") << "photo.jpg" << "photo.jpg" << "must end in .npy";
        QTest::newRow("a CSV named as the array") << "table.csv" << "table.csv" << "must end in .npy";
        QTest::newRow("a reference set named .npy") << "set.npy" << "set.npy" << "exists and is not a NumPy array";
        QTest::newRow("the user's own CSV beside") << "fresh.npy" << "fresh.csv" << "exists and is not a CSV of embeddings";
    }
    void embeddingOutputNeverReplacesAnotherKindOfFile()
    {
        QFETCH(QString, out);
        QFETCH(QString, victim);
        QFETCH(QString, phrase);
        EXEMPLAR_REQUIRE_MODEL();
        const QString folder = path(QStringLiteral("embed-out-%1").arg(QString::number(qHash(out))));
        QVERIFY(QDir().mkpath(folder));
        const QByteArray content = victim.endsWith(QLatin1String(".jpg")) ? syntheticPhoto(60, ".jpg")
                                   : victim.endsWith(QLatin1String(".npy"))
                                       ? QByteArray("{\"checksum\": \"00\", \"classes\": []}")
                                       : QByteArray("name,score\nmine,1\n");
        writeFile(folder + QLatin1Char('/') + victim, content);
        const Run run = cli({QStringLiteral("embed"), corpus_, QStringLiteral("--out"), folder + QLatin1Char('/') + out,
                             QStringLiteral("--quiet")});
        QVERIFY2(run.failedWithOneLine(phrase.toUtf8()), run.describe().constData());
        QCOMPARE(readFile(folder + QLatin1Char('/') + victim), content);
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{victim});
    }

    // `embed --out FILE.npy` writes FILE.npy and FILE.csv (the rows' photos): a failure on either
    // must leave both as they were. Before, the new .npy replaced the old one and then the .csv
    // failed, leaving an .npy whose rows the old .csv misnamed.
    void embeddingExportStaysAPair()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString folder = path(QStringLiteral("out-embed-pair"));
        QVERIFY(QDir().mkpath(folder + QStringLiteral("/e.csv")));  // the .csv cannot be written
        const QString npy = folder + QStringLiteral("/e.npy");
        const QByteArray previous = "\x93NUMPY previous embeddings, must survive\n";
        writeFile(npy, previous);
        const Run run = cli({QStringLiteral("embed"), corpus_, QStringLiteral("--out"), npy, QStringLiteral("--quiet")});
        QVERIFY2(run.exitCode == 1 && run.err.contains("e.csv"), run.describe().constData());
        QCOMPARE(readFile(npy), previous);
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 (QStringList{"e.csv", "e.npy"}));
        QVERIFY(QFileInfo(folder + QStringLiteral("/e.csv")).isDir());
    }

    // Issue 13, defect 1: `--out` onto a device node, FIFO or folder used to replace it with a
    // regular file (rc 0). Now refused before any work, and the node is left as it was.
    void nonRegularDestinationsAreRefused_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("phrase");
        for (const char* command : {"train", "export-onnx"}) {
            QTest::addRow("%s onto a character device", command) << command << "device" << "a character device";
            QTest::addRow("%s onto a FIFO", command) << command << "fifo" << "a FIFO";
            QTest::addRow("%s onto a folder", command) << command << "folder" << "a folder";
        }
    }

    void nonRegularDestinationsAreRefused()
    {
        QFETCH(QString, command);
        QFETCH(QString, kind);
        QFETCH(QString, phrase);
        EXEMPLAR_REQUIRE_MODEL();
        const QString folder = path(QStringLiteral("devs-%1-%2").arg(command, kind));
        QVERIFY(QDir().mkpath(folder));
        const QString node = folder + QStringLiteral("/out");
        const QByteArray encoded = QFile::encodeName(node);
        struct stat before {};
        if (kind == QLatin1String("device")) {
            // The node /dev/null is (1, 3); only root may make one.
            if (::mknod(encoded.constData(), S_IFCHR | 0666, makedev(1, 3)) != 0)
                QSKIP("cannot make a device node here (not root)");
        } else if (kind == QLatin1String("fifo")) {
            QCOMPARE(::mkfifo(encoded.constData(), 0600), 0);
        } else {
            QVERIFY(QDir().mkpath(node));
        }
        QCOMPARE(::stat(encoded.constData(), &before), 0);
        const QString source = command == QLatin1String("train") ? QString() : corpusSet();
        if (command != QLatin1String("train")) QVERIFY2(!source.isEmpty(), corpusSetRun_.describe().constData());
        ChildLimits limits;
        limits.timeoutSeconds = 120;
        const Run run = command == QLatin1String("train") ? trainCorpus(node, limits)
                                                           : cli({QStringLiteral("export-onnx"), source, node}, limits);
        QVERIFY2(run.failedWithOneLine(phrase.toUtf8()), run.describe().constData());
        struct stat after {};
        QCOMPARE(::stat(encoded.constData(), &after), 0);
        QCOMPARE(after.st_mode, before.st_mode);
        QCOMPARE(after.st_ino, before.st_ino);
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot),
                 QStringList{"out"});
    }

    // Issue 13, defect 4: inputs that never end or never start (a FIFO without writer, /dev/zero)
    // hung the CLI or grew it by gigabytes. Each is refused within seconds, in bounded memory.
    void endlessInputsAreRefused_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("FIFO as the reference set") << "set-fifo" << "not a regular file (a FIFO)";
        QTest::newRow("/dev/zero as the reference set") << "set-zero" << "not a regular file (a character device)";
        QTest::newRow("FIFO as the model spec") << "spec-fifo" << "not a regular file (a FIFO)";
        QTest::newRow("/dev/zero as the model spec") << "spec-zero" << "not a regular file (a character device)";
        QTest::newRow("a spec whose ONNX file is /dev/zero") << "onnx-zero" << "not a regular file (a character device)";
    }

    void endlessInputsAreRefused()
    {
        QFETCH(QString, input);
        QFETCH(QString, phrase);
        const QString fifo = path(QStringLiteral("endless.fifo"));
        if (!QFileInfo::exists(fifo)) QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const QString zero = QStringLiteral("/dev/zero");
        QString set = path(QStringLiteral("valid-other-model.exref"));
        if (!QFile::exists(set)) exemplar::writeReferenceSet(referenceSetFromAnotherModel(1280), set);
        QStringList extra;
        if (input == QLatin1String("set-fifo")) set = fifo;
        else if (input == QLatin1String("set-zero")) set = zero;
        else if (input == QLatin1String("spec-fifo")) extra = {QStringLiteral("--model"), fifo};
        else if (input == QLatin1String("spec-zero")) extra = {QStringLiteral("--model"), zero};
        else {
            EXEMPLAR_REQUIRE_MODEL();
            QJsonObject json = QJsonDocument::fromJson(readFile(exemplar::test::defaultModelSpec())).object();
            json.insert(QStringLiteral("onnx"), zero);
            const QString spec = path(QStringLiteral("zero-onnx.json"));
            writeFile(spec, QJsonDocument(json).toJson());
            extra = {QStringLiteral("--model"), spec};
        }
        ChildLimits limits;
        limits.timeoutSeconds = 60;
#if defined(__SANITIZE_ADDRESS__)
        // AddressSanitizer reserves terabytes of address space for its shadow memory, so no
        // address-space limit can be set under it; the normal build checks the bound.
        limits.maxAddressSpace = 0;
#else
        limits.maxAddressSpace = rlim_t(6) << 30;  // far below what reading an endless input would take
#endif
        const Run run = cli(QStringList{QStringLiteral("classify"), set, goodPhoto_} + extra, limits);
        QVERIFY2(run.failedWithOneLine(phrase.toUtf8()), run.describe().constData());
    }

    // Issue 13, defect 6: NaN passed every range check ("--holdout nan" printed "nan of each class").
    void nanOptionsAreRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("option");
        QTest::newRow("train --holdout nan") << QStringList{"train", "--out", "x.exref", "--holdout", "nan"} << "holdout";
        QTest::newRow("train --unknown-rate nan") << QStringList{"train", "--out", "x.exref", "--unknown-rate", "nan"}
                                                  << "unknown-rate";
        QTest::newRow("train --unknown-rate -nan") << QStringList{"train", "--out", "x.exref", "--unknown-rate", "-nan"}
                                                   << "unknown-rate";
        QTest::newRow("train --holdout inf") << QStringList{"train", "--out", "x.exref", "--holdout", "inf"} << "holdout";
        QTest::newRow("audit --duplicate-cosine nan") << QStringList{"audit", "--duplicate-cosine", "NaN"}
                                                      << "duplicate-cosine";
    }

    void nanOptionsAreRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, option);
        args.insert(1, corpus_);
        const Run run = cli(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("--%1 must be a number").arg(option).toUtf8()), run.describe().constData());
        QVERIFY(!QFile::exists(QStringLiteral("x.exref")));
    }

    // Values that meant something else inside: --duplicate-cosine 0 stood for "the model's"
    // (0.92) and grouped as if not given; --sort-into "" (an unset "$OUT") filed nothing, rc 0;
    // --cache-dir "" and --model "" quietly meant the defaults.
    // Both are usage errors now, said before any work.
    void optionValuesThatMeantSomethingElseAreRefused()
    {
        const Run zero = cli({QStringLiteral("audit"), corpus_, QStringLiteral("--duplicate-cosine"), QStringLiteral("0")});
        QCOMPARE(zero.exitCode, 2);
        QVERIFY2(zero.err.contains("--duplicate-cosine must be above 0"), zero.describe().constData());
        const Run unset = cli({QStringLiteral("classify"), path(QStringLiteral("any.exref")), path(QStringLiteral("any.jpg")),
                               QStringLiteral("--sort-into"), QString()});
        QCOMPARE(unset.exitCode, 2);
        QVERIFY2(unset.err.contains("--sort-into needs a"), unset.describe().constData());
        for (const QString& option : {QStringLiteral("--cache-dir"), QStringLiteral("--model")}) {
            const Run empty = cli({QStringLiteral("embed"), corpus_, option, QString()});
            QCOMPARE(empty.exitCode, 2);
            QVERIFY2(empty.err.contains((option + QStringLiteral(" needs a value")).toUtf8()), empty.describe().constData());
        }
        // Every other option's empty value (a review: --unlabeled "" classified nothing, rc 0;
        // --out "" wrote nothing without a word; --resume "" failed to open "").
        const QList<QStringList> empties{
            {QStringLiteral("embed"), corpus_, QStringLiteral("--out"), QString()},
            {QStringLiteral("embed"), QStringLiteral("--files-from"), QString()},
            {QStringLiteral("classify"), path(QStringLiteral("any.exref")), QStringLiteral("--unlabeled"), QString()},
            {QStringLiteral("classify"), path(QStringLiteral("any.exref")), path(QStringLiteral("any.jpg")),
             QStringLiteral("--resume"), QString()},
            {QStringLiteral("eval"), corpus_, QStringLiteral("--background"), QString()},
            {QStringLiteral("eval"), corpus_, QStringLiteral("--methods"), QString()}};
        for (const QStringList& args : empties) {
            const Run empty = cli(args);
            QCOMPARE(empty.exitCode, 2);
            QVERIFY2(empty.err.contains((args[args.size() - 2] + QStringLiteral(" needs a value")).toUtf8()),
                     empty.describe().constData());
        }
        const Run dash = cli({QStringLiteral("classify"), path(QStringLiteral("any.exref")), path(QStringLiteral("any.jpg")),
                              QStringLiteral("--resume"), QStringLiteral("-")});
        QCOMPARE(dash.exitCode, 2);
        QVERIFY2(dash.err.contains("not \"-\""), dash.describe().constData());
        QVERIFY(!QFileInfo::exists(QStringLiteral("-")));
        // A mistyped --unlabeled folder: an error (it classified nothing and exited 0), and
        // --sort-into's folder is not made.
        const Run missing = cli({QStringLiteral("classify"), path(QStringLiteral("any.exref")), QStringLiteral("--unlabeled"),
                                 path(QStringLiteral("no-such-folder")), QStringLiteral("--sort-into"), path(QStringLiteral("sorted"))});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("no such folder"), missing.describe().constData());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("sorted"))));
    }

    // Issue 13, defect 9: sets that cannot classify anything were accepted ("unknown (nearest
    // class  scores below -inf)", rc 0). Each is sealed with a valid checksum, so only the new
    // check can refuse it.
    void uselessReferenceSetsAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("zero classes") << "no-classes" << "cannot classify anything: it has no classes";
        QTest::newRow("zero references") << "no-references" << "cannot classify anything: it has no references";
        QTest::newRow("a class name twice") << "twice" << "cannot classify anything: it names the class \"a\" twice";
    }

    void uselessReferenceSetsAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, phrase);
        const QString valid = path(QStringLiteral("valid-other-model.exref"));
        if (!QFile::exists(valid)) exemplar::writeReferenceSet(referenceSetFromAnotherModel(1280), valid);
        QJsonObject json = QJsonDocument::fromJson(readFile(valid)).object();
        json.remove(QStringLiteral("checksum"));
        if (kind == QLatin1String("no-classes")) {
            json.insert(QStringLiteral("classes"), QJsonArray());
            json.insert(QStringLiteral("references"), QJsonArray());
        } else if (kind == QLatin1String("no-references")) {
            json.insert(QStringLiteral("references"), QJsonArray());
        } else {
            json.insert(QStringLiteral("classes"), QJsonArray{QStringLiteral("a"), QStringLiteral("a")});
        }
        const QByteArray sum = QCryptographicHash::hash(QJsonDocument(json).toJson(QJsonDocument::Compact),
                                                        QCryptographicHash::Sha256).toHex();
        json.insert(QStringLiteral("checksum"), QString::fromLatin1(sum));
        const QString set = path(kind + QStringLiteral(".exref"));
        writeFile(set, QJsonDocument(json).toJson());
        for (const char* command : {"classify", "info"}) {
            const QStringList args = QLatin1String(command) == QLatin1String("info") ? QStringList{command, set}
                                                                                     : QStringList{command, set, goodPhoto_};
            const Run run = cli(args);
            QVERIFY2(run.failedWithOneLine(phrase.toUtf8()), run.describe().constData());
            QVERIFY(run.out.isEmpty());
        }
    }

    // Issue 13, defect 10: a newline in a class or file name broke the human-readable lines.
    void controlCharactersInNamesAreEscaped()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString root = path(QStringLiteral("newline-names"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/two\nlines")));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/plain")));
        writeFile(root + QStringLiteral("/two\nlines/a\nb.jpg"), syntheticPhoto(50, ".jpg"));
        writeFile(root + QStringLiteral("/two\nlines/c.jpg"), syntheticPhoto(51, ".jpg"));
        writeFile(root + QStringLiteral("/plain/d.jpg"), syntheticPhoto(52, ".jpg"));
        writeFile(root + QStringLiteral("/plain/e\x1b[2Jf.txt.jpg"), "not a photo");
        const Run run = cli({QStringLiteral("embed"), root});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("two\\nlines"), run.describe().constData());
        QVERIFY2(!run.out.contains("two\nlines"), run.describe().constData());
        QVERIFY2(run.err.contains("e\\x1b[2Jf.txt.jpg"), run.describe().constData());
        QVERIFY2(!run.err.contains('\x1b'), run.describe().constData());
    }

    // Issue 13, defect 10: a writer killed between link and rename leaves "X.exref.XXXXXX"; the
    // next write of X.exref removes it (and only it: other names stay).
    void staleTemporariesAreRemoved()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString folder = path(QStringLiteral("stale-temporaries"));
        QVERIFY(QDir().mkpath(folder));
        const QString destination = folder + QStringLiteral("/corpus.exref");
        writeFile(destination + QStringLiteral(".Ab12Cd"), "a killed writer's half file");
        writeFile(destination + QStringLiteral(".notes"), "the user's own file");
        writeFile(folder + QStringLiteral("/other.exref.Zz99Yy"), "another file's leftover");
        const Run run = trainCorpus(destination);
        QCOMPARE(run.exitCode, 0);
        QStringList left = QDir(folder).entryList(QDir::Files | QDir::Hidden);
        left.sort();
        QCOMPARE(left, (QStringList{"corpus.exref", "corpus.exref.notes", "other.exref.Zz99Yy"}));
    }

    // Issue 13, defect 10: one class trains and "scores 100%": the user is told it means nothing.
    void oneClassIsWarnedAbout()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString root = path(QStringLiteral("one-class"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/cats")));
        // Four pictures, not one: these synthetic photos are a flat colour, a circle and a block, so
        // neighbouring seeds (a circle moved a little) are one picture to the fingerprint
        // (PictureFingerprint.h); these four are 10 to 23 hash bits apart.
        const int seeds[] = {1, 3, 20, 50};
        for (int i = 0; i < 4; ++i)
            writeFile(root + QStringLiteral("/cats/%1.jpg").arg(i), syntheticPhoto(seeds[i], ".jpg"));
        const Run run = cli({QStringLiteral("train"), root, QStringLiteral("--out"), root + QStringLiteral("/set.exref"),
                             QStringLiteral("--quiet")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.err.contains("warning: there is only one class (\"cats\")"), run.describe().constData());
        const exemplar::ReferenceSet set = exemplar::readReferenceSet(root + QStringLiteral("/set.exref"));
        QVERIFY(set.extra.value(QStringLiteral("warnings")).toArray().first().toString().contains(QLatin1String("one class")));
        // eval printed 100% for every method without a word.
        const Run eval = cli({QStringLiteral("eval"), root, QStringLiteral("--pool"), QStringLiteral("2"),
                              QStringLiteral("--repeats"), QStringLiteral("1"), QStringLiteral("--methods"),
                              QStringLiteral("centroid"), QStringLiteral("--quiet")});
        QCOMPARE(eval.exitCode, 0);
        QVERIFY2(eval.out.contains("warning: there is only one class (\"cats\")"), eval.describe().constData());
    }

    // A list of file names whose "line" is longer than any path is not a list: once echoed whole
    // into every message (and each photo's error line), 1.7 GB for a 200 MB line.
    void aListLineLongerThanAnyPathIsRefused()
    {
        const QString list = path(QStringLiteral("one-long-line.txt"));
        writeFile(list, QByteArray(8 << 20, 'x'));
        ChildLimits limits;
        limits.timeoutSeconds = 60;
        const Run run = cli({QStringLiteral("embed"), QStringLiteral("--files-from"), list, QStringLiteral("--quiet")}, limits);
        QVERIFY2(run.failedWithOneLine("line 1 is 8388608 bytes long, longer than any path"), run.describe().constData());
        QVERIFY2(run.err.size() < 1000, run.describe().constData());
    }

    // The same corpus does train when the destination is fine: the failures above are the
    // destination's, and the file written is complete.
    void trainingTheCorpusSucceeds()
    {
        EXEMPLAR_REQUIRE_MODEL();
        const QString set = corpusSet();
        QVERIFY2(!set.isEmpty(), corpusSetRun_.describe().constData());
        QCOMPARE(exemplar::readReferenceSet(set).head.referenceCount(), goodPhotos_);
    }
};

QTEST_GUILESS_MAIN(TestBadInputCli)
#include "tst_badinput_cli.moc"
