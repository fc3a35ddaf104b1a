#include "TrainingMethods.h"

#include <QHash>

namespace exemplar {

namespace {

// The table's trainers share one signature; the methods that need no options ignore them.
TrainingResult trainAll(const EmbeddingSet& pool, const TrainingOptions&, const Feedback*, const OptimizerObserver&)
{
    return trainAllReferences(pool);
}
TrainingResult trainMeans(const EmbeddingSet& pool, const TrainingOptions&, const Feedback*, const OptimizerObserver&)
{
    return trainCentroids(pool);
}
TrainingResult trainLeastCentral(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                                 const OptimizerObserver& observer)
{
    return trainCentralitySelection(pool, options, feedback, observer);
}
TrainingResult trainLogistic(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                             const OptimizerObserver&)
{
    return trainLinear(pool, options, false, feedback);
}
TrainingResult trainWhitenedAll(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback*,
                                const OptimizerObserver&)
{
    return trainAllReferences(pool, true, options.whiteningShrinkage, options.whiteningBackground.get(),
                              options.whiteningBackgroundKinds.get());
}
TrainingResult trainWhitenedMeans(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback*,
                                  const OptimizerObserver&)
{
    return trainCentroids(pool, true, classMeanShrinkageFor(pool, options), options.whiteningBackground.get(),
                          options.whiteningBackgroundKinds.get());
}
TrainingResult trainDiscriminantMeans(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback*,
                                      const OptimizerObserver&)
{
    return trainDiscriminantCentroids(pool, discriminantShrinkageFor(pool, options), options.whiteningBackground.get(),
                                      options.whiteningBackgroundKinds.get());
}
TrainingResult trainWhitenedLogistic(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                                     const OptimizerObserver&)
{
    return trainLinear(pool, options, true, feedback);
}
TrainingResult trainChosen(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                           const OptimizerObserver&)
{
    return trainAuto(pool, options, feedback);
}

// Older names still accepted in files, projects and on the command line.
const QHash<QString, QString>& aliases()
{
    static const QHash<QString, QString> table{{QStringLiteral("seed"), QStringLiteral("least-central")}};
    return table;
}

} // namespace

const std::vector<TrainingMethodInfo>& trainingMethods()
{
    static const std::vector<TrainingMethodInfo> table{
        {QStringLiteral("all"), QStringLiteral("All photos (1-NN)"),
         QStringLiteral("1-NN over every training photo (the article's baseline)"), false, true, BackgroundUse::None,
         trainAll},
        {QStringLiteral("centroid"), QStringLiteral("Class means"),
         QStringLiteral("nearest class mean after subtracting the pool mean"), false, true, BackgroundUse::None,
         trainMeans},
        {QStringLiteral("least-central"), QStringLiteral("Least central (the article's)"),
         QStringLiteral("the article's: keep the least central photos of each class, counts chosen by the optimizer"),
         true, true, BackgroundUse::None, trainLeastCentral},
        {QStringLiteral("linear"), QStringLiteral("Logistic regression"),
         QStringLiteral("logistic regression; its class weight vectors are the references"), false, true,
         BackgroundUse::None, trainLogistic},
        {QStringLiteral("whitened-all"), QStringLiteral("All photos, whitened"),
         QStringLiteral("1-NN over every training photo after PCA whitening"), false, false, BackgroundUse::Any,
         trainWhitenedAll},
        {QStringLiteral("whitened-centroid"), QStringLiteral("Class means, whitened"),
         QStringLiteral("nearest class mean after PCA whitening"), false, false, BackgroundUse::Any, trainWhitenedMeans},
        {QStringLiteral("discriminant-centroid"), QStringLiteral("Class means, within-class whitened"),
         QStringLiteral("nearest class mean after whitening the spread within each class (shrinkage LDA)"), false, false,
         BackgroundUse::SortedByKind, trainDiscriminantMeans},
        {QStringLiteral("whitened-linear"), QStringLiteral("Logistic regression, whitened"),
         QStringLiteral("logistic regression after PCA whitening"), false, false, BackgroundUse::Any,
         trainWhitenedLogistic},
        {QStringLiteral("auto"), QStringLiteral("Auto (recommended)"),
         QStringLiteral("recommended: picks the best method by cross-validation inside the training photos"), true, true,
         BackgroundUse::Any, trainChosen},
    };
    return table;
}

const TrainingMethodInfo* findTrainingMethod(const QString& id)
{
    const QString canonical = aliases().value(id, id);
    for (const TrainingMethodInfo& method : trainingMethods())
        if (method.id == canonical) return &method;
    return nullptr;
}

QStringList trainingMethodNames()
{
    QStringList names;
    for (const TrainingMethodInfo& method : trainingMethods()) names << method.id;
    return names;
}

bool isTrainingMethod(const QString& idOrAlias) { return findTrainingMethod(idOrAlias) != nullptr; }

QString canonicalTrainingMethod(const QString& idOrAlias)
{
    const TrainingMethodInfo* method = findTrainingMethod(idOrAlias);
    return method ? method->id : idOrAlias;
}

QStringList distinctTrainingMethods(const QStringList& idsOrAliases)
{
    QStringList kept, seen;
    for (const QString& method : idsOrAliases)
        if (!seen.contains(canonicalTrainingMethod(method))) {
            seen << canonicalTrainingMethod(method);
            kept << method;
        }
    return kept;
}

QStringList defaultComparedMethods()
{
    QStringList names;
    for (const TrainingMethodInfo& method : trainingMethods())
        if (method.comparedByDefault) names << method.id;
    return names;
}

} // namespace exemplar
