#pragma once
// Small helpers shared by the benchmarks: wall and CPU clocks, peak resident memory (Linux
// /proc), the machine's load, medians; the options and output of the accuracy benchmarks.
// Benchmarks print figures; they never assert timings.
#include "Error.h"
#include "InstalledModels.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

namespace exemplar::bench {

inline double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Wall and process CPU time since construction, in seconds.
class Stopwatch {
public:
    Stopwatch() : wall_(std::chrono::steady_clock::now()), cpu_(cpuSeconds()) {}
    double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count(); }
    double cpu() const { return cpuSeconds() - cpu_; }

private:
    std::chrono::steady_clock::time_point wall_;
    double cpu_;
};

// A field of /proc/self/status in MiB (VmHWM: peak resident, VmRSS: current); -1 if unknown.
inline double processMemoryMiB(const char* field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith(key)) return line.mid(key.size()).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return -1;
}

// Resets VmHWM to the current resident size (Linux ≥ 4.0), so that each stage's peak is its own.
inline bool resetPeakResident()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

inline QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly)) return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().split(' ').mid(0, 3).join(' '));
}

inline double median(std::vector<double> values)
{
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// --data, --sets, --model and --out: how the accuracy benchmarks name their photo sets, model and
// Markdown output (SHARED_DATA: the default --data).
inline QList<QCommandLineOption> photoSetOptions(const QString& sharedData)
{
    return {
        {QStringLiteral("data"), QStringLiteral("Folder holding the photo sets."), QStringLiteral("dir"), sharedData},
        {QStringLiteral("sets"), QStringLiteral("Photo sets (subfolders of --data)."), QStringLiteral("list"),
         QStringLiteral("flowers17,cars24")},
        {QStringLiteral("model"), QStringLiteral("Model spec."), QStringLiteral("spec")},
        {QStringLiteral("out"), QStringLiteral("Write the table here as well as to stdout."), QStringLiteral("file")},
    };
}

inline QString modelSpecOption(const QCommandLineParser& parser)
{
    return parser.value(QStringLiteral("model")).isEmpty() ? defaultModelSpecPath() : parser.value(QStringLiteral("model"));
}

// The folders of the photo sets --sets names under --data; a missing one is reported by BENCH and left out.
inline QStringList photoSetFolders(const QCommandLineParser& parser, const char* bench)
{
    QStringList folders;
    for (const QString& name : parser.value(QStringLiteral("sets")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString root = QDir(parser.value(QStringLiteral("data"))).filePath(name);
        if (QFileInfo(root).isDir()) folders << root;
        else std::fprintf(stderr, "%s: skipping %s: not found\n", bench, qPrintable(root));
    }
    return folders;
}

// TABLE on stdout, and written whole to --out when given (throws Error when it cannot be).
inline void printTable(const QCommandLineParser& parser, const QString& table)
{
    std::fputs(qPrintable(table), stdout);
    if (!parser.isSet(QStringLiteral("out"))) return;
    QSaveFile file(parser.value(QStringLiteral("out")));
    if (!file.open(QIODevice::WriteOnly) || file.write(table.toUtf8()) < 0 || !file.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(parser.value(QStringLiteral("out")), file.errorString()));
}

} // namespace exemplar::bench
