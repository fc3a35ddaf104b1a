#include "ImageDecoder.h"
#include "TestImages.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/stat.h>
#include <vector>

using namespace exemplar;
using exemplar::test::gradientBgr;

namespace {

QByteArray encode(const cv::Mat& image, const char* extension, const std::vector<int>& params = {})
{
    std::vector<uchar> buffer;
    if (!cv::imencode(extension, image, buffer, params)) return {};
    return QByteArray(reinterpret_cast<const char*>(buffer.data()), qsizetype(buffer.size()));
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// The 8-bit BGR image OpenCV's IMREAD_COLOR should give for SOURCE (grey replicated, alpha
// dropped, 16-bit scaled down).
cv::Mat expectedBgr(const cv::Mat& source)
{
    cv::Mat eight = source;
    if (source.depth() == CV_16U) source.convertTo(eight, CV_8U, 1.0 / 256.0);
    cv::Mat bgr;
    if (eight.channels() == 1) cv::cvtColor(eight, bgr, cv::COLOR_GRAY2BGR);
    else if (eight.channels() == 4) cv::cvtColor(eight, bgr, cv::COLOR_BGRA2BGR);
    else bgr = eight;
    return bgr;
}

quint32 crc32(const QByteArray& bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : bytes) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void putUInt(QByteArray* bytes, qsizetype offset, int size, quint32 value, bool littleEndian)
{
    for (int i = 0; i < size; ++i)
        (*bytes)[offset + i] = char((value >> (8 * (littleEndian ? i : size - 1 - i))) & 0xFF);
}

quint32 getUInt(const QByteArray& bytes, qsizetype offset, int size, bool littleEndian)
{
    quint32 value = 0;
    for (int i = 0; i < size; ++i)
        value |= quint32(quint8(bytes[offset + i])) << (8 * (littleEndian ? i : size - 1 - i));
    return value;
}

// A TIFF built by hand (classic, or BigTIFF when BIG): an 8×8 grey strip, uncompressed, whose
// first IFD holds SIZE_TAGS (width and height entries, as the case needs) and the rest of a
// minimal grey image's tags.
struct TiffEntry {
    quint16 tag, type;
    quint64 value;
};
QByteArray tiffByHand(bool big, std::vector<TiffEntry> sizeTags)
{
    const int word = big ? 8 : 4, countBytes = big ? 8 : 2, entryBytes = big ? 20 : 12;
    QByteArray tiff = big ? QByteArray("II+\0\x08\0\0\0", 8) : QByteArray("II*\0\x08\0\0\0", 8);
    auto put = [&](quint64 value, int size) {
        for (int i = 0; i < size; ++i) tiff += char((value >> (8 * i)) & 0xFF);
    };
    if (big) put(16, 8);  // BigTIFF: the first IFD's offset follows the header's fixed part
    const quint16 offsetType = big ? 16 : 4;
    std::vector<TiffEntry> entries = std::move(sizeTags);
    const size_t count = entries.size() + 7;
    const quint64 pixels = quint64(tiff.size()) + quint64(countBytes) + count * quint64(entryBytes) + quint64(word);
    for (const TiffEntry& e : std::initializer_list<TiffEntry>{{258, 3, 8},   {259, 3, 1},  {262, 3, 1},
                                                               {273, offsetType, pixels},   {277, 3, 1},
                                                               {278, 4, 8},   {279, offsetType, 64}})
        entries.push_back(e);
    put(count, countBytes);
    for (const TiffEntry& e : entries) {
        put(e.tag, 2);
        put(e.type, 2);
        put(1, word);
        put(e.value, word);
    }
    put(0, word);  // no next IFD
    tiff += QByteArray(64, char(0x80));
    return tiff;
}

// A real, tiny image in FORMAT whose header is patched to claim SIDE×SIDE pixels (a
// decompression bomb's header without its payload). Empty if the layout is not the expected one.
QByteArray bombClaiming(const QString& format, quint32 side)
{
    const cv::Mat tiny(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
    if (format == QLatin1String("PNG")) {
        // Signature (8), IHDR length and type at 8, data (13) at 16, CRC at 29: the CRC must be
        // recomputed, or libpng stops at the header and the test proves nothing.
        QByteArray png = encode(tiny, ".png");
        if (png.mid(12, 4) != "IHDR") return {};
        putUInt(&png, 16, 4, side, false);
        putUInt(&png, 20, 4, side, false);
        putUInt(&png, 29, 4, crc32(png.mid(12, 4 + 13)), false);
        return png;
    }
    if (format == QLatin1String("JPEG")) {
        QByteArray jpeg = encode(tiny, ".jpg");
        const qsizetype sof = jpeg.indexOf("\xFF\xC0");  // baseline frame header: height, width
        if (sof < 0) return {};
        putUInt(&jpeg, sof + 5, 2, side, false);
        putUInt(&jpeg, sof + 7, 2, side, false);
        return jpeg;
    }
    if (format == QLatin1String("BMP")) {
        QByteArray bmp = encode(tiny, ".bmp");
        putUInt(&bmp, 18, 4, side, true);
        putUInt(&bmp, 22, 4, side, true);
        return bmp;
    }
    if (format == QLatin1String("TIFF")) {
        QByteArray tiff = encode(tiny, ".tiff");
        if (!tiff.startsWith(QByteArrayView("II*\0", 4))) return {};
        const quint32 ifd = getUInt(tiff, 4, 4, true);
        int patched = 0;
        for (quint32 i = 0, count = getUInt(tiff, ifd, 2, true); i < count; ++i) {
            const qsizetype entry = ifd + 2 + 12 * i;
            const quint32 tag = getUInt(tiff, entry, 2, true);
            if (tag != 256 && tag != 257) continue;
            putUInt(&tiff, entry + 8, getUInt(tiff, entry + 2, 2, true) == 3 ? 2 : 4, side, true);
            ++patched;
        }
        return patched == 2 ? tiff : QByteArray();
    }
    if (format == QLatin1String("TIFF, sizes stated twice")) {
        // Width and height each stated twice: SIDE first (what libtiff uses), then 8. A check that
        // kept the last value let 900 million pixels be decoded (hostile-input review, 2026-12-05).
        return tiffByHand(false, {{256, 4, side}, {256, 4, 8}, {257, 4, side}, {257, 4, 8}});
    }
    if (format == QLatin1String("BigTIFF")) {
        // OpenCV writes no BigTIFF: width and height as LONG8, the 8-byte type only BigTIFF has.
        return tiffByHand(true, {{256, 16, side}, {257, 16, side}});
    }
    if (format == QLatin1String("WebP")) {
        // Lossless (quality > 100): a VP8L chunk whose 14-bit fields hold width-1 and height-1.
        QByteArray webp = encode(tiny, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
        if (webp.mid(12, 4) != "VP8L") return {};
        const quint32 bits = getUInt(webp, 21, 4, true);
        putUInt(&webp, 21, 4, (bits & 0xF0000000u) | ((side - 1) << 14) | (side - 1), true);
        return webp;
    }
    return {};
}

// An EXIF APP1 segment holding only Orientation: "Exif\0\0" then a little-endian TIFF header
// with one IFD of one entry (tag 0x0112, SHORT, count 1).
QByteArray exifOrientationSegment(quint16 orientation)
{
    QByteArray tiff("II*\0", 4);
    tiff += QByteArray("\x08\x00\x00\x00", 4);                       // first IFD at offset 8
    tiff += QByteArray("\x01\x00", 2);                               // one entry
    tiff += QByteArray("\x12\x01\x03\x00\x01\x00\x00\x00", 8);       // tag 0x0112, type 3, count 1
    tiff += char(orientation & 0xFF);
    tiff += char(orientation >> 8);
    tiff += QByteArray(2, '\0');                                     // value padded to 4 bytes
    tiff += QByteArray(4, '\0');                                     // no next IFD
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    const int length = int(payload.size()) + 2;                      // length counts itself
    QByteArray segment("\xFF\xE1", 2);
    segment += char(length >> 8);
    segment += char(length & 0xFF);
    return segment + payload;
}

QString firstError(const QString& path, DecodedPhoto* decoded = nullptr)
{
    const PhotoBytes bytes = readPhotoBytes(path);
    if (!bytes.ok()) return bytes.error;
    const DecodedPhoto photo = decodePhoto(bytes.data);
    if (decoded) *decoded = photo;
    return photo.error;
}

// A memory figure of this process from /proc/self/status (Linux), in KiB; -1 when unknown.
qint64 processMemoryKiB(const QByteArray& field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith(field + ':')) return line.mid(field.size() + 1).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Resets VmHWM (peak resident memory) to the current resident size (Linux ≥ 4.0).
bool resetPeakResident()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

} // namespace

class TestImageDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodesGoodImages_data();
    void decodesGoodImages();
    void appliesExifOrientation_data();
    void appliesExifOrientation();
    void rejectsBadInputs_data();
    void rejectsBadInputs();
    void decodesAnOrdinaryProgressiveJpeg();
    void keepsAJpegEndingAFewBlocksEarly();
    void refusesDecompressionBomb_data();
    void refusesDecompressionBomb();
    void refusesFlatGiantImages_data();
    void refusesFlatGiantImages();
    void supportedExtensions_data();
    void supportedExtensions();
    void reducedDecodingFactor_data();
    void reducedDecodingFactor();
    void reducedDecodingKeepsOrientationAndContent_data();
    void reducedDecodingKeepsOrientationAndContent();

private:
    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }
};

void TestImageDecoder::initTestCase()
{
    QVERIFY2(dir_.isValid(), qPrintable(dir_.errorString()));
}

void TestImageDecoder::decodesGoodImages_data()
{
    QTest::addColumn<QString>("extension");
    QTest::addColumn<int>("sourceType");
    QTest::addColumn<int>("tolerance");  // mean absolute difference allowed per channel

    QTest::newRow("JPEG") << ".jpg" << CV_8UC3 << 6;
    QTest::newRow("PNG 8-bit") << ".png" << CV_8UC3 << 0;
    QTest::newRow("PNG 16-bit") << ".png" << CV_16UC3 << 1;
    QTest::newRow("PNG grey") << ".png" << CV_8UC1 << 0;
    QTest::newRow("PNG with alpha") << ".png" << CV_8UC4 << 0;
    QTest::newRow("BMP") << ".bmp" << CV_8UC3 << 0;
    QTest::newRow("TIFF") << ".tiff" << CV_8UC3 << 0;
    QTest::newRow("WebP") << ".webp" << CV_8UC3 << 6;
}

void TestImageDecoder::decodesGoodImages()
{
    QFETCH(QString, extension);
    QFETCH(int, sourceType);
    QFETCH(int, tolerance);

    // Non-square, so a swapped width and height would show.
    const cv::Mat bgr = gradientBgr(64, 48);
    cv::Mat source;
    switch (sourceType) {
    case CV_16UC3: bgr.convertTo(source, CV_16U, 256.0); break;
    case CV_8UC1: cv::cvtColor(bgr, source, cv::COLOR_BGR2GRAY); break;
    case CV_8UC4:  // one fully transparent column: alpha is dropped, not composited onto black
        cv::cvtColor(bgr, source, cv::COLOR_BGR2BGRA);
        source.col(5).setTo(cv::Scalar(0, 0, 0, 0));
        break;
    default: source = bgr;
    }
    const QByteArray encoded = encode(source, qPrintable(extension));
    QVERIFY2(!encoded.isEmpty(), "OpenCV cannot encode this format");

    const QString file = path(QString::fromUtf8(QTest::currentDataTag()) + extension);
    QVERIFY(writeFile(file, encoded));
    const PhotoBytes bytes = readPhotoBytes(file);
    QVERIFY2(bytes.ok(), qPrintable(bytes.error));
    QCOMPARE(bytes.data, encoded);
    QCOMPARE(bytes.sha256Hex, QCryptographicHash::hash(encoded, QCryptographicHash::Sha256).toHex());
    QCOMPARE(bytes.sha256Hex.size(), 64);

    const DecodedPhoto photo = decodePhoto(bytes.data);
    QVERIFY2(photo.ok(), qPrintable(photo.error));
    QCOMPARE(photo.bgr.type(), CV_8UC3);
    QCOMPARE(photo.bgr.cols, 64);
    QCOMPARE(photo.bgr.rows, 48);
    cv::Mat absoluteDifference;
    cv::absdiff(expectedBgr(source), photo.bgr, absoluteDifference);
    const cv::Scalar difference = cv::mean(absoluteDifference);
    for (int c = 0; c < 3; ++c)
        QVERIFY2(difference[c] <= tolerance,
                 qPrintable(QStringLiteral("channel %1 differs by %2 on average").arg(c).arg(difference[c])));

    // The hash is of the bytes: a copy has the same one, a one-byte change another.
    const QString copy = file + QStringLiteral(".copy") + extension;
    QVERIFY(writeFile(copy, encoded));
    QCOMPARE(readPhotoBytes(copy).sha256Hex, bytes.sha256Hex);
    QByteArray changed = encoded;
    changed[changed.size() - 1] = char(changed[changed.size() - 1] ^ 0x01);
    QVERIFY(writeFile(copy, changed));
    const PhotoBytes changedBytes = readPhotoBytes(copy);
    QVERIFY(changedBytes.ok());
    QVERIFY(changedBytes.sha256Hex != bytes.sha256Hex);
}

void TestImageDecoder::appliesExifOrientation_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QPoint>("markedCorner");  // where the top-left mark must end up (0 or 1 per axis)

