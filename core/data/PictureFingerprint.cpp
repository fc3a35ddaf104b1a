#include "PictureFingerprint.h"

#include <opencv2/img_hash.hpp>

#include <bitset>
#include <cmath>

namespace exemplar {

PictureFingerprint pictureFingerprint(const cv::Mat& bgr)
{
    PictureFingerprint fingerprint;
    if (bgr.empty() || bgr.depth() != CV_8U || bgr.rows <= 0 || bgr.cols <= 0) return fingerprint;
    cv::Mat bits;
    cv::img_hash::pHash(bgr, bits);  // 1×8 bytes
    if (bits.total() != sizeof fingerprint.hash) return fingerprint;
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
