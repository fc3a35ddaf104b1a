#include "LearningCurve.h"

#include "DuplicateGroups.h"
#include "EmbeddingSet.h"
#include "Error.h"
#include "Feedback.h"
#include "HonestEvaluation.h"
#include "Metrics.h"
#include "Random.h"
#include "TrainingMethods.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace exemplar {

namespace {

constexpr int kBootstrapRounds = 200;
// Exponents tried by the fit. Small ones matter: few-shot curves of fine-grained classes rise
// about linearly in log m over 1–10 photos (cars24: exponents of 0.2 and below fitted best), and
// the asymptote ≤ 1 keeps such a curve bounded. Above 3 the law is a step no few-shot classifier shows.
constexpr double kExponentMin = 0.02, kExponentMax = 3.0, kExponentStep = 0.02;

int medianPhotosPerClass(const EmbeddingSet& data)
{
    std::vector<int> counts = data.countsPerClass();
    if (counts.empty()) return 0;
    std::nth_element(counts.begin(), counts.begin() + long(counts.size() / 2), counts.end());
    return counts[counts.size() / 2];
}

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const double position = fraction * double(values.size() - 1);
    const size_t below = size_t(std::floor(position));
    const size_t above = std::min(values.size() - 1, below + 1);
    return values[below] + (position - double(below)) * (values[above] - values[below]);
}

double weightedSquaredError(const LearningCurveLaw& law, const std::vector<double>& sizes,
                            const std::vector<double>& accuracies, const std::vector<double>& weights)
{
    double error = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
        const double residual = accuracies[i] - law.at(sizes[i]);
        error += weights[i] * residual * residual;
    }
    return error;
}

// One trained sub-pool: which photos of the measured set it was scored on, and whether each was right.
struct Trial {
    std::vector<int> testRows;
    std::vector<char> correct;
};

// More trials where fewer photos are left to test on, so that every size is measured on about as
// many test photos as the smallest (at most three times the trials).
int trialsAt(int size, int typical, int trialsPerSize)
{
    const double ratio = double(typical - 1) / double(std::max(1, typical - size));
    return std::min(3 * trialsPerSize, int(std::ceil(trialsPerSize * ratio - 1e-9)));
}

bool fitPoints(const std::vector<LearningCurvePoint>& points, const std::vector<double>& means, LearningCurveLaw* law)
{
    std::vector<double> sizes, weights;
    for (const LearningCurvePoint& p : points) {
        sizes.push_back(p.photosPerClass);
        weights.push_back(std::max(1, p.testPhotos));
    }
    return fitLearningCurve(sizes, means, weights, law);
}

} // namespace

double LearningCurvePoint::meanAccuracy() const
{
    if (accuracies.empty()) return 0;
    return std::accumulate(accuracies.begin(), accuracies.end(), 0.0) / double(accuracies.size());
}

std::vector<int> learningCurveSizes(int typical, int maxSizes)
{
    std::vector<int> sizes;
    const int largest = typical - 1;
    if (largest < 2 || maxSizes < 2) return sizes;
    const int wanted = std::min(maxSizes, largest);
    for (int i = 0; i < wanted; ++i) {
        const double fraction = double(i) / double(wanted - 1);
        sizes.push_back(int(std::lround(std::pow(double(largest), fraction))));
    }
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    // Rounding merges small sizes; fill the gaps with the next unused sizes so MAXSIZES are measured.
    for (int m = 1; int(sizes.size()) < wanted && m <= largest; ++m)
        if (!std::binary_search(sizes.begin(), sizes.end(), m)) sizes.insert(std::lower_bound(sizes.begin(), sizes.end(), m), m);
    return sizes;
}

