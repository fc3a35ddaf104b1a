#include "WeightedF1Interval.h"

#include "Error.h"
#include "Random.h"

#include <QHash>
#include <algorithm>

namespace exemplar {
namespace {

// Weighted F1 of the photos counted COUNT times each (a resample), without building a Metrics.
class WeightedF1Counter {
public:
    WeightedF1Counter(const std::vector<int>& truth, const std::vector<int>& predicted, int classCount)
        : truth_(truth), predicted_(predicted), support_(size_t(classCount)), predictedCount_(size_t(classCount)),
          truePositives_(size_t(classCount))
    {
    }

    double operator()(const std::vector<int>& count)
    {
        std::fill(support_.begin(), support_.end(), 0);
        std::fill(predictedCount_.begin(), predictedCount_.end(), 0);
        std::fill(truePositives_.begin(), truePositives_.end(), 0);
        long total = 0;
        for (size_t i = 0; i < truth_.size(); ++i) {
            if (count[i] == 0) continue;
            const int t = truth_[i], p = predicted_[i];
            support_[size_t(t)] += count[i];
            total += count[i];
            if (p >= 0) predictedCount_[size_t(p)] += count[i];
            if (p == t) truePositives_[size_t(t)] += count[i];
        }
        double weighted = 0;
        for (size_t c = 0; c < support_.size(); ++c) {
            // F1 = 2·TP / (true photos + predicted photos), the same as from precision and recall.
            const long denominator = support_[c] + predictedCount_[c];
            if (denominator > 0) weighted += support_[c] * (2.0 * truePositives_[c] / double(denominator));
        }
        return total > 0 ? weighted / double(total) : 0.0;
    }

private:
    const std::vector<int>& truth_;
    const std::vector<int>& predicted_;
    std::vector<long> support_, predictedCount_, truePositives_;
};

} // namespace

double weightedF1EffectivePictures(const std::vector<int>& truth, const std::vector<int>& predicted, int classCount,
                                   const std::vector<int>& pictureOf, quint64 seed, int resamples)
{
    const Metrics metrics = Metrics::compute(truth, predicted, classCount);  // checks the labels
    if (!pictureOf.empty() && pictureOf.size() != truth.size())
        throw Error(QStringLiteral("cannot compute a weighted F1 interval: %1 photos but %2 picture numbers")
                        .arg(truth.size())
                        .arg(pictureOf.size()));
    if (truth.empty()) return 0;
    if (resamples < 2) throw Error(QStringLiteral("a weighted F1 interval needs at least two resamples"));

    // The photos of each picture, pictures numbered 0…P−1 in order of first appearance.
    std::vector<std::vector<int>> photosOfPicture;
    QHash<int, int> pictureIndex;
    for (size_t i = 0; i < truth.size(); ++i) {
        const int key = pictureOf.empty() ? int(i) : pictureOf[i];
        auto found = pictureIndex.find(key);
        if (found == pictureIndex.end()) {
            found = pictureIndex.insert(key, int(photosOfPicture.size()));
            photosOfPicture.emplace_back();
        }
        photosOfPicture[size_t(*found)].push_back(int(i));
    }
    const size_t pictures = photosOfPicture.size();

    Random random(seed);
    WeightedF1Counter weightedF1(truth, predicted, classCount);
    std::vector<int> count(truth.size());
    std::vector<double> values;
    values.reserve(size_t(resamples));
    for (int r = 0; r < resamples; ++r) {
        std::fill(count.begin(), count.end(), 0);
        for (size_t k = 0; k < pictures; ++k)
            for (int photo : photosOfPicture[random.below(pictures)]) ++count[size_t(photo)];
        values.push_back(weightedF1(count));
    }
    // Two passes: the one-pass sum of squares leaves a rounding residue where every resample is
    // alike, and a residue taken for a spread would make the interval a point.
    double mean = 0, variance = 0;
    for (double v : values) mean += v;
    mean /= double(values.size());
    for (double v : values) variance += (v - mean) * (v - mean);
    variance /= double(values.size() - 1);

    // The number of independent pictures that would vary as much. Without any spread (every
    // picture right, or every one wrong, or one picture) that is the pictures themselves.
    const double f = metrics.weightedF1;
    const double spreadOfOne = f * (1 - f);
    const bool spread = variance > 1e-12 * spreadOfOne;
    return spread && spreadOfOne > 0 ? std::min(spreadOfOne / variance, 1e9) : double(pictures);
}

ProportionInterval weightedF1IntervalAt(double weightedF1, double effectivePictures)
{
    const ProportionInterval interval = wilsonIntervalOfShare(weightedF1, effectivePictures);
    return {std::min(weightedF1, interval.low), std::max(weightedF1, interval.high)};
}

ProportionInterval weightedF1Interval(const std::vector<int>& truth, const std::vector<int>& predicted, int classCount,
                                      const std::vector<int>& pictureOf, quint64 seed, int resamples)
{
    const double f = Metrics::compute(truth, predicted, classCount).weightedF1;  // checks the labels
    if (truth.empty() || resamples < 2) return {};
    return weightedF1IntervalAt(f, weightedF1EffectivePictures(truth, predicted, classCount, pictureOf, seed, resamples));
}

} // namespace exemplar