    QTest::newRow("1: as stored") << 1 << QSize(40, 20) << QPoint(0, 0);
    QTest::newRow("3: rotate 180°") << 3 << QSize(40, 20) << QPoint(1, 1);
    QTest::newRow("6: rotate 90° CW") << 6 << QSize(20, 40) << QPoint(1, 0);
    QTest::newRow("8: rotate 90° CCW") << 8 << QSize(20, 40) << QPoint(0, 1);
}

void TestImageDecoder::appliesExifOrientation()
{
    QFETCH(int, orientation);
    QFETCH(QSize, size);
    QFETCH(QPoint, markedCorner);

    // 40×20 grey with a red 8×8 block in the top-left corner (one JPEG block, so it stays clean).
    cv::Mat image(20, 40, CV_8UC3, cv::Scalar(128, 128, 128));
    image(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar(0, 0, 255));
    QByteArray jpeg = encode(image, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
    QVERIFY(jpeg.startsWith("\xFF\xD8"));
    jpeg.insert(2, exifOrientationSegment(quint16(orientation)));  // right after SOI

    const QString file = path(QStringLiteral("exif%1.jpg").arg(orientation));
    QVERIFY(writeFile(file, jpeg));
    DecodedPhoto photo;
    const QString error = firstError(file, &photo);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(QSize(photo.bgr.cols, photo.bgr.rows), size);

    // Sample 3 px inside each corner: only the expected one is red, the others grey.
    for (int cy = 0; cy <= 1; ++cy)
        for (int cx = 0; cx <= 1; ++cx) {
            const cv::Vec3b pixel = photo.bgr.at<cv::Vec3b>(cy ? size.height() - 4 : 3, cx ? size.width() - 4 : 3);
            const bool red = pixel[2] > 180 && pixel[1] < 80 && pixel[0] < 80;
            QVERIFY2(red == (QPoint(cx, cy) == markedCorner),
                     qPrintable(QStringLiteral("corner (%1,%2) is BGR %3,%4,%5")
                                    .arg(cx).arg(cy).arg(pixel[0]).arg(pixel[1]).arg(pixel[2])));
        }
}

// The scan limit leaves real progressive photos alone (libjpeg's default script: 10 scans).
void TestImageDecoder::decodesAnOrdinaryProgressiveJpeg()
{
    const QByteArray progressive = encode(gradientBgr(200, 150), ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    QVERIFY(progressive.count("\xFF\xDA") > 1);
    const DecodedPhoto photo = decodePhoto(progressive);
    QVERIFY2(photo.ok(), qPrintable(photo.error));
    QCOMPARE(photo.bgr.cols, 200);
}

void TestImageDecoder::keepsAJpegEndingAFewBlocksEarly()
{
    // Some encoders end the data a few blocks early: libjpeg warns ("premature end of data
    // segment") with the last rows grey. Within the last 5% of rows such a photo is kept, as it
    // was before damaged data was looked for; cut in the middle, it is not.
    const QByteArray jpeg = encode(gradientBgr(400, 400), ".jpg");
    const qsizetype scan = jpeg.lastIndexOf("\xFF\xDA"), end = jpeg.lastIndexOf("\xFF\xD9");
    QVERIFY(scan > 0 && end > scan);
    const auto cutAt = [&](double share) {
        return jpeg.left(scan + qsizetype(share * double(end - scan))) + QByteArray("\xFF\xD9", 2);
    };
    const DecodedPhoto nearlyWhole = decodePhoto(cutAt(0.995));
    QVERIFY2(nearlyWhole.ok(), qPrintable(nearlyWhole.error));
    QCOMPARE(nearlyWhole.bgr.rows, 400);
    const DecodedPhoto half = decodePhoto(cutAt(0.5));
    QVERIFY2(half.error.contains(QStringLiteral("a JPEG damaged inside")), qPrintable(half.error));
}

void TestImageDecoder::rejectsBadInputs_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");  // written to NAME unless it is a special case below
    QTest::addColumn<QString>("phrase");      // expected in the error
    QTest::addColumn<bool>("mayDecodePartially");

    const QByteArray jpeg = encode(gradientBgr(200, 150), ".jpg");
    QByteArray png = encode(gradientBgr(64, 64), ".png");
    for (int i = 0; i < 16; ++i) png[png.size() / 2 + i] = char(~png[png.size() / 2 + i]);  // IDAT CRC no longer matches
    QByteArray random(4096, '\0');
    QRandomGenerator generator(42);
    for (char& c : random) c = char(generator.bounded(256));

    QTest::newRow("zero-byte file") << "empty.jpg" << QByteArray() << "empty file" << false;
    QTest::newRow("text renamed .jpg") << "notes.jpg" << QByteArray("shopping list: bread, milk\n") << "not a readable image" << false;
    // libjpeg would only warn ("Premature end of JPEG file") and fill the missing rows with grey.
    QTest::newRow("truncated JPEG (30%)") << "truncated.jpg" << jpeg.left(jpeg.size() * 3 / 10) << "a truncated JPEG" << false;
    QTest::newRow("truncated JPEG (all but its last 2 bytes)") << "cut.jpg" << jpeg.chopped(2) << "a truncated JPEG" << false;
    // Damaged inside its scan data, with its end intact: libjpeg warns ("Corrupt JPEG data:
    // premature end of data segment"), OpenCV drops the warning, and the photo came out smeared.
    const qsizetype scanData = jpeg.lastIndexOf("\xFF\xDA") + 20, middle = (scanData + jpeg.size()) / 2;
    QByteArray damaged = jpeg;
    for (qsizetype i = middle; i < middle + 64; ++i) damaged[i] = char(0xFF);
    QTest::newRow("JPEG damaged inside its data") << "damaged.jpg" << damaged << "a JPEG damaged inside: premature end of data segment" << false;
    const QByteArray cutWithEnd = jpeg.left(middle) + QByteArray("\xFF\xD9", 2);
    QTest::newRow("JPEG cut mid-scan, its end marker put back") << "cutend.jpg" << cutWithEnd << "a JPEG damaged inside" << false;
    QTest::newRow("corrupt PNG (CRC)") << "corrupt.png" << png << "not a readable image (a PNG image that could not be decoded" << false;
    QTest::newRow("truncated PNG (half)") << "half.png" << encode(gradientBgr(64, 64), ".png").left(300) << "a truncated PNG" << false;
    QTest::newRow("random bytes") << "random.png" << random << "not a readable image" << false;
    // A progressive JPEG whose last scan is repeated 400 times: each scan is a pass over the
    // whole coefficient buffer, and libjpeg has no limit (2,000 scans once took a minute).
    const QByteArray progressive = encode(gradientBgr(200, 150), ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    const qsizetype lastScan = progressive.lastIndexOf("\xFF\xDA"), end = progressive.lastIndexOf("\xFF\xD9");
    const QByteArray manyScans = progressive.left(end) + progressive.mid(lastScan, end - lastScan).repeated(400) +
                                 progressive.mid(end);
    QTest::newRow("progressive JPEG of 400+ scans") << "scans.jpg" << manyScans << "scans" << false;
    // The same photo's header made to claim 14000×14000 (196 MP, under the pixel limit) in a few
    // KB: no JPEG holds more than 512 pixels per byte, and libjpeg would allocate the full size.
    QByteArray forged = progressive;
    const qsizetype frame = forged.indexOf("\xFF\xC2");
    QVERIFY(frame > 0);
    for (const int offset : {5, 7}) {  // height, width: big-endian 16 bits after the length and precision
        forged[frame + offset] = char(14000 >> 8);
        forged[frame + offset + 1] = char(14000 & 0xFF);
    }
    QTest::newRow("JPEG claiming 196 MP in a few KB") << "forged.jpg" << forged << "truncated or damaged" << false;
    // Formats OpenCV decodes but we do not list state their size in text, unchecked: a 25 MB
    // Radiance HDR claiming 20000×20000 (run-length coded) took 6 GB. Refused by their first bytes.
    QByteArray hdrRow("\x02\x02\x4E\x20", 4);  // new-style RLE scanline header, width 20000
    for (int x = 0; x < 20000; x += 127) hdrRow += QByteArray(1, char(128 + std::min(127, 20000 - x))) + '\x80';
    hdrRow = hdrRow.left(4) + hdrRow.mid(4).repeated(4);
    const QByteArray hdr = QByteArray("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 20000 +X 20000\n") + hdrRow.repeated(200);
    QTest::newRow("Radiance HDR named .png (20000×20000)") << "bomb.png" << hdr << "a Radiance HDR image" << false;
    QTest::newRow("PFM header claiming 30000×30000") << "pfm.jpg" << QByteArray("PF\n30000 30000\n-1.0\n") + QByteArray(64, '\0')
                                                  << "a PFM image" << false;
    QTest::newRow("PPM named .jpg") << "ppm.jpg" << QByteArray("P6\n2 2\n255\n") + QByteArray(12, '\x7f')
                                    << "a netpbm" << false;
    QTest::newRow("GIF named .jpg") << "gif.jpg" << QByteArray("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14) << "a GIF image" << false;
    QTest::newRow("missing file") << "missing.jpg" << QByteArray() << "does not exist" << false;
    QTest::newRow("a directory") << "folder.jpg" << QByteArray() << "not a regular file" << false;
    // Read without blocking (a FIFO has no writer) and without end (/dev/zero): refused at once.
    QTest::newRow("a FIFO") << "fifo.jpg" << QByteArray() << "not a regular file (a FIFO)" << false;
    QTest::newRow("a link to /dev/zero") << "zero.jpg" << QByteArray() << "not a regular file (a character device)" << false;
}

void TestImageDecoder::rejectsBadInputs()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, phrase);
    QFETCH(bool, mayDecodePartially);

    const QString file = path(name);
    if (name == QLatin1String("folder.jpg")) QVERIFY(QDir(dir_.path()).mkpath(name));
    else if (name == QLatin1String("fifo.jpg")) QCOMPARE(::mkfifo(QFile::encodeName(file).constData(), 0600), 0);
    else if (name == QLatin1String("zero.jpg")) QVERIFY(QFile::link(QStringLiteral("/dev/zero"), file));
    else if (name != QLatin1String("missing.jpg")) QVERIFY(writeFile(file, content));

    DecodedPhoto photo;
    const QString error = firstError(file, &photo);
    if (mayDecodePartially && error.isEmpty()) {
        // Documented behaviour: OpenCV returns the readable part (missing rows grey) with a
        // warning. Fine for us as long as it is a proper image and nothing crashed.
        QCOMPARE(photo.bgr.type(), CV_8UC3);
        QCOMPARE(QSize(photo.bgr.cols, photo.bgr.rows), QSize(200, 150));
        qInfo("truncated JPEG decoded partially by OpenCV (accepted)");
        return;
    }
    QVERIFY2(!error.isEmpty(), "a bad input was accepted");
    QVERIFY2(error.contains(phrase, Qt::CaseInsensitive), qPrintable(error));
}

void TestImageDecoder::refusesDecompressionBomb_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<quint32>("side");

    // Each claims more than kMaxPhotoPixels (2·10^8) but less than OpenCV's own limit
    // (OPENCV_IO_MAX_IMAGE_PIXELS, 2^30 by default), which would therefore let it through.
    QTest::newRow("PNG 30000×30000 (2.7 GB)") << "PNG" << 30000u;
    QTest::newRow("JPEG 20000×20000 (1.2 GB)") << "JPEG" << 20000u;
    QTest::newRow("BMP 20000×20000") << "BMP" << 20000u;
    QTest::newRow("TIFF 20000×20000") << "TIFF" << 20000u;
    // Issue 13: a 9.6 KB BigTIFF claiming 30000² took 15 s and 2.8 GB before its refusal.
    QTest::newRow("BigTIFF 30000×30000, LONG8 sizes") << "BigTIFF" << 30000u;
    QTest::newRow("WebP 16384×16384 (the format's maximum)") << "WebP" << 16384u;
    QTest::newRow("TIFF 30000×30000, then 8×8 (each size stated twice)") << "TIFF, sizes stated twice" << 30000u;
}

