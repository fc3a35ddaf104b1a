// HEIC and AVIF photos through the decoder every front end uses (decodePhoto dispatches them to
// HeifDecoder). The photos are encoded at run time by libheif (HeifFixtures.h).
#include "HeifDecoder.h"
#include "HeifFixtures.h"
#include "ImageDecoder.h"
#include "TestImages.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgproc.hpp>

using namespace exemplar;
using exemplar::test::gradientBgr;
using exemplar::test::HeifCodec;
using exemplar::test::HeifFixtureOptions;
using exemplar::test::encodeHeif;

Q_DECLARE_METATYPE(exemplar::test::HeifCodec)

namespace {

// Grey with a red 16×16 block in the top-left corner (whole coding blocks, so it stays clean).
cv::Mat markedBgr(int width, int height)
{
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(128, 128, 128));
    image(cv::Rect(0, 0, 16, 16)).setTo(cv::Scalar(0, 0, 255));
    return image;
}

// Which corner (0 or 1 per axis) of IMAGE is red; (-1, -1) when none or several are.
QPoint redCorner(const cv::Mat& image)
{
    QPoint found(-1, -1);
    int count = 0;
    for (int cy = 0; cy <= 1; ++cy)
        for (int cx = 0; cx <= 1; ++cx) {
            const cv::Vec3b p = image.at<cv::Vec3b>(cy ? image.rows - 5 : 4, cx ? image.cols - 5 : 4);
            if (p[2] > 180 && p[1] < 80 && p[0] < 80) {
                found = QPoint(cx, cy);
                ++count;
            }
        }
    return count == 1 ? found : QPoint(-1, -1);
}

// ENCODED with every "ispe" property (the stored size) patched to claim SIDE×SIDE pixels. Every:
// libheif may wrap the coded picture in a one-tile grid (its macOS workaround for odd crops),
// and then the primary image's size is the grid's, the second ispe.
QByteArray claimingSize(QByteArray encoded, quint32 side)
{
    int patched = 0;
    for (qsizetype ispe = encoded.indexOf("ispe"); ispe >= 0; ispe = encoded.indexOf("ispe", ispe + 4), ++patched)
        for (int field = 0; field < 2; ++field)  // after the type: version and flags (4), width (4), height (4)
            for (int i = 0; i < 4; ++i) encoded[ispe + 8 + 4 * field + i] = char((side >> (24 - 8 * i)) & 0xFF);
    return patched > 0 ? encoded : QByteArray();
}

} // namespace

class TestHeifDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodesHeicAndAvif_data();
    void decodesHeicAndAvif();
    void appliesTheContainersOrientation_data();
    void appliesTheContainersOrientation();
    void refusesTooLargeFromTheHeader_data();
    void refusesTooLargeFromTheHeader();
    void damagedFilesGiveAReason_data();
    void damagedFilesGiveAReason();
    void reducedDecodingUsesALargeEnoughThumbnail_data();
    void reducedDecodingUsesALargeEnoughThumbnail();

private:
    QTemporaryDir dir_;
};

void TestHeifDecoder::initTestCase()
{
    QVERIFY2(dir_.isValid(), qPrintable(dir_.errorString()));
    QVERIFY2(heif_have_decoder_for_format(heif_compression_HEVC), "libheif has no HEVC decoder");
    QVERIFY2(heif_have_decoder_for_format(heif_compression_AV1), "libheif has no AV1 decoder");
}

void TestHeifDecoder::decodesHeicAndAvif_data()
{
    QTest::addColumn<HeifCodec>("codec");
    QTest::addColumn<QString>("extension");
    QTest::newRow("HEIC (HEVC)") << HeifCodec::Hevc << "heic";
    QTest::newRow("AVIF (AV1)") << HeifCodec::Av1 << "avif";
}

