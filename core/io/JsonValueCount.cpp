#include "JsonValueCount.h"

namespace exemplar {

qsizetype jsonValueCount(const QByteArray& bytes)
{
    qsizetype count = 0;
    for (const char c : bytes) count += c == ',' || c == '[' || c == '{';
    return count;
}

} // namespace exemplar
