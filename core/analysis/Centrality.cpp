#include "Centrality.h"

#include "Error.h"

#include <algorithm>
#include <numeric>

namespace exemplar {

Vector eigenvectorCentrality(const Matrix& A, const CentralityOptions& options)
{
    const Eigen::Index n = A.rows();
    if (n == 0) return Vector();
    if (n == 1) return Vector::Ones(1);

    // Start from the row sums of S (degree centrality), computed matrix-free as A·(Aᵀ·1): it is
    // already close to the answer for similarity graphs, so few iterations are needed.
    Vector x = A * (A.transpose() * Vector::Ones(n)).eval();
    if (!(x.norm() > 0)) x = Vector::Ones(n);
    x.normalize();
    for (int iteration = 0; iteration < options.maxIterations; ++iteration) {
        Vector next = A * (A.transpose() * x).eval();
        const float norm = next.norm();
        if (!(norm > 0)) break;  // S = 0: every node is equally (un)important
        next /= norm;
        const double change = (next - x).norm();
        x = std::move(next);
        if (change < options.tolerance) break;
    }
    if (x.sum() < 0) x = -x;
    return x;
}

Vector centralityScores(const Matrix& A, const std::vector<int>& labels, int classCount,
                        CentralityScope scope, const CentralityOptions& options)
{
    if (size_t(A.rows()) != labels.size())
        throw Error(QStringLiteral("internal: %1 embeddings but %2 labels").arg(A.rows()).arg(labels.size()));
    if (scope == CentralityScope::WholeGraph) return eigenvectorCentrality(A, options);

    Vector scores(A.rows());
    for (int c = 0; c < classCount; ++c) {
        std::vector<Eigen::Index> rows;
        for (size_t i = 0; i < labels.size(); ++i)
            if (labels[i] == c) rows.push_back(Eigen::Index(i));
        if (rows.empty()) continue;
        const Matrix block = A(rows, Eigen::all);
        const Vector blockScores = eigenvectorCentrality(block, options);
        for (size_t i = 0; i < rows.size(); ++i) scores[rows[i]] = blockScores[Eigen::Index(i)];
    }
    return scores;
}

std::vector<std::vector<int>> rankLeastCentralFirst(const Vector& centrality,
                                                    const std::vector<int>& labels, int classCount)
{
    std::vector<std::vector<int>> ranking(static_cast<size_t>(classCount));
    for (size_t i = 0; i < labels.size(); ++i) ranking[size_t(labels[i])].push_back(int(i));
    for (auto& rows : ranking)
        std::stable_sort(rows.begin(), rows.end(),
                         [&](int a, int b) { return centrality[a] < centrality[b]; });
    return ranking;
}

std::vector<int> keepLeastCentral(const std::vector<std::vector<int>>& ranking,
                                  const std::vector<int>& kPerClass)
{
    std::vector<int> kept;
    for (size_t c = 0; c < ranking.size(); ++c) {
        const int k = std::clamp(c < kPerClass.size() ? kPerClass[c] : 0, 0, int(ranking[c].size()));
        kept.insert(kept.end(), ranking[c].begin(), ranking[c].begin() + k);
    }
    return kept;
}

} // namespace exemplar
