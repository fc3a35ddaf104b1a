// embedDataset's threaded pipeline against the naive loop it replaced: same rows in the same
// order, same skipped files with the same reasons, whatever the thread counts; streaming in
// dataset order; cancellation; the project index on reopen.
#include "EmbeddingPipeline.h"

#include "Dataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "EmbeddingIndex.h"
#include "EmbeddingSet.h"
#include "Feedback.h"
#include "ImageDecoder.h"
#include "ModelSpec.h"
#include "PictureFingerprint.h"
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <thread>

using namespace exemplar;

namespace {

constexpr qint64 kHourAgoNs = 3600ll * 1'000'000'000;

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// A distinct small photo per index (stripes and colours vary, so embeddings differ).
QByteArray photoBytes(int index)
{
    cv::Mat image(150 + 7 * (index % 5), 200, CV_8UC3, cv::Scalar(37 * index % 256, 255 - 23 * index % 256, 90));
    cv::line(image, cv::Point(0, 9 * index % 150), cv::Point(199, 149 - 9 * index % 150), cv::Scalar(255, 255, 255), 5);
    cv::circle(image, cv::Point(100, 75), 10 + index, cv::Scalar(0, 0, 0), 3);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", image, jpeg);
    return QByteArray(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size()));
}

// Puts the file's mtime an hour back, as for photos copied long before they are opened (fresh
// files are "racily clean" and are always re-hashed).
bool age(const QString& path)
{
    const qint64 ns = wallClockNs() - kHourAgoNs;
    const struct timespec times[2] = {{ns / 1'000'000'000, ns % 1'000'000'000}, {ns / 1'000'000'000, ns % 1'000'000'000}};
    return utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0;
}

// The loop embedDataset used to be: one photo after the other.
EmbeddingSet naiveLoop(const Dataset& dataset, Embedder& embedder, std::vector<SkippedFile>* skipped)
{
    EmbeddingSet set;
    set.classNames = dataset.classNames;
    std::vector<Vector> rows;
    for (const Photo& photo : dataset.photos) {
        const PhotoBytes bytes = readPhotoBytes(photo.path);
        const DecodedPhoto decoded = bytes.ok() ? decodePhoto(bytes.data) : DecodedPhoto{cv::Mat(), bytes.error};
        if (!decoded.ok()) {
            skipped->push_back({photo.path, decoded.error});
            continue;
        }
        rows.push_back(embedder.embed(decoded.bgr));
        set.labels.push_back(photo.classIndex);
        set.paths << photo.path;
        set.contentHashes << QString::fromLatin1(bytes.sha256Hex);
    }
    set.vectors.resize(Eigen::Index(rows.size()), embedder.dim());
    for (size_t i = 0; i < rows.size(); ++i) set.vectors.row(Eigen::Index(i)) = rows[i].transpose();
    return set;
}

} // namespace

class TestEmbeddingPipeline : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameAsNaiveLoop_data();
    void sameAsNaiveLoop();
    void streamsOutcomesInDatasetOrder();
    void cancelStopsAndThrows();
    void reopenTrustsTheProjectIndex();
    void cachedPhotosReportAndStopPerPhoto();
    void aDamagedPhotoCachedByAnOlderVersionIsRefused();
    void shareOfTheCoresLimitsTheNetworks_data();
    void shareOfTheCoresLimitsTheNetworks();

private:
    std::unique_ptr<Embedder> embedder_;
    QTemporaryDir photos_;
    Dataset dataset_;
};

void TestEmbeddingPipeline::initTestCase()
{
    EXEMPLAR_REQUIRE_MODEL();
    embedder_ = std::make_unique<Embedder>(ModelSpec::load(test::defaultModelSpec()));
    QVERIFY(photos_.isValid());
    // 3 classes, 22 photos, 3 bad files among them (in the middle of classes, to check order).
    for (int i = 0; i < 22; ++i) {
        const QString cls = QStringLiteral("class%1").arg(i % 3);
        QVERIFY(writeFile(photos_.filePath(QStringLiteral("%1/p%2.jpg").arg(cls).arg(i, 2, 10, QLatin1Char('0'))), photoBytes(i)));
    }
    QVERIFY(writeFile(photos_.filePath(QStringLiteral("class0/p03b.jpg")), QByteArray()));
    QVERIFY(writeFile(photos_.filePath(QStringLiteral("class1/p04b.jpg")), "not a photo at all\n"));
    QVERIFY(writeFile(photos_.filePath(QStringLiteral("class2/p05b.jpg")), photoBytes(5).left(100)));
    dataset_ = Dataset::scan(photos_.path());
    QCOMPARE(dataset_.photoCount(), 25);
}

