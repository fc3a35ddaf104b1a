#include "export/ResultExport.h"

#include "Error.h"
#include "AtomicFile.h"
#include "RegularFile.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace exemplar::ui {

namespace {

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    return QLatin1Char('"') + QString(text).replace(QLatin1String("\""), QLatin1String("\"\"")) + QLatin1Char('"');
}

QString csvLine(const QStringList& fields)
{
    QStringList escaped;
    for (const QString& field : fields) escaped << csvField(field);
    return escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
}

bool isJson(const QString& path) { return QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0; }

// Text: no NUL byte, and UTF-8 (a character cut at the end of the sample is no error).
bool isText(const QByteArray& firstBytes)
{
    if (firstBytes.contains('\0')) return false;
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString decoded = utf8(firstBytes);  // decodes on conversion
    Q_UNUSED(decoded);
    return !utf8.hasError();
}

// A CSV never starts like JSON; projects, reference sets and model specs all do.
bool startsLikeCsvText(const QByteArray& firstBytes)
{
    const QByteArray text = firstBytes.trimmed();
    return isText(firstBytes) && !text.startsWith('{') && !text.startsWith('[');
}

// Only an earlier export: its first key (QJsonObject sorts them) is "held_out" or "predictions".
bool startsLikeResultJson(const QByteArray& firstBytes)
{
    const QByteArray text = firstBytes.trimmed();
    if (!isText(firstBytes) || !text.startsWith('{')) return false;
    const QByteArray firstKey = text.mid(1).trimmed();
    return firstKey.startsWith("\"held_out\"") || firstKey.startsWith("\"predictions\"");
}

// A name mistyped or clicked through in the export dialog must not destroy a photo, a project or
// a reference set: a CSV replaces only a text file that is not JSON, a JSON only an earlier export.
void refuseToReplaceAnotherKindOfFile(const QString& path)
{
    if (isJson(path)) refuseToReplaceAnotherKind(path, QObject::tr("an exported JSON of predictions or metrics"), startsLikeResultJson);
    else refuseToReplaceAnotherKind(path, QObject::tr("a CSV table"), startsLikeCsvText);
}

} // namespace

void exportPredictions(const std::vector<ClassifiedPhoto>& photos, const QStringList& classNames, const QString& path)
{
    refuseToReplaceAnotherKindOfFile(path);
    if (isJson(path)) {
        QJsonArray array;
        for (const ClassifiedPhoto& photo : photos) {
            QJsonArray ranked;
            for (const ClassScore& s : photo.prediction.ranked)
                ranked.append(QJsonObject{{QStringLiteral("class"), classNames.value(s.classIndex)},
                                          {QStringLiteral("score"), double(s.score)}});
            array.append(QJsonObject{{QStringLiteral("file"), photo.path},
                                     {QStringLiteral("error"), photo.error},
                                     {QStringLiteral("class"), photo.prediction.unknown || !photo.error.isEmpty()
                                                                   ? QString()
                                                                   : classNames.value(photo.prediction.bestClass())},
                                     {QStringLiteral("unknown"), photo.prediction.unknown},
                                     {QStringLiteral("margin"), double(photo.prediction.margin)},
                                     {QStringLiteral("ranked"), ranked}});
        }
        writeFileAtomically(path, QJsonDocument(QJsonObject{{QStringLiteral("predictions"), array}}).toJson());
        return;
    }
    QString csv = csvLine({QStringLiteral("file"), QStringLiteral("class"), QStringLiteral("score"),
                           QStringLiteral("margin"), QStringLiteral("unknown"), QStringLiteral("second_class"),
                           QStringLiteral("second_score"), QStringLiteral("error")});
    for (const ClassifiedPhoto& photo : photos) {
        const auto& r = photo.prediction.ranked;
        csv += csvLine({photo.path, r.empty() ? QString() : classNames.value(r[0].classIndex),
                        r.empty() ? QString() : QString::number(r[0].score, 'f', 4),
                        QString::number(photo.prediction.margin, 'f', 4),
                        photo.prediction.unknown ? QStringLiteral("yes") : QStringLiteral("no"),
                        r.size() < 2 ? QString() : classNames.value(r[1].classIndex),
                        r.size() < 2 ? QString() : QString::number(r[1].score, 'f', 4), photo.error});
    }
    writeFileAtomically(path, csv.toUtf8());
}

void exportMetrics(const TrainingOutcome& outcome, const QStringList& classNames, const MethodComparison* comparison,
                   const QString& path)
{
    refuseToReplaceAnotherKindOfFile(path);
    if (isJson(path)) {
        QJsonObject root{{QStringLiteral("method"), outcome.set.method},
                         {QStringLiteral("held_out"), outcome.metrics.toJson(classNames)},
                         {QStringLiteral("protocol"), outcome.set.evaluation.value(QStringLiteral("protocol"))}};
        if (comparison) root.insert(QStringLiteral("method_comparison"), comparison->toJson());
        writeFileAtomically(path, QJsonDocument(root).toJson());
        return;
    }
    // The totals carry their 95% intervals in two more columns (the same as the JSON's).
    QString csv = csvLine({QStringLiteral("class"), QStringLiteral("precision"), QStringLiteral("recall"),
                           QStringLiteral("f1"), QStringLiteral("support"), QStringLiteral("low_95"), QStringLiteral("high_95")});
    const Metrics& m = outcome.metrics;
    for (size_t c = 0; c < m.perClass.size(); ++c)
        csv += csvLine({classNames.value(int(c)), QString::number(m.perClass[c].precision, 'f', 4),
                        QString::number(m.perClass[c].recall, 'f', 4), QString::number(m.perClass[c].f1, 'f', 4),
                        QString::number(m.perClass[c].support), QString(), QString()});
    const auto total = [&](const QString& what, double value, const std::optional<ProportionInterval>& interval) {
        return csvLine({what, QString(), QString(), QString::number(value, 'f', 4), QString::number(m.total),
                        interval ? QString::number(interval->low, 'f', 4) : QString(),
                        interval ? QString::number(interval->high, 'f', 4) : QString()});
    };
    csv += total(QStringLiteral("(accuracy)"), m.accuracy, m.accuracyInterval);
    csv += total(QStringLiteral("(weighted F1)"), m.weightedF1, m.weightedF1Interval);
    writeFileAtomically(path, csv.toUtf8());
}

} // namespace exemplar::ui