void TestImageDecoder::refusesDecompressionBomb()
{
    QFETCH(QString, format);
    QFETCH(quint32, side);

    const QByteArray bomb = bombClaiming(format, side);
    QVERIFY2(!bomb.isEmpty(), "OpenCV's encoder output does not have the expected layout");
    QVERIFY(bomb.size() < 1000);

    // Allocation is measured two ways: peak virtual size (an untouched allocation, as for the
    // PNG, which fails after a few rows) and peak resident size (pixels actually filled, as for a
    // truncated JPEG, which libjpeg completes with grey). VmPeak never decreases, so it only
    // shows an allocation larger than any before it; VmHWM is reset for each row.
    const bool canResetResident = resetPeakResident();
    const qint64 virtualBefore = processMemoryKiB("VmPeak");
    const qint64 residentBefore = processMemoryKiB("VmHWM");
    const DecodedPhoto photo = decodePhoto(bomb);
    const qint64 virtualGrowth = processMemoryKiB("VmPeak") - virtualBefore;
    const qint64 residentGrowth = processMemoryKiB("VmHWM") - residentBefore;

    QVERIFY2(!photo.ok(), "a decompression bomb was accepted");
    QVERIFY(photo.bgr.empty());
    QVERIFY2(photo.error.contains(QStringLiteral("too large (%1×%1 pixels)").arg(side)), qPrintable(photo.error));
    if (virtualBefore > 0)
        QVERIFY2(virtualGrowth < 256 * 1024, qPrintable(QStringLiteral("peak virtual memory grew by %1 MiB").arg(virtualGrowth / 1024)));
    if (canResetResident && residentBefore > 0)
        QVERIFY2(residentGrowth < 256 * 1024, qPrintable(QStringLiteral("peak resident memory grew by %1 MiB").arg(residentGrowth / 1024)));

    // The refusal is about the claimed size, not the patching: the same header claiming 8×8 decodes.
    const DecodedPhoto honest = decodePhoto(bombClaiming(format, 8));
    QVERIFY2(honest.ok(), qPrintable(honest.error));
    QCOMPARE(honest.bgr.cols, 8);
}

