#include "JpegDamage.h"

#include <array>
#include <memory>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first

#include <jerror.h>
#include <jpeglib.h>

namespace exemplar {

namespace {

struct ErrorManager {
    jpeg_error_mgr base;  // first: libjpeg hands back a pointer to it
    std::jmp_buf fatal;
    int damageCode = 0;   // the first data-corruption warning's message code
    JDIMENSION damageRow = 0;  // the output row being read then (0 while a progressive file is read in)
    char damageText[JMSG_LENGTH_MAX] = {};
};

// At 1/8 scale a row is at most ceil(65535 / 8) pixels of at most 4 components (CMYK).
constexpr size_t kMaxRowBytes = 8192 * 4;

// The warnings that mean pixels were lost or invented (libjpeg-turbo's jerror.h).
bool meansLostPixels(int code)
{
    return code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE ||
           code == JWRN_JPEG_EOF || code == JWRN_MUST_RESYNC;
}

void onFatalError(j_common_ptr info)
{
    std::longjmp(reinterpret_cast<ErrorManager*>(info->err)->fatal, 1);
}

// Called for warnings (level -1) and trace messages (level ≥ 0); prints nothing.
void onMessage(j_common_ptr info, int level)
{
    auto* errors = reinterpret_cast<ErrorManager*>(info->err);
    if (level != -1) return;
    ++info->err->num_warnings;
    if (errors->damageCode == 0 && meansLostPixels(info->err->msg_code)) {
        errors->damageCode = info->err->msg_code;
        if (info->is_decompressor) errors->damageRow = reinterpret_cast<j_decompress_ptr>(info)->output_scanline;
        info->err->format_message(info, errors->damageText);
    }
}

QString withoutPrefix(const char* text)
{
    QString message = QString::fromLatin1(text).trimmed();
    for (const QLatin1String prefix : {QLatin1String("Corrupt JPEG data: ")})
        if (message.startsWith(prefix)) message.remove(0, prefix.size());
    return message;
}

} // namespace

QString jpegDataDamage(const QByteArray& data)
{
    // On the heap: what the callbacks change between setjmp and longjmp is then no automatic
    // variable of this function, whose value after the jump would be indeterminate.
    struct State {
        ErrorManager errors;
        jpeg_decompress_struct info{};
        std::array<unsigned char, kMaxRowBytes> row{};
    };
    const std::unique_ptr<State> state = std::make_unique<State>();
    ErrorManager& errors = state->errors;
    jpeg_decompress_struct& info = state->info;
    JSAMPROW rows[1] = {state->row.data()};
    info.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = onFatalError;
    errors.base.emit_message = onMessage;
    // longjmp returns into this frame and skips no destructor. A fatal error is not judged here:
    // OpenCV's decoder, which reads colour spaces and variants this reading may not, decides, and
    // reports it as undecodable.
    if (setjmp(errors.fatal)) {
        jpeg_destroy_decompress(&info);
        return errors.damageCode == 0 ? QString() : withoutPrefix(errors.damageText);
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(data.constData()), static_cast<unsigned long>(data.size()));
    jpeg_read_header(&info, TRUE);
    info.scale_num = 1;
    info.scale_denom = 8;
    info.dct_method = JDCT_IFAST;
    info.do_fancy_upsampling = FALSE;
    // Grey where libjpeg converts to it (YCbCr and grey files): no colour conversion to pay for.
    if (info.jpeg_color_space == JCS_YCbCr || info.jpeg_color_space == JCS_GRAYSCALE) info.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    if (size_t(info.output_width) * size_t(info.output_components) > state->row.size()) {
        jpeg_destroy_decompress(&info);
        return QString();
    }
    while (info.output_scanline < info.output_height && errors.damageCode == 0) jpeg_read_scanlines(&info, rows, 1);
    if (errors.damageCode == 0) jpeg_finish_decompress(&info);
    // Damage in the last 5% of a sequential file's rows loses at most that strip at the bottom:
    // some encoders end their data a few blocks early, and such photos trained well before.
    const bool nearTheEnd = !info.progressive_mode && errors.damageRow >= info.output_height - info.output_height / 20;
    const QString damage = errors.damageCode == 0 || nearTheEnd ? QString() : withoutPrefix(errors.damageText);
    jpeg_destroy_decompress(&info);
    return damage;
}

} // namespace exemplar
