#include "EmbedDataset.h"

#include "Embedder.h"
#include "EmbeddingPipeline.h"

#include <QHash>

namespace exemplar {

EmbeddingSet embedDataset(const Dataset& dataset, Embedder& embedder, const EmbeddingCache* cache,
                          Feedback* feedback, EmbedReport* report, const EmbedOptions& options)
{
    EmbedReport localReport;
    EmbedReport& out = report ? *report : localReport;
    out = EmbedReport{};
    EmbeddingSet set = runEmbeddingPipeline(dataset, embedder, cache, feedback, &out, options);
    set.nearIdenticalCosine = embedder.spec().nearIdenticalCosine;
    set.classMeanShrinkage = embedder.spec().classMeanShrinkage;
    set.discriminantShrinkage = embedder.spec().discriminantShrinkage;

    // A photo filed under two classes teaches both labels at once: say so, keep both.
    QHash<QString, int> firstRowOf;
    for (int row = 0; row < set.size(); ++row) {
        const int first = firstRowOf.value(set.contentHashes[row], row);
        if (first == row)
            firstRowOf.insert(set.contentHashes[row], row);
        else if (set.labels[size_t(first)] != set.labels[size_t(row)])
            out.warnings << QStringLiteral("the same photo is in classes \"%1\" and \"%2\": %3 and %4")
                                .arg(set.classNames[set.labels[size_t(first)]], set.classNames[set.labels[size_t(row)]],
                                     set.paths[first], set.paths[row]);
    }

    return set;
}

} // namespace exemplar