void TestImageDecoder::refusesFlatGiantImages_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<quint32>("side");
    QTest::addColumn<bool>("refusedAsFlat");

    // Under the 200-megapixel limit, but held in a few hundred bytes: a hunt found a 600 KB PNG,
    // a 4.7 KB WebP and a 1 KB RLE BMP of 14000×14000 each taking 1.0–2.0 GB to decode.
    QTest::newRow("PNG 14000×14000") << "PNG" << 14000u << true;
    QTest::newRow("BMP 14000×14000") << "BMP" << 14000u << true;
    QTest::newRow("TIFF 14000×14000") << "TIFF" << 14000u << true;
    QTest::newRow("WebP 14000×14000") << "WebP" << 14000u << true;
    // Up to 40 megapixels the file's size is not asked about (a PNG screenshot may be that flat).
    QTest::newRow("PNG 6000×6000 (36 MP)") << "PNG" << 6000u << false;
}

void TestImageDecoder::refusesFlatGiantImages()
{
    QFETCH(QString, format);
    QFETCH(quint32, side);
    QFETCH(bool, refusedAsFlat);

    const QByteArray claim = bombClaiming(format, side);
    QVERIFY2(!claim.isEmpty(), "OpenCV's encoder output does not have the expected layout");
    const bool canResetResident = resetPeakResident();
    const qint64 residentBefore = processMemoryKiB("VmHWM");
    const DecodedPhoto photo = decodePhoto(claim);
    const qint64 residentGrowth = processMemoryKiB("VmHWM") - residentBefore;

    // Either way the patched file cannot decode (its pixels are an 8×8 image's); what differs is
    // whether it is refused from its header, before any decoding.
    QVERIFY(!photo.ok());
    QCOMPARE(photo.error.contains(QStringLiteral("too flat to be a photo")), refusedAsFlat);
    if (refusedAsFlat) {
        QVERIFY2(photo.error.contains(QStringLiteral("%1×%1 pixels in only").arg(side)), qPrintable(photo.error));
        if (canResetResident && residentBefore > 0)
            QVERIFY2(residentGrowth < 64 * 1024, qPrintable(QStringLiteral("peak resident memory grew by %1 MiB").arg(residentGrowth / 1024)));
    }
}

