#include "ImageDecoder.h"

#include "HeifDecoder.h"
#include "JpegDamage.h"
#include "RegularFile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace exemplar {

namespace {

// What DATA starts like, by the signature its format begins with.
bool isPng(const QByteArray& d) { return d.startsWith("\x89PNG\r\n\x1a\n"); }
bool isJpeg(const QByteArray& d) { return d.startsWith("\xFF\xD8"); }
bool isBmp(const QByteArray& d) { return d.startsWith("BM"); }
bool isWebp(const QByteArray& d) { return d.startsWith("RIFF") && d.mid(8, 4) == "WEBP"; }
bool isTiff(const QByteArray& d)
{
    // Byte order, then version 42 (classic) or 43 (BigTIFF) in that order.
    return d.startsWith(QByteArrayView("II*\0", 4)) || d.startsWith(QByteArrayView("MM\0*", 4)) ||
           d.startsWith(QByteArrayView("II+\0", 4)) || d.startsWith(QByteArrayView("MM\0+", 4));
}

quint64 readUInt(const QByteArray& data, qsizetype offset, int bytes, bool littleEndian)
{
    if (offset < 0 || offset + bytes > data.size()) return 0;
    quint64 value = 0;
    for (int i = 0; i < bytes; ++i)
        value |= quint64(quint8(data[offset + i])) << (8 * (littleEndian ? i : bytes - 1 - i));
    return value;
}

// Width and height as the header claims them, read before decoding: a tiny file claiming a huge
// image (a decompression bomb) must be refused before OpenCV allocates its pixels, and OpenCV's
// own limit (OPENCV_IO_MAX_IMAGE_PIXELS, 2^30 pixels) lets a 3 GB image through. Covers the
// formats we list; {0, 0} when not recognised, and OpenCV decides as before.
std::pair<quint64, quint64> claimedSize(const QByteArray& d)
{
    auto be = [&](qsizetype offset, int bytes) { return readUInt(d, offset, bytes, false); };
    auto le = [&](qsizetype offset, int bytes) { return readUInt(d, offset, bytes, true); };
    if (isPng(d)) return {be(16, 4), be(20, 4)};  // IHDR
    if (isBmp(d)) {
        if (le(14, 4) == 12) return {le(18, 2), le(20, 2)};                   // OS/2 core header
        return {le(18, 4), quint64(std::llabs(qint32(quint32(le(22, 4)))))};  // negative: top-down
    }
    if (isWebp(d)) {
        const QByteArray chunk = d.mid(12, 4);
        if (chunk == "VP8X") return {le(24, 3) + 1, le(27, 3) + 1};
        if (chunk == "VP8L") return {(le(21, 4) & 0x3FFF) + 1, ((le(21, 4) >> 14) & 0x3FFF) + 1};
        if (chunk == "VP8 ") return {le(26, 2) & 0x3FFF, le(28, 2) & 0x3FFF};
    }
    if (isJpeg(d)) {
        // Walk the marker segments up to the frame header (SOFn: height, then width).
        qsizetype pos = 2;
        while (pos + 4 <= d.size() && quint8(d[pos]) == 0xFF) {
            const quint8 marker = quint8(d[pos + 1]);
            if (marker == 0xFF) { ++pos; continue; }  // fill byte
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { pos += 2; continue; }  // no length
            if (marker == 0xD9 || marker == 0xDA) break;  // end or scan data before any frame header
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                return {be(pos + 7, 2), be(pos + 5, 2)};
            pos += 2 + qsizetype(be(pos + 2, 2));
        }
    }
    const bool intel = d.startsWith("II");
    if (isTiff(d)) {
        // First IFD (the page imdecode reads): tags 256 ImageWidth, 257 ImageLength. Classic TIFF
        // has 4-byte offsets and 12-byte entries; BigTIFF (version 43) 8-byte offsets and 20-byte
        // entries, and may state sizes as LONG8 — a 9.6 KB BigTIFF claiming 30000² once got past.
        auto get = [&](qsizetype offset, int bytes) { return readUInt(d, offset, bytes, intel); };
        const bool big = get(2, 2) == 43;
        const int offsetBytes = big ? 8 : 4, countBytes = big ? 8 : 2, entryBytes = big ? 20 : 12;
        const quint64 ifd = get(big ? 8 : 4, offsetBytes);
        if (ifd >= quint64(d.size())) return {0, 0};
        quint64 width = 0, height = 0;
        const quint64 count = get(qsizetype(ifd), countBytes);
        for (quint64 i = 0; i < count && ifd + countBytes + entryBytes * (i + 1) <= quint64(d.size()); ++i) {
            const qsizetype entry = qsizetype(ifd) + countBytes + entryBytes * qsizetype(i);
            const quint64 type = get(entry + 2, 2);
            const qsizetype value = entry + 4 + (big ? 8 : 4);
            // SHORT, LONG, LONG8, and their signed twins (libtiff reads those too).
            const quint64 v = (type == 3 || type == 8)   ? get(value, 2)
                              : (type == 4 || type == 9) ? get(value, 4)
                              : (type == 16 || type == 17) ? get(value, 8)
                                                           : 0;
            // A tag stated twice is read by libtiff from its first entry: the largest of them
            // counts here, whatever the order (a 9 KB file claiming 30000 then 1 once decoded
            // 900 million pixels before the check after decoding refused it).
            if (get(entry, 2) == 256) width = std::max(width, v);
            else if (get(entry, 2) == 257) height = std::max(height, v);
        }
        return {width, height};
    }
    return {0, 0};
}

// Whether DATA starts like one of the formats claimedSize reads: for those, a header that states
// no size is refused instead of handed to a decoder that would find out by allocating.
bool hasKnownHeader(const QByteArray& d)
{
    return isPng(d) || isBmp(d) || isWebp(d) || isJpeg(d) || isTiff(d);
}

// Which of those formats DATA starts like ("a TIFF image"), or empty: a file that starts like one
// and still cannot be decoded is damaged or a variant the decoder does not read (a TIFF of
// floating-point samples), not a file of unknown format.
QString knownFormatName(const QByteArray& d)
{
    if (isPng(d)) return QStringLiteral("a PNG image");
    if (isBmp(d)) return QStringLiteral("a BMP image");
    if (isWebp(d)) return QStringLiteral("a WebP image");
    if (isJpeg(d)) return QStringLiteral("a JPEG image");
    if (isTiff(d)) return QStringLiteral("a TIFF image");
    return QString();
}

// Why a file of a format we read still did not decode, as far as its format allows: a PNG is
// damaged (an animated one decodes its first frame); the others may be variants the decoder does
// not read ("floating-point samples" was said of every format, a damaged PNG too).
QString whyNotDecoded(const QByteArray& d)
{
    if (isPng(d)) return QStringLiteral("its data is damaged");
    if (isTiff(d)) return QStringLiteral("damaged, or a variant the decoder does not read, such as floating-point samples");
    if (isJpeg(d)) return QStringLiteral("damaged, or a variant the decoder does not read, such as 12-bit or lossless JPEG");
    if (isWebp(d)) return QStringLiteral("damaged, or a variant the decoder does not read, such as an animated WebP");
    return QStringLiteral("damaged, or a variant the decoder does not read");
}

// What a file OpenCV might still decode, though not among the formats we list, is (Radiance HDR,
// PFM and the netpbm family state their size in text, which no check here reads: a 25 MB HDR
// claiming 20000×20000 took 6 GB before the size check after decoding refused it), or empty.
QString unlistedFormat(const QByteArray& d)
{
    if (d.startsWith("#?RADIANCE") || d.startsWith("#?RGBE")) return QStringLiteral("a Radiance HDR image");
    if (d.startsWith("PF\n") || d.startsWith("Pf\n") || d.startsWith("PF\r") || d.startsWith("Pf\r"))
        return QStringLiteral("a PFM image");
    if (d.size() >= 3 && d[0] == 'P' && d[1] >= '1' && d[1] <= '7' && QByteArray(" \t\r\n#").contains(d[2]))
        return QStringLiteral("a netpbm (PBM/PGM/PPM/PAM) image");
    if (d.startsWith("GIF8")) return QStringLiteral("a GIF image");
    if (d.startsWith(QByteArray("\0\0\0\x0cjP  ", 8)) || d.startsWith("\xFF\x4F\xFF\x51"))
        return QStringLiteral("a JPEG 2000 image");
    if (d.startsWith("\x76\x2F\x31\x01")) return QStringLiteral("an OpenEXR image");
    if (d.startsWith("\x59\xA6\x6A\x95")) return QStringLiteral("a Sun raster image");
    return QString();
}

// Start-of-scan markers in a JPEG. Each scan of a progressive JPEG is a full pass over the whole
// coefficient buffer (whatever the decoding scale), and libjpeg sets no limit: a 32 KB file of 2,000
// empty scans took a minute. Inside the entropy-coded data a 0xFF byte is always followed by 0x00
// or a restart marker, so every 0xFF 0xDA pair is a real marker.
int jpegScanCount(const QByteArray& d)
{
    int count = 0;
    for (qsizetype pos = d.indexOf("\xFF\xDA"); pos >= 0; pos = d.indexOf("\xFF\xDA", pos + 2)) ++count;
    return count;
}
// Encoders write 1 scan (baseline) or about 10 (progressive; libjpeg's default script has 10, and
// the most elaborate ones some 60).
constexpr int kMaxJpegScans = 200;
// Every 8×8 block of every component costs its JPEG at least one bit (its DC difference, Huffman
// coded), so a whole JPEG holds at most 512 pixels per byte, and photos hold a few. A file that
// claims far more is truncated or forged, and decoding it still allocates the full size (a 914-byte
// file claiming 14000×14000 took 1.4 GB and 12 s to come out grey). The limit leaves 8× room for
// arithmetic coding, which can spend less than a bit on a flat block.
constexpr quint64 kMaxJpegPixelsPerByte = 4096;

// Whether a JPEG stops before its end-of-image marker after its last scan. libjpeg decodes a
// truncated file with grey in place of the missing part and only warns, and OpenCV drops the
// warning: half a photo would train and classify as if whole. Data after the marker (camera
// trailers) is fine, and an embedded thumbnail's marker comes before the main image's scans.
bool jpegEndIsMissing(const QByteArray& d)
{
    const qsizetype lastScan = d.lastIndexOf("\xFF\xDA");
    return lastScan >= 0 && d.indexOf("\xFF\xD9", lastScan + 2) < 0;
}

// PNG, TIFF, WebP and BMP decode in full (only libjpeg scales while decoding), and their
// compression can shrink a flat image almost without limit: a 600 KB PNG, a 4.7 KB WebP and a 1 KB
// RLE BMP of 14000×14000 each took 1.0–2.0 GB to decode, as much as a real image of that size. A
// photo of that size is not flat: PNG and TIFF photos hold about a byte per pixel, and a lossy WebP
// about one per 10–20. So above 40 megapixels (beyond every camera's PNG and TIFF output), a file
// holding fewer than one byte per 64 pixels is refused before decoding.
constexpr quint64 kLargeImagePixels = 40ull * 1000 * 1000;
constexpr quint64 kMaxLargeImagePixelsPerByte = 64;

QString sizeInText(qint64 bytes)
{
    if (bytes < 10 * 1024) return QStringLiteral("%1 bytes").arg(bytes);
    if (bytes < 10 * 1024 * 1024) return QStringLiteral("%1 KB").arg(bytes / 1024);
    return QStringLiteral("%1 MB").arg(bytes / (1024 * 1024));
}

QString tooLarge(quint64 width, quint64 height)
{
    return QStringLiteral("image too large (%1×%2 pixels)").arg(width).arg(height);
}

} // namespace

