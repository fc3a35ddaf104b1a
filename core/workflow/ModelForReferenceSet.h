#pragma once
// Which model classifies with a reference set. A set records the network it was made with (the
// ONNX file's SHA-256 and the preprocessing); its embeddings mean nothing to another network. When
// the user names no model, the set's own is found among the installed ones, so that a set trained
// with the fast 224×224 model keeps classifying after the default model changed.
#include <QString>

namespace exemplar {

struct ModelSpec;
struct ReferenceSet;

// How well a network (SPEC, whose ONNX file hashes to ONNX_SHA256) fits SET: not at all; the same
// network with other preprocessing (the embeddings differ a little); or exactly.
enum class ModelMatch { None, NetworkOnly, Exact };
ModelMatch modelMatch(const ReferenceSet& set, const ModelSpec& spec, const QString& onnxSha256);

// PREFERRED when it is the network SET was made with; else the installed model that is (one with
// the set's preprocessing too, when several share the network); else PREFERRED, whose loading then
// says what is wrong (requireSameModel). Reads and hashes the candidate ONNX files: off the GUI
// thread. Specs that cannot be read are passed over.
QString modelSpecForReferenceSet(const ReferenceSet& set, const QString& preferredSpecPath);

// For ModelMatch::NetworkOnly: how SPEC's preprocessing differs from the one SET was made with,
// e.g. "augment \"flip\" → \"crops\", crop_fraction none → 0.8"; empty when nothing differs
// (or SET records none). The embeddings then differ a little, and so may the answers: worth a
// warning, not a refusal.
QString preprocessingDifference(const ReferenceSet& set, const ModelSpec& spec);

} // namespace exemplar