void TestEmbeddingPipeline::sameAsNaiveLoop_data()
{
    QTest::addColumn<int>("inferenceThreads");
    QTest::addColumn<int>("decodeThreads");
    QTest::newRow("one network, one reader") << 1 << 1;
    QTest::newRow("two networks, one reader") << 2 << 1;
    QTest::newRow("two networks, three readers") << 2 << 3;
    QTest::newRow("defaults") << 0 << 1;
}

void TestEmbeddingPipeline::sameAsNaiveLoop()
{
    QFETCH(int, inferenceThreads);
    QFETCH(int, decodeThreads);
    std::vector<SkippedFile> expectedSkipped;
    const EmbeddingSet expected = naiveLoop(dataset_, *embedder_, &expectedSkipped);
    QCOMPARE(expected.size(), 22);

    EmbedOptions options;
    options.inferenceThreads = inferenceThreads;
    options.decodeThreads = decodeThreads;
    EmbedReport report;
    const EmbeddingSet got = embedDataset(dataset_, *embedder_, nullptr, nullptr, &report, options);
    QCOMPARE(got.paths, expected.paths);
    QCOMPARE(got.labels, expected.labels);
    QCOMPARE(got.contentHashes, expected.contentHashes);
    QCOMPARE(got.classNames, expected.classNames);
    QCOMPARE(report.computed, 22);
    QCOMPARE(report.fromCache, 0);
    QCOMPARE(int(report.skipped.size()), int(expectedSkipped.size()));
    for (size_t i = 0; i < expectedSkipped.size(); ++i) {
        QCOMPARE(report.skipped[i].path, expectedSkipped[i].path);
        QCOMPARE(report.skipped[i].reason, expectedSkipped[i].reason);
    }
    // Small photos are decoded exactly as before; single- or multi-threaded OpenCV may still sum
    // in another order, hence a tolerance rather than equality.
    for (int i = 0; i < got.size(); ++i) {
        const float cosine = got.vectors.row(i).dot(expected.vectors.row(i));
        QVERIFY2(cosine > 1 - 1e-3f, qPrintable(QStringLiteral("row %1: cosine %2").arg(i).arg(cosine)));
    }
}

void TestEmbeddingPipeline::streamsOutcomesInDatasetOrder()
{
    std::vector<int> order;
    int skipped = 0;
    EmbedOptions options;
    options.inferenceThreads = 2;
    options.decodeThreads = 2;
    const std::thread::id caller = std::this_thread::get_id();
    bool onCaller = true;
    options.onPhoto = [&](const EmbeddedPhoto& photo) {
        order.push_back(photo.photoIndex);
        onCaller = onCaller && std::this_thread::get_id() == caller;
        if (!photo.ok) {
            ++skipped;
            QVERIFY(!photo.skipReason.isEmpty());
        } else {
            QCOMPARE(photo.embedding.size(), Eigen::Index(embedder_->dim()));
            QCOMPARE(photo.sha256Hex.size(), 64);
        }
    };
    Feedback feedback;
    qint64 lastDone = -1, lastTotal = 0;
    bool monotonic = true;
    feedback.setProgressHandler([&](qint64 done, qint64 total, const QString&) {
        monotonic = monotonic && done >= lastDone;
        lastDone = done;
        lastTotal = total;
    });
    embedDataset(dataset_, *embedder_, nullptr, &feedback, nullptr, options);
    QCOMPARE(int(order.size()), dataset_.photoCount());
    for (int i = 0; i < int(order.size()); ++i) QCOMPARE(order[size_t(i)], i);
    QCOMPARE(skipped, 3);
    QVERIFY(onCaller);
    QVERIFY(monotonic);
    QCOMPARE(lastDone, qint64(dataset_.photoCount()));
    QCOMPARE(lastTotal, qint64(dataset_.photoCount()));
}

void TestEmbeddingPipeline::cancelStopsAndThrows()
{
    // Canceled from another thread as soon as the first photo is reported done.
    Feedback feedback;
    std::atomic<bool> started{false};
    feedback.setProgressHandler([&](qint64 done, qint64, const QString&) {
        if (done > 0) started = true;
    });
    std::thread canceler([&] {
        while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        feedback.cancel();
    });
    EmbedOptions options;
    options.inferenceThreads = 2;
    bool canceled = false;
    try {
        embedDataset(dataset_, *embedder_, nullptr, &feedback, nullptr, options);
    } catch (const OperationCanceled&) {
        canceled = true;
    }
    canceler.join();
    QVERIFY(canceled);
    // The pipeline is reusable at once (its threads are gone, nothing is left locked).
    EmbedReport report;
    QCOMPARE(embedDataset(dataset_, *embedder_, nullptr, nullptr, &report).size(), 22);
}