void TestImageDecoder::supportedExtensions_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<bool>("supported");

    QTest::newRow("jpg") << "photo.jpg" << true;
    QTest::newRow("JPG upper case") << "PHOTO.JPG" << true;
    QTest::newRow("jpeg") << "photo.jpeg" << true;
    QTest::newRow("Jpe mixed case") << "photo.Jpe" << true;
    QTest::newRow("png") << "photo.png" << true;
    QTest::newRow("bmp") << "photo.bmp" << true;
    QTest::newRow("tif") << "photo.tif" << true;
    QTest::newRow("tiff") << "photo.tiff" << true;
    QTest::newRow("webp") << "photo.webp" << true;
    QTest::newRow("with folders and spaces") << "/data/my photos/a b.jpg" << true;
    QTest::newRow("txt") << "notes.txt" << false;
    QTest::newRow("no extension") << "README" << false;
    QTest::newRow("trailing dot") << "photo." << false;
    QTest::newRow("double extension") << "photo.jpg.txt" << false;
    QTest::newRow("gif (not decoded)") << "anim.gif" << false;
    // QFileInfo reads ".jpg" as suffix "jpg". Dataset drops dot-files before asking, so such a
    // name never becomes a photo; this row pins the function's own answer.
    QTest::newRow("hidden-file-only name .jpg") << ".jpg" << true;
}

