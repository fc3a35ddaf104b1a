#include "ModelSpec.h"

#include "Error.h"
#include "RegularFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <cmath>

namespace exemplar {

namespace {

QJsonObject requireObject(const QJsonObject& json, const QString& key, const QString& where)
{
    const QJsonValue value = json.value(key);
    if (!value.isObject())
        throw Error(QStringLiteral("model spec %1: \"%2\" is missing or not an object").arg(where, key));
    return value.toObject();
}

QString requireString(const QJsonObject& json, const QString& key, const QString& where)
{
    const QJsonValue value = json.value(key);
    if (!value.isString() || value.toString().isEmpty())
        throw Error(QStringLiteral("model spec %1: \"%2\" is missing or not a string").arg(where, key));
    return value.toString();
}

int requireIntInRange(const QJsonObject& json, const QString& key, const QString& where, int min, int max,
                      const QString& why = QString())
{
    const QJsonValue value = json.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < min || number > max || number != double(int(number)))
        throw Error(QStringLiteral("model spec %1: \"%2\" must be an integer in %3…%4%5").arg(where, key).arg(min).arg(max).arg(why));
    return int(number);
}

int requirePositiveInt(const QJsonObject& json, const QString& key, const QString& where, int max)
{
    return requireIntInRange(json, key, where, 1, max);
}

// The network's input side: a CNN's feature map shrinks 32× and vanishes below that, and memory
// grows with the area (a 4096×4096 input took 4.4 GB and 48 s per photo; 1536×1536 takes ~0.6 GB).
constexpr int kMinInputSide = 16;
constexpr int kMaxInputSide = 1536;

std::array<double, 3> readTriple(const QJsonObject& json, const QString& key, double fallback,
                                 const QString& where)
{
    std::array<double, 3> triple{{fallback, fallback, fallback}};
    if (!json.contains(key)) return triple;
    const QJsonArray array = json.value(key).toArray();
    if (array.size() != 3)
        throw Error(QStringLiteral("model spec %1: \"%2\" must be a list of 3 numbers").arg(where, key));
    for (int i = 0; i < 3; ++i) {
        if (!array[i].isDouble())
            throw Error(QStringLiteral("model spec %1: \"%2\" must be a list of 3 numbers").arg(where, key));
        triple[size_t(i)] = array[i].toDouble();
    }
    return triple;
}

// "output": a name, or a list of 1 to 4 distinct names (their embeddings are combined).
QStringList readOutputNames(const QJsonObject& embedding, const QString& where)
{
    const QJsonValue value = embedding.value(QStringLiteral("output"));
    if (!value.isArray()) return {requireString(embedding, QStringLiteral("output"), where)};
    const QJsonArray array = value.toArray();
    QStringList names;
    for (const QJsonValue& name : array) {
        if (!name.isString() || name.toString().isEmpty() || names.contains(name.toString()))
            break;
        names.append(name.toString());
    }
    if (names.size() != array.size() || names.isEmpty() || names.size() > 4)
        throw Error(QStringLiteral("model spec %1: embedding \"output\" must be a name or a list of 1 to 4 "
                                   "different names").arg(where));
    return names;
}

// "append": [{"output": NAME, "dim": N, "weight": W}, ...]: at most 4, names not used elsewhere,
// weights in (0, 4] (NaN and infinities fail the comparisons).
// A whitening shrinkage the spec may give (KEY in its embedding), ε relative to the mean
// eigenvalue; 0 when absent (training's default then applies).
double optionalShrinkage(const QJsonObject& embedding, const QString& key, const QString& where)
{
    const QJsonValue shrinkage = embedding.value(key);
    if (shrinkage.isUndefined()) return 0;
    // 0 would divide by the pool's smallest eigenvalues (noise); NaN fails both comparisons.
    if (!(shrinkage.isDouble() && shrinkage.toDouble() >= 0.001 && shrinkage.toDouble() <= 100))
        throw Error(QStringLiteral("model spec %1: \"%2\" must be a number from 0.001 to 100").arg(where, key));
    return shrinkage.toDouble();
}

std::vector<AppendedOutput> readAppendedOutputs(const QJsonObject& embedding, const QStringList& summed, const QString& where)
{
    const QJsonValue value = embedding.value(QStringLiteral("append"));
    if (value.isUndefined()) return {};
    const QString shape = QStringLiteral("model spec %1: embedding \"append\" must be a list of 1 to 4 objects "
                                         "{\"output\": name, \"dim\": size, \"weight\": number from 0.001 to 4}, "
                                         "with names of their own").arg(where);
    if (!value.isArray() || value.toArray().isEmpty() || value.toArray().size() > 4) throw Error(shape);
    std::vector<AppendedOutput> outputs;
    QStringList names = summed;
    for (const QJsonValue& item : value.toArray()) {
        if (!item.isObject()) throw Error(shape);
        const QJsonObject object = item.toObject();
        // A misspelt key ("wieght") would otherwise fall back to weight 1 without a word.
        for (const QString& key : object.keys())
            if (key != QLatin1String("output") && key != QLatin1String("dim") && key != QLatin1String("weight"))
                throw Error(QStringLiteral("%1 (unknown key \"%2\")").arg(shape, key));
        AppendedOutput output;
        output.name = object.value(QStringLiteral("output")).toString();
        const QJsonValue weight = object.value(QStringLiteral("weight"));
        output.weight = weight.toDouble(1.0);
        // The weight scales floats: below 1e-3 it would vanish against the summed unit vector
        // (and 1e-50 becomes exactly 0 as a float). NaN fails the comparison.
        if (output.name.isEmpty() || names.contains(output.name) || (!weight.isUndefined() && !weight.isDouble()) ||
            !(output.weight >= 1e-3 && output.weight <= 4))
            throw Error(shape);
        output.dim = requirePositiveInt(object, QStringLiteral("dim"), where, 65536);
        names.append(output.name);
        outputs.push_back(output);
    }
    return outputs;
}

QString besideSpec(const QString& specPath, const QString& fileName)
{
    return QFileInfo(fileName).isAbsolute()
               ? fileName
               : QFileInfo(specPath).absoluteDir().absoluteFilePath(fileName);
}

} // namespace

