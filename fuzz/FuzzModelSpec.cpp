// libFuzzer target for the model-spec reader: ModelSpec::load (file checks, JSON parsing) and
// ModelSpec::fromJson (fields, ranges). Any input must end in a spec or an exemplar::Error.
#include "ModelSpec.h"

#include "Error.h"
#include "FuzzScratch.h"

#include <QFile>
#include <QJsonDocument>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const QString path = fuzzScratchPath("spec.json");
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) std::abort();
    file.close();
    try {
        exemplar::ModelSpec::load(path).preprocessingJson();
    } catch (const exemplar::Error&) {
    }
    // fromJson directly too: load() stops at the first JSON problem, fromJson sees any object.
    const QJsonDocument json = QJsonDocument::fromJson(bytes);
    try {
        exemplar::ModelSpec::fromJson(json.object(), QStringLiteral("/fuzz/spec.json")).preprocessingJson();
    } catch (const exemplar::Error&) {
    }
    return 0;
}
