#include "ReferenceHead.h"

#include "Familiarity.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace exemplar {

std::vector<int> ReferenceHead::referencesPerClass() const
{
    std::vector<int> counts(size_t(classNames.size()), 0);
    for (int c : referenceClass)
        if (c >= 0 && c < int(counts.size())) ++counts[size_t(c)];
    return counts;
}

int ReferenceHead::inputDim() const
{
    if (projection.size() > 0) return int(projection.cols());
    return dim();
}

QString ReferenceHead::unknownRule() const
{
    if (!std::isfinite(rejectBelow)) return QStringLiteral("never \"unknown\" (no calibrated threshold)");
    if (judgesUnknownByTrainingPhotos())
        return QStringLiteral("\"unknown\" when the nearest of its %1 training photos has a cosine below %2 "
                              "(calibrated on its training photos)")
            .arg(trainingPhotos.rows())
            .arg(rejectBelow, 0, 'f', 3);
    return QStringLiteral("\"unknown\" below class score %1 (calibrated on its training photos; a reference set "
                          "of format 1, written before \"unknown\" was judged by the nearest training photo)")
        .arg(rejectBelow, 0, 'f', 3);
}

QString ReferenceHead::unknownReason(const Prediction& prediction) const
{
    const QString what = judgesUnknownByTrainingPhotos() ? QStringLiteral("the nearest training photo's cosine")
                                                         : QStringLiteral("the best class score");
    if (!std::isfinite(prediction.unknownScore))
        return QStringLiteral("%1 is below the set's threshold %2").arg(what).arg(rejectBelow, 0, 'f', 3);
    return QStringLiteral("%1 %2 is below the set's threshold %3")
        .arg(what)
        .arg(prediction.unknownScore, 0, 'f', 3)
        .arg(rejectBelow, 0, 'f', 3);
}

Vector ReferenceHead::transform(const Vector& embedding) const
{
    if (!hasTransform()) return embedding;
    return transformRows(embedding.transpose()).row(0).transpose();
}

Matrix ReferenceHead::transformRows(const Matrix& embeddings) const
{
    if (!hasTransform()) return embeddings;
    Matrix y = center.size() > 0 ? Matrix(embeddings.rowwise() - center.transpose()) : embeddings;
    if (projection.size() > 0) y = y * projection.transpose();
    for (Eigen::Index i = 0; i < y.rows(); ++i) {
        const float norm = y.row(i).norm();
        if (norm > 0) y.row(i) /= norm;
    }
    return y;
}

Prediction ReferenceHead::predict(const Vector& embedding) const
{
    Prediction prediction;
    const Vector query = transform(embedding);
    Vector scores = references * query;
    if (bias.size() == scores.size()) scores += bias;

    std::vector<ClassScore> best(size_t(classNames.size()));
    for (Eigen::Index r = 0; r < scores.size(); ++r) {
        ClassScore& slot = best[size_t(referenceClass[size_t(r)])];
        if (slot.referenceIndex < 0 || scores[r] > slot.score) {
            slot.classIndex = referenceClass[size_t(r)];
            slot.score = scores[r];
            slot.referenceIndex = int(r);
        }
    }
    for (const ClassScore& slot : best)
        if (slot.referenceIndex >= 0) prediction.ranked.push_back(slot);
    // Stable: equal scores keep class order, so ties always resolve the same way.
    std::stable_sort(prediction.ranked.begin(), prediction.ranked.end(),
                     [](const ClassScore& a, const ClassScore& b) { return a.score > b.score; });
    if (prediction.ranked.size() > 1)
        prediction.margin = prediction.ranked[0].score - prediction.ranked[1].score;
    if (judgesUnknownByTrainingPhotos())
        prediction.unknownScore = nearestPhotoCosine(trainingPhotos, embedding);
    else
        prediction.unknownScore = prediction.ranked.empty() ? -std::numeric_limits<float>::infinity()
                                                            : prediction.ranked.front().score;
    prediction.unknown = prediction.ranked.empty() || prediction.unknownScore < rejectBelow;
    return prediction;
}

std::vector<int> ReferenceHead::predictClasses(const Matrix& embeddings) const
{
    std::vector<int> classes;
    classes.reserve(size_t(embeddings.rows()));
    for (Eigen::Index i = 0; i < embeddings.rows(); ++i)
        classes.push_back(predict(embeddings.row(i).transpose()).bestClass());
    return classes;
}

} // namespace exemplar
