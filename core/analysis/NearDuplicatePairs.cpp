#include "NearDuplicatePairs.h"

#include "Feedback.h"
#include "Random.h"

#include <QString>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace exemplar {

namespace {

constexpr Eigen::Index kRowsPerBlock = 256;  // similarity rows held at once: O(256·N) memory
constexpr double kPi = 3.14159265358979323846;
constexpr int kHashTables = 24;              // locality-sensitive hashing of large projects
constexpr int kHashBits = 16;                // bits per table's signature

const QString kSearching = QStringLiteral("looking for near-duplicate photos");

// Every pair i < j, a block of rows of S at a time (only the columns after the block's first row).
void exactPairs(const Matrix& A, double threshold, const NearPairVisitor& visit, const Feedback* feedback)
{
    const Eigen::Index n = A.rows();
    Matrix block;
    for (Eigen::Index start = 0; start + 1 < n; start += kRowsPerBlock) {
        throwIfCanceled(feedback);
        reportProgress(feedback, start, n, kSearching);
        const Eigen::Index rows = std::min(kRowsPerBlock, n - start);
        block.noalias() = A.middleRows(start, rows) * A.bottomRows(n - start).transpose();
        for (Eigen::Index r = 0; r < rows; ++r)
            for (Eigen::Index c = r + 1; c < block.cols(); ++c)
                if (block(r, c) >= threshold) visit(int(start + r), int(start + c), block(r, c));
    }
}

// A standard normal draw from the platform-independent generator (Box–Muller).
double gaussian(Random* random)
{
    const double u1 = (double(random->next() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
    const double u2 = double(random->next() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

// The expected share of pairs at cosine THRESHOLD that share a signature in at least one table:
// a random hyperplane separates two unit vectors with probability angle/π.
double hashingRecall(double threshold)
{
    const double sameBit = 1.0 - std::acos(std::clamp(threshold, -1.0, 1.0)) / kPi;
    return 1.0 - std::pow(1.0 - std::pow(sameBit, kHashBits), kHashTables);
}

// Random-hyperplane locality-sensitive hashing: photos whose signatures agree in some table are
// candidate pairs, checked exactly. O(N·d) for the signatures plus the colliding pairs.
void hashedPairs(const Matrix& A, double threshold, quint64 seed, const NearPairVisitor& visit,
                 const Feedback* feedback)
{
    const Eigen::Index n = A.rows();
    Random random(seed);
    Matrix planes(A.cols(), kHashTables * kHashBits);
    for (Eigen::Index i = 0; i < planes.rows(); ++i)
        for (Eigen::Index j = 0; j < planes.cols(); ++j) planes(i, j) = float(gaussian(&random));
    std::vector<quint32> signatures(size_t(n) * kHashTables, 0);  // photo-major
    Matrix projected;
    for (Eigen::Index start = 0; start < n; start += 16 * kRowsPerBlock) {
        throwIfCanceled(feedback);
        const Eigen::Index rows = std::min(16 * kRowsPerBlock, n - start);
        projected.noalias() = A.middleRows(start, rows) * planes;
        for (Eigen::Index r = 0; r < rows; ++r)
            for (int t = 0; t < kHashTables; ++t) {
                quint32 signature = 0;
                for (int b = 0; b < kHashBits; ++b) signature = (signature << 1) | (projected(r, t * kHashBits + b) > 0);
                signatures[size_t(start + r) * kHashTables + size_t(t)] = signature;
            }
    }
    std::vector<int> order(static_cast<size_t>(n));
    for (int t = 0; t < kHashTables; ++t) {
        throwIfCanceled(feedback);
        reportProgress(feedback, t, kHashTables, kSearching);
        auto key = [&](int i) { return signatures[size_t(i) * kHashTables + size_t(t)]; };
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int a, int b) { return key(a) != key(b) ? key(a) < key(b) : a < b; });
        for (size_t first = 0, last = 0; first < order.size(); first = last) {
            while (last < order.size() && key(order[last]) == key(order[first])) ++last;
            for (size_t p = first; p < last; ++p)
                for (size_t q = p + 1; q < last; ++q) {
                    const int i = order[p], j = order[q];  // i < j: the sort breaks ties by row
                    const double similarity = A.row(i).dot(A.row(j));
                    if (similarity >= threshold) visit(i, j, similarity);
                }
        }
    }
}

} // namespace

NearDuplicateSearchResult findNearDuplicatePairs(const Matrix& A, const NearDuplicateSearch& search,
                                                 const NearPairVisitor& visit, const Feedback* feedback)
{
    NearDuplicateSearchResult result;
    const double cosine = search.cosine > 0 ? search.cosine : kNearDuplicateCosine;
    if (A.rows() <= search.exactPairsUpTo) {
        exactPairs(A, cosine, visit, feedback);
    } else {
        hashedPairs(A, cosine, search.seed, visit, feedback);
        result.hashed = true;
        result.recall = hashingRecall(cosine);
    }
    reportProgress(feedback, 1, 1, kSearching);
    return result;
}

namespace {
// One fingerprint per row of the candidates and of the others, or none (cosines alone decide).
struct RowFingerprints {
    const std::vector<PictureFingerprint>* candidates = nullptr;
    const std::vector<PictureFingerprint>* others = nullptr;
};

// Whether candidate ROW shows the same picture as one of OTHERS (both fingerprinted, one per row)
// whose embedding is at least kSamePictureMinCosine alike (COSINES: the candidate's row of them).
bool samePictureAsAny(const RowFingerprints& fingerprints, Eigen::Index row, Eigen::Index candidateRows,
                      const Eigen::Ref<const RowVector>& cosines)
{
    if (!fingerprints.candidates || !fingerprints.others || fingerprints.candidates->size() != size_t(candidateRows) ||
        fingerprints.others->size() != size_t(cosines.size()))
        return false;
    const PictureFingerprint& candidate = (*fingerprints.candidates)[size_t(row)];
    for (size_t other = 0; other < fingerprints.others->size(); ++other)
        if (cosines[Eigen::Index(other)] >= kSamePictureMinCosine && samePicture(candidate, (*fingerprints.others)[other]))
            return true;
    return false;
}

// The rows of CANDIDATES to keep, in their order.
std::vector<int> rowsToKeep(const Matrix& candidates, const Matrix& others, double cosine,
                            const RowFingerprints& fingerprints)
{
    std::vector<int> kept;
    // In blocks of candidates, so that the product stays small however many photos there are.
    constexpr Eigen::Index kBlock = 512;
    for (Eigen::Index start = 0; start < candidates.rows(); start += kBlock) {
        const Eigen::Index rows = std::min(kBlock, candidates.rows() - start);
        if (others.rows() == 0) {
            for (Eigen::Index i = 0; i < rows; ++i) kept.push_back(int(start + i));
            continue;
        }
        const Matrix cosines = candidates.middleRows(start, rows) * others.transpose();
        for (Eigen::Index i = 0; i < rows; ++i)
            if (cosines.row(i).maxCoeff() < cosine &&
                !samePictureAsAny(fingerprints, start + i, candidates.rows(), cosines.row(i)))
                kept.push_back(int(start + i));
    }
    return kept;
}
} // namespace

Matrix rowsNotNearIdenticalTo(const Matrix& candidates, const Matrix& others, double cosine, int* leftOut,
                              std::vector<int>* keptRows)
{
    const std::vector<int> kept = rowsToKeep(candidates, others, cosine, {});
    if (leftOut) *leftOut = int(candidates.rows() - Eigen::Index(kept.size()));
    if (keptRows) *keptRows = kept;
    Matrix result(Eigen::Index(kept.size()), candidates.cols());
    for (size_t k = 0; k < kept.size(); ++k) result.row(Eigen::Index(k)) = candidates.row(kept[k]);
    return result;
}

EmbeddingSet photosNotNearIdenticalTo(const EmbeddingSet& candidates, const EmbeddingSet& others, double cosine,
                                      int* leftOut)
{
    const std::vector<int> kept =
        rowsToKeep(candidates.vectors, others.vectors, cosine, {&candidates.fingerprints, &others.fingerprints});
    if (leftOut) *leftOut = int(candidates.vectors.rows() - Eigen::Index(kept.size()));
    return candidates.subset(kept);
}

} // namespace exemplar
