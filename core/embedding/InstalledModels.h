#pragma once
// The models scripts/fetch_model.sh installs beside the program, and which of them is the default.
// Two ship: EfficientNet-B0 at 256×384 (H×W) with mirror-flip averaging, the default because it
// measured best (docs/accuracy.md), and the same network at 224×224, one pass per photo, the fast
// choice (about 4× less work per photo; embeddings cached for it before the new default stay valid).
#include <QString>
#include <vector>

namespace exemplar {

inline constexpr const char* kDefaultModelStem = "efficientnet-b0-256x384";
inline constexpr const char* kFastModelStem = "efficientnet-b0";

// The folder the installed specs are looked for in: <executable dir>/../share/exemplar/models, then
// /usr/local/share/exemplar/models, then /usr/share/exemplar/models; the first that holds the
// default spec, else the first candidate.
QString installedModelsDir();

// $EXEMPLAR_MODEL when set, else the installed default spec (which may not exist yet).
QString defaultModelSpecPath();
// The installed 224×224 spec (which may not exist yet).
QString fastModelSpecPath();

struct InstalledModel {
    QString specPath;  // absolute
    QString label;     // for menus, e.g. "EfficientNet-B0 256×384, flip-averaged (default)"
    bool isDefault = false;
};
// The installed models that exist, the default first, then the fast one, then any other *.json
// spec in the folder by name. Specs that do not load are left out.
std::vector<InstalledModel> installedModels();

// A --model argument: an existing path as it is; a bare installed name ("efficientnet-b0",
// "efficientnet-b0-256x384", with or without .json) as that installed spec; anything else as it is
// (loading it then says what is wrong).
QString resolveModelArgument(const QString& argument);

} // namespace exemplar
