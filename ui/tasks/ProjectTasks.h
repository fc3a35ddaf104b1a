#pragma once
// Every long operation of the desktop application, as a task on the one worker thread
// (TaskRunner): each reads a snapshot of the project model, computes off the GUI thread with
// progress and cancel, and hands back a finisher that puts its result into the model. The runner
// drops results that arrive for a project that has been replaced (invalidate()).
#include "ModelIdentity.h"
#include "Optimizer.h"
#include "tasks/TaskRunner.h"

#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace exemplar {
struct EmbeddingSet;
struct EvaluationReport;
struct ReferenceSet;
}

namespace exemplar::ui {

class ProjectModel;
struct WorkerModel;
struct TrainingOutcome;

class ProjectTasks : public QObject {
    Q_OBJECT

public:
    ProjectTasks(ProjectModel* model, QObject* parent = nullptr);
    ~ProjectTasks() override;  // cancels and joins the worker before the model goes away

    TaskRunner* runner() const { return runner_; }

    // Lists the model's sources and embeds the photos (one task: the list is shown as soon as it
    // is made; then the similarity analysis and the audit); AFTER_ANALYSIS runs when the analysis
    // is in. Earlier tasks' results are dropped: they belong to the dataset as it was.
    void rescanAndEmbed(std::function<void()> afterAnalysis = {});
    // Uses SET as the project's embeddings (no photo files): one class per class of SET.
    void loadEmbeddings(std::shared_ptr<const EmbeddingSet> set, ModelIdentity model);
    // Of the embeddings the similarity views show (raw, or the trained space).
    void computeSimilarityBlock(const std::vector<int>& rows, const std::vector<int>& columns);
    // Maps the embeddings into the active reference set's space and analyses them there (a task;
    // the model's trainedSpace when done). Nothing when that is already computed or under way.
    void analyseTrainedSpace();
    void train();
    void stopTraining() { runner_->cancel(training_); }  // that task only, wherever it is in the queue
    void compareMethods();
    void findConfusedPairs(const QString& method);
    void measureLearningCurve(const QString& method);
    void classify(const QStringList& paths);  // photos and folders dropped or chosen (folders: every subfolder)
    void classifyUnlabeled();                 // every photo the Unlabeled tab counts
    void sortClassifiedPhotos(const QString& folder, bool link);  // into FOLDER/CLASS/ and FOLDER/unknown/
    void importReferenceSet(const QString& path);
    // The active set and the network it was made with as one ONNX file at PATH (a task: it reads
    // and writes tens of MB). A set of a crop-averaging model is refused with the reason.
    void exportClassifierOnnx(const QString& path);
    // --- photos without a class (model().unlabeledSources()) ---
    // Embeds every photo under the unlabeled folders (a task), then ranks them.
    // WHY, when given, starts the status message said when they are embedded (why they were read).
    void embedUnlabeled(const QString& why = QString());
    // The label-next list for the active reference set (a task); says why when there can be none.
    void rankUnlabeled();
    // Copies every photo the user assigned a class into that class's folder (a task), forgets the
    // assignments that were written, and rescans: they are labeled photos from then on.
    void writeAssignedLabels();
    // Scores the trained set (restored from a project file) on the embeddings now present.
    // TRAINED (default: the project's training) put onto the rows of the embeddings now shown.
    void attachTrainingToRows(std::shared_ptr<const TrainingOutcome> trained = nullptr);

    static QString loadedEmbeddingsPrefix();  // the "folder" of a class of loaded embeddings

Q_SIGNALS:
    void trainingStarted();
    void optimizerStepped(const exemplar::OptimizerStep& step);
    // The methods of the running comparison that have finished so far (not in the model: the
    // comparison is applied whole when every method is done).
    void comparisonProgressed(std::shared_ptr<const exemplar::EvaluationReport> soFar);
    void statusMessage(const QString& message);
    void errorOccurred(const QString& title, const QString& message);

private:
    void analyse(std::function<void()> afterAnalysis);
    void auditPhotos();
    bool requireEmbeddings(const QString& title);  // false, with a message, when there are none
    // Classifies, with the active reference set, the photos LISTPHOTOS lists on the worker (a
    // task; an empty list ends it quietly, a thrown Error fails it with its message).
    void classifyListed(std::function<QStringList(Feedback&)> listPhotos);
    // Asks the active set again about photos another set answered.
    void classifyAgain(const QStringList& paths);

    ProjectModel* model_;
    std::shared_ptr<WorkerModel> network_;  // the Embedder; touched on the worker thread only
    TaskRunner* runner_;                     // destroyed first (see the destructor)
    // The embedding task whose list of photos has not reached the model yet (0: none): when it
    // ends without it (stopped, failed), the old list must not stay beside the new sources.
    TaskId unlisted_ = 0;
    TaskId training_ = 0;  // the last training queued (what the Optimize tab's Stop stops)
    // The last trained-space request, so that a second one for the same inputs is not queued.
    std::weak_ptr<const ReferenceSet> trainedSpaceSource_;
    std::weak_ptr<const EmbeddingSet> trainedSpaceEmbeddings_;
};

} // namespace exemplar::ui