void TestHeifDecoder::decodesHeicAndAvif()
{
    QFETCH(HeifCodec, codec);
    QFETCH(QString, extension);
    const cv::Mat source = gradientBgr(64, 48);  // non-square: a swapped width and height would show
    const QByteArray encoded = encodeHeif(source, codec);
    QVERIFY2(!encoded.isEmpty(), "libheif cannot encode this format");
    QVERIFY(isHeifImage(encoded));

    // From a file, as every front end reads it: the extension is listed, decodePhoto dispatches.
    const QString file = dir_.filePath(QStringLiteral("photo.") + extension.toUpper());
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly) && out.write(encoded) == encoded.size());
    out.close();
    QVERIFY(hasSupportedImageExtension(file));
    const PhotoBytes bytes = readPhotoBytes(file);
    QVERIFY2(bytes.ok(), qPrintable(bytes.error));
    for (const DecodedPhoto& photo : {decodePhoto(bytes.data), decodePhoto(bytes.data, cv::Size(224, 224))}) {
        QVERIFY2(photo.ok(), qPrintable(photo.error));
        QCOMPARE(photo.bgr.type(), CV_8UC3);
        QCOMPARE(QSize(photo.bgr.cols, photo.bgr.rows), QSize(64, 48));
        cv::Mat difference;
        cv::absdiff(source, photo.bgr, difference);
        const cv::Scalar mean = cv::mean(difference);
        for (int c = 0; c < 3; ++c)
            QVERIFY2(mean[c] <= 8, qPrintable(QStringLiteral("channel %1 differs by %2 on average").arg(c).arg(mean[c])));
    }
    // Other formats are not taken for HEIF.
    QVERIFY(!isHeifImage(QByteArray("\xFF\xD8\xFF\xE0", 4)));
    QVERIFY(!isHeifImage(QByteArray("\0\0\0\x18" "ftypisom\0\0\0\0isommp42", 24)));  // an MP4 video
}

void TestHeifDecoder::appliesTheContainersOrientation_data()
{
    QTest::addColumn<HeifCodec>("codec");
    QTest::addColumn<int>("orientation");      // EXIF numbering, stored as irot/imir
    QTest::addColumn<int>("exifOrientation");  // an EXIF tag restating it (0: none)
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QPoint>("markedCorner");  // where the top-left mark must end up

    for (const auto& [codec, name] : {std::pair{HeifCodec::Hevc, "HEIC"}, std::pair{HeifCodec::Av1, "AVIF"}}) {
        QTest::addRow("%s 1: as stored", name) << codec << 1 << 0 << QSize(64, 48) << QPoint(0, 0);
        QTest::addRow("%s 2: mirrored", name) << codec << 2 << 0 << QSize(64, 48) << QPoint(1, 0);
        QTest::addRow("%s 3: rotate 180°", name) << codec << 3 << 0 << QSize(64, 48) << QPoint(1, 1);
        QTest::addRow("%s 6: rotate 90° CW", name) << codec << 6 << 0 << QSize(48, 64) << QPoint(1, 0);
        QTest::addRow("%s 8: rotate 90° CCW", name) << codec << 8 << 0 << QSize(48, 64) << QPoint(0, 1);
    }
    // What phones write: irot and an EXIF tag saying the same. Turned once, not twice (twice
    // would put the mark in the bottom-right corner).
    QTest::newRow("HEIC 6 with EXIF 6") << HeifCodec::Hevc << 6 << 6 << QSize(48, 64) << QPoint(1, 0);
    // EXIF alone does not turn a HEIF image: the container's transforms are authoritative.
    QTest::newRow("HEIC 1 with EXIF 6") << HeifCodec::Hevc << 1 << 6 << QSize(64, 48) << QPoint(0, 0);
}

void TestHeifDecoder::appliesTheContainersOrientation()
{
    QFETCH(HeifCodec, codec);
    QFETCH(int, orientation);
    QFETCH(int, exifOrientation);
    QFETCH(QSize, size);
    QFETCH(QPoint, markedCorner);
    HeifFixtureOptions options;
    options.orientation = orientation;
    options.exifOrientation = exifOrientation;
    const QByteArray encoded = encodeHeif(markedBgr(64, 48), codec, options);
    QVERIFY(!encoded.isEmpty());

    const DecodedPhoto photo = decodePhoto(encoded);
    QVERIFY2(photo.ok(), qPrintable(photo.error));
    QCOMPARE(QSize(photo.bgr.cols, photo.bgr.rows), size);
    QCOMPARE(redCorner(photo.bgr), markedCorner);
}

