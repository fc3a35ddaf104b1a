#pragma once
// How familiar a photo looks to a trained set: the cosine between its raw embedding (the
// network's own, unit length, before any whitening) and the nearest training photo's. This, not
// the head's class score, decides "unknown": whitening (the best space for telling classes apart)
// shrinks exactly the directions in which photos of foreign things differ from the pool, so in
// the whitened space an excavator can score like a pickup; in the raw space it lies far from
// every training photo. Measured on flowers17 and cars24 (docs/accuracy.md): at 5% of known
// photos rejected, the raw nearest-photo cosine rejected every flower, car and generated
// non-photo, where the whitened head's best score rejected a third; the raw class-mean cosine
// did as well on those but rejected more known photos, and adding the head's margin added nothing.
#include "Types.h"

namespace exemplar {

// The training photos as a head keeps them: each row L2-normalized, then rounded to half
// precision (the file stores them so, halving its size; rounding here makes the head in memory
// answer exactly as the head read back from its file). Costs at most ~0.001 of cosine.
Matrix familiarPhotos(const Matrix& embeddings);

// The cosine between EMBEDDING (normalized here) and the nearest row of PHOTOS (unit rows);
// −∞ when there are no photos.
float nearestPhotoCosine(const Matrix& photos, const Vector& embedding);

// The same for every row of QUERIES against every row of PHOTOS, in blocks so that memory stays
// O(block × photos) however many photos there are.
Vector nearestPhotoCosines(const Matrix& photos, const Matrix& queries);

} // namespace exemplar