ModelSpec ModelSpec::load(const QString& specPath)
{
    if (!QFileInfo::exists(specPath))
        throw Error(QStringLiteral("model spec %1 does not exist").arg(specPath));
    const FileRead file = readRegularFile(specPath, kMaxModelSpecBytes);
    if (!file.ok())
        throw Error(QStringLiteral("cannot read model spec %1: %2%3")
                        .arg(specPath, file.error,
                             file.error.startsWith(QLatin1String("too large")) ? QStringLiteral(" (is it the .onnx file?)")
                                                                               : QString()));
    if (file.bytes.trimmed().isEmpty()) throw Error(QStringLiteral("model spec %1 is empty").arg(specPath));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(file.bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Binary content is most likely the network itself given in place of its spec.
        const bool binary = file.bytes.contains('\0') || !file.bytes.trimmed().startsWith('{');
        throw Error(QStringLiteral("model spec %1 is not valid JSON (%2)%3")
                        .arg(specPath, parseError.errorString(),
                             binary ? QStringLiteral("; pass the .json spec, not the .onnx") : QString()));
    }
    if (!document.isObject())
        throw Error(QStringLiteral("model spec %1 is not a JSON object ({…})").arg(specPath));
    return fromJson(document.object(), QFileInfo(specPath).absoluteFilePath());
}