void TestEmbeddingPipeline::reopenTrustsTheProjectIndex()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int i = 0; i < 10; ++i) {
        const QString path = dir.filePath(QStringLiteral("c%1/p%2.jpg").arg(i % 2).arg(i));
        QVERIFY(writeFile(path, photoBytes(i)));
        QVERIFY(age(path));
    }
    const Dataset dataset = Dataset::scan(dir.path());
    const EmbeddingCache cache(embedder_->identity(), embedder_->dim(), dir.filePath(QStringLiteral("cache")));

    EmbedReport report;
    const EmbeddingSet first = embedDataset(dataset, *embedder_, &cache, nullptr, &report);
    QCOMPARE(report.computed, 10);
    QCOMPARE(report.hashed, 10);

    // Reopen: no file is read, every row comes back bit-identical.
    const EmbeddingSet second = embedDataset(dataset, *embedder_, &cache, nullptr, &report);
    QCOMPARE(report.hashed, 0);
    QCOMPARE(report.fromCache, 10);
    QCOMPARE(report.computed, 0);
    QVERIFY(second.vectors == first.vectors);
    QCOMPARE(second.contentHashes, first.contentHashes);
    QCOMPARE(second.paths, first.paths);

    // A photo rewritten with other content, its mtime put back an hour: re-hashed and recomputed.
    const QString changed = dataset.photos[3].path;
    QVERIFY(writeFile(changed, photoBytes(40)));
    QVERIFY(age(changed));
    const EmbeddingSet third = embedDataset(dataset, *embedder_, &cache, nullptr, &report);
    QCOMPARE(report.hashed, 1);
    QCOMPARE(report.computed, 1);
    QVERIFY(third.contentHashes[3] != first.contentHashes[3]);
    QVERIFY(third.vectors.row(3) != first.vectors.row(3));

    // Without the index (or with it removed) the content cache still answers, after hashing.
    EmbedOptions noIndex;
    noIndex.useIndex = false;
    const EmbeddingSet fourth = embedDataset(dataset, *embedder_, &cache, nullptr, &report, noIndex);
    QCOMPARE(report.hashed, 10);
    QCOMPARE(report.fromCache, 10);
    QVERIFY(fourth.vectors == third.vectors);
}

// Photos from the cache settle at once, and each outcome's handler may take a while (classifying
// scores it against every training photo). Progress came only after the last of them (a drop of
// 2,000 cached photos showed 0 until its end) and a cancel was seen only then: both are per photo.
void TestEmbeddingPipeline::cachedPhotosReportAndStopPerPhoto()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const EmbeddingCache cache(embedder_->identity(), embedder_->dim(), dir.filePath(QStringLiteral("cache")));
    EmbedReport report;
    embedDataset(dataset_, *embedder_, &cache, nullptr, &report);
    QCOMPARE(report.computed, 22);

    EmbedOptions slow;
    slow.useIndex = false;
    slow.onPhoto = [](const EmbeddedPhoto&) { std::this_thread::sleep_for(std::chrono::milliseconds(20)); };
    Feedback feedback;
    std::vector<qint64> reported;
    feedback.setProgressHandler([&](qint64 done, qint64, const QString&) { reported.push_back(done); });
    embedDataset(dataset_, *embedder_, &cache, &feedback, &report, slow);
    QCOMPARE(report.fromCache, 22);
    for (qint64 done = 1; done <= dataset_.photoCount(); ++done)
        QVERIFY2(std::find(reported.begin(), reported.end(), done) != reported.end(), qPrintable(QString::number(done)));

    // Canceled while the third outcome is handled: no further outcome is handled.
    Feedback stopping;
    int handled = 0;
    slow.onPhoto = [&](const EmbeddedPhoto&) {
        if (++handled == 3) stopping.cancel();
    };
    bool canceled = false;
    try {
        embedDataset(dataset_, *embedder_, &cache, &stopping, &report, slow);
    } catch (const OperationCanceled&) {
        canceled = true;
    }
    QVERIFY(canceled);
    QCOMPARE(handled, 3);
}