void quietDecoderWarnings()
{
    if (qEnvironmentVariableIsEmpty("OPENCV_LOG_LEVEL")) cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
}

QStringList supportedImageExtensions()
{
    return {QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("jpe"),
            QStringLiteral("png"), QStringLiteral("bmp"),  QStringLiteral("tif"),
            QStringLiteral("tiff"), QStringLiteral("webp"), QStringLiteral("heic"),
            QStringLiteral("heif"), QStringLiteral("avif")};
}

bool hasSupportedImageExtension(const QString& fileName)
{
    static const QStringList extensions = supportedImageExtensions();
    return extensions.contains(QFileInfo(fileName).suffix().toLower());
}

PhotoBytes readPhotoBytes(const QString& path)
{
    PhotoBytes result;
    // A FIFO or device among the photos (or swapped in for one) must neither block nor flood us.
    FileRead file = readRegularFile(path, kMaxPhotoFileBytes);
    if (!file.ok()) {
        result.error = file.error;
        return result;
    }
    if (file.bytes.isEmpty()) {
        result.error = QStringLiteral("empty file (0 bytes)");
        return result;
    }
    result.data = std::move(file.bytes);
    result.sha256Hex = QCryptographicHash::hash(result.data, QCryptographicHash::Sha256).toHex();
    return result;
}

