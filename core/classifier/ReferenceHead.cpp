#include "ReferenceHead.h"

#include <algorithm>
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

Vector ReferenceHead::transform(const Vector& embedding) const
{
    if (!hasTransform()) return embedding;
    Vector y = center.size() > 0 ? Vector(embedding - center) : embedding;
    if (projection.size() > 0) y = projection * y;
    const float norm = y.norm();
    if (norm > 0) y /= norm;
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
    prediction.unknown = prediction.ranked.empty() || prediction.ranked.front().score < rejectBelow;
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
