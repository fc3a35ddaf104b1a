#include "PictureFingerprint.h"

#include <opencv2/img_hash.hpp>

#include <bitset>

namespace exemplar {

PictureFingerprint pictureFingerprint(const cv::Mat& bgr)
{
    PictureFingerprint fingerprint;
    if (bgr.empty() || bgr.depth() != CV_8U || bgr.rows <= 0 || bgr.cols <= 0) return fingerprint;
    cv::Mat bits;
    try {
        cv::img_hash::pHash(bgr, bits);  // 1×8 bytes
    } catch (const cv::Exception&) {
        return fingerprint;  // a layout it refuses (two channels, say): unknown, never a failed run
    }
    if (bits.total() != sizeof fingerprint.hash || bits.type() != CV_8U) return fingerprint;
    for (int i = 0; i < 8; ++i) fingerprint.hash = (fingerprint.hash << 8) | bits.at<uchar>(0, i);
    fingerprint.aspect = float(bgr.cols) / float(bgr.rows);
    return fingerprint;
}

bool samePicture(const PictureFingerprint& a, const PictureFingerprint& b)
{
    if (!a.known() || !b.known()) return false;
    if (int(std::bitset<64>(a.hash ^ b.hash).count()) > kSamePictureHashBits) return false;
    const double ratio = a.aspect > b.aspect ? double(a.aspect) / b.aspect : double(b.aspect) / a.aspect;
    return ratio <= kSamePictureAspectRatio;
}

} // namespace exemplar