void TestHeifDecoder::refusesTooLargeFromTheHeader_data()
{
    QTest::addColumn<HeifCodec>("codec");
    QTest::addColumn<quint32>("side");
    QTest::addColumn<QString>("phrase");  // empty: must decode
    QTest::newRow("HEIC claiming 30000×30000") << HeifCodec::Hevc << 30000u << "image too large (30000×30000 pixels)";
    QTest::newRow("AVIF claiming 20000×20000") << HeifCodec::Av1 << 20000u << "image too large (20000×20000 pixels)";
}

void TestHeifDecoder::refusesTooLargeFromTheHeader()
{
    QFETCH(HeifCodec, codec);
    QFETCH(quint32, side);
    QFETCH(QString, phrase);
    const QByteArray bomb = claimingSize(encodeHeif(markedBgr(64, 48), codec), side);
    QVERIFY2(!bomb.isEmpty(), "no ispe property found");
    // The coded image is 64×48: only the container's claim can say 30000, so the refusal came
    // from the header, before any decoding.
    for (const DecodedPhoto& photo : {decodePhoto(bomb), decodePhoto(bomb, cv::Size(224, 224))}) {
        QVERIFY2(photo.error.contains(phrase), qPrintable(photo.error));
        QVERIFY(photo.bgr.empty());
    }
}

void TestHeifDecoder::damagedFilesGiveAReason_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("phrase");
    const QByteArray heic = encodeHeif(gradientBgr(64, 48), HeifCodec::Hevc);
    QByteArray scrambled = heic;  // the coded picture (the last bytes, in "mdat") overwritten
    for (qsizetype i = scrambled.indexOf("mdat") + 4; i < scrambled.size(); ++i) scrambled[i] = char(0xA5);
    QTest::newRow("truncated HEIC") << heic.left(heic.size() / 2) << "not a readable HEIF/AVIF image";
    QTest::newRow("HEIC with scrambled picture data") << scrambled << "cannot decode HEIF/AVIF image";
    QTest::newRow("only the ftyp box") << heic.left(heic.indexOf("meta") - 4) << "not a readable HEIF/AVIF image";
}

void TestHeifDecoder::damagedFilesGiveAReason()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, phrase);
    QVERIFY(isHeifImage(content));  // it is dispatched to libheif, and libheif's refusal is reported
    const DecodedPhoto photo = decodePhoto(content);
    QVERIFY2(photo.error.startsWith(phrase), qPrintable(photo.error));
    QVERIFY(photo.bgr.empty());
}

void TestHeifDecoder::reducedDecodingUsesALargeEnoughThumbnail_data()
{
    QTest::addColumn<int>("thumbnailBox");  // 0: none stored
    QTest::addColumn<QSize>("target");
    QTest::addColumn<QSize>("decoded");
    QTest::newRow("thumbnail keeps 2× the input: used") << 600 << QSize(224, 224) << QSize(600, 480);
    QTest::newRow("thumbnail too small: full decode") << 400 << QSize(224, 224) << QSize(1000, 800);
    QTest::newRow("no target: full decode") << 600 << QSize(0, 0) << QSize(1000, 800);
    QTest::newRow("no thumbnail: full decode") << 0 << QSize(224, 224) << QSize(1000, 800);
}

void TestHeifDecoder::reducedDecodingUsesALargeEnoughThumbnail()
{
    QFETCH(int, thumbnailBox);
    QFETCH(QSize, target);
    QFETCH(QSize, decoded);
    HeifFixtureOptions options;
    options.thumbnailBox = thumbnailBox;
    options.orientation = 3;  // the thumbnail is turned like the photo
    const QByteArray encoded = encodeHeif(markedBgr(1000, 800), HeifCodec::Hevc, options);
    QVERIFY(!encoded.isEmpty());
    const DecodedPhoto photo = decodePhoto(encoded, cv::Size(target.width(), target.height()));
    QVERIFY2(photo.ok(), qPrintable(photo.error));
    QCOMPARE(QSize(photo.bgr.cols, photo.bgr.rows), decoded);
    QCOMPARE(redCorner(photo.bgr), QPoint(1, 1));
}

QTEST_GUILESS_MAIN(TestHeifDecoder)
#include "tst_heifdecoder.moc"
