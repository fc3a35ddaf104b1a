#pragma once
// What a photo shows, apart from its file and its size: a 64-bit perceptual hash (OpenCV's
// img_hash PHash, the signs of a 32×32 grey thumbnail's lowest DCT frequencies) and its shape
// (width / height). Copies of one picture at other sizes or JPEG qualities keep both, where the
// network's embedding of a small copy can drift far from the original's: halved, a 600×250 photo's
// embedding fell to cosine 0.77, under any threshold that keeps distinct photos apart
// (docs/accuracy.md, "Near-identical photos"). The duplicate groups join such pairs too.
#include <QtGlobal>
#include <opencv2/core.hpp>

namespace exemplar {

struct PictureFingerprint {
    quint64 hash = 0;
    float aspect = 0;  // width / height; 0: not known (an older cache entry, a set read from a file)
    bool known() const { return aspect > 0; }
};

// Hash bits two copies of one picture may differ in, and how far their shapes may differ (as a
// ratio). Copies of 40 cars24 photos at 35, 50 and 70% of their size differed in at most 6 bits
// and 1.3%; of the 1.3 million pairs of distinct photos in cars24 and flowers17, none came within
// 7 bits at a shape within 2% (the closest: two pairs at 8 bits, different cars on white).
constexpr int kSamePictureHashBits = 7;
constexpr double kSamePictureAspectRatio = 1.02;
// And their embeddings at least this alike: a loose floor that keeps pictures of unrelated things
// from joining by their hash alone. Copies drift far when small: halved 127×48 photos kept cosines
// of 0.34–0.40 to their originals, with identical hashes (0.4 lost three of 254 halved copies).
constexpr double kSamePictureMinCosine = 0.25;

// BGR: a decoded photo (8-bit, 1 or 3 channels), at any size; empty: an unknown fingerprint.
PictureFingerprint pictureFingerprint(const cv::Mat& bgr);

// Both known, hashes within kSamePictureHashBits and shapes within kSamePictureAspectRatio (the
// callers also ask their embeddings for kSamePictureMinCosine).
bool samePicture(const PictureFingerprint& a, const PictureFingerprint& b);

} // namespace exemplar
