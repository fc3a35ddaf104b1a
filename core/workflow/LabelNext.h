#pragma once
// "Label next": which unlabeled photos would teach the classifier most if the user labeled them.
//
// Active learning by information density (Settles & Craven, 2008), with coverage: a photo is worth
// a label when the classifier is unsure of it (a small margin between its two best classes), when
// it stands for many other unlabeled photos (close to them: its label informs theirs), and when no
// training photo is like it yet (its cosine to the nearest one is low, for heads that keep their
// training photos). Each is turned into a percentile among the unlabeled photos, so the rule does
// not depend on the scale of a head's scores (cosines, or logits of a linear head), and
// priority = unsure × representative^0.5 × novel.
//
// Why these weights (bench/label_next: a simulated user labels one photo per class per round;
// numbers in docs/accuracy.md): every rule beats random picks on flowers17 by 3–5 points. On
// cars24 (fine-grained) margin alone gains less and, from 4 photos per class, falls behind random
// picks (48.6 vs 50.0 after 4 rounds): it keeps picking within the same confused pairs. Density at
// full weight cost flowers17 2–5 points against margin alone. Density at half weight with novelty
// is the compromise: on cars24 ahead of margin alone (45.5 vs 44.5; 50.2 vs 48.6), on flowers17
// up to 2.3 points behind it mid-way and 0.1–0.5 at the end. Two photo sets decide little: the
// bench takes the weights as options, to be measured again on others.
//
// A near-copy of a photo ranked above it teaches what that photo teaches: it goes to the end of
// the list, naming the photo it copies. Photos the head answers "unknown" (unlike every training
// photo) stay in the ranking: one may be a class's look not yet seen, or a foreign photo; the view
// says which the head thinks.
#include "Feedback.h"
#include "NearDuplicateThreshold.h"
#include "ReferenceHead.h"
#include "Types.h"

#include <vector>

namespace exemplar {

struct LabelingCandidate {
    int row = -1;                   // into the unlabeled photos
    Prediction prediction;          // suggested class (best), runner-up, margin, "unknown"
    double uncertainty = 0;         // in (0, 1]: share of unlabeled photos with a margin at least this one's
    double representativeness = 0;  // mean cosine to its nearest unlabeled neighbours (raw embedding)
    double novelty = 0;             // 1 − cosine to the nearest training photo (0 when the head keeps none)
    double priority = 0;            // see LabelNextOptions, in (0, 1]
    int copyOf = -1;                // row of a near-copy ranked above it, or −1
};

struct LabelNextOptions {
    int neighbours = 10;            // how many nearest unlabeled photos measure representativeness
    // Distinct photos of a class rarely reach it: callers pass the embeddings' own threshold
    // (EmbeddingSet::nearIdenticalCosineOrDefault), the one the splits group copies at.
    double nearCopyCosine = kNearDuplicateCosine;
    // priority = unsure × representative^densityWeight × novel^noveltyWeight (percentiles; both
    // 0: by margin alone). Novelty counts only for heads that keep their training photos.
    double densityWeight = 0.5;
    double noveltyWeight = 1.0;
};

// Every row of UNLABELED (N×inputDim, unit rows of the raw embedding) ranked best first. Memory is
// O(N·neighbours) whatever N (similarities are computed in blocks). Throws OperationCanceled when
// FEEDBACK is canceled.
std::vector<LabelingCandidate> rankForLabeling(const ReferenceHead& head, const Matrix& unlabeled,
                                               const LabelNextOptions& options = {}, const Feedback* feedback = nullptr);

} // namespace exemplar