ModelSpec ModelSpec::fromJson(const QJsonObject& json, const QString& specPath)
{
    const QString where = specPath;
    const int version = json.value(QStringLiteral("spec_version")).toInt(1);
    if (version != 1)
        throw Error(QStringLiteral("model spec %1 has spec_version %2; this build reads version 1").arg(where).arg(version));

    ModelSpec spec;
    spec.specPath = specPath;
    spec.name = requireString(json, QStringLiteral("name"), where);
    spec.onnxPath = besideSpec(specPath, requireString(json, QStringLiteral("onnx"), where));

    const QJsonObject input = requireObject(json, QStringLiteral("input"), where);
    spec.inputName = input.value(QStringLiteral("name")).toString();
    const QString sideLimit = QStringLiteral(" (the network's input size; larger ones take gigabytes per photo)");
    spec.inputWidth = requireIntInRange(input, QStringLiteral("width"), where, kMinInputSide, kMaxInputSide, sideLimit);
    spec.inputHeight = requireIntInRange(input, QStringLiteral("height"), where, kMinInputSide, kMaxInputSide, sideLimit);
    const QString order = input.value(QStringLiteral("color_order")).toString(QStringLiteral("RGB")).toUpper();
    if (order != QLatin1String("RGB") && order != QLatin1String("BGR"))
        throw Error(QStringLiteral("model spec %1: color_order must be RGB or BGR").arg(where));
    spec.rgb = order == QLatin1String("RGB");
    // Checked, not defaulted: a mistyped or zero scale would silently give every photo the
    // same embedding.
    const QJsonValue scale = input.value(QStringLiteral("scale"));
    if (!scale.isUndefined() && !(scale.isDouble() && scale.toDouble() > 0 && std::isfinite(scale.toDouble())))
        throw Error(QStringLiteral("model spec %1: \"scale\" must be a positive number").arg(where));
    spec.scale = scale.toDouble(1.0 / 255.0);
    spec.mean = readTriple(input, QStringLiteral("mean"), 0.0, where);
    spec.std = readTriple(input, QStringLiteral("std"), 1.0, where);
    for (double s : spec.std)
        if (s == 0) throw Error(QStringLiteral("model spec %1: std must not contain 0").arg(where));
    spec.resize = input.value(QStringLiteral("resize")).toString(QStringLiteral("area"));
    if (spec.resize != QLatin1String("area") && spec.resize != QLatin1String("linear"))
        throw Error(QStringLiteral("model spec %1: resize must be \"area\" or \"linear\"").arg(where));
    const QString crop = input.value(QStringLiteral("crop")).toString(QStringLiteral("none"));
    if (crop != QLatin1String("none"))
        throw Error(QStringLiteral("model spec %1: crop \"%2\" is not supported (only \"none\")").arg(where, crop));

    const QString augment = input.value(QStringLiteral("augment")).toString(QStringLiteral("none"));
    const QStringList augmentations{QStringLiteral("none"), QStringLiteral("flip"), QStringLiteral("crops"),
                                    QStringLiteral("flip+crops")};
    if (!augmentations.contains(augment))
        throw Error(QStringLiteral("model spec %1: augment must be \"none\", \"flip\", \"crops\" or \"flip+crops\"").arg(where));
    spec.flipAverage = augment.contains(QLatin1String("flip"));
    spec.cropAverage = augment.contains(QLatin1String("crops"));
    const QJsonValue fraction = input.value(QStringLiteral("crop_fraction"));
    if (!fraction.isUndefined()) {
        // Below one half the three crops stop overlapping and miss the middle of the object;
        // 1 would repeat the whole photo. NaN fails both comparisons.
        if (!spec.cropAverage)
            throw Error(QStringLiteral("model spec %1: \"crop_fraction\" needs \"augment\": \"crops\" or \"flip+crops\"").arg(where));
        if (!(fraction.isDouble() && fraction.toDouble() >= 0.5 && fraction.toDouble() < 1))
            throw Error(QStringLiteral("model spec %1: \"crop_fraction\" must be a number from 0.5 to below 1").arg(where));
        spec.cropFraction = fraction.toDouble();
    }

    const QJsonObject embedding = requireObject(json, QStringLiteral("embedding"), where);
    spec.embeddingOutputs = readOutputNames(embedding, where);
    spec.summedDim = requirePositiveInt(embedding, QStringLiteral("dim"), where, 65536);
    spec.appendedOutputs = readAppendedOutputs(embedding, spec.embeddingOutputs, where);
    spec.embeddingDim = spec.summedDim;
    for (const AppendedOutput& appended : spec.appendedOutputs) spec.embeddingDim += appended.dim;
    const QJsonValue nearIdentical = embedding.value(QStringLiteral("near_identical_cosine"));
    if (!nearIdentical.isUndefined()) {
        // Below one half, photos of one class would count as copies of each other; NaN fails both.
        if (!(nearIdentical.isDouble() && nearIdentical.toDouble() >= 0.5 && nearIdentical.toDouble() < 1))
            throw Error(QStringLiteral("model spec %1: \"near_identical_cosine\" must be a number from 0.5 to below 1").arg(where));
        spec.nearIdenticalCosine = nearIdentical.toDouble();
    }
    spec.classMeanShrinkage = optionalShrinkage(embedding, QStringLiteral("class_mean_shrinkage"), where);
    spec.discriminantShrinkage = optionalShrinkage(embedding, QStringLiteral("discriminant_shrinkage"), where);

    if (json.contains(QStringLiteral("logits"))) {
        const QJsonObject logits = requireObject(json, QStringLiteral("logits"), where);
        spec.logitsOutput = requireString(logits, QStringLiteral("output"), where);
        spec.logitsClasses = requirePositiveInt(logits, QStringLiteral("classes"), where, 1000000);
        // One network output read as both would be checked against two sizes, and one would fail
        // on every photo instead of here.
        if (spec.networkEmbeddingOutputs().contains(spec.logitsOutput))
            throw Error(QStringLiteral("model spec %1: the logits output \"%2\" is also an embedding output")
                            .arg(where, spec.logitsOutput));
        const QString labels = logits.value(QStringLiteral("labels")).toString();
        if (!labels.isEmpty()) spec.labelsPath = besideSpec(specPath, labels);
    }
    return spec;
}

