#pragma once
// The one train workflow, whichever program runs it (exemplar-cli train, the GUI's Start): group
// near-identical photos (DuplicateGroups.h), hold out part of each class a whole group at a time,
// train the method on the rest, calibrate "unknown", audit the photos, fill every field of the
// reference set, and score it on the held-out photos only. The same photos and settings give the
// same reference set (but for its time stamp) from either program.
#include "Audit.h"
#include "Dataset.h"
#include "DuplicateGroups.h"
#include "EmbeddingSet.h"
#include "Metrics.h"
#include "ModelIdentity.h"
#include "ReferenceSetFile.h"
#include "TrainingMethods.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace exemplar {

class Feedback;

struct TrainRequest {
    TrainingOptions training;                              // method, optimizer, pinned counts, …
    double holdoutFraction = kDefaultHoldoutFraction;      // 0: train on everything, no honest figure
    double knownRejectRate = kDefaultKnownRejectRate;      // 0: never answer "unknown"
    ModelIdentity model;                                   // the network that embedded the photos
    QJsonObject preprocessing;                             // its spec's preprocessing
    QStringList classFolders;                              // where the classes came from (recorded)
    std::vector<SkippedFile> skipped;                      // unreadable files (recorded)
    const AuditReport* audit = nullptr;                    // the photos' audit if the caller has it
    // Photos without labels (their labels are not read): the method self-trains with them when
    // cross-validation inside the pool favours it (SelfTraining.h). Those near-identical to a
    // held-out photo, or the same picture at another size, are left out, so that no held-out
    // photo's pixels reach training.
    EmbeddingSet unlabeled;
    // training.whiteningBackground, the background photos (other things of the same kind as the
    // classes): those near-identical to a held-out photo are left out in the same way.
};

// A trained set and the photos it came from, by path: paths survive a reopened project whose
// photos are embedded again (or have moved), rows would not.
struct TrainedReferenceSet {
    ReferenceSet set;
    QStringList poolPaths;                   // photos the method saw
    QStringList heldOutPaths;                // photos it never saw: the honest report is on these
    std::vector<OptimizerStep> trace;        // least-central: the optimizer's steps
    bool canceled = false;                   // optimization stopped: best selection so far kept
    QString unknownNote;                     // how "unknown" was calibrated, or why it was not
    DuplicateGroups duplicateGroups;         // near-identical photos, each group on one side of the split
    QStringList warnings;                    // what the user must know about the figures (also in extra)
};

// Throws Error (bad settings, nothing to train on) and OperationCanceled. A stopped optimization
// is not a cancel: its best selection is trained and returned with canceled set.
TrainedReferenceSet trainReferenceSet(const EmbeddingSet& photos, const TrainRequest& request,
                                      Feedback* feedback = nullptr, const OptimizerObserver& observer = {});

// The held-out figures of TRAINED on PHOTOS (rows of PHOTOS; classes matched by name, so a class
// deleted or added since training leaves the others' figures intact). Throws nothing.
struct HeldOutResult {
    std::vector<int> poolRows;          // rows of PHOTOS the method saw
    std::vector<int> heldOutRows;       // rows it never saw, of classes the set knows
    std::vector<int> heldOutPredicted;  // class of PHOTOS per held-out row (-1: a class PHOTOS lacks)
    std::vector<int> keptRows;          // pool rows kept as references (none for class means)
    Metrics metrics;
    // Per class of PHOTOS: its held-out pictures, and the pictures answered with it (near-identical
    // photos held out together are one picture: one trial of its recall or precision, not several).
    std::vector<int> testPicturesOfClass, picturesAnsweredAsClass;
    // Held-out photos of the set that PHOTOS no longer holds (a class folder moved or deleted, a
    // photo removed since training): the figures are on the rest, which a view must say.
    int missingHeldOut = 0;
    bool hasHeldOut() const { return !heldOutRows.empty(); }
};
HeldOutResult scoreOnHeldOut(const TrainedReferenceSet& trained, const EmbeddingSet& photos);

// Why SET's background photos (its extra "background_photos") did not reach its whitening: the
// method trained does not whiten, or is discriminant-centroid, which learns only from a background
// sorted by kind. Empty when they did, or when the set has none. Reads sets of earlier versions too.
QString unusedBackgroundReason(const ReferenceSet& set);

// Checks what a user or a file may set; throws Error naming the setting.
void validateTrainRequest(const TrainRequest& request);

} // namespace exemplar
