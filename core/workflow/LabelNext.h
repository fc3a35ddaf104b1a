#pragma once
// "Label next": which unlabeled photos would teach the classifier most if the user labeled them.
//
// Active learning by information density (Settles & Craven, 2008): a photo is worth a label when
// the classifier is unsure of it (a small margin between its two best classes) and it is
// representative (close to many other unlabeled photos, so its label informs theirs). Either alone
// picks badly: the margin alone favours outliers and junk, density alone favours what the
// classifier already knows. Both are turned into percentiles among the unlabeled photos, so the
// rule does not depend on the scale of a head's scores (cosines, or logits of a linear head).
//
// A near-copy of a photo ranked above it teaches what that photo teaches: it goes to the end of
// the list, naming the photo it copies. Photos the head answers "unknown" (unlike every training
// photo) stay in the ranking: one may be a class's look not yet seen, or a foreign photo; the view
// says which the head thinks.
#include "Feedback.h"
#include "ReferenceHead.h"
#include "Types.h"

#include <vector>

namespace exemplar {

struct LabelingCandidate {
    int row = -1;                   // into the unlabeled photos
    Prediction prediction;          // suggested class (best), runner-up, margin, "unknown"
    double uncertainty = 0;         // in (0, 1]: share of unlabeled photos with a margin at least this one's
    double representativeness = 0;  // mean cosine to its nearest unlabeled neighbours (raw embedding)
    double priority = 0;            // uncertainty × representativeness percentile, in (0, 1]
    int copyOf = -1;                // row of a near-copy ranked above it, or −1
};

struct LabelNextOptions {
    int neighbours = 10;            // how many nearest unlabeled photos measure representativeness
    double nearCopyCosine = 0.92;   // kNearDuplicateCosine: distinct photos of a class rarely reach it
};

// Every row of UNLABELED (N×inputDim, unit rows of the raw embedding) ranked best first. Memory is
// O(N·neighbours) whatever N (similarities are computed in blocks). Throws OperationCanceled when
// FEEDBACK is canceled.
std::vector<LabelingCandidate> rankForLabeling(const ReferenceHead& head, const Matrix& unlabeled,
                                               const LabelNextOptions& options = {}, const Feedback* feedback = nullptr);

} // namespace exemplar
