#pragma once
// A 95% interval for a held-out weighted F1 (Metrics.h), so that it is shown with its uncertainty
// like the accuracy beside it.
//
// Weighted F1 is not a count of successes, so Wilson's interval does not apply to it directly,
// and the plain percentile bootstrap covers badly where held-out sets are small and nearly all
// right (about 82% instead of 95% at 40 photos and 95% accuracy; 58% at 48 photos and 98%): its
// resamples cannot go above the figure. So the bootstrap only measures how much the figure varies
// from one draw of test pictures to the next, and Wilson's interval is taken at the number of
// pictures that would vary that much as a proportion (F(1 − F) / variance). Checked by
// simulation (tst_weightedf1interval): 94–96% coverage from 25 to 240 held-out photos, 57% to 95%
// right, four or more per class. Short of it with two or three held-out photos per class of many
// classes (about 87% at 200 classes): there the measured weighted F1 itself runs low (a class's
// F1 from two photos is biased down), and resampling those same photos cannot see it.
#include "Metrics.h"

#include <QtGlobal>
#include <vector>

namespace exemplar {

// TRUTH and PREDICTED as for Metrics::compute. PICTURE_OF gives each photo's picture (photos of
// one picture, near-identical copies, are resampled together: one trial, not several); empty:
// every photo its own picture. Seeded, so the same answers give the same interval.
ProportionInterval weightedF1Interval(const std::vector<int>& truth, const std::vector<int>& predicted, int classCount,
                                      const std::vector<int>& pictureOf = {}, quint64 seed = 20261206,
                                      int resamples = 1000);

// The number of independent pictures whose share would vary as much as this weighted F1 does
// from one draw of test pictures to the next (F(1 − F) / its bootstrap variance; the pictures
// themselves where it does not vary): what weightedF1Interval takes Wilson's interval at. A
// comparison over repeated splits averages it over its repetitions (HonestEvaluation.h). 0
// without photos.
double weightedF1EffectivePictures(const std::vector<int>& truth, const std::vector<int>& predicted, int classCount,
                                   const std::vector<int>& pictureOf = {}, quint64 seed = 20261206,
                                   int resamples = 1000);

// Wilson's interval at EFFECTIVE_PICTURES for the weighted F1 WEIGHTED_F1, widened to hold it.
ProportionInterval weightedF1IntervalAt(double weightedF1, double effectivePictures);

} // namespace exemplar
