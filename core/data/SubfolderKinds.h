#pragma once
// The kind of each photo under a folder, read from the subfolder it lies in: background photos
// arranged as OTHER/model-a/…, OTHER/model-b/… say which of them are of one kind, so that what
// varies within a kind can be learned from them (TrainingOptions::whiteningBackgroundKinds).

#include <QString>
#include <QStringList>
#include <vector>

namespace exemplar {

struct SubfolderKinds {
    std::vector<int> kinds;  // per path: index into names, or −1 (a photo directly in its folder)
    QStringList names;       // "root's name/subfolder", in order of first appearance
};

// PATHS: photos, each under one of ROOTS (absolute or relative as the paths are). A photo's kind
// is the first subfolder below its root (photos deeper down belong to it too); the same subfolder
// name under two roots is two kinds.
SubfolderKinds subfolderKinds(const QStringList& paths, const QStringList& roots);

// The photos (indices into KINDS.kinds) of every kind but those whose subfolder is named as one
// of CLASS_NAMES (ignoring case): such a kind is a class's own photos, not other things of the
// same kind, and copies or crops of a test photo among them would carry its class into training
// past any near-identical check (a 75% crop is as far from its photo as another shot is).
// *LEFT_OUT: those kinds' names.
std::vector<int> photosOfKindsNotNamedAsClasses(const SubfolderKinds& kinds, const QStringList& classNames,
                                                QStringList* leftOut);

} // namespace exemplar
