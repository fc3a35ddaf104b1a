// "Label next" (core/workflow/LabelNext): the unlabeled photos a classifier is unsure of AND that
// stand for many others come first; outliers it is unsure of, and crowds it is sure of, come later;
// a near-copy of a listed photo goes to the end naming it. Built on hand-made embeddings whose
// answer is known, with the geometry of real ones (distinct photos well below cosine 0.92).
#include "Error.h"
#include "Feedback.h"
#include "LabelNext.h"

#include <QtTest>
#include <random>
#include <set>

using namespace exemplar;

namespace {

constexpr int kDim = 32;

// A two-class nearest-reference head: class "a" at axis 0, class "b" at axis 1.
ReferenceHead twoClassHead()
{
    ReferenceHead head;
    head.classNames = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    head.references = Matrix::Zero(2, kDim);
    head.references(0, 0) = 1;
    head.references(1, 1) = 1;
    head.referenceClass = {0, 1};
    head.referenceInfo.resize(2);
    head.bias = Vector::Zero(2);
    return head;
}

// A unit vector: CENTER plus SPREAD times a random direction in the axes 2… (none of the classes').
Vector around(const Vector& center, float spread, std::mt19937& random)
{
    std::normal_distribution<float> gaussian;
    Vector noise = Vector::Zero(kDim);
    for (int i = 2; i < kDim; ++i) noise(i) = gaussian(random);
    Vector v = center + spread * noise.normalized();
    return v.normalized();
}

Vector axes(float a, float b)
{
    Vector v = Vector::Zero(kDim);
    v(0) = a;
    v(1) = b;
    return v;
}

struct Pile {
    Matrix photos;
    std::vector<int> unsureCrowd, sureCrowd, unsureOutliers;
    int copied = -1, copy = -1;
};

// 8 photos between the classes far from everything, 8 plainly of class a close to each other,
// 8 between the classes close to each other, and an exact copy of one of those.
Pile makePile()
{
    std::mt19937 random(7);
    std::vector<Vector> rows;
    Pile pile;
    // Listed crowd last, so that a ranking that ignored either half of the rule (ties kept in row
    // order) would put outliers or the sure crowd first.
    for (int i = 0; i < 8; ++i) { pile.unsureOutliers.push_back(int(rows.size())); rows.push_back(around(axes(0.5f, 0.5f), 1.6f, random)); }
    for (int i = 0; i < 8; ++i) { pile.sureCrowd.push_back(int(rows.size())); rows.push_back(around(axes(1.0f, 0.1f), 0.6f, random)); }
    for (int i = 0; i < 8; ++i) { pile.unsureCrowd.push_back(int(rows.size())); rows.push_back(around(axes(0.5f, 0.5f), 0.45f, random)); }
    pile.copied = pile.unsureCrowd.front();
    pile.copy = int(rows.size());
    rows.push_back(rows[size_t(pile.copied)]);
    pile.photos.resize(Eigen::Index(rows.size()), kDim);
    for (size_t i = 0; i < rows.size(); ++i) pile.photos.row(Eigen::Index(i)) = rows[i].transpose();
    return pile;
}

bool contains(const std::vector<int>& rows, int row) { return std::find(rows.begin(), rows.end(), row) != rows.end(); }

} // namespace

