#pragma once
// Predictions and metrics as CSV (one row per photo / per class) or JSON, written atomically.
#include "model/ProjectState.h"

#include <QString>
#include <QStringList>

namespace exemplar::ui {

// The format follows PATH's suffix (.csv or .json). Throw Error.
void exportPredictions(const std::vector<ClassifiedPhoto>& photos, const QStringList& classNames,
                       const QString& path);
void exportMetrics(const TrainingOutcome& outcome, const QStringList& classNames, const MethodComparison* comparison,
                   const QString& path);

} // namespace exemplar::ui