// A JPEG damaged inside its data was embedded and cached until its damage was refused. Found in
// the cache (by its bytes' hash), it is held to today's refusals, not trained from its old entry.
void TestEmbeddingPipeline::aDamagedPhotoCachedByAnOlderVersionIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray damaged = photoBytes(3);
    const qsizetype scanData = damaged.lastIndexOf("\xFF\xDA") + 20, middle = (scanData + damaged.size()) / 2;
    for (qsizetype i = middle; i < middle + 48; ++i) damaged[i] = char(0xFF);
    QVERIFY(!decodePhoto(damaged).ok());
    for (int i = 0; i < 4; ++i) QVERIFY(writeFile(dir.filePath(QStringLiteral("c%1/p%2.jpg").arg(i % 2).arg(i)), photoBytes(i)));
    const QString damagedPath = dir.filePath(QStringLiteral("c1/damaged.jpg"));
    QVERIFY(writeFile(damagedPath, damaged));
    const Dataset dataset = Dataset::scan(dir.path());
    const EmbeddingCache cache(embedder_->identity(), embedder_->dim(), dir.filePath(QStringLiteral("cache")));
    // What an older version stored: the smeared decode's embedding, under the file's hash.
    cv::Mat smeared = cv::imdecode(cv::Mat(1, int(damaged.size()), CV_8UC1, damaged.data()), cv::IMREAD_COLOR);
    QVERIFY(!smeared.empty());
    const QByteArray hash = QCryptographicHash::hash(damaged, QCryptographicHash::Sha256).toHex();
    QVERIFY(cache.store(hash, embedder_->embed(smeared)));
    // And its fingerprint as that version wrote it: format 01, sealed as the cache seals entries
    // (the SHA-256 of the key and the body). Read, it would pass the photo for decoded.
    QVERIFY(cache.storeFingerprint(hash, pictureFingerprint(smeared)));
    QStringList fingerprints;
    for (QDirIterator it(cache.directory(), {QStringLiteral("*.pic")}, QDir::Files, QDirIterator::Subdirectories); it.hasNext();)
        fingerprints << it.next();
    QCOMPARE(fingerprints.size(), 1);
    QFile pic(fingerprints.front());
    QVERIFY(pic.open(QIODevice::ReadOnly));
    QByteArray body = pic.readAll().chopped(32);
    pic.close();
    body.replace(0, 8, QByteArray("EXPIC01\n"));
    QVERIFY(writeFile(fingerprints.front(), body + QCryptographicHash::hash(hash + body, QCryptographicHash::Sha256)));

    for (const bool useIndex : {true, false}) {
        EmbedOptions options;
        options.useIndex = useIndex;
        EmbedReport report;
        const EmbeddingSet set = embedDataset(dataset, *embedder_, &cache, nullptr, &report, options);
        QCOMPARE(set.paths.size(), 4);
        QVERIFY(!set.paths.contains(damagedPath));
        QCOMPARE(int(report.skipped.size()), 1);
        QCOMPARE(report.skipped.front().path, damagedPath);
        QVERIFY2(report.skipped.front().reason.contains(QStringLiteral("a JPEG damaged inside")),
                 qPrintable(report.skipped.front().reason));
    }
}

void TestEmbeddingPipeline::shareOfTheCoresLimitsTheNetworks_data()
{
    QTest::addColumn<QByteArray>("share");  // OPENCV_FOR_THREADS_NUM; empty: unset
    QTest::addColumn<int>("expected");      // −1: one per core, at most 4
    QTest::newRow("unset") << QByteArray() << -1;
    QTest::newRow("one core") << QByteArrayLiteral("1") << 1;
    QTest::newRow("more than the cores") << QByteArrayLiteral("64") << -1;
    QTest::newRow("zero") << QByteArrayLiteral("0") << -1;
    QTest::newRow("not a number") << QByteArrayLiteral("two") << -1;
}

void TestEmbeddingPipeline::shareOfTheCoresLimitsTheNetworks()
{
    QFETCH(QByteArray, share);
    QFETCH(int, expected);
    const QByteArray saved = qgetenv("OPENCV_FOR_THREADS_NUM");
    const bool wasSet = qEnvironmentVariableIsSet("OPENCV_FOR_THREADS_NUM");
    if (share.isEmpty()) qunsetenv("OPENCV_FOR_THREADS_NUM");
    else qputenv("OPENCV_FOR_THREADS_NUM", share);
    const int threads = defaultInferenceThreads();
    if (wasSet) qputenv("OPENCV_FOR_THREADS_NUM", saved);
    else qunsetenv("OPENCV_FOR_THREADS_NUM");
    QCOMPARE(threads, expected > 0 ? expected : std::clamp(int(std::thread::hardware_concurrency()), 1, 4));
}

QTEST_GUILESS_MAIN(TestEmbeddingPipeline)
#include "tst_embeddingpipeline.moc"
