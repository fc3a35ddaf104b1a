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

} // namespace exemplar
