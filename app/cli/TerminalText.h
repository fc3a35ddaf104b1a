#pragma once
// Text from the disk (file and class names, messages quoting them) as one line of the CLI's
// human-readable output: a name holding a newline or an escape sequence would otherwise break the
// line structure scripts and readers rely on, or drive the terminal. JSON output needs none of
// this: QJsonDocument escapes control characters itself.
#include <QByteArray>
#include <QString>

namespace exemplar::cli {

inline QByteArray printable(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const ushort u = c.unicode();
        if (u == '\n') out += QStringLiteral("\\n");
        else if (u == '\r') out += QStringLiteral("\\r");
        else if (u == '\t') out += QStringLiteral("\\t");
        else if (u < 0x20 || u == 0x7F || (u >= 0x80 && u < 0xA0)) out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
        else out += c;
    }
    return out.toLocal8Bit();
}

// "1 photo", "2 photos": a count with its noun, for the human-readable lines.
inline QByteArray counted(long long n, const char* singular, const char* plural)
{
    return QByteArray::number(n) + ' ' + (n == 1 ? singular : plural);
}

} // namespace exemplar::cli
