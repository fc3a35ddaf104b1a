#pragma once
// A classified photo's ranking (every class of the set, best first, with its score and nearest
// reference) as the project file keeps it: base64 of 12 little-endian bytes per class (int32
// class, float32 score, int32 reference). As JSON arrays, 10,000 photos of 200 classes made a
// 244 MB project, over what a project may be, so a saved project could not be opened again;
// packed, it is 33 MB, and the scores come back bit for bit.
#include "ReferenceHead.h"

#include <QString>
#include <optional>
#include <vector>

namespace exemplar::ui {

QString packRanking(const std::vector<ClassScore>& ranked);
// Nothing when TEXT is not a packed ranking (not base64, a partial record, absurdly long).
std::optional<std::vector<ClassScore>> unpackRanking(const QString& text);

} // namespace exemplar::ui
