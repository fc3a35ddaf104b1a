// classifyPhotoFiles, the one way the CLI and the window classify photo files: every photo gets a
// verdict, in the list's order, with the same answer as the photo read, decoded and embedded on its
// own (what both did one photo at a time before); every kind of bad file gets its reason and the
// photos after it are still classified; a cancel stops it.
#include "ClassifyPhotos.h"

#include "BadInputCorpus.h"
#include "Dataset.h"
#include "EmbedDataset.h"
#include "Embedder.h"
#include "EmbeddingCache.h"
#include "Error.h"
#include "Feedback.h"
#include "ImageDecoder.h"
#include "ModelSpec.h"
#include "TestSupport.h"
#include "TrainingMethod.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/stat.h>

using namespace exemplar;

namespace {

// Photo INDEX of a two-kind set: warm discs (even) and cool stripes (odd), each a little different.
QByteArray photoBytes(int index)
{
    cv::Mat image(180 + 5 * (index % 4), 240, CV_8UC3, cv::Scalar(240, 240, 240));
    if (index % 2 == 0) {
        cv::circle(image, cv::Point(120, 90), 40 + 3 * index, cv::Scalar(20, 60 + 10 * index, 230), -1);
    } else {
        for (int x = index; x < 240; x += 24) cv::line(image, cv::Point(x, 0), cv::Point(x, 179), cv::Scalar(220, 90, 10 * index), 6);
    }
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", image, jpeg);
    return QByteArray(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size()));
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

} // namespace

class TestClassifyPhotos : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameAnswersAsOnePhotoAtATime();
    void badFileGetsItsReasonAndTheRestGoOn_data();
    void badFileGetsItsReasonAndTheRestGoOn();
    void cancelStops();

private:
    // The answer for PATH the way classify worked before the pipeline: one photo on its own.
    Prediction onItsOwn(const QString& path) const;
    std::vector<std::pair<int, PhotoVerdict>> classify(const QStringList& paths, Feedback* feedback = nullptr) const;

    std::unique_ptr<Embedder> embedder_;
    QTemporaryDir dir_;
    QStringList photos_;  // 12 query photos (6 of each kind)
    ReferenceHead head_;
};

void TestClassifyPhotos::initTestCase()
{
    EXEMPLAR_REQUIRE_MODEL();
    embedder_ = std::make_unique<Embedder>(ModelSpec::load(test::defaultModelSpec()));
    QVERIFY(dir_.isValid());
    // References: 4 photos of each kind in class folders; queries: 12 other photos.
    for (int i = 0; i < 8; ++i)
        QVERIFY(writeFile(dir_.filePath(QStringLiteral("references/%1/r%2.jpg").arg(i % 2 ? "stripes" : "discs").arg(i)), photoBytes(i)));
    for (int i = 8; i < 20; ++i) {
        photos_ << dir_.filePath(QStringLiteral("queries/q%1.jpg").arg(i));
        QVERIFY(writeFile(photos_.last(), photoBytes(i)));
    }
    QVERIFY(QDir().mkpath(dir_.filePath(QStringLiteral("bad"))));
    QVERIFY(test::writeBrokenPhotos(dir_.filePath(QStringLiteral("bad"))));
    const Dataset references = Dataset::scan(dir_.filePath(QStringLiteral("references")));
    const EmbeddingSet pool = embedDataset(references, *embedder_, nullptr, nullptr, nullptr);
    QCOMPARE(pool.size(), 8);
    head_ = trainCentroids(pool).head;
}

Prediction TestClassifyPhotos::onItsOwn(const QString& path) const
{
    const PhotoBytes bytes = readPhotoBytes(path);
    const DecodedPhoto decoded = decodePhoto(bytes.data, cv::Size(embedder_->spec().inputWidth, embedder_->spec().inputHeight));
    return head_.predict(embedder_->embed(decoded.bgr));
}

std::vector<std::pair<int, PhotoVerdict>> TestClassifyPhotos::classify(const QStringList& paths, Feedback* feedback) const
{
    std::vector<std::pair<int, PhotoVerdict>> verdicts;
    classifyPhotoFiles(paths, head_, *embedder_, nullptr, feedback,
                       [&](int index, const PhotoVerdict& verdict) { verdicts.emplace_back(index, verdict); });
    return verdicts;
}

