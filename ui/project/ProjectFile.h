#pragma once
// The project file (.exemplar): JSON with the class folders, names, exclusions, settings, and the
// results (training trace, held-out split, classifications, method comparison, learning curve), so that reopening
// recomputes nothing expensive: embeddings come back from the cache. The trained reference set is
// kept beside it in the Foundation's own format (NAME.references.exref). Both are written
// atomically (QSaveFile), so a crash while saving never leaves a half-written project.
#include "model/DatasetSources.h"
#include "model/ProjectState.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace exemplar {
class Feedback;
}

namespace exemplar::ui {

struct ProjectDocument {
    DatasetSources sources;
    UnlabeledSources unlabeled;
    ProjectSettings settings;
    // Shared, not copied: saving hands over the model's own set (hundreds of MB for a large
    // project), which the save's thread reads while the window goes on.
    std::shared_ptr<const TrainedReferenceSet> training;
    QString importedReferenceSet;        // path, when the active set was imported
    std::vector<ClassifiedPhoto> classifications;
    std::shared_ptr<const MethodComparison> comparison;
    std::shared_ptr<const LearningCurve> learningCurve;  // "how many more photos?", as measured
    QStringList warnings;                // what reading found wrong and replaced (e.g. a bad setting)
    // Reading: the sidecar the training's set was read from. Writing: a file known to hold exactly
    // the training's set (see ProjectPersistence), which is kept when it is the project's own
    // sidecar and copied when it is another's, instead of written again: a set of hundreds of MB
    // takes seconds to serialize. Empty: the set is written.
    QString trainingSidecar;
};

// Replaces every setting out of its range (or NaN, or an unknown method) by its default, and
// says which, so that a hand-edited or damaged project opens with settings a run can use.
QStringList repairSettings(ProjectSettings* settings);

// 2: each classified photo's ranking packed (PackedRanking.h); format 1's JSON arrays are still read.
constexpr int kProjectFormatVersion = 2;

QString referenceSetSidecarPath(const QString& projectPath);
// An upper bound on the bytes writeProject writes for DOCUMENT's classified photos, the bulk of a
// large project: a project above kMaxProjectFileBytes could not be opened again, so it is refused
// before anything is written.
qint64 classificationBytesBound(const ProjectDocument& document);

// Throws Error with a clear message; the destination is untouched on failure.
void writeProject(const ProjectDocument& document, const QString& path);
// Throws Error for a missing, damaged or newer-version file. FEEDBACK (optional) hears of the two
// steps, the project file and its trained reference set (seconds for hundreds of MB), and may
// cancel between them (OperationCanceled).
ProjectDocument readProject(const QString& path, const Feedback* feedback = nullptr);

} // namespace exemplar::ui
