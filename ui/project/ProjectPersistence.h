#pragma once
// The project as files: new, open and save (.exemplar and its reference-set sidecar, see
// ProjectFile.h), and the exports (reference set, predictions, metrics). Errors are signalled and
// leave the destination as it was.
#include <QByteArray>
#include <QDateTime>
#include <QObject>
#include <QString>
#include <memory>

namespace exemplar {
struct ReferenceSet;
}

namespace exemplar::ui {

struct ProjectDocument;
struct TrainingOutcome;
class ProjectModel;
class ProjectTasks;

class ProjectPersistence : public QObject {
    Q_OBJECT

public:
    ProjectPersistence(ProjectModel* model, ProjectTasks* tasks, QObject* parent = nullptr);

    void newProject();
    bool saveProject(const QString& path);
    // Reads PATH as a task (a large project's reference set takes seconds to read): the window
    // stays live and the open can be canceled; the project's running tasks are canceled first,
    // since the open would wait behind them and their results are about to be replaced. When the
    // file is read, the saved results are the project's at once, whatever then happens to the
    // re-embedding of its photos (canceled, failed, photos moved); they are re-attached to the
    // rows when the embeddings are back. A file that cannot be read leaves the project as it was.
    void openProject(const QString& path);
    bool isOpening() const { return opening_ != 0; }

    void exportReferenceSet(const QString& path);
    void exportPredictions(const QString& path);  // .csv or .json
    void exportMetrics(const QString& path);      // .csv or .json

Q_SIGNALS:
    void openingChanged(bool opening);         // a project file is being read (openProject)
    void projectOpened(const QString& path);   // read and now the project
    void statusMessage(const QString& message);
    void errorOccurred(const QString& title, const QString& message);

private:
    // The sidecar last read or written and the set it holds, so that saving the same set again
    // keeps (or copies) that file instead of serializing hundreds of MB on every save. Trusted
    // only while the file keeps the size, the time and the checksum (among its first bytes) it
    // had then: a file copied over it with its time kept, or on a disk that keeps time to 2 s,
    // still has another checksum.
    struct KnownSidecar {
        QString path;
        QByteArray fingerprint;  // referenceSetFingerprint of the set it holds
        qint64 size = -1;
        QDateTime modified;
        QByteArray head;         // its first bytes, which hold the set's checksum
    };
    struct OpenedTraining {
        std::shared_ptr<const TrainingOutcome> outcome;  // the document's trained set, if any
        QByteArray fingerprint;                          // referenceSetFingerprint of its set
    };
    void applyOpened(const QString& path, const ProjectDocument& document, const OpenedTraining& training,
                     std::shared_ptr<const ReferenceSet> imported, const QString& importError);
    void rememberSidecar(const QString& path, const QByteArray& fingerprint);
    // KNOWN's path when it still holds the set of FINGERPRINT, else empty (any thread).
    static QString sidecarHolding(const KnownSidecar& known, const QByteArray& fingerprint);

    ProjectModel* model_;
    ProjectTasks* tasks_;
    KnownSidecar sidecar_;
    bool saving_ = false;
    quint64 opening_ = 0;  // the open task's TaskId while a project file is read
};

} // namespace exemplar::ui
