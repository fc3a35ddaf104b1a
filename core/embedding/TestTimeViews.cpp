#include "TestTimeViews.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace exemplar {

namespace {

// Three windows along the longer side, centred across the shorter one. Along the longer side
// because that is where a landscape photo's object (a vehicle side-on) or a portrait photo's
// (a flower on its stem) extends beyond a single crop.
std::vector<cv::Rect> cropWindows(int width, int height, double fraction)
{
    const int w = std::clamp(int(std::lround(width * fraction)), 1, width);
    const int h = std::clamp(int(std::lround(height * fraction)), 1, height);
    const int cx = (width - w) / 2, cy = (height - h) / 2;
    if (width >= height)
        return {cv::Rect(0, cy, w, h), cv::Rect(cx, cy, w, h), cv::Rect(width - w, cy, w, h)};
    return {cv::Rect(cx, 0, w, h), cv::Rect(cx, cy, w, h), cv::Rect(cx, height - h, w, h)};
}

} // namespace

std::vector<cv::Mat> testTimeViews(const cv::Mat& bgr, const ModelSpec& spec)
{
    std::vector<cv::Mat> views{bgr};
    if (spec.flipAverage) {
        cv::Mat mirrored;
        cv::flip(bgr, mirrored, 1);
        views.push_back(mirrored);
    }
    if (spec.cropAverage)
        for (const cv::Rect& window : cropWindows(bgr.cols, bgr.rows, spec.cropFraction))
            views.push_back(bgr(window));
    return views;
}

} // namespace exemplar
