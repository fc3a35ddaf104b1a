#include "JsonTextBounds.h"

#include <algorithm>

namespace exemplar {

qsizetype jsonValueCount(const QByteArray& bytes)
{
    qsizetype count = 0;
    for (const char c : bytes) count += c == ',' || c == '[' || c == '{';
    return count;
}

qsizetype longestJsonString(const QByteArray& bytes)
{
    qsizetype longest = 0;
    qsizetype opened = -1;  // index of the open string's first quote, -1 outside strings
    bool escaped = false;
    const qsizetype size = bytes.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = bytes[i];
        if (opened < 0) {
            if (c == '"') opened = i;
        } else if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            longest = std::max(longest, i - opened - 1);
            opened = -1;
        }
    }
    return opened >= 0 ? std::max(longest, size - opened - 1) : longest;
}

} // namespace exemplar
