#pragma once
// Results as JSON Lines (one compact JSON object per line), written so that a killed writer loses
// at most the line it was writing: every line goes out whole, in one write, straight to the
// kernel (no user-space buffer to lose). A reader drops an unterminated last line, the one a kill
// can leave; reopening the file for appending cuts it off first, so its record is simply redone.
#include <QJsonObject>
#include <QString>
#include <functional>
#include <vector>

namespace exemplar {

// Writes RECORD as one line to the file descriptor FD (stdout is 1). Throws Error on failure.
void writeJsonLine(int fd, const QJsonObject& record, const QString& what);

// A JSON Lines file opened for appending by one writer at a time.
class JsonLinesFile {
public:
    // What is wrong with a record read back for its writer (e.g. "no \"file\""), or empty when it
    // is one of that writer's.
    using RecordCheck = std::function<QString(const QJsonObject&)>;

    // Opens PATH (created when missing) and takes an exclusive lock on it, so that two processes
    // can never interleave lines (throws Error when another holds it). Reads the complete lines
    // already there and cuts off an unterminated last line. Throws Error, leaving the file as it
    // was, when something else wrote the file: a complete line that is not a JSON object or fails
    // CHECK, an unterminated last line that is not the start of one (a whole JSON document without
    // a final newline is a file of another kind: a kill never leaves a whole record without its
    // newline, since both go out in one write), or more than kMaxBytes.
    // READ, when given, is handed each record read back instead of keeping it in existing(): a
    // caller that needs a few fields of each keeps only those (a 189 MB file once took 3.6 GB as
    // JSON objects).
    using RecordReader = std::function<void(const QJsonObject&)>;
    explicit JsonLinesFile(const QString& path, RecordCheck check = {}, RecordReader read = {});
    static constexpr qint64 kMaxBytes = qint64(1) << 30;
    ~JsonLinesFile();
    JsonLinesFile(const JsonLinesFile&) = delete;
    JsonLinesFile& operator=(const JsonLinesFile&) = delete;

    const std::vector<QJsonObject>& existing() const { return existing_; }
    bool droppedPartialLine() const { return droppedPartialLine_; }
    void append(const QJsonObject& record);

private:
    QString path_;
    int fd_ = -1;
    std::vector<QJsonObject> existing_;
    bool droppedPartialLine_ = false;
};

} // namespace exemplar
