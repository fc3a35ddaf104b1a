#pragma once
// HEIF and AVIF photos (what phones save: HEVC- or AV1-coded images in the HEIF container),
// decoded by Debian's libheif. ImageDecoder hands these files here; OpenCV cannot read them.
//
// Orientation: a HEIF file turns its image with the container's own transform properties
// (irot rotation, imir mirror, clap crop), the counterpart of a JPEG's EXIF orientation, and
// libheif applies them while decoding. An EXIF Orientation tag inside a HEIF file only restates
// those transforms (the HEIF standard makes the container's authoritative; phones write both),
// so it is deliberately not applied a second time.
#include "ImageDecoder.h"

#include <QByteArray>
#include <opencv2/core.hpp>

namespace exemplar {

// True when DATA starts like a HEIF/AVIF file (its "ftyp" box names a HEIF brand).
bool isHeifImage(const QByteArray& data);

// Decodes the primary image of a HEIF/AVIF file to 8-bit BGR with its transforms applied. The
// pixel count is checked against kMaxPhotoPixels from the container's "ispe" property before
// anything is decoded. With a TARGET (as for decodePhoto(DATA, TARGET)), the smallest embedded
// thumbnail whose shorter side is still at least twice TARGET's larger side is decoded instead
// of the full image: HEVC and AV1 cannot be decoded at reduced scale the way JPEG can, and a
// phone's thumbnail is the same photo, already small. Without one, the full image is decoded.
DecodedPhoto decodeHeifPhoto(const QByteArray& data, const cv::Size& target = cv::Size());

} // namespace exemplar
