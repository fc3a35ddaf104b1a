#include "SimilarityAnalysis.h"

#include "Centrality.h"
#include "EmbeddingSet.h"
#include "Feedback.h"
#include "SimilarityStatistics.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace exemplar {

namespace {

// Keeps the strongest edges without ever holding all N² pairs: trims to the best kMaxEdges
// whenever twice as many have piled up.
void trimEdges(std::vector<SimilarityEdge>* edges, size_t keep)
{
    if (edges->size() <= keep) return;
    std::nth_element(edges->begin(), edges->begin() + long(keep), edges->end(),
                     [](const SimilarityEdge& x, const SimilarityEdge& y) { return x.similarity > y.similarity; });
    edges->resize(keep);
}

Eigen::VectorXd leadingAxis(const Eigen::MatrixXd& X, const Eigen::VectorXd* orthogonalTo)
{
    Eigen::VectorXd v = Eigen::VectorXd::Ones(X.cols());
    for (Eigen::Index i = 0; i < v.size(); ++i) v[i] += 0.01 * double(i % 7);  // break symmetry
    for (int iteration = 0; iteration < 300; ++iteration) {
        if (orthogonalTo) v -= orthogonalTo->dot(v) * (*orthogonalTo);
        Eigen::VectorXd next = X.transpose() * (X * v);
        if (orthogonalTo) next -= orthogonalTo->dot(next) * (*orthogonalTo);
        const double norm = next.norm();
        if (norm <= 0) break;
        next /= norm;
        const double change = (next - v).norm();
        v = next;
        if (change < 1e-9) break;
    }
    return v;
}

} // namespace

std::vector<int> evenSample(int n, int limit)
{
    std::vector<int> rows;
    const int m = std::min(n, limit);
    rows.reserve(size_t(m));
    for (int k = 0; k < m; ++k) rows.push_back(int(qint64(k) * n / m));  // evenly spaced, ascending
    return rows;
}

Eigen::MatrixX2d classicalMds(const Matrix& vectors)
{
    Eigen::MatrixX2d layout(vectors.rows(), 2);
    if (vectors.rows() == 0) return layout;
    Eigen::MatrixXd X = vectors.cast<double>();
    X.rowwise() -= X.colwise().mean();
    const Eigen::VectorXd first = leadingAxis(X, nullptr);
    const Eigen::VectorXd second = leadingAxis(X, &first);
    layout.col(0) = X * first;
    layout.col(1) = X * second;
    return layout;
}

SimilarityAnalysis analyzeSimilarity(const EmbeddingSet& set, Feedback* feedback)
{
    SimilarityAnalysis analysis;
    const int n = set.size();
    analysis.size = n;
    if (n == 0) return analysis;
    const QString what = QCoreApplication::translate("SimilarityAnalysis", "similarity of every photo pair");
    const bool keepFull = n <= kFullSimilarityLimit;
    if (keepFull) analysis.similarity.resize(n, n);
    analysis.graphRows = evenSample(n, kGraphNodeLimit);
    const int m = int(analysis.graphRows.size());
    Matrix drawn(m, set.dim());
    for (int k = 0; k < m; ++k) drawn.row(k) = set.vectors.row(analysis.graphRows[size_t(k)]);

    // Pairs of drawn photos, in row blocks: the full S (small projects) or only its strongest edges.
    const int block = 256;
    const qint64 steps = (m + block - 1) / block + 3;
    for (int start = 0, step = 0; start < m; start += block, ++step) {
        throwIfCanceled(feedback);
        reportProgress(feedback, step, steps, what);
        const int rows = std::min(block, m - start);
        const Matrix part = drawn.middleRows(start, rows) * drawn.transpose();  // rows × m
        if (keepFull) analysis.similarity.middleRows(start, rows) = part;  // m == n here
        for (int r = 0; r < rows; ++r) {
            const int k = start + r;
            for (int j = k + 1; j < m; ++j)
                analysis.edges.push_back({analysis.graphRows[size_t(k)], analysis.graphRows[size_t(j)], part(r, j)});
            if (analysis.edges.size() > 2 * SimilarityAnalysis::kMaxEdges)
                trimEdges(&analysis.edges, SimilarityAnalysis::kMaxEdges);
        }
    }
    trimEdges(&analysis.edges, SimilarityAnalysis::kMaxEdges);
    std::sort(analysis.edges.begin(), analysis.edges.end(),
              [](const SimilarityEdge& x, const SimilarityEdge& y) { return x.similarity > y.similarity; });

    reportProgress(feedback, steps - 3, steps, QCoreApplication::translate("SimilarityAnalysis", "similarity histogram"));
    analysis.crossClass = crossClassHistogram(set, {}, feedback);
    analysis.classMeans = classMeanSimilarity(set, {});
    reportProgress(feedback, steps - 2, steps, QCoreApplication::translate("SimilarityAnalysis", "eigenvector centrality"));
    analysis.centrality = centralityScores(set.vectors, set.labels, set.classCount(), CentralityScope::WholeGraph);
    throwIfCanceled(feedback);
    analysis.classCentrality = centralityScores(set.vectors, set.labels, set.classCount(), CentralityScope::WithinClass);
    throwIfCanceled(feedback);
    reportProgress(feedback, steps - 1, steps, QCoreApplication::translate("SimilarityAnalysis", "2-D layout"));
    analysis.layout = classicalMds(set.vectors);
    reportProgress(feedback, steps, steps, what);
    return analysis;
}

Histogram crossClassHistogram(const EmbeddingSet& set, const std::vector<int>& rows, const Feedback* feedback)
{
    // All rows: SET itself (never a copy: it can hold hundreds of megabytes).
    const SimilarityHistogram counted = rows.empty()
                                            ? similarityHistogram(set.vectors, set.labels, {}, feedback)
                                            : [&] {
                                                  const EmbeddingSet part = set.subset(rows);
                                                  return similarityHistogram(part.vectors, part.labels, {}, feedback);
                                              }();
    Histogram histogram;
    histogram.lo = counted.low;
    histogram.hi = counted.high;
    histogram.sampled = counted.sampled;
    for (qint64 count : counted.crossClass) {
        histogram.counts.push_back(double(count));
        histogram.total += double(count);
    }
    return histogram;
}

Matrix classMeanSimilarity(const EmbeddingSet& set, const std::vector<int>& rows)
{
    if (rows.empty()) return exemplar::classMeanSimilarity(set.vectors, set.labels, set.classCount());
    const EmbeddingSet part = set.subset(rows);
    return exemplar::classMeanSimilarity(part.vectors, part.labels, set.classCount());
}

} // namespace exemplar
