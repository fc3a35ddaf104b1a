#include "ClassOrdering.h"

#include "Error.h"

#include <QString>
#include <algorithm>
#include <cmath>
#include <limits>

namespace exemplar {

namespace {

// Symmetric finite similarities: the mean of both triangles (float sums need not be symmetric to
// the last bit), NaN replaced by the smallest finite off-diagonal value (a class without pairs is
// placed as if unlike every other).
Eigen::MatrixXd cleanSimilarity(const Matrix& similarity)
{
    const Eigen::Index n = similarity.rows();
    if (similarity.cols() != n) throw Error(QStringLiteral("internal: class similarity is not square"));
    double lowest = std::numeric_limits<double>::infinity();
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            if (i != j && std::isfinite(similarity(i, j))) lowest = std::min(lowest, double(similarity(i, j)));
    if (!std::isfinite(lowest)) lowest = -1;
    Eigen::MatrixXd s(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j) {
            const double a = std::isfinite(similarity(i, j)) ? similarity(i, j) : lowest;
            const double b = std::isfinite(similarity(j, i)) ? similarity(j, i) : lowest;
            s(i, j) = (a + b) / 2;
        }
    return s;
}

// A binary tree over n leaves: nodes 0…n−1 are the classes, node n + t the t-th merge.
struct Dendrogram {
    int leafCount = 0;
    std::vector<int> left, right;         // children of internal node n + t, at index t
    std::vector<std::vector<int>> leaves;  // every node's leaves, in plain left-to-right order

    int root() const { return leafCount == 0 ? -1 : leafCount + int(left.size()) - 1; }
    bool isLeaf(int node) const { return node < leafCount; }
    int leftOf(int node) const { return left[size_t(node - leafCount)]; }
    int rightOf(int node) const { return right[size_t(node - leafCount)]; }
};

// Average linkage (UPGMA) on 1 − s with the Lance–Williams update: the closest pair of clusters
// merges; ties go to the lowest pair of slots, so the tree is the same on every run.
Dendrogram averageLinkage(const Eigen::MatrixXd& s)
{
    const int n = int(s.rows());
    Dendrogram tree;
    tree.leafCount = n;
    for (int i = 0; i < n; ++i) tree.leaves.push_back({i});
    Eigen::MatrixXd distance = Eigen::MatrixXd::Ones(n, n) - s;
    std::vector<int> node(static_cast<size_t>(n)), size(static_cast<size_t>(n), 1);  // per slot: its cluster's node and size
    for (int i = 0; i < n; ++i) node[size_t(i)] = i;
    std::vector<bool> active(size_t(n), true);
    for (int merge = 0; merge + 1 < n; ++merge) {
        int bestA = -1, bestB = -1;
        double best = std::numeric_limits<double>::infinity();
        for (int a = 0; a < n; ++a) {
            if (!active[size_t(a)]) continue;
            for (int b = a + 1; b < n; ++b)
                if (active[size_t(b)] && distance(a, b) < best) {
                    best = distance(a, b);
                    bestA = a;
                    bestB = b;
                }
        }
        const double na = size[size_t(bestA)], nb = size[size_t(bestB)];
        for (int k = 0; k < n; ++k) {
            if (!active[size_t(k)] || k == bestA || k == bestB) continue;
            const double merged = (na * distance(k, bestA) + nb * distance(k, bestB)) / (na + nb);
            distance(k, bestA) = distance(bestA, k) = merged;
        }
        const int a = node[size_t(bestA)], b = node[size_t(bestB)];
        tree.left.push_back(a);
        tree.right.push_back(b);
        std::vector<int> leaves = tree.leaves[size_t(a)];
        leaves.insert(leaves.end(), tree.leaves[size_t(b)].begin(), tree.leaves[size_t(b)].end());
        tree.leaves.push_back(std::move(leaves));
        node[size_t(bestA)] = n + merge;
        size[size_t(bestA)] += size[size_t(bestB)];
        active[size_t(bestB)] = false;
    }
    return tree;
}

// Optimal leaf ordering. best(i, j), for leaves i and j whose lowest common ancestor is v, is the
// largest neighbour-similarity sum of an order of v's leaves that starts at i and ends at j (each
// pair has one such v, so one n×n table holds all). With v's children l ∋ i and r ∋ j, the order
// of l runs from i to some k in the child of l that does not hold i, then jumps to some m in the
// child of r that does not hold j:
//     best(i, j) = max over k, m of best(i, k) + s(k, m) + best(m, j).
// Maximising over k first for every (i, m) makes the whole tree O(n³) (the article's speed-up).
class LeafOrdering {
public:
    LeafOrdering(const Dendrogram& tree, const Eigen::MatrixXd& s) : tree_(tree), s_(s)
    {
        const int n = tree.leafCount;
        best_ = Eigen::MatrixXd::Zero(n, n);
        splitK_ = Eigen::MatrixXi::Constant(n, n, -1);
        splitM_ = Eigen::MatrixXi::Constant(n, n, -1);
        ancestorMember_.assign(tree.leaves.size(), std::vector<char>(size_t(n), 0));
        for (size_t node = 0; node < tree.leaves.size(); ++node)
            for (int leaf : tree.leaves[node]) ancestorMember_[node][size_t(leaf)] = 1;
        for (int t = 0; t < int(tree.left.size()); ++t) fill(n + t);  // children before parents
    }

