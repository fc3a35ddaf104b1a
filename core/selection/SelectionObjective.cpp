#include "SelectionObjective.h"

#include "Centrality.h"

#include <limits>
#include <numeric>

namespace exemplar {

SelectionObjective::SelectionObjective(const Matrix& pool, const std::vector<int>& labels,
                                       int classCount, std::vector<std::vector<int>> leastCentralFirst,
                                       std::vector<int> groups)
    : similarity_(pool * pool.transpose()),
      labels_(labels),
      groups_(std::move(groups)),
      classCount_(classCount),
      ranking_(std::move(leastCentralFirst)),
      poolSize_(int(labels.size()))
{
}

double SelectionObjective::accuracy(const std::vector<int>& kPerClass) const
{
    if (poolSize_ == 0) return 0;
    const std::vector<int> kept = keepLeastCentral(ranking_, kPerClass);
    constexpr float kNone = -std::numeric_limits<float>::infinity();
    std::vector<float> classBest(static_cast<size_t>(classCount_));
    int correct = 0;
    for (int i = 0; i < poolSize_; ++i) {
        std::fill(classBest.begin(), classBest.end(), kNone);
        for (int j : kept) {
            if (j == i) continue;  // leave-one-out: a photo never votes for itself, nor do its copies
            if (!groups_.empty() && groups_[size_t(j)] == groups_[size_t(i)]) continue;
            float& slot = classBest[size_t(labels_[size_t(j)])];
            slot = std::max(slot, similarity_(i, j));
        }
        int predicted = -1;
        float bestScore = kNone;
        for (int c = 0; c < classCount_; ++c)
            if (classBest[size_t(c)] > bestScore) {
                bestScore = classBest[size_t(c)];
                predicted = c;
            }
        if (predicted == labels_[size_t(i)]) ++correct;
    }
    return double(correct) / poolSize_;
}

double SelectionObjective::operator()(const std::vector<int>& kPerClass) const
{
    const double references = std::accumulate(kPerClass.begin(), kPerClass.end(), 0.0);
    return accuracy(kPerClass) - 1e-4 * references / std::max(1, poolSize_);
}

} // namespace exemplar
