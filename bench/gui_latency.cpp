// bench/gui_latency: how long the desktop application's GUI thread is ever blocked while the
// application works on a large project. A 5 ms timer on the GUI thread records the longest gap
// between its ticks (an event-loop latency probe); every gap is charged to the stage that was
// running, so a stage that blocks the GUI for longer than a frame or two stands out. Stages:
// embedding real photos (optional), then on synthetic embeddings (no photos needed) the
// similarity analysis and audit, the views redrawing, training with "unknown" calibration, and
// browsing the tabs. See bench/README.md.
#include "BenchSupport.h"
#include "SyntheticEmbeddings.h"

#include "controller/ProjectController.h"
#include "views/HeatmapView.h"
#include "window/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

constexpr int kTickMs = 5;

// The probe: the longest gap between two ticks of a 5 ms timer, per stage.
class LatencyProbe : public QObject {
public:
    LatencyProbe()
    {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(kTickMs);
        connect(&timer_, &QTimer::timeout, this, [this] {
            const qint64 now = clock_.nsecsElapsed();
            const double gapMs = (now - last_) / 1e6 - kTickMs;  // beyond the timer's own period
            last_ = now;
            double& worst = worst_[stage_];
            worst = std::max(worst, gapMs);
        });
    }
    void start(const QString& stage)
    {
        stage_ = stage;
        worst_.insert(stage, 0.0);
        clock_.start();
        last_ = 0;
        timer_.start();
    }
    void setStage(const QString& stage)
    {
        stage_ = stage;
        if (!worst_.contains(stage)) worst_.insert(stage, 0.0);
    }
    double stop()
    {
        timer_.stop();
        return worst_.value(stage_);
    }
    const QMap<QString, double>& worst() const { return worst_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0;
    QString stage_;
    QMap<QString, double> worst_;
};

// Runs the event loop for MS milliseconds, sleeping in it (a busy loop would take a core from the worker).
void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Runs the event loop until the controller has been idle for a moment (jobs queue more jobs).
void settle(const ProjectController* controller)
{
    for (int idleFor = 0; idleFor < 300; idleFor = controller->isBusy() ? 0 : idleFor + 20) wait(20);
}

// The stage a gap is charged to: the controller's task while one runs (its finisher — the part on
// the GUI thread — included), else what the benchmark is doing.
void followTasks(ProjectController* controller, LatencyProbe* probe, const QString& prefix)
{
    QObject::connect(controller, &ProjectController::taskStarted, probe, [probe, prefix](const QString& title) {
        probe->setStage(prefix + title);
    });
}

void report(const QString& heading, const LatencyProbe& probe)
{
    std::printf("\n%s\n  %-58s %10s\n", qPrintable(heading), "stage", "max ms");
    for (auto it = probe.worst().begin(); it != probe.worst().end(); ++it)
        std::printf("  %-58s %10.1f%s\n", qPrintable(it.key()), it.value(), it.value() > 50 ? "   > 50 ms" : "");
    std::fflush(stdout);
}

EmbeddingSet syntheticProject(int n, int classes)
{
    std::vector<int> counts(size_t(classes), n / classes);
    counts[0] += n - (n / classes) * classes;
    return test::makeClusteredSet(counts, 1280, 1.0f, 7);
}

void runSynthetic(int n, int classes, bool train, int budget)
{
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    ProjectController* controller = window.controller();
    LatencyProbe probe;
    const QString prefix = QStringLiteral("%1 photos: ").arg(n);
    followTasks(controller, &probe, prefix);
    auto set = std::make_shared<const EmbeddingSet>(syntheticProject(n, classes));
    probe.start(prefix + QStringLiteral("load embeddings (GUI thread)"));
    controller->loadEmbeddings(set);  // then the analysis and audit run, and every view redraws
    settle(controller);
    for (int tab = 0; tab < window.tabs()->count(); ++tab) {
        probe.setStage(prefix + QStringLiteral("show tab ") + window.tabs()->tabText(tab));
        window.tabs()->setCurrentIndex(tab);
        settle(controller);
    }
    probe.setStage(prefix + QStringLiteral("select a class (photo grid)"));
    window.tabs()->setCurrentIndex(0);
    controller->selectClass(1);
    settle(controller);
    probe.setStage(prefix + QStringLiteral("heatmap drill-down into a class pair"));
    window.tabs()->setCurrentIndex(1);
    window.heatmapView()->drillDown(0, 1);
    settle(controller);
    if (train) {
        ProjectSettings settings = controller->settings();
        settings.budget = budget;
        controller->setSettings(settings);
        window.tabs()->setCurrentIndex(4);
        controller->startTraining();
        settle(controller);
        std::printf("  (trained: %s)\n", controller->training() ? "yes" : "no");
    }
    probe.stop();
    report(QStringLiteral("%1 synthetic photos, %2 classes (d = 1280)").arg(n).arg(classes), probe);
}

void runEmbedding(const QString& dataDir, int perClass)
{
    const QDir flowers(dataDir + QStringLiteral("/flowers17"));
    if (!flowers.exists()) {
        std::printf("\nembedding stage skipped: %s not found\n", qPrintable(flowers.path()));
        return;
    }
    QTemporaryDir work, cache;
    qputenv("EXEMPLAR_CACHE_DIR", cache.path().toLocal8Bit());  // every photo really goes through the network
    int photos = 0;
    for (const QString& name : flowers.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir source(flowers.filePath(name));
        QDir().mkpath(work.filePath(name));
        for (const QString& file : source.entryList(QDir::Files, QDir::Name).mid(0, perClass))
            photos += QFile::link(source.absoluteFilePath(file), work.filePath(name + QLatin1Char('/') + file));
    }
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    ProjectController* controller = window.controller();
    LatencyProbe probe;
    const QString prefix = QStringLiteral("%1 real photos: ").arg(photos);
    followTasks(controller, &probe, prefix);
    probe.start(prefix + QStringLiteral("drop folders"));
    controller->addFolders({work.path()});
    settle(controller);
    probe.stop();
    report(QStringLiteral("embedding %1 flowers17 photos (fresh cache)").arg(photos), probe);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("exemplar-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Longest GUI-thread stall per stage of the desktop application."));
    parser.addHelpOption();
    const QCommandLineOption sizes(QStringLiteral("sizes"), QStringLiteral("Synthetic project sizes."), QStringLiteral("N,N"),
                                   QStringLiteral("5000,50000"));
    const QCommandLineOption trainUpTo(QStringLiteral("train-up-to"), QStringLiteral("Train on sizes up to N."),
                                       QStringLiteral("N"), QStringLiteral("5000"));
    const QCommandLineOption budget(QStringLiteral("budget"), QStringLiteral("Optimizer budget of the training stage."),
                                    QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption embed(QStringLiteral("embed"), QStringLiteral("Real photos per flowers17 class to embed (0: skip)."),
                                   QStringLiteral("N"), QStringLiteral("18"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Folder holding flowers17."), QStringLiteral("DIR"),
                                  QStringLiteral(EXEMPLAR_BENCH_SHARED_DATA_DIR));
    parser.addOptions({sizes, trainUpTo, budget, embed, data});
    parser.process(app);

    std::printf("GUI-thread latency probe: %d ms timer, gaps beyond its period; load %s\n", kTickMs,
                qPrintable(bench::loadAverage()));
    {
        // The floor: gaps with nothing to do, from the machine's other load alone.
        LatencyProbe probe;
        probe.start(QStringLiteral("idle window, 3 s (baseline)"));
        MainWindow window;
        window.show();
        wait(3000);
        probe.stop();
        report(QStringLiteral("baseline"), probe);
    }
    if (parser.value(embed).toInt() > 0) runEmbedding(parser.value(data), parser.value(embed).toInt());
    for (const QString& size : parser.value(sizes).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int n = size.toInt();
        runSynthetic(n, 10, n <= parser.value(trainUpTo).toInt(), parser.value(budget).toInt());
    }
    std::printf("\nload after: %s\n", qPrintable(bench::loadAverage()));
    return 0;
}
