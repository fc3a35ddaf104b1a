#include "BackgroundSpread.h"

#include "Error.h"
#include "Feedback.h"
#include "Random.h"

#include <QByteArrayView>
#include <QHash>
#include <QMutex>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <map>

namespace exemplar {

namespace {

// An orthonormal basis of the columns of Y (thin Q of its QR decomposition).
Eigen::MatrixXd orthonormalColumns(const Eigen::MatrixXd& Y)
{
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(Y);
    return qr.householderQ() * Eigen::MatrixXd::Identity(Y.rows(), Y.cols());
}

} // namespace

Matrix leadingAxes(const Matrix& X, int axes, const Feedback* feedback)
{
    const Eigen::Index n = X.rows(), d = X.cols();
    if (n == 0 || d == 0 || axes <= 0) return Matrix(0, d);
    // A sketch a little wider than the axes asked for catches them well; with as many columns as
    // X has rows it holds X's whole column space, and the result is exact.
    const Eigen::Index width = std::min<Eigen::Index>({n, d, Eigen::Index(axes) + 16});
    Random random(0x5eed);  // fixed: the same background gives the same axes on every run
    Eigen::MatrixXf sketch(d, width);
    for (Eigen::Index j = 0; j < width; ++j)
        for (Eigen::Index i = 0; i < d; ++i) sketch(i, j) = (random.next() & 1) ? 1.0f : -1.0f;
    throwIfCanceled(feedback);
    Eigen::MatrixXd Q = orthonormalColumns((X * sketch).cast<double>());
    for (int iteration = 0; iteration < 2; ++iteration) {  // power iterations sharpen the leading axes
        throwIfCanceled(feedback);
        const Eigen::MatrixXd Z = orthonormalColumns((X.transpose() * Q.cast<float>()).cast<double>());
        throwIfCanceled(feedback);
        Q = orthonormalColumns((X * Z.cast<float>()).cast<double>());
    }
    // X ≈ Q·B with B = Qᵀ·X (width×d); B's right singular vectors scaled by its singular values
    // are Uᵀ·B, where U holds the eigenvectors of B·Bᵀ.
    throwIfCanceled(feedback);
    const Eigen::MatrixXd B = (Q.cast<float>().transpose() * X).cast<double>();
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(B * B.transpose());
    if (eigen.info() != Eigen::Success) throw Error(QStringLiteral("background spread: the eigendecomposition failed"));
    const Eigen::VectorXd values = eigen.eigenvalues();  // ascending
    const double largest = values.size() ? values.maxCoeff() : 0.0;
    Eigen::Index kept = 0;
    while (kept < std::min<Eigen::Index>(axes, values.size()) && values[values.size() - 1 - kept] > 1e-12 * largest
           && largest > 0)
        ++kept;
    Matrix result(kept, d);
    for (Eigen::Index k = 0; k < kept; ++k)
        result.row(k) = (eigen.eigenvectors().col(values.size() - 1 - k).transpose() * B).cast<float>();
    return result;
}

namespace {

// Adds PLACES (rows, each standing for WEIGHTS[i] photos) to the span of SPREAD: as they are when
// there are at most MAX_AXES of them, else as their weighted mean (a place) and the leading axes of
// the places around it (offsets).
void addPlaces(const Matrix& places, const Eigen::VectorXf& weights, int maxAxes, BackgroundSpread& spread,
               const Feedback* feedback)
{
    if (places.rows() == 0) return;
    const auto append = [](Matrix& to, const Matrix& rows) {
        const Eigen::Index before = to.rows();
        to.conservativeResize(before + rows.rows(), rows.cols());
        to.bottomRows(rows.rows()) = rows;
    };
    const auto appendWeights = [&spread](const Eigen::VectorXf& added) {
        const Eigen::Index before = spread.positionWeights.size();
        spread.positionWeights.conservativeResize(before + added.size());
        spread.positionWeights.tail(added.size()) = added;
    };
    if (places.rows() <= maxAxes) {
        append(spread.positions, places);
        appendWeights(weights);
        return;
    }
    const RowVector mean = (weights.transpose() * places) / weights.sum();
    Matrix around = places.rowwise() - mean;
    for (Eigen::Index i = 0; i < around.rows(); ++i) around.row(i) *= std::sqrt(weights[i]);
    append(spread.positions, mean);
    appendWeights(Eigen::VectorXf::Constant(1, weights.sum()));
    append(spread.betweenAxes, leadingAxes(around, maxAxes, feedback));
}

} // namespace

BackgroundSpread BackgroundSpread::of(const Matrix& background, const std::vector<int>& kinds, int maxAxes,
                                      const Feedback* feedback)
{
    if (kinds.size() != size_t(background.rows()))
        throw Error(QStringLiteral("background spread: %1 kinds for %2 background photos")
                        .arg(kinds.size()).arg(background.rows()));
    if (maxAxes < 1) throw Error(QStringLiteral("background spread: no axes to keep"));
    if (!background.allFinite()) throw Error(QStringLiteral("background spread: a background photo's embedding is not finite"));
    throwIfCanceled(feedback);  // e.g. a job that waited for another's summary, canceled meanwhile
    BackgroundSpread spread;
    const Eigen::Index n = background.rows(), d = background.cols();
    // Three steps: the spread within kinds (n photos' offsets), the kinds' places, the places of
    // the photos without a kind; each is long only when it holds many photos.
    const QString what = QStringLiteral("summarizing %1 background photos").arg(n);
    reportProgress(feedback, 0, 3, what);
    spread.photos = int(n);
    spread.positions.resize(0, d);
    spread.betweenAxes.resize(0, d);
    spread.mean = n > 0 ? Vector(background.colwise().mean().transpose()) : Vector::Zero(d);
    spread.sumOfSquares = (background.rowwise() - spread.mean.transpose()).cast<double>().squaredNorm();

    // The kinds, numbered in order of appearance; a photo without a kind (−1) has no spread within
    // one but still widens the span.
    std::map<int, int> indexOfKind;
    std::vector<int> kindIndex(static_cast<size_t>(n), -1);
    std::vector<Eigen::Index> kindless;
    for (Eigen::Index i = 0; i < n; ++i) {
        const int kind = kinds[size_t(i)];
        if (kind < 0) {
            kindless.push_back(i);
            continue;
        }
        ++spread.photosWithKind;
        kindIndex[size_t(i)] = indexOfKind.emplace(kind, int(indexOfKind.size())).first->second;
    }
    const int kindCount = int(indexOfKind.size());
    Matrix means = Matrix::Zero(kindCount, d);
    Eigen::VectorXf counts = Eigen::VectorXf::Zero(kindCount);
    for (Eigen::Index i = 0; i < n; ++i) {
        if (kindIndex[size_t(i)] < 0) continue;
        means.row(kindIndex[size_t(i)]) += background.row(i);
        counts[kindIndex[size_t(i)]] += 1;
    }
    for (int k = 0; k < kindCount; ++k) means.row(k) /= counts[k];
    Matrix offsets(spread.photosWithKind, d);
    for (Eigen::Index i = 0, row = 0; i < n; ++i)
        if (kindIndex[size_t(i)] >= 0) offsets.row(row++) = background.row(i) - means.row(kindIndex[size_t(i)]);
    spread.withinAxes = leadingAxes(offsets, maxAxes, feedback);
    reportProgress(feedback, 1, 3, what);

    // The kinds' means and the photos without a kind each within their own bound, so that unsorted
    // photos never blur the kinds' places.
    addPlaces(means, counts, maxAxes, spread, feedback);
    reportProgress(feedback, 2, 3, what);
    Matrix loose(Eigen::Index(kindless.size()), d);
    for (size_t j = 0; j < kindless.size(); ++j) loose.row(Eigen::Index(j)) = background.row(kindless[j]);
    addPlaces(loose, Eigen::VectorXf::Ones(loose.rows()), maxAxes, spread, feedback);
    reportProgress(feedback, 3, 3, what);
    return spread;
}

std::shared_ptr<const BackgroundSpread> BackgroundSpread::reused(const Matrix& background, const std::vector<int>& kinds,
                                                                 int maxAxes, const Feedback* feedback)
{
    struct Key {
        size_t photosHash = 0, kindsHash = 0;
        Eigen::Index rows = -1, cols = -1;
        int maxAxes = 0;
        bool operator==(const Key& o) const
        {
            return photosHash == o.photosHash && kindsHash == o.kindsHash && rows == o.rows && cols == o.cols
                && maxAxes == o.maxAxes;
        }
    };
    const Key key{qHash(QByteArrayView(reinterpret_cast<const char*>(background.data()),
                                       qsizetype(background.size() * qsizetype(sizeof(float))))),
                  qHash(QByteArrayView(reinterpret_cast<const char*>(kinds.data()),
                                       qsizetype(kinds.size() * sizeof(int)))),
                  background.rows(), background.cols(), maxAxes};
    // Held while computing: auto's parallel jobs all ask for the same background at once, and
    // the second should wait for the first's summary rather than compute it again.
    static QMutex mutex;
    static Key lastKey;
    static std::shared_ptr<const BackgroundSpread> last;
    const QMutexLocker lock(&mutex);
    if (last && lastKey == key) return last;
    last.reset();  // frees the previous summary before the next is built
    last = std::make_shared<const BackgroundSpread>(of(background, kinds, maxAxes, feedback));
    lastKey = key;
    return last;
}

} // namespace exemplar
