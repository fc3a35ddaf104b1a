#pragma once
// Synthetic embeddings for the core tests: no model and no photos, only clustered unit vectors
// whose difficulty is set by two numbers. Everything is drawn from a seeded std::mt19937_64, so a
// test sees the same data on every run.
//
// Each class has a centre = normalize(shared · common + own direction). The common direction
// mimics real CNN features, which all correlate positively ("photo-ness"), so S = A·Aᵀ is positive
// in practice and its leading eigenvector is positive, as the article assumes. A photo is
// normalize(centre + noise · g/√d), g standard normal: NOISE is the noise norm relative to the
// centre's, so 0.3 gives well-separated classes and 1.5 or more makes them overlap.
#include "EmbeddingSet.h"
#include "Types.h"

#include <QString>
#include <QStringList>
#include <cmath>
#include <random>
#include <vector>

namespace exemplar::test {

struct ClusterSpec {
    std::vector<int> counts{10, 10, 10};  // photos per class; rows are grouped by class in order
    int dim = 64;
    float noise = 0.3f;
    float shared = 1.0f;
    quint64 seed = 1;
};

// A standard-normal matrix: entries of both signs, rows NOT normalized.
inline Matrix gaussianMatrix(int rows, int cols, quint64 seed)
{
    std::mt19937_64 generator(seed);
    std::normal_distribution<float> normal;
    Matrix m(rows, cols);
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) m(i, j) = normal(generator);
    return m;
}

inline Vector unitGaussian(int dim, std::mt19937_64& generator)
{
    std::normal_distribution<float> normal;
    Vector v(dim);
    for (int j = 0; j < dim; ++j) v[j] = normal(generator);
    return v.normalized();
}

// Labeled clustered photos with fake provenance (paths "/photos/<class>/photo_<row>.jpg" and
// unique 64-hex-digit "hashes"), so methods that copy provenance can be checked.
inline EmbeddingSet makeClusteredSet(const ClusterSpec& spec)
{
    std::mt19937_64 generator(spec.seed);
    std::normal_distribution<float> normal;
    const Vector common = unitGaussian(spec.dim, generator);
    EmbeddingSet set;
    int total = 0;
    for (int n : spec.counts) total += n;
    set.vectors.resize(total, spec.dim);
    int row = 0;
    for (size_t c = 0; c < spec.counts.size(); ++c) {
        const QString name = QStringLiteral("class%1").arg(c);
        set.classNames << name;
        const Vector centre = (spec.shared * common + unitGaussian(spec.dim, generator)).normalized();
        for (int i = 0; i < spec.counts[c]; ++i, ++row) {
            Vector v = centre;
            for (int j = 0; j < spec.dim; ++j) v[j] += spec.noise * normal(generator) / std::sqrt(float(spec.dim));
            set.vectors.row(row) = v.normalized().transpose();
            set.labels.push_back(int(c));
            set.paths << QStringLiteral("/photos/%1/photo_%2.jpg").arg(name).arg(row);
            set.contentHashes << QStringLiteral("%1").arg(quint64(row) * 2654435761u + 1, 64, 16, QLatin1Char('0'));
        }
    }
    return set;
}

inline EmbeddingSet makeClusteredSet(std::vector<int> counts, int dim, float noise, quint64 seed)
{
    ClusterSpec spec;
    spec.counts = std::move(counts);
    spec.dim = dim;
    spec.noise = noise;
    spec.seed = seed;
    return makeClusteredSet(spec);
}

// Photos of no class, as a folder without labels is read: VECTORS, one photo per row (labels 0,
// no provenance, no fingerprints).
inline EmbeddingSet photosWithoutClass(const Matrix& vectors)
{
    EmbeddingSet set;
    set.classNames << QStringLiteral("unlabeled");
    set.vectors = vectors;
    set.labels.assign(size_t(vectors.rows()), 0);
    return set;
}

// Every photo of SET COPIES times, byte-identical (same vector and content hash, a path of its
// own), as a folder of duplicated files is; each photo's copies follow it.
inline EmbeddingSet withIdenticalCopies(const EmbeddingSet& set, int copies)
{
    std::vector<int> rows;
    for (int row = 0; row < set.size(); ++row)
        for (int k = 0; k < copies; ++k) rows.push_back(row);
    EmbeddingSet result = set.subset(rows);
    for (int i = 0; i < result.size(); ++i)
        result.paths[i] = QStringLiteral("%1.copy%2.jpg").arg(result.paths[i]).arg(i % copies);
    return result;
}

// Photos that do not generalize: iid random directions with labels dealt round-robin, so an
// honest 1-NN scores about chance (1/classes) and only a copy of a test photo can answer it.
inline EmbeddingSet unlearnableSet(int classes, int perClass, int dim, quint64 seed)
{
    EmbeddingSet set = makeClusteredSet(std::vector<int>(size_t(classes), perClass), dim, 0.3f, seed);
    set.vectors = gaussianMatrix(set.size(), dim, seed + 1000);
    set.vectors.rowwise().normalize();
    return set;
}

// A unit vector at exactly COSINE to the unit row A (the rest along a random orthogonal direction).
inline RowVector atCosine(const RowVector& a, double cosine, quint64 seed)
{
    RowVector other = gaussianMatrix(1, int(a.size()), seed).row(0);
    other -= other.dot(a) * a;
    other.normalize();
    return (float(cosine) * a + float(std::sqrt(1 - cosine * cosine)) * other).normalized();
}

// Near-identical classes, as fine-grained photos are: CLASSES classes of PERCLASS photos that differ
// only by a weak signal along one direction each, while every photo varies strongly along a few
// directions that say nothing about its class (pose, light) and shares one dominant direction. Raw
// cosine is dominated by the nuisance; a whitened space equalizes it and the classes separate.
inline EmbeddingSet nearIdenticalClasses(int classes, int perClass, int dim, quint64 seed)
{
    std::mt19937_64 generator(seed);
    std::normal_distribution<float> normal;
    const int nuisanceFirst = classes, nuisanceEnd = std::min(dim - 1, classes + 7);
    EmbeddingSet set;
    set.vectors.resize(classes * perClass, dim);
    for (int c = 0; c < classes; ++c) set.classNames << QStringLiteral("class%1").arg(c);
    for (int i = 0; i < classes * perClass; ++i) {
        const int c = i / perClass;
        Vector v(dim);
        for (int j = 0; j < dim; ++j) v[j] = normal(generator) * (j >= nuisanceFirst && j < nuisanceEnd ? 1.0f : 0.05f);
        v[c] += 0.25f;       // the class signal
        v[dim - 1] += 3.0f;  // what every photo shares
        set.vectors.row(i) = v.normalized().transpose();
        set.labels.push_back(c);
        set.paths << QStringLiteral("/photos/%1/photo_%2.jpg").arg(set.classNames[c]).arg(i);
        set.contentHashes << QStringLiteral("%1").arg(quint64(i) * 2654435761u + 1, 64, 16, QLatin1Char('0'));
    }
    return set;
}

// Rows PARITY, PARITY + 2, … below N: splits a class-grouped set into two halves that both hold
// every class (train on one, test on the other).
inline std::vector<int> everyOther(int n, int parity)
{
    std::vector<int> rows;
    for (int i = parity; i < n; i += 2) rows.push_back(i);
    return rows;
}

} // namespace exemplar::test
