#pragma once
// Reads one photo file: its bytes (hashed for the embedding cache) and its decoded pixels with
// EXIF orientation applied. Failures are values, not exceptions: a bad photo is skipped and
// reported by the caller, and the run goes on.
#include <QByteArray>
#include <QString>
#include <opencv2/core.hpp>

namespace exemplar {

struct PhotoBytes {
    QByteArray data;
    QByteArray sha256Hex;  // content hash: the cache key, and the identity of a reference photo
    QString error;         // empty on success
    bool ok() const { return error.isEmpty(); }
};

struct DecodedPhoto {
    cv::Mat bgr;    // 8-bit, 3 channels, EXIF orientation applied
    QString error;  // empty on success
    bool ok() const { return error.isEmpty(); }
};

// Files larger than this are refused before reading (no real photo is this big).
constexpr qint64 kMaxPhotoFileBytes = 512ll * 1024 * 1024;
// Decoded images with more pixels than this are refused (decompression bombs).
constexpr qint64 kMaxPhotoPixels = 200ll * 1000 * 1000;

PhotoBytes readPhotoBytes(const QString& path);
DecodedPhoto decodePhoto(const QByteArray& data);

// Decodes for a consumer that only needs about TARGET pixels (a network input, a thumbnail).
// A JPEG much larger than that is decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself
// (IMREAD_REDUCED_*), several times faster than a full decode of a camera photo; the result keeps
// at least twice TARGET's larger side on its shorter side, so a following INTER_AREA resize to
// TARGET still averages over several decoded pixels. Other formats, and JPEGs not that large,
// decode exactly as decodePhoto(DATA). EXIF orientation is applied in both cases; refusals (and
// their messages) are those of decodePhoto.
DecodedPhoto decodePhoto(const QByteArray& data, const cv::Size& target);
// The scale divisor decodePhoto(DATA, TARGET) uses: 1, 2, 4 or 8.
int reducedDecodingFactor(const QByteArray& data, const cv::Size& target);

// OpenCV's own warnings ("[ WARN:…] … Sorry, can not handle images with 32-bit samples") turned
// off for the applications: every photo that cannot be read is reported once, with Exemplar's
// reason, and the raw line only confused. OPENCV_LOG_LEVEL, when set, still decides.
void quietDecoderWarnings();

// True when the file name has an extension we try to decode (case-insensitive).
bool hasSupportedImageExtension(const QString& fileName);
QStringList supportedImageExtensions();

} // namespace exemplar
