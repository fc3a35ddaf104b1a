#pragma once
// The background photos a training learns from, chosen one way for the CLI and the window: other
// things of the same kind as the classes, never photos of a class.
#include "EmbeddingSet.h"
#include "SubfolderKinds.h"
#include "TrainingMethod.h"

#include <QStringList>
#include <vector>

namespace exemplar {

// Gives OPTIONS the photos of BACKGROUND at CANDIDATES (all of its rows when null) as its
// whitening background, with their kinds (KINDS, parallel to BACKGROUND's rows; empty: no kinds),
// leaving out every kind whose subfolder is named as one of CLASS_NAMES (a class's own photos:
// photosOfKindsNotNamedAsClasses). *NAMED_AS_CLASSES: those kinds' names. Near-copies of the photos
// a task measures on are left out later, by the task (leaveOutBackgroundNearIdenticalTo).
void setTrainingBackground(TrainingOptions* options, const EmbeddingSet& background, const SubfolderKinds& kinds,
                           const QStringList& classNames, const std::vector<int>* candidates,
                           QStringList* namedAsClasses);

// One sentence for NAMED_AS_CLASSES (empty when there are none): which kinds were left out and why.
QString backgroundKindsNamedAsClassesWarning(const QStringList& namedAsClasses);

} // namespace exemplar
