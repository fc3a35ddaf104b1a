#pragma once
// HEIC and AVIF photos made at run time with libheif's own encoders (x265 for HEVC, libaom for
// AV1; both built into Debian's libheif1), so that no binary photo is checked in. heif-enc from
// libheif-examples would do the same from a shell, but Debian 12's aborts on AVIF input from PNG
// (a libaom assertion on its chroma setting); through the library, 4:2:0 works.
#include <QByteArray>
#include <libheif/heif.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>

namespace exemplar::test {

enum class HeifCodec { Hevc, Av1 };

struct HeifFixtureOptions {
    int orientation = 1;         // EXIF numbering; written as the container's irot/imir
    int thumbnailBox = 0;        // > 0: also store a thumbnail fitting this many pixels
    int exifOrientation = 0;     // > 0: also store an EXIF block with this Orientation tag
};

namespace heifdetail {

inline heif_error writeToByteArray(heif_context*, const void* data, size_t size, void* userdata)
{
    static_cast<QByteArray*>(userdata)->append(static_cast<const char*>(data), qsizetype(size));
    return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

// A little-endian TIFF block holding only Orientation, as HEIF's Exif item wants it: a 4-byte
// offset to the TIFF header (0), then the header and one IFD with one entry.
inline QByteArray exifOrientationBlock(quint16 orientation)
{
    QByteArray exif("\0\0\0\0" "II*\0" "\x08\0\0\0" "\x01\0" "\x12\x01\x03\0\x01\0\0\0", 22);
    exif += char(orientation & 0xFF);
    exif += char(orientation >> 8);
    exif += QByteArray(2 + 4, '\0');  // value padding, no next IFD
    return exif;
}

} // namespace heifdetail

// BGR (8-bit, 3 channels; even width and height, as 4:2:0 wants) encoded as HEIC or AVIF; empty
// when the encoder is missing or fails.
inline QByteArray encodeHeif(const cv::Mat& bgr, HeifCodec codec, const HeifFixtureOptions& options = {})
{
    heif_init(nullptr);
    std::unique_ptr<heif_context, void (*)(heif_context*)> context(heif_context_alloc(), heif_context_free);
    heif_encoder* rawEncoder = nullptr;
    const heif_compression_format format = codec == HeifCodec::Hevc ? heif_compression_HEVC : heif_compression_AV1;
    if (heif_context_get_encoder_for_format(context.get(), format, &rawEncoder).code != heif_error_Ok) return {};
    std::unique_ptr<heif_encoder, void (*)(heif_encoder*)> encoder(rawEncoder, heif_encoder_release);
    heif_encoder_set_lossy_quality(encoder.get(), 90);
    heif_encoder_set_parameter(encoder.get(), "chroma", "420");

    heif_image* rawImage = nullptr;
    if (heif_image_create(bgr.cols, bgr.rows, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &rawImage).code != heif_error_Ok)
        return {};
    std::unique_ptr<heif_image, void (*)(const heif_image*)> image(rawImage, heif_image_release);
    heif_image_add_plane(rawImage, heif_channel_interleaved, bgr.cols, bgr.rows, 8);
    int stride = 0;
    uint8_t* plane = heif_image_get_plane(rawImage, heif_channel_interleaved, &stride);
    cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, plane, size_t(stride));
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);

    std::unique_ptr<heif_encoding_options, void (*)(heif_encoding_options*)> encoding(heif_encoding_options_alloc(),
                                                                                      heif_encoding_options_free);
    encoding->image_orientation = heif_orientation(options.orientation);
    heif_image_handle* rawHandle = nullptr;
    if (heif_context_encode_image(context.get(), rawImage, encoder.get(), encoding.get(), &rawHandle).code != heif_error_Ok)
        return {};
    std::unique_ptr<heif_image_handle, void (*)(const heif_image_handle*)> handle(rawHandle, heif_image_handle_release);
    if (options.thumbnailBox > 0 &&
        heif_context_encode_thumbnail(context.get(), rawImage, rawHandle, encoder.get(), encoding.get(),
                                      options.thumbnailBox, nullptr).code != heif_error_Ok)
        return {};
    if (options.exifOrientation > 0) {
        const QByteArray exif = heifdetail::exifOrientationBlock(quint16(options.exifOrientation));
        if (heif_context_add_exif_metadata(context.get(), rawHandle, exif.constData(), int(exif.size())).code != heif_error_Ok)
            return {};
    }
    QByteArray bytes;
    heif_writer writer{1, heifdetail::writeToByteArray};
    if (heif_context_write(context.get(), &writer, &bytes).code != heif_error_Ok) return {};
    return bytes;
}

} // namespace exemplar::test
