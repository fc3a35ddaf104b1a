#include "HeifDecoder.h"

#include <libheif/heif.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <memory>
#include <vector>

namespace exemplar {

namespace {

// libheif's objects, released by their own functions.
struct HeifDeleter {
    void operator()(heif_context* context) const { heif_context_free(context); }
    void operator()(const heif_image_handle* handle) const { heif_image_handle_release(handle); }
    void operator()(const heif_image* image) const { heif_image_release(image); }
    void operator()(heif_decoding_options* options) const { heif_decoding_options_free(options); }
};
using Context = std::unique_ptr<heif_context, HeifDeleter>;
using Handle = std::unique_ptr<const heif_image_handle, HeifDeleter>;
using Image = std::unique_ptr<const heif_image, HeifDeleter>;
using DecodingOptions = std::unique_ptr<heif_decoding_options, HeifDeleter>;

// Registers libheif's codecs once per process (thread-safe static initialisation). Never undone:
// decoding may happen on any thread until the process ends.
void initialiseLibheif()
{
    static const bool initialised = [] {
        heif_init(nullptr);
        return true;
    }();
    (void)initialised;
}

DecodedPhoto failure(const QString& error)
{
    DecodedPhoto result;
    result.error = error;
    return result;
}

QString libheifMessage(const heif_error& error) { return QString::fromUtf8(error.message).trimmed(); }

// The stored size of HANDLE's image, before rotation and cropping ("ispe"): what decoding
// allocates, so what the pixel cap is about.
bool withinPixelCap(const heif_image_handle* handle, QString* error)
{
    const quint64 width = quint64(std::max(0, heif_image_handle_get_ispe_width(handle)));
    const quint64 height = quint64(std::max(0, heif_image_handle_get_ispe_height(handle)));
    if (width > 0 && height > quint64(kMaxPhotoPixels) / width) {
        *error = QStringLiteral("image too large (%1×%2 pixels)").arg(width).arg(height);
        return false;
    }
    return true;
}

// The smallest thumbnail of PRIMARY that still keeps twice TARGET's larger side on its shorter
// side (the rule of JPEG's reduced decoding), or null.
Handle thumbnailFor(const heif_image_handle* primary, const cv::Size& target)
{
    if (target.width <= 0 || target.height <= 0) return nullptr;
    const int needed = 2 * std::max(target.width, target.height);
    const int count = heif_image_handle_get_number_of_thumbnails(primary);
    if (count <= 0) return nullptr;
    std::vector<heif_item_id> ids(size_t(count), 0);
    heif_image_handle_get_list_of_thumbnail_IDs(primary, ids.data(), count);
    Handle best;
    for (heif_item_id id : ids) {
        heif_image_handle* raw = nullptr;
        if (heif_image_handle_get_thumbnail(primary, id, &raw).code != heif_error_Ok) continue;
        Handle thumbnail(raw);
        const int shorter = std::min(heif_image_handle_get_width(raw), heif_image_handle_get_height(raw));
        if (shorter < needed) continue;
        if (!best || shorter < std::min(heif_image_handle_get_width(best.get()), heif_image_handle_get_height(best.get())))
            best = std::move(thumbnail);
    }
    return best;
}

} // namespace

bool isHeifImage(const QByteArray& data)
{
    if (data.size() < 12 || data.mid(4, 4) != "ftyp") return false;
    return heif_check_filetype(reinterpret_cast<const uint8_t*>(data.constData()), int(data.size())) != heif_filetype_no;
}

DecodedPhoto decodeHeifPhoto(const QByteArray& data, const cv::Size& target)
{
    initialiseLibheif();
    const Context context(heif_context_alloc());
    if (!context) return failure(QStringLiteral("cannot decode HEIF image: out of memory"));
    // Parsing reads the boxes only; no pixel is decoded before the checks below.
    heif_error error = heif_context_read_from_memory_without_copy(context.get(), data.constData(), size_t(data.size()), nullptr);
    if (error.code != heif_error_Ok)
        return failure(QStringLiteral("not a readable HEIF/AVIF image (%1)").arg(libheifMessage(error)));
    heif_image_handle* rawPrimary = nullptr;
    error = heif_context_get_primary_image_handle(context.get(), &rawPrimary);
    if (error.code != heif_error_Ok)
        return failure(QStringLiteral("not a readable HEIF/AVIF image (%1)").arg(libheifMessage(error)));
    const Handle primary(rawPrimary);
    QString tooLarge;
    if (!withinPixelCap(primary.get(), &tooLarge)) return failure(tooLarge);
    const Handle thumbnail = thumbnailFor(primary.get(), target);
    if (thumbnail && !withinPixelCap(thumbnail.get(), &tooLarge)) return failure(tooLarge);

    const DecodingOptions options(heif_decoding_options_alloc());
    options->ignore_transformations = 0;  // irot/imir/clap applied: the photo as it is meant to be seen
    options->convert_hdr_to_8bit = 1;     // 10-bit phone photos become 8-bit like every other format
    heif_image* rawImage = nullptr;
    error = heif_decode_image(thumbnail ? thumbnail.get() : primary.get(), &rawImage, heif_colorspace_RGB,
                              heif_chroma_interleaved_RGB, options.get());
    if (error.code != heif_error_Ok)
        return failure(QStringLiteral("cannot decode HEIF/AVIF image (%1)").arg(libheifMessage(error)));
    const Image image(rawImage);
    const int width = heif_image_get_width(rawImage, heif_channel_interleaved);
    const int height = heif_image_get_height(rawImage, heif_channel_interleaved);
    int stride = 0;
    const uint8_t* pixels = heif_image_get_plane_readonly(rawImage, heif_channel_interleaved, &stride);
    if (!pixels || width <= 0 || height <= 0)
        return failure(QStringLiteral("cannot decode HEIF/AVIF image (no pixel data)"));

    DecodedPhoto result;
    const cv::Mat rgb(height, width, CV_8UC3, const_cast<uint8_t*>(pixels), size_t(stride));
    cv::cvtColor(rgb, result.bgr, cv::COLOR_RGB2BGR);  // a copy: libheif's buffer goes with IMAGE
    return result;
}

} // namespace exemplar
