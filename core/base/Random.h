#pragma once
// Seeded random draws that are the same on every platform. std::uniform_int_distribution and
// std::shuffle use algorithms that differ between standard libraries; ours do not, so a --seed
// replays the same splits and the same search everywhere.
#include <QtGlobal>
#include <random>
#include <utility>
#include <vector>

namespace exemplar {

class Random {
public:
    explicit Random(quint64 seed) : engine_(seed) {}
    int between(int lo, int hi) { return lo + int(engine_() % quint64(qint64(hi) - qint64(lo) + 1)); }
    size_t below(size_t n) { return size_t(engine_() % n); }
    quint64 next() { return engine_(); }
    template <typename T> void shuffle(std::vector<T>& v)
    {
        for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
    }

private:
    std::mt19937_64 engine_;  // fully specified by the standard: same sequence everywhere
};

} // namespace exemplar
