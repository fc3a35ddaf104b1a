#include "ClassPairSimilarity.h"

#include "EmbeddingSet.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace exemplar {

std::vector<std::vector<int>> rowsPerClass(const EmbeddingSet& set)
{
    std::vector<std::vector<int>> rows(size_t(set.classCount()));
    for (int row = 0; row < set.size(); ++row) rows[size_t(set.labels[size_t(row)])].push_back(row);
    return rows;
}

Matrix classCentroidCosines(const EmbeddingSet& set)
{
    const int classes = set.classCount();
    Matrix means = Matrix::Zero(classes, set.dim());
    std::vector<int> counts(size_t(classes), 0);
    for (int row = 0; row < set.size(); ++row) {
        const int label = set.labels[size_t(row)];
        means.row(label) += set.vectors.row(row);
        ++counts[size_t(label)];
    }
    for (int c = 0; c < classes; ++c) {
        const float norm = means.row(c).norm();
        if (norm > 0) means.row(c) /= norm;
    }
    Matrix cosines = means * means.transpose();
    for (int c = 0; c < classes; ++c)
        if (counts[size_t(c)] == 0) {
            cosines.row(c).setConstant(std::numeric_limits<float>::quiet_NaN());
            cosines.col(c).setConstant(std::numeric_limits<float>::quiet_NaN());
        }
    return cosines;
}

std::vector<int> nearestClasses(const Matrix& similarity, int classIndex, int k)
{
    std::vector<int> others;
    for (int c = 0; c < int(similarity.cols()); ++c)
        if (c != classIndex && !std::isnan(similarity(classIndex, c))) others.push_back(c);
    const size_t keep = std::min(others.size(), size_t(std::max(0, k)));
    std::partial_sort(others.begin(), others.begin() + std::ptrdiff_t(keep), others.end(), [&](int x, int y) {
        return similarity(classIndex, x) > similarity(classIndex, y) || (similarity(classIndex, x) == similarity(classIndex, y) && x < y);
    });
    others.resize(keep);
    return others;
}

namespace {

// ROWS, or an even sample of LIMIT of them.
std::vector<int> sampled(const std::vector<int>& rows, int limit)
{
    std::vector<int> result;
    for (int i : evenSample(int(rows.size()), limit)) result.push_back(rows[size_t(i)]);
    return result;
}

Matrix rowsOf(const EmbeddingSet& set, const std::vector<int>& rows)
{
    Matrix block(Eigen::Index(rows.size()), set.dim());
    for (size_t i = 0; i < rows.size(); ++i) block.row(Eigen::Index(i)) = set.vectors.row(rows[i]);
    return block;
}

} // namespace

std::vector<SimilarityEdge> closestCrossClassPairs(const EmbeddingSet& set, int classA, int classB, int count,
                                                   int perClassLimit)
{
    const auto perClass = rowsPerClass(set);
    const std::vector<int> a = sampled(perClass[size_t(classA)], perClassLimit);
    const std::vector<int> b = sampled(perClass[size_t(classB)], perClassLimit);
    const Matrix block = rowsOf(set, a) * rowsOf(set, b).transpose();
    std::vector<SimilarityEdge> pairs;
    pairs.reserve(a.size() * b.size());
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t j = 0; j < b.size(); ++j) pairs.push_back({a[i], b[j], block(Eigen::Index(i), Eigen::Index(j))});
    const size_t keep = std::min(pairs.size(), size_t(std::max(0, count)));
    std::partial_sort(pairs.begin(), pairs.begin() + std::ptrdiff_t(keep), pairs.end(),
                      [](const SimilarityEdge& x, const SimilarityEdge& y) { return x.similarity > y.similarity; });
    pairs.resize(keep);
    return pairs;
}

double closestPairsCosine(const EmbeddingSet& set, int classA, int classB, int k, int perClassLimit)
{
    const std::vector<SimilarityEdge> best = closestCrossClassPairs(set, classA, classB, k, perClassLimit);
    if (best.empty()) return std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    for (const SimilarityEdge& pair : best) sum += pair.similarity;
    return sum / double(best.size());
}

} // namespace exemplar
