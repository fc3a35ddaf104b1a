#include "SimilarityStatistics.h"

#include "Error.h"
#include "Feedback.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace exemplar {

namespace {

void requireLabels(const Matrix& A, const std::vector<int>& labels)
{
    if (Eigen::Index(labels.size()) != A.rows())
        throw Error(QStringLiteral("internal: %1 labels for %2 embeddings").arg(labels.size()).arg(A.rows()));
}

class Binning {
public:
    Binning(SimilarityHistogram* histogram, int bins)
        : histogram_(histogram), bins_(bins), scale_(float(bins) / (histogram->high - histogram->low))
    {
        histogram->withinClass.assign(size_t(bins), 0);
        histogram->crossClass.assign(size_t(bins), 0);
    }
    void add(float similarity, bool sameClass)
    {
        const int bin = std::clamp(int((similarity - histogram_->low) * scale_), 0, bins_ - 1);
        ++(sameClass ? histogram_->withinClass : histogram_->crossClass)[size_t(bin)];
    }

private:
    SimilarityHistogram* histogram_;
    int bins_;
    float scale_;
};

// Every pair i < j of the rows ROWS of A, one block of rows of S at a time.
void countPairs(const Matrix& A, const std::vector<int>& labels, const std::vector<Eigen::Index>& rows,
                int blockRows, Binning* binning, const Feedback* feedback)
{
    const Eigen::Index n = Eigen::Index(rows.size());
    Matrix subset(n, A.cols()), block;
    for (Eigen::Index i = 0; i < n; ++i) subset.row(i) = A.row(rows[size_t(i)]);
    for (Eigen::Index start = 0; start + 1 < n; start += blockRows) {
        throwIfCanceled(feedback);
        const Eigen::Index height = std::min<Eigen::Index>(blockRows, n - start);
        // Only columns after the block's first row are needed (pairs i < j).
        const Eigen::Index firstColumn = start + 1;
        block.noalias() = subset.middleRows(start, height) * subset.bottomRows(n - firstColumn).transpose();
        for (Eigen::Index r = 0; r < height; ++r) {
            const int label = labels[size_t(rows[size_t(start + r)])];
            for (Eigen::Index j = start + r + 1; j < n; ++j)
                binning->add(block(r, j - firstColumn), label == labels[size_t(rows[size_t(j)])]);
        }
    }
}

} // namespace

Matrix classMeanSimilarity(const Matrix& A, const std::vector<int>& labels, int classCount)
{
    requireLabels(A, labels);
    // Sum of S over block (a, b) = (Σ_{i∈a} x_i)·(Σ_{j∈b} x_j); the diagonal block also holds the
    // n_a self-pairs x_i·x_i, which are subtracted.
    Matrix sums = Matrix::Zero(classCount, A.cols());
    std::vector<double> counts(size_t(classCount), 0), selfSimilarity(size_t(classCount), 0);
    for (Eigen::Index i = 0; i < A.rows(); ++i) {
        const int c = labels[size_t(i)];
        if (c < 0 || c >= classCount) throw Error(QStringLiteral("internal: label %1 out of range").arg(c));
        sums.row(c) += A.row(i);
        counts[size_t(c)] += 1;
        selfSimilarity[size_t(c)] += double(A.row(i).squaredNorm());
    }
    const Eigen::MatrixXd blockSums = (sums * sums.transpose()).cast<double>();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Matrix means(classCount, classCount);
    for (int a = 0; a < classCount; ++a)
        for (int b = 0; b < classCount; ++b) {
            const double pairs = a == b ? counts[size_t(a)] * (counts[size_t(a)] - 1) : counts[size_t(a)] * counts[size_t(b)];
            const double sum = a == b ? blockSums(a, a) - selfSimilarity[size_t(a)] : blockSums(a, b);
            means(a, b) = pairs > 0 ? float(sum / pairs) : nan;
        }
    return means;
}

Matrix similarityBlock(const Matrix& A, const std::vector<int>& rows, const std::vector<int>& columns)
{
    Matrix left(Eigen::Index(rows.size()), A.cols()), right(Eigen::Index(columns.size()), A.cols());
    for (size_t i = 0; i < rows.size(); ++i) left.row(Eigen::Index(i)) = A.row(rows[i]);
    for (size_t j = 0; j < columns.size(); ++j) right.row(Eigen::Index(j)) = A.row(columns[j]);
    return left * right.transpose();
}

qint64 SimilarityHistogram::pairsCounted() const
{
    qint64 total = 0;
    for (qint64 count : withinClass) total += count;
    for (qint64 count : crossClass) total += count;
    return total;
}

SimilarityHistogram similarityHistogram(const Matrix& A, const std::vector<int>& labels,
                                        const SimilarityHistogramOptions& options, const Feedback* feedback)
{
    requireLabels(A, labels);
    if (options.bins < 1 || options.blockRows < 1 || options.maxPairs < 1)
        throw Error(QStringLiteral("internal: bad similarity histogram options"));
    SimilarityHistogram histogram;
    Binning binning(&histogram, options.bins);
    const qint64 n = A.rows();
    std::vector<Eigen::Index> rows(static_cast<size_t>(n));
    std::iota(rows.begin(), rows.end(), Eigen::Index(0));
    histogram.sampled = n * (n - 1) / 2 > options.maxPairs;
    if (histogram.sampled) {
        // All pairs within a seeded random subset of rows: an unbiased sample of pairs that still
        // goes through matrix products (random single pairs would be memory-bound).
        const qint64 keep = std::max<qint64>(2, qint64(std::sqrt(2.0 * double(options.maxPairs))));
        std::mt19937_64 generator(options.seed);
        std::shuffle(rows.begin(), rows.end(), generator);
        rows.resize(size_t(keep));
        std::sort(rows.begin(), rows.end());
    }
    countPairs(A, labels, rows, options.blockRows, &binning, feedback);
    return histogram;
}

} // namespace exemplar
