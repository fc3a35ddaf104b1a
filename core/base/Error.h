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

} // namespace exemplar