QJsonObject ModelSpec::preprocessingJson() const
{
    auto triple = [](const std::array<double, 3>& t) { return QJsonArray{t[0], t[1], t[2]}; };
    QJsonObject json{
        {QStringLiteral("width"), inputWidth},
        {QStringLiteral("height"), inputHeight},
        {QStringLiteral("color_order"), rgb ? QStringLiteral("RGB") : QStringLiteral("BGR")},
        {QStringLiteral("scale"), scale},
        {QStringLiteral("mean"), triple(mean)},
        {QStringLiteral("std"), triple(std)},
        {QStringLiteral("resize"), resize},
        {QStringLiteral("crop"), QStringLiteral("none")},
        {QStringLiteral("embedding_output"), embeddingOutputLabel()},
        {QStringLiteral("embedding_dim"), embeddingDim},
        {QStringLiteral("normalization"), QStringLiteral("L2")},
    };
    // Only written when used, so that models without augmentation keep their identity (and their
    // cached embeddings) from before augmentation existed.
    if (flipAverage || cropAverage) json.insert(QStringLiteral("augment"), augmentation());
    if (cropAverage) json.insert(QStringLiteral("crop_fraction"), cropFraction);
    return json;
}

QString ModelSpec::embeddingOutputLabel() const
{
    QString label = embeddingOutputs.join(QLatin1Char('+'));
    for (const AppendedOutput& appended : appendedOutputs)
        // Shortest exact form: 0.5 stays "0.5" (caches keep their keys), and weights that differ
        // only in a later digit never share a key.
        label += QStringLiteral(",%1*%2").arg(appended.name,
                                              QString::number(appended.weight, 'g', QLocale::FloatingPointShortest));
    return label;
}

QStringList ModelSpec::networkEmbeddingOutputs() const
{
    QStringList names = embeddingOutputs;
    for (const AppendedOutput& appended : appendedOutputs) names.append(appended.name);
    return names;
}

int ModelSpec::networkEmbeddingOutputDim(int index) const
{
    return index < embeddingOutputs.size() ? summedDim : appendedOutputs.at(size_t(index - embeddingOutputs.size())).dim;
}

QString ModelSpec::augmentation() const
{
    if (flipAverage && cropAverage) return QStringLiteral("flip+crops");
    if (flipAverage) return QStringLiteral("flip");
    if (cropAverage) return QStringLiteral("crops");
    return QStringLiteral("none");
}

QString ModelSpec::augmentationPhrase() const
{
    const QString crops = QStringLiteral("three %1% crops").arg(qRound(cropFraction * 100));
    if (flipAverage && cropAverage) return QStringLiteral(", averaged with its mirror image and %1").arg(crops);
    if (flipAverage) return QStringLiteral(", averaged with its mirror image");
    if (cropAverage) return QStringLiteral(", averaged with %1").arg(crops);
    return QString();
}

} // namespace exemplar
