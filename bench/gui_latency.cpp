// bench/gui_latency: how long the desktop application's GUI thread is ever blocked while the
// application works on a large project. A 5 ms timer on the GUI thread records the longest gap
// between its ticks (an event-loop latency probe); every gap is charged to the stage that was
// running, so a stage that blocks the GUI for longer than a frame or two stands out. Stages:
// embedding real photos (optional), then on synthetic embeddings (no photos needed) the
// similarity analysis and audit, the views redrawing, training with "unknown" calibration,
// browsing the tabs, and saving and opening the project; or opening and saving a project of the
// user's (--project). See bench/README.md.
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
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <ctime>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

constexpr int kTickMs = 5;

// CPU time the calling thread has used (the GUI thread's own work, whatever else runs on the machine).
qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// The worst of one stage: the longest gap between ticks beyond the timer's period (wall clock: what
// the user waits) and the most CPU time the GUI thread spent between two ticks (the application's
// own work on it; the difference is time the thread was ready but others had the cores).
struct Worst {
    double gapMs = 0;
    double busyMs = 0;
};

// The probe: the longest gap between two ticks of a 5 ms timer, per stage.
class LatencyProbe : public QObject {
public:
    LatencyProbe()
    {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(kTickMs);
        connect(&timer_, &QTimer::timeout, this, [this] { charge(); });
    }
    void start(const QString& stage)
    {
        stage_ = stage;
        worst_.insert(stage, Worst());
        clock_.start();
        last_ = 0;
        lastCpu_ = threadCpuNs();
        timer_.start();
    }
    // A stall in progress belongs to the stage that was running when it began: the part so far is
    // charged to the old stage (e.g. a task's finisher, before the next task's start is handled).
    void setStage(const QString& stage)
    {
        if (timer_.isActive()) charge();
        stage_ = stage;
        if (!worst_.contains(stage)) worst_.insert(stage, Worst());
    }
    void stop() { timer_.stop(); }
    const QMap<QString, Worst>& worst() const { return worst_; }
    bool running() const { return timer_.isActive(); }
    const QString& stage() const { return stage_; }

private:
    // The time since the last tick (or stage change) beyond the timer's own period, to the current stage.
    void charge()
    {
        const qint64 now = clock_.nsecsElapsed(), cpu = threadCpuNs();
        Worst& worst = worst_[stage_];
        worst.gapMs = std::max(worst.gapMs, (now - last_) / 1e6 - kTickMs);
        worst.busyMs = std::max(worst.busyMs, (cpu - lastCpu_) / 1e6);
        last_ = now;
        lastCpu_ = cpu;
    }

    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0;
    qint64 lastCpu_ = 0;
    QString stage_;
    QMap<QString, Worst> worst_;
};

// The application, timing every event it delivers (outermost only): the one that kept the GUI
// thread busiest in each stage names the receiver to look at.
class ProbedApplication : public QApplication {
public:
    using QApplication::QApplication;
    static inline LatencyProbe* probe = nullptr;  // the stage events are charged to

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (!explain_ || depth_ > 0 || !probe || !probe->running() || QThread::currentThread() != thread()) {
            ++depth_;
            const bool result = QApplication::notify(receiver, event);
            --depth_;
            return result;
        }
        ++depth_;
        const qint64 start = threadCpuNs();
        const QString stage = probe->stage();
        // Described before delivery (the receiver may be gone after it), but only when explaining.
        const QString what = explain_ ? QStringLiteral("%1 \"%2\", event %3")
                                            .arg(QLatin1String(receiver->metaObject()->className()), receiver->objectName())
                                            .arg(int(event->type()))
                                      : QString();
        const bool result = QApplication::notify(receiver, event);
        --depth_;
        if (explain_) {
            const double ms = (threadCpuNs() - start) / 1e6;
            auto& slowest = slowest_[stage];
            if (ms > slowest.first) slowest = {ms, what};
        }
        return result;
    }
    static QString slowest(const QString& stage)
    {
        const auto it = slowest_.constFind(stage);
        return it == slowest_.cend() ? QString() : QStringLiteral("%1 ms in %2").arg(it->first, 0, 'f', 1).arg(it->second);
    }

private:
    const bool explain_ = qEnvironmentVariableIsSet("EXEMPLAR_BENCH_EXPLAIN");
    static inline thread_local int depth_ = 0;  // events delivered inside events are part of the outer one
    static inline QHash<QString, std::pair<double, QString>> slowest_;
};