void TestImageDecoder::supportedExtensions()
{
    QFETCH(QString, fileName);
    QFETCH(bool, supported);
    QCOMPARE(hasSupportedImageExtension(fileName), supported);
}

void TestImageDecoder::reducedDecodingFactor_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QSize>("claimed");  // the header's size (only the header is read)
    QTest::addColumn<QSize>("target");
    QTest::addColumn<int>("factor");

    // The decoded shorter side must stay at least twice the target's larger side.
    QTest::newRow("12 MP camera JPEG, 224 input") << "JPEG" << QSize(4000, 3000) << QSize(224, 224) << 4;
    QTest::newRow("48 MP JPEG, 224 input") << "JPEG" << QSize(8000, 6000) << QSize(224, 224) << 8;
    QTest::newRow("portrait 12 MP JPEG") << "JPEG" << QSize(3000, 4000) << QSize(224, 224) << 4;
    QTest::newRow("12 MP JPEG, 288 input") << "JPEG" << QSize(4000, 3000) << QSize(288, 288) << 4;
    QTest::newRow("just large enough for 1/2") << "JPEG" << QSize(1200, 896) << QSize(224, 224) << 2;
    QTest::newRow("just too small for 1/2") << "JPEG" << QSize(1200, 895) << QSize(224, 224) << 1;
    QTest::newRow("flowers-sized JPEG") << "JPEG" << QSize(666, 500) << QSize(224, 224) << 1;
    QTest::newRow("panorama: the short side decides") << "JPEG" << QSize(12000, 1000) << QSize(224, 224) << 2;
    QTest::newRow("PNG is never reduced") << "PNG" << QSize(4000, 3000) << QSize(224, 224) << 1;
    QTest::newRow("no target") << "JPEG" << QSize(4000, 3000) << QSize(0, 0) << 1;
}

