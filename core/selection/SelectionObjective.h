#pragma once
// The objective the article's optimizer maximizes, computed on the training pool only:
// leave-one-out accuracy of "keep the k_c least central photos of each class". Every pool photo
// is classified by the kept references other than itself and its near-identical copies (GROUPS,
// one number per photo, or empty), so the photos a report is made on never enter and a copy
// never answers for its original. (It is optimistic: do not show it as expected accuracy.)
#include "Types.h"

#include <vector>

namespace exemplar {

class SelectionObjective {
public:
    SelectionObjective(const Matrix& pool, const std::vector<int>& labels, int classCount,
                       std::vector<std::vector<int>> leastCentralFirst, std::vector<int> groups = {});

    // Leave-one-out accuracy in [0,1] for the given count per class.
    double accuracy(const std::vector<int>& kPerClass) const;
    // What the optimizer maximizes: accuracy, with a tiny preference for fewer references so that
    // ties (frequent with a dozen photos) resolve towards the smaller set, as in the article.
    double operator()(const std::vector<int>& kPerClass) const;

    const std::vector<std::vector<int>>& ranking() const { return ranking_; }

private:
    Matrix similarity_;  // pool × pool
    std::vector<int> labels_;
    std::vector<int> groups_;
    int classCount_;
    std::vector<std::vector<int>> ranking_;
    int poolSize_;
};

} // namespace exemplar
