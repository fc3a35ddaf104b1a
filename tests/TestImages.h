#pragma once
// Synthetic photos shared by the decoder tests.
#include <opencv2/core.hpp>

namespace exemplar::test {

// A smooth colour gradient: lossy codecs keep it close, so decoded pixels can be compared.
inline cv::Mat gradientBgr(int width, int height)
{
    cv::Mat image(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(255 * x / width), uchar(255 * y / height), 128);
    return image;
}

} // namespace exemplar::test