void TestImageDecoder::reducedDecodingFactor()
{
    QFETCH(QString, format);
    QFETCH(QSize, claimed);
    QFETCH(QSize, target);
    QFETCH(int, factor);

    const cv::Mat tiny(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
    QByteArray data;
    if (format == QLatin1String("JPEG")) {
        data = encode(tiny, ".jpg");
        const qsizetype sof = data.indexOf("\xFF\xC0");
        QVERIFY(sof > 0);
        putUInt(&data, sof + 5, 2, quint32(claimed.height()), false);
        putUInt(&data, sof + 7, 2, quint32(claimed.width()), false);
    } else {
        data = encode(tiny, ".png");
        putUInt(&data, 16, 4, quint32(claimed.width()), false);
        putUInt(&data, 20, 4, quint32(claimed.height()), false);
    }
    QCOMPARE(exemplar::reducedDecodingFactor(data, cv::Size(target.width(), target.height())), factor);
}

void TestImageDecoder::reducedDecodingKeepsOrientationAndContent_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("size");          // expected decoded size
    QTest::addColumn<QPoint>("markedCorner");  // where the top-left mark must end up

    // 1800×1400 for a 224 input: decoded at 1/2, i.e. 900×700 before orientation.
    QTest::newRow("1: as stored") << 1 << QSize(900, 700) << QPoint(0, 0);
    QTest::newRow("3: rotate 180°") << 3 << QSize(900, 700) << QPoint(1, 1);
    QTest::newRow("6: rotate 90° CW") << 6 << QSize(700, 900) << QPoint(1, 0);
    QTest::newRow("8: rotate 90° CCW") << 8 << QSize(700, 900) << QPoint(0, 1);
}