class TestLabelNext : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void unsureCrowdComesFirstAndCopiesLast()
    {
        const Pile pile = makePile();
        const std::vector<LabelingCandidate> ranked = rankForLabeling(twoClassHead(), pile.photos);
        QCOMPARE(int(ranked.size()), int(pile.photos.rows()));
        std::set<int> seen;
        for (const LabelingCandidate& c : ranked) {
            QVERIFY(seen.insert(c.row).second);
            QVERIFY2(c.priority > 0 && c.priority <= 1, qPrintable(QString::number(c.priority)));
        }
        // The first eight are the crowd between the classes (the copy's original among them).
        for (int i = 0; i < 8; ++i)
            QVERIFY2(contains(pile.unsureCrowd, ranked[size_t(i)].row),
                     qPrintable(QStringLiteral("rank %1 is row %2").arg(i).arg(ranked[size_t(i)].row)));
        // Unsure outliers rank above nothing of the crowd, and the copy is last, naming its original.
        QCOMPARE(ranked.back().row, pile.copy);
        QCOMPARE(ranked.back().copyOf, pile.copied);
        for (size_t i = 0; i + 1 < ranked.size(); ++i) QCOMPARE(ranked[i].copyOf, -1);
        // The suggestion is the head's own answer.
        for (const LabelingCandidate& c : ranked)
            if (contains(pile.sureCrowd, c.row)) QCOMPARE(c.prediction.bestClass(), 0);
    }

    void sureCrowdIsLessUncertainThanUnsureOutliers()
    {
        const Pile pile = makePile();
        const std::vector<LabelingCandidate> ranked = rankForLabeling(twoClassHead(), pile.photos);
        double sureUncertainty = 0, outlierUncertainty = 0, sureDensity = 0, outlierDensity = 0;
        for (const LabelingCandidate& c : ranked) {
            if (contains(pile.sureCrowd, c.row)) { sureUncertainty += c.uncertainty; sureDensity += c.representativeness; }
            if (contains(pile.unsureOutliers, c.row)) { outlierUncertainty += c.uncertainty; outlierDensity += c.representativeness; }
        }
        QVERIFY(outlierUncertainty > sureUncertainty);
        QVERIFY(sureDensity > outlierDensity);
    }

    // Of two crowds the head is equally unsure of, the one no training photo is like comes first
    // (listed last, so that ties kept in row order would put it second).
    void crowdUnlikeTheTrainingPhotosComesFirst()
    {
        std::mt19937 random(11);
        Matrix photos(16, kDim);
        for (int i = 0; i < 16; ++i) photos.row(i) = around(axes(0.5f, 0.5f), 0.45f, random).transpose();
        ReferenceHead head = twoClassHead();
        head.trainingPhotos = photos.topRows(8);  // the first crowd was trained on (copies of it)
        const auto ranked = rankForLabeling(head, photos);
        // The priority is a product (density still counts), so the crowds interleave a little:
        // the new crowd leads, and ranks ahead on average by a wide gap.
        QVERIFY(ranked.front().row >= 8);
        double newRank = 0, trainedRank = 0;
        for (int i = 0; i < 16; ++i) (ranked[size_t(i)].row >= 8 ? newRank : trainedRank) += i / 8.0;
        QVERIFY2(newRank + 4 < trainedRank, qPrintable(QStringLiteral("mean ranks %1 and %2").arg(newRank).arg(trainedRank)));
        for (const LabelingCandidate& c : ranked)
            if (c.row >= 8) QVERIFY(c.novelty > 0.1);  // 1 − about 0.75: they share the between-classes direction
        // Exact copies of training photos: nothing new in them.
        for (const LabelingCandidate& c : ranked)
            if (c.row < 8) QVERIFY(c.novelty < 1e-3);
    }

    void lonePhotoAndEmptyPile()
    {
        QVERIFY(rankForLabeling(twoClassHead(), Matrix(0, kDim)).empty());
        Matrix one(1, kDim);
        one.row(0) = axes(1, 0).transpose();
        const auto ranked = rankForLabeling(twoClassHead(), one);
        QCOMPARE(int(ranked.size()), 1);
        QCOMPARE(ranked[0].representativeness, 0.0);
        QCOMPARE(ranked[0].prediction.bestClass(), 0);
    }

    void wrongDimensionIsAClearError()
    {
        QVERIFY_THROWS_EXCEPTION(Error, rankForLabeling(twoClassHead(), Matrix::Zero(3, kDim + 1)));
    }

    void cancelStops()
    {
        Feedback feedback;
        feedback.cancel();
        QVERIFY_THROWS_EXCEPTION(OperationCanceled, rankForLabeling(twoClassHead(), makePile().photos, {}, &feedback));
    }
};

QTEST_GUILESS_MAIN(TestLabelNext)
#include "tst_labelnext.moc"