bool fitInversePowerLaw(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                        const std::vector<double>& weights, LearningCurveLaw* law)
{
    const size_t n = sizes.size();
    if (n < 2 || accuracies.size() != n || weights.size() != n) return false;
    double totalWeight = 0, weightedMean = 0;
    for (size_t i = 0; i < n; ++i) {
        totalWeight += weights[i];
        weightedMean += weights[i] * accuracies[i];
    }
    weightedMean /= totalWeight;
    // The flat line is the fallback: a curve that does not rise with more photos says "no gain".
    *law = LearningCurveLaw{};
    law->asymptote = weightedMean;
    law->exponent = 1;
    double bestError = weightedSquaredError(*law, sizes, accuracies, weights);
    for (double c = kExponentMin; c <= kExponentMax + 1e-9; c += kExponentStep) {
        // For a fixed exponent the law is linear in x = m^(−c): accuracy = a − b·x.
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (size_t i = 0; i < n; ++i) {
            const double x = std::pow(sizes[i], -c), w = weights[i];
            sw += w;
            sx += w * x;
            sy += w * accuracies[i];
            sxx += w * x * x;
            sxy += w * x * accuracies[i];
        }
        const double denominator = sw * sxx - sx * sx;
        if (std::abs(denominator) < 1e-12) continue;
        const double slope = (sw * sxy - sx * sy) / denominator;  // = −b
        LearningCurveLaw candidate;
        candidate.asymptote = (sy - slope * sx) / sw;
        candidate.scale = -slope;
        candidate.exponent = c;
        if (candidate.scale < 0 || candidate.asymptote > 1 || !std::isfinite(candidate.asymptote)) continue;
        const double error = weightedSquaredError(candidate, sizes, accuracies, weights);
        if (error < bestError) {
            bestError = error;
            *law = candidate;
        }
    }
    return true;
}

bool fitLogisticLaw(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                    const std::vector<double>& weights, LearningCurveLaw* law)
{
    const size_t n = sizes.size();
    if (n < 2 || accuracies.size() != n || weights.size() != n) return false;
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; ++i) {
        const double p = std::clamp(accuracies[i], 0.005, 0.995);
        const double x = std::log(sizes[i]), y = std::log(p / (1 - p));
        const double w = weights[i] * p * (1 - p);  // var(logit p̂) ≈ 1 / (n·p·(1−p))
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
    }
    const double denominator = sw * sxx - sx * sx;
    if (std::abs(denominator) < 1e-12) return false;
    *law = LearningCurveLaw{};
    law->shape = LearningCurveLaw::Shape::LogisticInLogSize;
    law->slope = (sw * sxy - sx * sy) / denominator;
    law->intercept = (sy - law->slope * sx) / sw;
    return std::isfinite(law->slope) && std::isfinite(law->intercept);
}

bool fitLearningCurve(const std::vector<double>& sizes, const std::vector<double>& accuracies,
                      const std::vector<double>& weights, LearningCurveLaw* law)
{
    if (!fitInversePowerLaw(sizes, accuracies, weights, law)) return false;
    LearningCurveLaw logistic;
    // A falling logistic would extrapolate a loss; the power law's flat line says "no gain" instead.
    if (fitLogisticLaw(sizes, accuracies, weights, &logistic) && logistic.slope > 0 &&
        weightedSquaredError(logistic, sizes, accuracies, weights) < weightedSquaredError(*law, sizes, accuracies, weights))
        *law = logistic;
    return true;
}

double LearningCurveLaw::at(double m) const
{
    if (m <= 0) return 0;
    if (shape == Shape::LogisticInLogSize) return 1 / (1 + std::exp(-(intercept + slope * std::log(m))));
    return std::clamp(asymptote - scale * std::pow(m, -exponent), 0.0, 1.0);
}

QString LearningCurveLaw::formula() const
{
    return shape == Shape::LogisticInLogSize ? QStringLiteral("1 / (1 + e^-(α + β·ln m))")
                                             : QStringLiteral("a - b·m^-c");
}

QJsonObject LearningCurveLaw::toJson() const
{
    if (shape == Shape::LogisticInLogSize)
        return {{QStringLiteral("law"), QStringLiteral("logistic in log m: accuracy(m) = 1 / (1 + exp(-(intercept + slope * ln m)))")},
                {QStringLiteral("intercept"), intercept},
                {QStringLiteral("slope"), slope}};
    return {{QStringLiteral("law"), QStringLiteral("inverse power: accuracy(m) = asymptote - scale * m^(-exponent)")},
            {QStringLiteral("asymptote"), asymptote},
            {QStringLiteral("scale"), scale},
            {QStringLiteral("exponent"), exponent}};
}

