#pragma once
// One exception type for user-facing failures: the message is a complete sentence that the CLI
// prints as its one-line reason and the GUI shows in a dialog.
#include <QString>
#include <stdexcept>

namespace exemplar {

class Error : public std::runtime_error {
public:
    explicit Error(const QString& message) : std::runtime_error(message.toStdString()) {}
    QString message() const { return QString::fromStdString(what()); }
};

// A reference set met a model other than the one that made it: the caller can say how to load
// the matching one (a CLI flag, a menu), which core does not know.
class ModelMismatch : public Error {
public:
    using Error::Error;
};

} // namespace exemplar
