// Which PageRank kernel is fastest here? Times one power iteration (pull over the walk's edges)
// written three ways on the same graph, and writes the figures as a Markdown table:
//   1. catena's kernel: a hand-written CSR pull in double (what algorithms/pagerank.cpp does);
//   2. the same pull with a float share vector and float weights (half the memory traffic);
//   3. Eigen's row-major sparse matrix times vector (OpenMP-parallel in Eigen 3.4).
// Usage: pagerank_kernels EDGES.csv [iterations]
// Built with -DCATENA_BUILD_BENCH=ON; run by hand (bench/README.md), not by the tests.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <Eigen/Sparse>

#include "catena/algorithms/pagerank.hpp"
#include "catena/loaders/load.hpp"

#include <omp.h>

using namespace catena;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: pagerank_kernels EDGES.csv [iterations]\n");
        return 2;
    }
    const int iterations = argc > 2 ? std::stoi(argv[2]) : 20;
    InputSource source;
    source.edges_file = argv[1];
    const Dataset data = load_dataset(source, {});
    const InfluenceGraph& g = data.graph;
    const NodeId n = g.num_nodes();
    const EdgeId m = g.num_edges();
    const auto offsets = g.out_offsets();
    const auto targets = g.out_targets();
    const auto strengths = g.strengths();

    // The influence-direction walk: node u pulls from its out-neighbours v, each v splitting its
    // rank over the total strength of its in-edges.
    std::vector<double> leaving(n, 0.0);
    for (EdgeId edge = 0; edge < m; ++edge) leaving[targets[edge]] += strengths[edge];
    std::vector<double> x(n, 1.0 / n), share(n), next(n);
    for (NodeId node = 0; node < n; ++node)
        share[node] = leaving[node] > 0 ? x[node] / leaving[node] : 0.0;

    std::printf("| kernel | ms per iteration | threads |\n|---|---|---|\n");
    // 1. Hand-written pull, double.
    {
        const auto start = Clock::now();
        for (int iteration = 0; iteration < iterations; ++iteration) {
#pragma omp parallel for schedule(dynamic, 2048)
            for (NodeId u = 0; u < n; ++u) {
                double sum = 0.0;
                for (EdgeId edge = offsets[u]; edge < offsets[u + 1]; ++edge)
                    sum += share[targets[edge]] * strengths[edge];
                next[u] = 0.85 * sum + 0.15 / n;
            }
        }
        std::printf("| CSR pull, double | %.1f | %d |\n", 1000 * seconds_since(start) / iterations,
                    omp_get_max_threads());
    }
    // 2. Hand-written pull, float share and weights, double accumulation.
    {
        std::vector<float> share_f(share.begin(), share.end()),
            weight_f(strengths.begin(), strengths.end());
        const auto start = Clock::now();
        for (int iteration = 0; iteration < iterations; ++iteration) {
#pragma omp parallel for schedule(dynamic, 2048)
            for (NodeId u = 0; u < n; ++u) {
                double sum = 0.0;
                for (EdgeId edge = offsets[u]; edge < offsets[u + 1]; ++edge)
                    sum += share_f[targets[edge]] * weight_f[edge];
                next[u] = 0.85 * sum + 0.15 / n;
            }
        }
        std::printf("| CSR pull, float | %.1f | %d |\n", 1000 * seconds_since(start) / iterations,
                    omp_get_max_threads());
    }
    // 3. Eigen: y = W * share with W(u, v) = strength(u -> v), row-major.
    {
        Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t> walk(n, n);
        std::vector<Eigen::Triplet<double, std::int64_t>> entries;
        entries.reserve(m);
        for (NodeId u = 0; u < n; ++u)
            for (EdgeId edge = offsets[u]; edge < offsets[u + 1]; ++edge)
                entries.emplace_back(u, targets[edge], strengths[edge]);
        walk.setFromTriplets(entries.begin(), entries.end());
        entries = {};
        const Eigen::Map<const Eigen::VectorXd> s(share.data(), n);
        Eigen::VectorXd y(n);
        const auto start = Clock::now();
        for (int iteration = 0; iteration < iterations; ++iteration)
            y.noalias() = 0.85 * (walk * s);
        std::printf("| Eigen sparse x dense | %.1f | %d (Eigen: %d) |\n",
                    1000 * seconds_since(start) / iterations, omp_get_max_threads(),
                    Eigen::nbThreads());
    }
    std::printf("\n%u nodes, %u influence edges, %d iterations each\n", n, m, iterations);
    return 0;
}
