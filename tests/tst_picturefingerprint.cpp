// A picture's fingerprint survives what copying does to a photo (smaller sizes, JPEG re-encoding)
// and tells distinct pictures, mirror images and other shapes apart: the duplicate groups join
// photos by it, so a copy at another size never straddles a split.
#include "ImageDecoder.h"
#include "PictureFingerprint.h"
#include "TestSupport.h"

#include <QDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace exemplar;

namespace {

// A scene of SEED: coloured shapes on a gradient, with the large structure a photo has.
cv::Mat scene(int seed, int width = 600, int height = 400)
{
    cv::Mat image(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(200 * x / width), uchar(180 * y / height), 90);
    cv::RNG random(quint64(seed) * 7919 + 1);
    for (int k = 0; k < 12; ++k) {
        const cv::Point centre(random.uniform(0, width), random.uniform(0, height));
        const cv::Size axes(random.uniform(20, width / 3), random.uniform(20, height / 3));
        const cv::Scalar colour(random.uniform(0, 256), random.uniform(0, 256), random.uniform(0, 256));
        cv::ellipse(image, centre, axes, random.uniform(0, 180), 0, 360, colour, cv::FILLED, cv::LINE_AA);
    }
    return image;
}

cv::Mat resized(const cv::Mat& image, double scale)
{
    cv::Mat result;
    cv::resize(image, result, cv::Size(), scale, scale, cv::INTER_AREA);
    return result;
}

cv::Mat reencoded(const cv::Mat& image, int quality)
{
    std::vector<uchar> bytes;
    cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
    return cv::imdecode(bytes, cv::IMREAD_COLOR);
}

} // namespace

class TestPictureFingerprint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void copiesAreTheSamePicture_data()
    {
        QTest::addColumn<int>("change");  // what is done to scene 1
        QTest::addColumn<bool>("same");
        enum { Resize70, Resize50, Resize35, Jpeg30, ResizeAndJpeg, Mirror, Other, Crop, Grey };
        QTest::newRow("70% of the size") << int(Resize70) << true;
        QTest::newRow("50% of the size") << int(Resize50) << true;
        QTest::newRow("35% of the size") << int(Resize35) << true;
        QTest::newRow("JPEG quality 30") << int(Jpeg30) << true;
        QTest::newRow("halved and JPEG quality 50") << int(ResizeAndJpeg) << true;
        QTest::newRow("grey") << int(Grey) << true;
        // Mirror images are left to the embedding (flip-averaged, so a mirrored copy's is close).
        QTest::newRow("mirrored") << int(Mirror) << false;
        QTest::newRow("another scene") << int(Other) << false;
        QTest::newRow("cropped to another shape") << int(Crop) << false;
    }
    void copiesAreTheSamePicture()
    {
        QFETCH(int, change);
        QFETCH(bool, same);
        const cv::Mat original = scene(1);
        cv::Mat copy;
        switch (change) {
        case 0: copy = resized(original, 0.7); break;
        case 1: copy = resized(original, 0.5); break;
        case 2: copy = resized(original, 0.35); break;
        case 3: copy = reencoded(original, 30); break;
        case 4: copy = reencoded(resized(original, 0.5), 50); break;
        case 5: cv::flip(original, copy, 1); break;
        case 6: copy = scene(2); break;
        case 7: copy = original(cv::Rect(0, 0, 400, 400)).clone(); break;
        case 8: cv::cvtColor(original, copy, cv::COLOR_BGR2GRAY); break;
        }
        const PictureFingerprint a = pictureFingerprint(original), b = pictureFingerprint(copy);
        QVERIFY(a.known() && b.known());
        QCOMPARE(samePicture(a, b), same);
        QCOMPARE(samePicture(b, a), same);
    }

    void nothingToMeasureIsUnknown()
    {
        QVERIFY(!pictureFingerprint(cv::Mat()).known());
        QVERIFY(!pictureFingerprint(cv::Mat(10, 10, CV_32FC3, cv::Scalar(0.5))).known());
        QVERIFY(!pictureFingerprint(cv::Mat(40, 60, CV_8UC2, cv::Scalar(9, 90))).known());  // refused by pHash
        QVERIFY(pictureFingerprint(cv::Mat(40, 60, CV_8UC4, cv::Scalar(9, 90, 200, 255))).known());
        const PictureFingerprint unknown, known = pictureFingerprint(scene(1));
        QVERIFY(!samePicture(unknown, unknown));  // two unknowns are not one picture
        QVERIFY(!samePicture(known, unknown));
        QCOMPARE(known.aspect, 1.5f);
    }

    // Real photos: halved copies are found, distinct photos of near-identical cars (one class, on
    // white, same pose) are not. The photos are decoded as the embedding pipeline decodes them.
    void realPhotos()
    {
        EXEMPLAR_REQUIRE_DATA(QStringLiteral("cars24"));
        const QDir classFolder(test::sharedDataSet(QStringLiteral("cars24")) + QStringLiteral("/022_Audi_S5_Coupe_2012"));
        const QStringList names = classFolder.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        QVERIFY(names.size() >= 20);
        std::vector<PictureFingerprint> photos;
        for (const QString& name : names) {
            const DecodedPhoto decoded = decodePhoto(readPhotoBytes(classFolder.filePath(name)).data);
            QVERIFY2(decoded.ok(), qPrintable(name));
            const PictureFingerprint photo = pictureFingerprint(decoded.bgr);
            QVERIFY2(samePicture(photo, pictureFingerprint(reencoded(resized(decoded.bgr, 0.5), 75))), qPrintable(name));
            photos.push_back(photo);
        }
        int samePairs = 0;
        for (size_t i = 0; i < photos.size(); ++i)
            for (size_t j = i + 1; j < photos.size(); ++j) samePairs += samePicture(photos[i], photos[j]) ? 1 : 0;
        QCOMPARE(samePairs, 0);
    }
};

QTEST_APPLESS_MAIN(TestPictureFingerprint)
#include "tst_picturefingerprint.moc"