void TestClassifyPhotos::sameAnswersAsOnePhotoAtATime()
{
    // Listed twice over, the second time reversed: a repeat is answered again, the same way.
    QStringList list = photos_;
    for (auto it = photos_.crbegin(); it != photos_.crend(); ++it) list << *it;
    const auto verdicts = classify(list);
    QCOMPARE(int(verdicts.size()), list.size());
    int right = 0;
    for (int i = 0; i < list.size(); ++i) {
        QCOMPARE(verdicts[size_t(i)].first, i);
        const PhotoVerdict& verdict = verdicts[size_t(i)].second;
        QVERIFY2(verdict.ok(), qPrintable(verdict.error));
        const Prediction expected = onItsOwn(list[i]);
        QCOMPARE(verdict.prediction.bestClass(), expected.bestClass());
        QCOMPARE(verdict.prediction.ranked.size(), expected.ranked.size());
        for (size_t k = 0; k < expected.ranked.size(); ++k)
            QVERIFY(std::abs(verdict.prediction.ranked[k].score - expected.ranked[k].score) < 1e-5f);
        QVERIFY(std::abs(verdict.prediction.unknownScore - expected.unknownScore) < 1e-5f);
        // The photo's kind: a real answer, not only a consistent one.
        const int number = QFileInfo(list[i]).baseName().mid(1).toInt();
        right += head_.classNames.value(verdict.prediction.bestClass()) == (number % 2 ? "stripes" : "discs");
    }
    QCOMPARE(right, list.size());
}

// The shared corpus of broken photos (BadInputCorpus.h), plus the kinds of path that are no photo
// file at all.
void TestClassifyPhotos::badFileGetsItsReasonAndTheRestGoOn_data()
{
    test::addBrokenPhotoRows();
    QTest::newRow("FIFO") << "fifo.jpg" << "FIFO";
    QTest::newRow("folder") << "folder.jpg" << "folder";
    QTest::newRow("missing") << "missing.jpg" << "does not exist";
}

void TestClassifyPhotos::badFileGetsItsReasonAndTheRestGoOn()
{
    QFETCH(QString, file);
    QFETCH(QString, reason);
    const QString bad = dir_.filePath(QStringLiteral("bad/") + file);
    if (file == QLatin1String("fifo.jpg") && !QFileInfo::exists(bad)) QCOMPARE(mkfifo(QFile::encodeName(bad).constData(), 0644), 0);
    if (file == QLatin1String("folder.jpg")) QVERIFY(QDir().mkpath(bad));

    // Between two good photos, and as the first of the list.
    for (const QStringList& list : {QStringList{photos_[0], bad, photos_[1]}, QStringList{bad, photos_[2], photos_[3]}}) {
        const auto verdicts = classify(list);
        QCOMPARE(int(verdicts.size()), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(verdicts[size_t(i)].first, i);
            const PhotoVerdict& verdict = verdicts[size_t(i)].second;
            if (list[i] == bad) {
                QVERIFY(!verdict.ok());
                QVERIFY2(verdict.error.contains(reason, Qt::CaseInsensitive), qPrintable(verdict.error));
            } else {
                QVERIFY2(verdict.ok(), qPrintable(verdict.error));
                QCOMPARE(verdict.prediction.bestClass(), onItsOwn(list[i]).bestClass());
            }
        }
    }
}

void TestClassifyPhotos::cancelStops()
{
    Feedback feedback;
    int seen = 0;
    bool canceled = false;
    try {
        classifyPhotoFiles(photos_, head_, *embedder_, nullptr, &feedback, [&](int, const PhotoVerdict&) {
            if (++seen == 2) feedback.cancel();
        });
    } catch (const OperationCanceled&) {
        canceled = true;
    }
    QVERIFY(canceled);
    QVERIFY2(seen < photos_.size(), qPrintable(QString::number(seen)));
    // Nothing is left running or locked: the next call answers every photo.
    QCOMPARE(int(classify(photos_).size()), photos_.size());
}

QTEST_GUILESS_MAIN(TestClassifyPhotos)
#include "tst_classifyphotos.moc"
