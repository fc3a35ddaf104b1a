#include "LabelNext.h"

#include "Error.h"

#include <QString>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace exemplar {

namespace {

struct Neighbour {
    int row;
    float cosine;
};

// The K most similar other rows of A for every row, best first, computed a block of rows at a
// time so that memory stays O(N·K) (a full N×N matrix of 20,000 photos would take 1.6 GB).
std::vector<std::vector<Neighbour>> nearestNeighbours(const Matrix& A, int k, const Feedback* feedback)
{
    const int n = int(A.rows());
    k = std::max(0, std::min(k, n - 1));
    std::vector<std::vector<Neighbour>> nearest(static_cast<size_t>(n));
    if (k == 0) return nearest;
    constexpr int kBlock = 512;
    std::vector<int> order(static_cast<size_t>(n));
    for (int start = 0; start < n; start += kBlock) {
        throwIfCanceled(feedback);
        reportProgress(feedback, start, n, QStringLiteral("similarities among the unlabeled photos"));
        const int rows = std::min(kBlock, n - start);
        const Matrix block = A.middleRows(start, rows) * A.transpose();
        for (int r = 0; r < rows; ++r) {
            const int self = start + r;
            std::iota(order.begin(), order.end(), 0);
            order.erase(order.begin() + self);
            std::partial_sort(order.begin(), order.begin() + k, order.end(),
                              [&](int a, int b) { return block(r, a) > block(r, b); });
            auto& list = nearest[size_t(self)];
            for (int i = 0; i < k; ++i) list.push_back({order[size_t(i)], block(r, order[size_t(i)])});
            order.resize(static_cast<size_t>(n));
        }
    }
    return nearest;
}

// For each value, the share of VALUES it is at least as large as (LARGER_IS_BETTER) or at least as
// small as: a percentile in (0, 1] that ties share.
std::vector<double> percentiles(const std::vector<double>& values, bool largerIsBetter)
{
    const int n = int(values.size());
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> result(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double v = values[size_t(i)];
        const auto count = largerIsBetter ? std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin()
                                          : sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), v);
        result[size_t(i)] = double(count) / n;
    }
    return result;
}

} // namespace

std::vector<LabelingCandidate> rankForLabeling(const ReferenceHead& head, const Matrix& unlabeled,
                                               const LabelNextOptions& options, const Feedback* feedback)
{
    const int n = int(unlabeled.rows());
    if (n == 0) return {};
    if (unlabeled.cols() != head.inputDim())
        throw Error(QStringLiteral("the unlabeled photos' embeddings have %1 dimensions, the classifier takes %2")
                        .arg(unlabeled.cols()).arg(head.inputDim()));
    const auto nearest = nearestNeighbours(unlabeled, options.neighbours, feedback);

    std::vector<LabelingCandidate> candidates(static_cast<size_t>(n));
    std::vector<double> margins(static_cast<size_t>(n)), density(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        if (i % 256 == 0) throwIfCanceled(feedback);
        LabelingCandidate& c = candidates[size_t(i)];
        c.row = i;
        c.prediction = head.predict(unlabeled.row(i).transpose());
        margins[size_t(i)] = c.prediction.margin;
        double sum = 0;
        for (const Neighbour& neighbour : nearest[size_t(i)]) sum += neighbour.cosine;
        c.representativeness = nearest[size_t(i)].empty() ? 0.0 : sum / double(nearest[size_t(i)].size());
        density[size_t(i)] = c.representativeness;
    }
    // Far from every training photo: unknownScore is the cosine to the nearest one (heads that keep
    // them); otherwise every photo is equally novel.
    std::vector<double> novelty(static_cast<size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) {
        LabelingCandidate& c = candidates[size_t(i)];
        c.novelty = head.judgesUnknownByTrainingPhotos() ? 1.0 - double(c.prediction.unknownScore) : 0.0;
        novelty[size_t(i)] = c.novelty;
    }
    const std::vector<double> novel = percentiles(novelty, /*largerIsBetter=*/true);
    const std::vector<double> unsure = percentiles(margins, /*largerIsBetter=*/false);
    const std::vector<double> dense = percentiles(density, /*largerIsBetter=*/true);
    for (int i = 0; i < n; ++i) {
        candidates[size_t(i)].uncertainty = unsure[size_t(i)];
        candidates[size_t(i)].priority = unsure[size_t(i)] * std::pow(dense[size_t(i)], options.densityWeight) * std::pow(novel[size_t(i)], options.noveltyWeight);
    }
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return candidates[size_t(a)].priority > candidates[size_t(b)].priority;
    });

    // Near-copies of a photo listed above them go to the end. A near-copy is among a photo's
    // nearest neighbours unless it has more copies than that; those few extra stay in place.
    std::vector<bool> listed(size_t(n), false);
    std::vector<LabelingCandidate> ranked, copies;
    ranked.reserve(static_cast<size_t>(n));
    for (int row : order) {
        LabelingCandidate c = candidates[size_t(row)];
        for (const Neighbour& neighbour : nearest[size_t(row)])
            if (neighbour.cosine >= options.nearCopyCosine && listed[size_t(neighbour.row)]) {
                c.copyOf = neighbour.row;
                break;
            }
        if (c.copyOf >= 0) {
            copies.push_back(std::move(c));
        } else {
            listed[size_t(row)] = true;
            ranked.push_back(std::move(c));
        }
    }
    ranked.insert(ranked.end(), std::make_move_iterator(copies.begin()), std::make_move_iterator(copies.end()));
    reportProgress(feedback, n, n, QString());
    return ranked;
}

} // namespace exemplar