// Events are charged to PROBE while it lives.
struct ProbeScope {
    explicit ProbeScope(LatencyProbe* probe) { ProbedApplication::probe = probe; }
    ~ProbeScope() { ProbedApplication::probe = nullptr; }
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
    std::printf("\n%s\n  %-58s %10s %10s\n", qPrintable(heading), "stage", "max gap ms", "GUI CPU ms");
    for (auto it = probe.worst().begin(); it != probe.worst().end(); ++it)
        std::printf("  %-58s %10.1f %10.1f%s\n", qPrintable(it.key()), it.value().gapMs, it.value().busyMs,
                    it.value().busyMs > 50 ? "   > 50 ms of GUI work"
                    : it.value().gapMs > 50 ? "   > 50 ms (waiting for a core)"
                                            : "");
    if (qEnvironmentVariableIsSet("EXEMPLAR_BENCH_EXPLAIN"))
        for (auto it = probe.worst().begin(); it != probe.worst().end(); ++it)
            std::printf("    %s: slowest event %s\n", qPrintable(it.key()), qPrintable(ProbedApplication::slowest(it.key())));
    std::fflush(stdout);
}

// The application's window as a user has it, shown at a laptop's size, its first paint done (that
// is the baseline's, not the first stage's).
struct ShownWindow {
    ProjectController app;
    MainWindow window{&app};
    ShownWindow()
    {
        window.resize(1280, 800);
        window.show();
        wait(300);
    }
};

// Saves the project into a new folder (its trained set written for the first time), then opens it
// again in the same window.
void saveAndOpen(ProjectController* controller, LatencyProbe* probe, const QString& prefix)
{
    QTemporaryDir work;
    const QString path = work.filePath(QStringLiteral("project.exemplar"));
    probe->setStage(prefix + QStringLiteral("save the project (GUI thread waits, window paints)"));
    const bool saved = controller->saveProject(path);
    settle(controller);
    std::printf("  (saved: %s, reference set %.1f MB)\n", saved ? "yes" : "no",
                double(QFileInfo(work.filePath(QStringLiteral("project.references.exref"))).size()) / 1e6);
    probe->setStage(prefix + QStringLiteral("open the project"));
    controller->openProject(path);
    settle(controller);
    probe->setStage(prefix + QStringLiteral("after opening"));
    settle(controller);
}

// A saved project of the user's: opened, then saved as a copy.
void runProject(const QString& path)
{
    ShownWindow shown;
    MainWindow& window = shown.window;
    ProjectController* controller = window.controller();
    LatencyProbe probe;
    const ProbeScope scope(&probe);
    const QString prefix = QFileInfo(path).fileName() + QStringLiteral(": ");
    followTasks(controller, &probe, prefix);
    probe.start(prefix + QStringLiteral("open the project"));
    controller->openProject(path);
    settle(controller);
    saveAndOpen(controller, &probe, prefix);
    probe.stop();
    report(QStringLiteral("the project %1").arg(path), probe);
}

EmbeddingSet syntheticProject(int n, int classes)
{
    std::vector<int> counts(size_t(classes), n / classes);
    counts[0] += n - (n / classes) * classes;
    return test::makeClusteredSet(counts, 1280, 1.0f, 7);
}

void runSynthetic(int n, int classes, bool train, int budget)
{
    auto set = std::make_shared<const EmbeddingSet>(syntheticProject(n, classes));
    ShownWindow shown;
    MainWindow& window = shown.window;
    ProjectController* controller = window.controller();
    LatencyProbe probe;
    const ProbeScope scope(&probe);
    const QString prefix = QStringLiteral("%1 photos: ").arg(n);
    followTasks(controller, &probe, prefix);
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
        saveAndOpen(controller, &probe, prefix);
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
    ShownWindow shown;
    MainWindow& window = shown.window;
    ProjectController* controller = window.controller();
    LatencyProbe probe;
    const ProbeScope scope(&probe);
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
    ProbedApplication app(argc, argv);
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
    const QCommandLineOption project(QStringLiteral("project"),
                                     QStringLiteral("A saved project to open and save a copy of (instead of the other stages)."),
                                     QStringLiteral("FILE.exemplar"));
    parser.addOptions({sizes, trainUpTo, budget, embed, data, project});
    parser.process(app);

    std::printf("GUI-thread latency probe: %d ms timer, gaps beyond its period; load %s\n", kTickMs,
                qPrintable(bench::loadAverage()));
    {
        // The floor: gaps with nothing to do, from the machine's other load alone.
        LatencyProbe probe;
        const ProbeScope scope(&probe);
        probe.start(QStringLiteral("idle window, 3 s (baseline)"));
        ProjectController app;
    MainWindow window(&app);
        window.show();
        wait(3000);
        probe.stop();
        report(QStringLiteral("baseline"), probe);
    }
    if (parser.isSet(project)) {
        runProject(parser.value(project));
        std::printf("\nload after: %s\n", qPrintable(bench::loadAverage()));
        return 0;
    }
    if (parser.value(embed).toInt() > 0) runEmbedding(parser.value(data), parser.value(embed).toInt());
    for (const QString& size : parser.value(sizes).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int n = size.toInt();
        runSynthetic(n, 10, n <= parser.value(trainUpTo).toInt(), parser.value(budget).toInt());
    }
    std::printf("\nload after: %s\n", qPrintable(bench::loadAverage()));
    return 0;
}