LearningCurveLaw LearningCurveLaw::fromJson(const QJsonObject& json)
{
    LearningCurveLaw law;
    if (json.value(QStringLiteral("law")).toString().startsWith(QLatin1String("logistic")))
        law.shape = Shape::LogisticInLogSize;
    law.asymptote = json.value(QStringLiteral("asymptote")).toDouble();
    law.scale = json.value(QStringLiteral("scale")).toDouble();
    law.exponent = json.value(QStringLiteral("exponent")).toDouble();
    law.intercept = json.value(QStringLiteral("intercept")).toDouble();
    law.slope = json.value(QStringLiteral("slope")).toDouble();
    return law;
}

double LearningCurve::accuracyAt(double m) const { return law.at(m); }

QString LearningCurve::summary() const
{
    if (!fitted) return reason;
    const auto percent = [](double v) { return QString::number(100 * v, 'f', 0); };
    // Both figures with their ranges: "today's" is a fit too, not a measurement.
    return QStringLiteral("With %1 more photos per class (%2), expect about %3% (%4–%5%); today's %6 give about %7% "
                          "(%8–%9%).")
        .arg(extraPhotos)
        .arg(photosPerClass + extraPhotos)
        .arg(percent(expectedMore), percent(expectedMoreLow), percent(expectedMoreHigh))
        .arg(photosPerClass)
        .arg(percent(expectedNow), percent(expectedNowLow), percent(expectedNowHigh));
}

QJsonObject LearningCurve::toJson() const
{
    QJsonArray measured;
    for (const LearningCurvePoint& p : points) {
        QJsonArray perTrial;
        for (double a : p.accuracies) perTrial.append(a);
        measured.append(QJsonObject{{QStringLiteral("photos_per_class"), p.photosPerClass},
                                    {QStringLiteral("accuracy"), p.meanAccuracy()},
                                    {QStringLiteral("test_photos"), p.testPhotos},
                                    {QStringLiteral("accuracy_per_trial"), perTrial}});
    }
    QJsonObject json{{QStringLiteral("method"), method},
                     {QStringLiteral("photos_per_class"), photosPerClass},
                     {QStringLiteral("extra_photos"), extraPhotos},
                     {QStringLiteral("measured"), measured},
                     {QStringLiteral("fitted"), fitted},
                     {QStringLiteral("summary"), summary()}};
    if (!chosenBy.isEmpty()) json.insert(QStringLiteral("chosen_by"), chosenBy);
    if (fitted) {
        const QJsonObject lawJson = law.toJson();
        for (auto it = lawJson.begin(); it != lawJson.end(); ++it) json.insert(it.key(), it.value());
        json.insert(QStringLiteral("expected_now"), expectedNow);
        json.insert(QStringLiteral("expected_now_range"), QJsonArray{expectedNowLow, expectedNowHigh});
        json.insert(QStringLiteral("expected_more"), expectedMore);
        json.insert(QStringLiteral("expected_more_range"), QJsonArray{expectedMoreLow, expectedMoreHigh});
    } else {
        json.insert(QStringLiteral("reason"), reason);
    }
    return json;
}

LearningCurve LearningCurve::fromJson(const QJsonObject& json)
{
    LearningCurve curve;
    curve.method = json.value(QStringLiteral("method")).toString();
    curve.chosenBy = json.value(QStringLiteral("chosen_by")).toString();
    curve.photosPerClass = json.value(QStringLiteral("photos_per_class")).toInt();
    curve.extraPhotos = json.value(QStringLiteral("extra_photos")).toInt();
    for (const QJsonValue& v : json.value(QStringLiteral("measured")).toArray()) {
        const QJsonObject o = v.toObject();
        LearningCurvePoint p;
        p.photosPerClass = o.value(QStringLiteral("photos_per_class")).toInt();
        p.testPhotos = o.value(QStringLiteral("test_photos")).toInt();
        for (const QJsonValue& a : o.value(QStringLiteral("accuracy_per_trial")).toArray()) p.accuracies.push_back(a.toDouble());
        curve.points.push_back(p);
    }
    curve.fitted = json.value(QStringLiteral("fitted")).toBool();
    curve.reason = json.value(QStringLiteral("reason")).toString();
    curve.law = LearningCurveLaw::fromJson(json);
    const auto range = [&](const char* key, double* low, double* high) {
        const QJsonArray r = json.value(QLatin1String(key)).toArray();
        *low = r.at(0).toDouble();
        *high = r.at(1).toDouble();
    };
    curve.expectedNow = json.value(QStringLiteral("expected_now")).toDouble();
    range("expected_now_range", &curve.expectedNowLow, &curve.expectedNowHigh);
    curve.expectedMore = json.value(QStringLiteral("expected_more")).toDouble();
    range("expected_more_range", &curve.expectedMoreLow, &curve.expectedMoreHigh);
    return curve;
}

