#pragma once
// The one table of training methods: what each is called, what it does, and how it trains. The
// CLI's help and --method, the GUI's method menus, the honest evaluation and the reference-set
// file all read it; nothing else spells a method out. The defaults are decided here too, once.
#include "TrainingMethod.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace exemplar {

using Trainer = TrainingResult (*)(const EmbeddingSet& pool, const TrainingOptions& options, const Feedback* feedback,
                                   const OptimizerObserver& observer);

// Which background photos (TrainingOptions::whiteningBackground) a method reads.
enum class BackgroundUse {
    None,          // none: it does not whiten
    Any,           // all of them, sorted by kind or not (the plain whitening)
    SortedByKind,  // only those sorted by kind (discriminant-centroid: the spread within a kind)
};

struct TrainingMethodInfo {
    QString id;                // what files, projects and --method say
    QString label;             // a few words, for menus
    QString description;       // one line, for help texts and tooltips
    bool usesOptimizer;        // reads the optimizer settings (strategy, budget, centrality, pinned counts)
    bool comparedByDefault;    // in a method comparison when none are named
    BackgroundUse backgroundUse;
    Trainer trainer;
};

// Every method, simplest first, "auto" last.
const std::vector<TrainingMethodInfo>& trainingMethods();
// The method ID names, or an accepted older name of one (e.g. "seed"); null when none.
const TrainingMethodInfo* findTrainingMethod(const QString& id);
// Every id, in table order (aliases are accepted everywhere but not listed).
QStringList trainingMethodNames();
bool isTrainingMethod(const QString& idOrAlias);
// The current id of ID_OR_ALIAS; ID_OR_ALIAS itself when it names no method.
QString canonicalTrainingMethod(const QString& idOrAlias);
// IDS_OR_ALIASES without a method named again (by its id or an older name), the first kept: a
// comparison trains and reports each method once.
QStringList distinctTrainingMethods(const QStringList& idsOrAliases);
// The ids compared when the user names none.
QStringList defaultComparedMethods();

// Defaults, one decision each.
// `train` and the CLI use the method that picks by cross-validation: the one that is accurate.
inline QString defaultTrainingMethod() { return QStringLiteral("auto"); }
// The GUI's Optimize tab opens on the article's interactive optimization (what the user came for);
// "auto" is one click away and marked recommended.
inline QString interactiveTrainingMethod() { return QStringLiteral("least-central"); }
constexpr double kDefaultHoldoutFraction = 0.2;   // share of each class held out for the honest report
constexpr double kDefaultKnownRejectRate = 0.05;  // share of known photos "unknown" may reject

} // namespace exemplar