    std::vector<int> order() const
    {
        const int root = tree_.root();
        if (root < 0) return {};
        if (tree_.isLeaf(root)) return {root};
        // The best pair of ends over the whole tree; ties to the first found.
        int bestI = -1, bestJ = -1;
        double best = -std::numeric_limits<double>::infinity();
        for (int i : tree_.leaves[size_t(tree_.leftOf(root))])
            for (int j : tree_.leaves[size_t(tree_.rightOf(root))])
                if (best_(i, j) > best) {
                    best = best_(i, j);
                    bestI = i;
                    bestJ = j;
                }
        std::vector<int> result;
        appendOrder(root, bestI, bestJ, &result);
        return result;
    }

private:
    bool holds(int node, int leaf) const { return ancestorMember_[size_t(node)][size_t(leaf)] != 0; }

    // The leaves an order of NODE that starts at LEAF can end at.
    const std::vector<int>& otherEnd(int node, int leaf) const
    {
        if (tree_.isLeaf(node)) return tree_.leaves[size_t(node)];
        const int l = tree_.leftOf(node);
        return holds(l, leaf) ? tree_.leaves[size_t(tree_.rightOf(node))] : tree_.leaves[size_t(l)];
    }

    void fill(int v)
    {
        const int l = tree_.leftOf(v), r = tree_.rightOf(v);
        const std::vector<int>& leftLeaves = tree_.leaves[size_t(l)];
        const std::vector<int>& rightLeaves = tree_.leaves[size_t(r)];
        const Eigen::Index nl = Eigen::Index(leftLeaves.size()), nr = Eigen::Index(rightLeaves.size());
        // viaK(a, b): best over k of best(i, k) + s(k, m) for i = leftLeaves[a], m = rightLeaves[b].
        Eigen::MatrixXd viaK(nl, nr);
        Eigen::MatrixXi argK(nl, nr);
        for (Eigen::Index a = 0; a < nl; ++a) {
            const int i = leftLeaves[size_t(a)];
            const std::vector<int>& ks = otherEnd(l, i);
            for (Eigen::Index b = 0; b < nr; ++b) {
                const int m = rightLeaves[size_t(b)];
                double value = -std::numeric_limits<double>::infinity();
                int at = -1;
                for (int k : ks)
                    if (best_(i, k) + s_(k, m) > value) {
                        value = best_(i, k) + s_(k, m);
                        at = k;
                    }
                viaK(a, b) = value;
                argK(a, b) = at;
            }
        }
        std::vector<Eigen::Index> indexInRight(size_t(tree_.leafCount), -1);
        for (Eigen::Index b = 0; b < nr; ++b) indexInRight[size_t(rightLeaves[size_t(b)])] = b;
        for (Eigen::Index a = 0; a < nl; ++a) {
            const int i = leftLeaves[size_t(a)];
            for (int j : rightLeaves) {
                double value = -std::numeric_limits<double>::infinity();
                int atM = -1;
                for (int m : otherEnd(r, j)) {
                    const double candidate = viaK(a, indexInRight[size_t(m)]) + best_(m, j);
                    if (candidate > value) {
                        value = candidate;
                        atM = m;
                    }
                }
                best_(i, j) = best_(j, i) = value;  // the reversed order has the same sum
                splitK_(i, j) = argK(a, indexInRight[size_t(atM)]);
                splitM_(i, j) = atM;
            }
        }
    }