QString LearningCurve::implausibility() const
{
    // Far beyond any photo set Exemplar trains on, far below where a loop over sizes hurts.
    constexpr int kMaxPhotosPerClass = 100000;
    constexpr size_t kMaxPoints = 1000, kMaxTrials = 10000;
    const auto fraction = [](double v) { return std::isfinite(v) && v >= 0 && v <= 1; };
    // Names that views print: only the methods there are (a file's text could be markup).
    if (!isTrainingMethod(method)) return QStringLiteral("an unknown method");
    if (!chosenBy.isEmpty() && !isTrainingMethod(chosenBy)) return QStringLiteral("chosen by an unknown method");
    if (photosPerClass < 0 || photosPerClass > kMaxPhotosPerClass)
        return QStringLiteral("photos per class %1 is out of range").arg(photosPerClass);
    if (extraPhotos < 0 || extraPhotos > kMaxPhotosPerClass)
        return QStringLiteral("extra photos %1 is out of range").arg(extraPhotos);
    if (points.size() > kMaxPoints) return QStringLiteral("%1 measured sizes").arg(points.size());
    for (const LearningCurvePoint& p : points) {
        if (p.photosPerClass < 1 || p.photosPerClass > kMaxPhotosPerClass || p.testPhotos < 0)
            return QStringLiteral("a measured size of %1 photos per class").arg(p.photosPerClass);
        if (p.accuracies.size() > kMaxTrials) return QStringLiteral("%1 trials at one size").arg(p.accuracies.size());
        for (double a : p.accuracies)
            if (!fraction(a)) return QStringLiteral("an accuracy of %1").arg(a);
    }
    for (double v : {expectedNow, expectedNowLow, expectedNowHigh, expectedMore, expectedMoreLow, expectedMoreHigh})
        if (!fraction(v)) return QStringLiteral("an expected accuracy of %1").arg(v);
    for (double v : {law.asymptote, law.scale, law.exponent, law.intercept, law.slope})
        if (!std::isfinite(v)) return QStringLiteral("a law coefficient of %1").arg(v);
    return QString();
}