namespace {

// IMREAD_COLOR at 1/FACTOR scale. The reduced flags keep IMREAD_COLOR's meaning (8-bit BGR, EXIF
// orientation applied, since IMREAD_IGNORE_ORIENTATION is not among them).
int imreadFlags(int factor)
{
    switch (factor) {
    case 2: return cv::IMREAD_REDUCED_COLOR_2;
    case 4: return cv::IMREAD_REDUCED_COLOR_4;
    case 8: return cv::IMREAD_REDUCED_COLOR_8;
    default: return cv::IMREAD_COLOR;
    }
}

// Why DATA, of a format OpenCV decodes, is refused before any decoding (its header, its size, its
// signs of damage), or empty.
QString refusalOfOpenCvFormat(const QByteArray& data)
{
    if (data.isEmpty()) return QStringLiteral("empty file (0 bytes)");
    // Only the formats we list reach a decoder: for each of them the header's size is checked
    // first. OpenCV would sniff and decode others too (HDR, PFM, PNM, …) with no size check.
    if (!hasKnownHeader(data)) {
        const QString kind = unlistedFormat(data);
        return QStringLiteral("not a readable image (%1; read are JPEG, PNG, BMP, TIFF, WebP, HEIF and AVIF)")
            .arg(kind.isEmpty() ? QStringLiteral("unknown format") : kind);
    }
    const auto [width, height] = claimedSize(data);
    if (width > 0 && height > quint64(kMaxPhotoPixels) / width) return tooLarge(width, height);
    if (width == 0 || height == 0) return QStringLiteral("not a readable image (its header states no image size)");
    if (!isJpeg(data) && width * height > kLargeImagePixels &&
        width * height > kMaxLargeImagePixelsPerByte * quint64(data.size()))
        return QStringLiteral("not a readable image (%1 of %2×%3 pixels in only %4: too flat to be a "
                              "photo, yet decoding it would take at least %5 MB)")
            .arg(knownFormatName(data)).arg(width).arg(height).arg(sizeInText(data.size()))
            .arg(width * height * 3 / (1024 * 1024));
    // libpng would print its own "PNG input buffer is incomplete" and fail anyway.
    if (isPng(data) && !data.contains("IEND"))
        return QStringLiteral("not a readable image (a truncated PNG: its end is missing, as after an "
                              "interrupted copy or download)");
    if (!isJpeg(data)) return QString();
    if (width * height > kMaxJpegPixelsPerByte * quint64(data.size()))
        return QStringLiteral("not a readable image (a JPEG claiming %1×%2 pixels in %3 bytes is truncated or damaged)")
            .arg(width).arg(height).arg(data.size());
    if (jpegEndIsMissing(data))
        return QStringLiteral("not a readable image (a truncated JPEG: its end is missing, as after an "
                              "interrupted copy or download)");
    if (const int scans = jpegScanCount(data); scans > kMaxJpegScans)
        return QStringLiteral("not a readable image (a JPEG of %1 scans; photos have at most a few dozen)").arg(scans);
    if (const QString damage = jpegDataDamage(data); !damage.isEmpty())
        return QStringLiteral("not a readable image (a JPEG damaged inside: %1; part of the picture "
                              "would be grey or smeared)").arg(damage);
    return QString();
}

DecodedPhoto decodeScaled(const QByteArray& data, int factor)
{
    DecodedPhoto result;
    result.error = refusalOfOpenCvFormat(data);
    if (!result.ok()) return result;
    try {
        const cv::Mat buffer(1, int(data.size()), CV_8UC1,
                             const_cast<char*>(data.constData()));
        // IMREAD_COLOR applies the EXIF orientation (IMREAD_IGNORE_ORIENTATION is not set) and
        // converts grey, palette, 16-bit and alpha images to 8-bit BGR.
        result.bgr = cv::imdecode(buffer, imreadFlags(factor));
    } catch (const cv::Exception& e) {
        result.error = QStringLiteral("cannot decode image: %1").arg(QString::fromStdString(e.msg).trimmed());
        return result;
    }
    if (result.bgr.empty()) {
        const QString format = knownFormatName(data);
        result.error = format.isEmpty()
                           ? QStringLiteral("not a readable image (unknown format or corrupt data)")
                           : QStringLiteral("not a readable image (%1 that could not be decoded: %2)").arg(format, whyNotDecoded(data));
        return result;
    }
    // A reduced decode (FACTOR > 1) happens only when the header's size was read, and that size
    // passed the check above; a full decode checks what it actually got.
    if (factor == 1 && qint64(result.bgr.total()) > kMaxPhotoPixels) {
        result.error = tooLarge(quint64(result.bgr.cols), quint64(result.bgr.rows));
        result.bgr.release();
    }
    return result;
}

} // namespace

DecodedPhoto decodePhoto(const QByteArray& data)
{
    if (isHeifImage(data)) return decodeHeifPhoto(data);  // OpenCV reads no HEIF/AVIF
    return decodeScaled(data, 1);
}

int reducedDecodingFactor(const QByteArray& data, const cv::Size& target)
{
    // Only libjpeg scales while decoding (in the DCT); for other formats OpenCV would decode in
    // full and then shrink with a plain linear resize, which is no faster and aliases.
    if (!isJpeg(data) || target.width <= 0 || target.height <= 0) return 1;
    const auto [width, height] = claimedSize(data);
    // The shorter side bounds both orientations: EXIF rotation may swap width and height.
    const quint64 shorter = std::min(width, height);
    const quint64 needed = 2 * quint64(std::max(target.width, target.height));
    int factor = 1;
    while (factor < 8 && shorter / quint64(2 * factor) >= needed) factor *= 2;
    return factor;
}

DecodedPhoto decodePhoto(const QByteArray& data, const cv::Size& target)
{
    if (isHeifImage(data)) return decodeHeifPhoto(data, target);
    return decodeScaled(data, reducedDecodingFactor(data, target));
}

} // namespace exemplar