    // Appends the best order of NODE's leaves from FIRST to LAST.
    void appendOrder(int node, int first, int last, std::vector<int>* out) const
    {
        if (tree_.isLeaf(node)) {
            out->push_back(node);
            return;
        }
        const int l = tree_.leftOf(node), r = tree_.rightOf(node);
        if (!holds(l, first)) {  // stored for left-to-right only: build that and reverse it
            std::vector<int> reversed;
            appendOrder(node, last, first, &reversed);
            out->insert(out->end(), reversed.rbegin(), reversed.rend());
            return;
        }
        appendOrder(l, first, splitK_(first, last), out);
        appendOrder(r, splitM_(first, last), last, out);
    }

    const Dendrogram& tree_;
    const Eigen::MatrixXd& s_;
    Eigen::MatrixXd best_;
    Eigen::MatrixXi splitK_, splitM_;
    std::vector<std::vector<char>> ancestorMember_;  // [node][leaf]: is LEAF under NODE
};

} // namespace

Matrix cosineOfClassMeans(const Matrix& means, const std::vector<int>& classSizes)
{
    const Eigen::Index n = means.rows();
    if (means.cols() != n || Eigen::Index(classSizes.size()) != n)
        throw Error(QStringLiteral("internal: class means and class sizes disagree"));
    std::vector<double> norm(size_t(n), 0);
    for (Eigen::Index a = 0; a < n; ++a) {
        const double count = classSizes[size_t(a)];
        // One photo: no pairs (M_aa is NaN), and its mean is the unit photo itself.
        const double within = count > 1 && std::isfinite(means(a, a)) ? double(means(a, a)) : 0;
        norm[size_t(a)] = count > 0 ? std::sqrt(std::max(0.0, (count * (count - 1) * within + count) / (count * count))) : 0;
    }
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Matrix cosines(n, n);
    for (Eigen::Index a = 0; a < n; ++a)
        for (Eigen::Index b = 0; b < n; ++b) {
            const double product = norm[size_t(a)] * norm[size_t(b)];
            cosines(a, b) = a == b && product > 0 ? 1.0f : product > 0 ? float(means(a, b) / product) : nan;
        }
    return cosines;
}

std::vector<int> dendrogramOrder(const Matrix& similarity)
{
    const Dendrogram tree = averageLinkage(cleanSimilarity(similarity));
    return tree.root() < 0 ? std::vector<int>{} : tree.leaves[size_t(tree.root())];
}

std::vector<int> similarityOrder(const Matrix& similarity)
{
    const Eigen::MatrixXd s = cleanSimilarity(similarity);
    const Dendrogram tree = averageLinkage(s);
    return LeafOrdering(tree, s).order();
}

double adjacentSimilarity(const Matrix& similarity, const std::vector<int>& order)
{
    double sum = 0;
    for (size_t t = 0; t + 1 < order.size(); ++t) sum += similarity(order[t], order[t + 1]);
    return sum;
}

} // namespace exemplar