LearningCurve measureLearningCurve(const EmbeddingSet& data, const LearningCurveOptions& options, const Feedback* feedback)
{
    if (!isTrainingMethod(options.training.method))
        throw Error(QStringLiteral("unknown method \"%1\"").arg(options.training.method));
    if (options.trialsPerSize < 1) throw Error(QStringLiteral("a learning curve needs at least 1 trial per size"));
    if (options.extraPhotos < 1) throw Error(QStringLiteral("a learning curve looks at least 1 photo ahead"));

    LearningCurve curve;
    curve.method = canonicalTrainingMethod(options.training.method);
    curve.photosPerClass = medianPhotosPerClass(data);
    curve.extraPhotos = options.extraPhotos;
    const std::vector<int> sizes = learningCurveSizes(curve.photosPerClass, options.maxSizes);
    if (data.classCount() < 2 || sizes.size() < 2) {
        curve.reason = QStringLiteral("A learning curve needs two classes and at least 3 photos per class "
                                      "(typical here: %1).").arg(curve.photosPerClass);
        return curve;
    }

    std::vector<int> groups = data.groups;
    if (groups.empty()) {
        const Feedback searching(feedback);
        groups = findDuplicateGroups(data, {}, &searching).groupOf;
    }

    std::vector<int> trialCounts;
    qint64 steps = 0;
    for (int size : sizes) {
        trialCounts.push_back(trialsAt(size, curve.photosPerClass, options.trialsPerSize));
        steps += trialCounts.back();
    }
    std::vector<std::vector<Trial>> trials;  // per kept point
    Random seeds(options.seed);
    qint64 done = 0;
    for (size_t s = 0; s < sizes.size(); ++s) {
        LearningCurvePoint point;
        point.photosPerClass = sizes[s];
        std::vector<Trial> pointTrials;
        for (int t = 0; t < trialCounts[s]; ++t, ++done) {
            throwIfCanceled(feedback);
            reportProgress(feedback, done, steps,
                           QStringLiteral("%1 photos per class: trial %2/%3").arg(sizes[s]).arg(t + 1).arg(trialCounts[s]));
            std::vector<int> poolRows, testRows;
            drawPoolSplit(data.labels, groups, data.classCount(), sizes[s], seeds.next(), &poolRows, &testRows);
            if (testRows.empty()) continue;
            EmbeddingSet pool = data.subset(poolRows);
            pool.groups.clear();
            for (int row : poolRows) pool.groups.push_back(groups[size_t(row)]);
            const EmbeddingSet test = data.subset(testRows);
            TrainingOptions training = options.training;
            training.optimizer.seed = options.training.optimizer.seed + quint64(t);
            const Feedback nested(feedback);
            const TrainingResult trained = train(pool, training, &nested);
            throwIfCanceled(feedback);
            const std::vector<int> predicted = trained.head.predictClasses(test.vectors);
            Trial trial;
            trial.testRows = testRows;
            for (int i = 0; i < test.size(); ++i) trial.correct.push_back(predicted[size_t(i)] == test.labels[size_t(i)]);
            point.accuracies.push_back(std::accumulate(trial.correct.begin(), trial.correct.end(), 0.0) / test.size());
            point.testPhotos += test.size();
            pointTrials.push_back(std::move(trial));
        }
        if (point.accuracies.empty()) continue;
        curve.points.push_back(point);
        trials.push_back(std::move(pointTrials));
    }
    reportProgress(feedback, steps, steps, QString());
    if (curve.points.size() < 2) {
        curve.reason = QStringLiteral("Too few photos were left out to measure a learning curve.");
        return curve;
    }

    std::vector<double> means;
    for (const LearningCurvePoint& p : curve.points) means.push_back(p.meanAccuracy());
    fitPoints(curve.points, means, &curve.law);
    curve.fitted = true;
    const double now = curve.photosPerClass, more = curve.photosPerClass + curve.extraPhotos;
    curve.expectedNow = curve.accuracyAt(now);
    curve.expectedMore = curve.accuracyAt(more);

    // The range: refit on resampled data, twice over. The trials are drawn with replacement at every
    // size (how the sub-pools fell), and so are the photos of the measured set (how representative
    // today's photos are: every trial is scored on them, so their luck moves all sizes together).
    std::vector<double> nowSamples, moreSamples;
    Random resample(options.seed ^ 0x5eedb007ULL);
    std::vector<int> photoWeight(size_t(data.size()));
    for (int round = 0; round < kBootstrapRounds; ++round) {
        std::fill(photoWeight.begin(), photoWeight.end(), 0);
        for (int i = 0; i < data.size(); ++i) ++photoWeight[resample.below(size_t(data.size()))];
        std::vector<double> resampledMeans;
        for (const std::vector<Trial>& pointTrials : trials) {
            double sum = 0;
            int counted = 0;
            for (size_t i = 0; i < pointTrials.size(); ++i) {
                const Trial& trial = pointTrials[resample.below(pointTrials.size())];
                double right = 0, weight = 0;
                for (size_t k = 0; k < trial.testRows.size(); ++k) {
                    const int w = photoWeight[size_t(trial.testRows[k])];
                    weight += w;
                    right += w * trial.correct[k];
                }
                if (weight == 0) continue;
                sum += right / weight;
                ++counted;
            }
            resampledMeans.push_back(counted ? sum / counted : 0.0);
        }
        LearningCurveLaw refit;
        fitPoints(curve.points, resampledMeans, &refit);
        nowSamples.push_back(refit.at(now));
        moreSamples.push_back(refit.at(more));
    }
    curve.expectedNowLow = std::min(curve.expectedNow, percentile(nowSamples, 0.025));
    curve.expectedNowHigh = std::max(curve.expectedNow, percentile(nowSamples, 0.975));
    curve.expectedMoreLow = std::min(curve.expectedMore, percentile(moreSamples, 0.025));
    curve.expectedMoreHigh = std::max(curve.expectedMore, percentile(moreSamples, 0.975));
    return curve;
}

} // namespace exemplar
