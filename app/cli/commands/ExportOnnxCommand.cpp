// exemplar-cli export-onnx SET.exref OUT.onnx: the model and the reference set as one ONNX file.
#include "CliCommands.h"

#include "CliOptions.h"
#include "CliSupport.h"
#include "TerminalText.h"
#include "Error.h"
#include "OnnxExport.h"
#include "ReferenceSetFile.h"
#include "RegularFile.h"

#include <QFileInfo>
#include <cmath>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

namespace exemplar::cli {

int runExportOnnx(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write one ONNX model that classifies photos: the network followed by the reference set. Input: the "
        "model's input tensor (\"input\", 1×3×H×W as its spec says: 1×3×256×384 for the default, RGB in [0,1], "
        "the whole photo resized; a flip-averaging model's mirror image is made inside the graph; crop-averaging "
        "specs are refused); output \"scores\", one per class; class names in the metadata (\"exemplar.classes\")."));
    parser.addPositionalArgument(QStringLiteral("SET"), QStringLiteral("Reference-set file (.exref)."));
    parser.addPositionalArgument(QStringLiteral("OUT"), QStringLiteral("ONNX file to write."));
    addCommonOptions(&parser);
    parseOrThrow(&parser, QStringLiteral("export-onnx"), args);
    const CommonOptions options = commonOptions(parser);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        throw UsageError{QStringLiteral("expected a reference set and an output file, got %1 arguments").arg(positional.size())};
    const QString out = positional.at(1);

    refuseToReplaceAnotherKind(out, QStringLiteral("an ONNX model"), startsLikeOnnxModel);
    refuseUnwritableDestination(out);
    const ReferenceSet set = readReferenceSet(positional.at(0));
    const CommonOptions common = withModelOf(set, options);
    const ModelSpec spec = ModelSpec::load(common.modelSpec);
    // The network is an ONNX model like the output, so the kind check above lets it through.
    refuseToReplaceAnInput(out, {positional.at(0), spec.specPath, spec.onnxPath, spec.labelsPath});
    try {
        exportClassifierOnnx(set, spec, out);
    } catch (const ModelMismatch& error) {
        // Core says what is wrong; the CLI says what to do about it.
        throw Error(error.message() + QStringLiteral("; use --model to load the matching one"));
    }
    warnIfPreprocessingDiffers(set, spec, common, "export-onnx");

    const QJsonObject result{{QStringLiteral("out"), QFileInfo(out).absoluteFilePath()},
                             {QStringLiteral("unknown_in_graph"), false},
                             {QStringLiteral("classes"), set.head.classNames.size()},
                             {QStringLiteral("references"), set.head.referenceCount()},
                             {QStringLiteral("input"), spec.inputName},
                             {QStringLiteral("output"), kOnnxScoresOutput},
                             {QStringLiteral("bytes"), QFileInfo(out).size()}};
    if (common.json) {
        std::fputs(QJsonDocument(result).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        std::printf("Wrote %s: input \"%s\" (1×3×%d×%d), output \"%s\" (1×%d scores, one per class; names in metadata "
                    "\"%s\")\n",
                    printable(out).constData(), printable(spec.inputName).constData(), spec.inputHeight, spec.inputWidth,
                    printable(kOnnxScoresOutput).constData(), int(set.head.classNames.size()), printable(kOnnxClassesKey).constData());
        if (std::isfinite(set.head.rejectBelow))
            std::printf("Note: the graph gives a class for every photo; the set's rule for \"unknown\" needs its "
                        "training photos and is not in it (metadata \"exemplar.classifier\" states it): %s\n",
                        printable(set.head.unknownRule()).constData());
    }
    return 0;
}

} // namespace exemplar::cli
