#pragma once
// Test-time augmentation: the views of one photo whose embeddings are averaged into its
// embedding. Shared by the Embedder and by anything else that must embed exactly as it does
// (the throughput bench's naive loop), so that the two can never drift apart.
#include "ModelSpec.h"

#include <opencv2/core.hpp>
#include <vector>

namespace exemplar {

// The whole photo first; then, as the spec asks, its mirror image ("flip") and three crops of
// spec.cropFraction of each side at the start, middle and end of the photo's longer side
// ("crops"). Crops share the photo's pixels (no copy); each view is resized to the network's
// input like the photo itself.
std::vector<cv::Mat> testTimeViews(const cv::Mat& bgr, const ModelSpec& spec);

} // namespace exemplar
