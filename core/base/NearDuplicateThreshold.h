#pragma once
// The cosine at or above which two embeddings count as the same picture when the model does not
// say its own (ModelSpec::nearIdenticalCosine). In base so that every stage that needs the
// fallback (the embedding set, the model spec, the duplicate search, label next) reads one value.

namespace exemplar {

// Measured with EfficientNet-B0 on 40 flowers17 and 40 cars24 photos (docs/accuracy.md,
// "Near-duplicates"): re-encoded copies (JPEG quality 50/20) reach 0.91–1.00, centre crops to 95% /
// 90% of the side 0.95–0.99 / 0.87–0.99; distinct photos of one class reach 0.92 in only 0.09%
// (flowers17) and 0.03% (cars24) of pairs, and most such pairs were the same scene re-shot or
// re-cropped. A missed copy inflates honest figures; a wrongly grouped pair only coarsens a split,
// so the threshold errs low.
constexpr double kNearDuplicateCosine = 0.92;

}  // namespace exemplar