void TestImageDecoder::reducedDecodingKeepsOrientationAndContent()
{
    QFETCH(int, orientation);
    QFETCH(QSize, size);
    QFETCH(QPoint, markedCorner);

    cv::Mat image = gradientBgr(1800, 1400);
    image(cv::Rect(0, 0, 64, 64)).setTo(cv::Scalar(0, 0, 255));
    QByteArray jpeg = encode(image, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
    jpeg.insert(2, exifOrientationSegment(quint16(orientation)));

    const DecodedPhoto reduced = decodePhoto(jpeg, cv::Size(224, 224));
    QVERIFY2(reduced.ok(), qPrintable(reduced.error));
    QCOMPARE(QSize(reduced.bgr.cols, reduced.bgr.rows), size);
    for (int cy = 0; cy <= 1; ++cy)
        for (int cx = 0; cx <= 1; ++cx) {
            const cv::Vec3b pixel = reduced.bgr.at<cv::Vec3b>(cy ? size.height() - 6 : 5, cx ? size.width() - 6 : 5);
            const bool red = pixel[2] > 180 && pixel[1] < 80 && pixel[0] < 80;
            QVERIFY2(red == (QPoint(cx, cy) == markedCorner),
                     qPrintable(QStringLiteral("corner (%1,%2) is BGR %3,%4,%5")
                                    .arg(cx).arg(cy).arg(pixel[0]).arg(pixel[1]).arg(pixel[2])));
        }

    // Same picture as a full decode shrunk to the same size (libjpeg's scaled IDCT averages).
    const DecodedPhoto full = decodePhoto(jpeg);
    QVERIFY(full.ok());
    cv::Mat shrunk, difference;
    cv::resize(full.bgr, shrunk, reduced.bgr.size(), 0, 0, cv::INTER_AREA);
    cv::absdiff(shrunk, reduced.bgr, difference);
    const cv::Scalar mean = cv::mean(difference);
    QVERIFY2(mean[0] + mean[1] + mean[2] < 6, qPrintable(QStringLiteral("mean difference %1").arg(mean[0] + mean[1] + mean[2])));
}

QTEST_GUILESS_MAIN(TestImageDecoder)
#include "tst_imagedecoder.moc"
