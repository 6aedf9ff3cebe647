#include "distributed_pagerank.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "catena/graph/errors.hpp"

namespace catena::mpi {

namespace {

// catena's pagerank() sums over blocks of this many consecutive customers (pagerank.cpp).
constexpr std::uint64_t kBlock = 4096;

template <typename T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<double>() {
    return MPI_DOUBLE;
}
template <>
MPI_Datatype mpi_type<std::uint64_t>() {
    return MPI_UINT64_T;
}

int checked(std::size_t count) {
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw UsageError("too many customers for one rank: run with more ranks");
    return static_cast<int>(count);
}

// The block holders: rank q holds blocks [first[q], first[q + 1]), so the customers
// [first[q] * kBlock, min(n, first[q + 1] * kBlock)).
struct BlockLayout {
    std::uint64_t n = 0, blocks = 0;
    std::vector<std::uint64_t> first;  // size ranks + 1

    BlockLayout(std::uint64_t nodes, int ranks) : n(nodes), blocks((nodes + kBlock - 1) / kBlock) {
        first.resize(static_cast<std::size_t>(ranks) + 1);
        for (int rank = 0; rank <= ranks; ++rank)
            first[static_cast<std::size_t>(rank)] =
                blocks / static_cast<std::uint64_t>(ranks) * static_cast<std::uint64_t>(rank) +
                blocks % static_cast<std::uint64_t>(ranks) * static_cast<std::uint64_t>(rank) /
                    static_cast<std::uint64_t>(ranks);
    }
    std::size_t holder(std::uint64_t node) const {
        return static_cast<std::size_t>(
            std::upper_bound(first.begin(), first.end(), node / kBlock) - first.begin() - 1);
    }
    std::uint64_t begin(int rank) const {
        return std::min(n, first[static_cast<std::size_t>(rank)] * kBlock);
    }
    std::uint64_t end(int rank) const {
        return std::min(n, first[static_cast<std::size_t>(rank) + 1] * kBlock);
    }
};

// Sends every owned customer's value to the holder of its block (owned customers are sorted by
// index, so each holder's share is one run of them).
class ToHolders {
  public:
    ToHolders(const DistributedGraph& graph, const BlockLayout& layout) : comm_(&graph.comm) {
        const auto ranks = static_cast<std::size_t>(graph.comm.size);
        send_counts_.assign(ranks, 0);
        for (const std::uint64_t node : graph.owned) ++send_counts_[layout.holder(node)];
        send_offsets_.assign(ranks, 0);
        for (std::size_t rank = 1; rank < ranks; ++rank)
            send_offsets_[rank] = send_offsets_[rank - 1] + send_counts_[rank - 1];
        recv_counts_.assign(ranks, 0);
        MPI_Alltoall(send_counts_.data(), 1, MPI_INT, recv_counts_.data(), 1, MPI_INT,
                     graph.comm.comm);
        recv_offsets_.assign(ranks, 0);
        for (std::size_t rank = 1; rank < ranks; ++rank)
            recv_offsets_[rank] = recv_offsets_[rank - 1] + recv_counts_[rank - 1];
        // Where each received value goes in the holder's range.
        std::vector<std::uint64_t> indices = send(graph.owned);
        const std::uint64_t begin = layout.begin(graph.comm.rank);
        positions_.resize(indices.size());
        for (std::size_t item = 0; item < indices.size(); ++item)
            positions_[item] = static_cast<std::size_t>(indices[item] - begin);
    }

    // values: per owned customer; returns them laid out over the holder's range.
    template <typename T>
    std::vector<T> send(const std::vector<T>& values) const {
        std::size_t total = 0;
        for (const int count : recv_counts_) total += static_cast<std::size_t>(count);
        std::vector<T> received(total);
        T dummy{};
        count_sent(send_counts_, sizeof(T), comm_->rank);
        MPI_Alltoallv(values.empty() ? &dummy : values.data(), send_counts_.data(),
                      send_offsets_.data(), mpi_type<T>(),
                      received.empty() ? &dummy : received.data(), recv_counts_.data(),
                      recv_offsets_.data(), mpi_type<T>(), comm_->comm);
        return received;
    }
    template <typename T>
    void place(const std::vector<T>& received, std::vector<T>& layout) const {
        for (std::size_t item = 0; item < received.size(); ++item)
            layout[positions_[item]] = received[item];
    }

  private:
    const Comm* comm_;
    std::vector<int> send_counts_, send_offsets_, recv_counts_, recv_offsets_;
    std::vector<std::size_t> positions_;
};

// Per-block sums over the holder's range, in index order, gathered on every rank; returns their
// sum taken in block order (catena's block_sum). `values` holds `count` sums per block
// interleaved (a block's first, second, ... sum), and each total comes out in `totals`.
void block_totals(const Comm& comm, const std::vector<double>& partial, std::size_t count,
                  std::vector<double>& totals) {
    const std::vector<double> all = allgatherv(comm, partial);
    totals.assign(count, 0.0);
    for (std::size_t at = 0; at < all.size(); at += count)
        for (std::size_t which = 0; which < count; ++which) totals[which] += all[at + which];
}

}  // namespace

GhostExchange::GhostExchange(const DistributedGraph& graph, const std::vector<std::uint64_t>& other,
                             const std::vector<int>& owner)
    : comm_(&graph.comm), owned_(graph.owned.size()) {
    const auto ranks = static_cast<std::size_t>(graph.comm.size);
    // The distinct ghosts, by owner and then index.
    std::vector<std::pair<int, std::uint64_t>> ghosts;
    for (std::size_t edge = 0; edge < other.size(); ++edge)
        if (owner[edge] != graph.comm.rank) ghosts.emplace_back(owner[edge], other[edge]);
    std::sort(ghosts.begin(), ghosts.end());
    ghosts.erase(std::unique(ghosts.begin(), ghosts.end()), ghosts.end());
    ghosts_ = ghosts.size();
    if (owned_ + ghosts_ > UINT32_MAX) throw UsageError("too many customers for one rank");
    columns_.resize(other.size());
    for (std::size_t edge = 0; edge < other.size(); ++edge) {
        if (owner[edge] == graph.comm.rank) {
            columns_[edge] = static_cast<std::uint32_t>(
                std::lower_bound(graph.owned.begin(), graph.owned.end(), other[edge]) -
                graph.owned.begin());
        } else {
            columns_[edge] = static_cast<std::uint32_t>(
                owned_ + static_cast<std::size_t>(
                             std::lower_bound(ghosts.begin(), ghosts.end(),
                                              std::make_pair(owner[edge], other[edge])) -
                             ghosts.begin()));
        }
    }
    // Ask each owner once for the ghosts it owns; it answers with the same order every time.
    std::vector<std::vector<std::uint64_t>> requests(ranks);
    for (const auto& [ghost_owner, node] : ghosts)
        requests[static_cast<std::size_t>(ghost_owner)].push_back(node);
    recv_counts_.assign(ranks, 0);
    for (std::size_t rank = 0; rank < ranks; ++rank)
        recv_counts_[rank] = checked(requests[rank].size());
    std::vector<int> asked;
    const std::vector<std::uint64_t> wanted = alltoallv(*comm_, requests, &asked);
    send_counts_ = asked;
    send_slots_.resize(wanted.size());
    for (std::size_t item = 0; item < wanted.size(); ++item)
        send_slots_[item] = static_cast<std::uint32_t>(
            std::lower_bound(graph.owned.begin(), graph.owned.end(), wanted[item]) -
            graph.owned.begin());
    send_offsets_.assign(ranks, 0);
    recv_offsets_.assign(ranks, 0);
    for (std::size_t rank = 1; rank < ranks; ++rank) {
        send_offsets_[rank] = send_offsets_[rank - 1] + send_counts_[rank - 1];
        recv_offsets_[rank] = recv_offsets_[rank - 1] + recv_counts_[rank - 1];
    }
}

template <typename T>
void GhostExchange::exchange(std::vector<T>& values) const {
    std::vector<T> outgoing(send_slots_.size());
    for (std::size_t item = 0; item < send_slots_.size(); ++item)
        outgoing[item] = values[send_slots_[item]];
    values.resize(owned_ + ghosts_);
    T dummy{};
    count_sent(send_counts_, sizeof(T), comm_->rank);
    MPI_Alltoallv(outgoing.empty() ? &dummy : outgoing.data(), send_counts_.data(),
                  send_offsets_.data(), mpi_type<T>(),
                  ghosts_ == 0 ? &dummy : values.data() + owned_, recv_counts_.data(),
                  recv_offsets_.data(), mpi_type<T>(), comm_->comm);
}

template void GhostExchange::exchange<double>(std::vector<double>&) const;
template void GhostExchange::exchange<std::uint64_t>(std::vector<std::uint64_t>&) const;

DistributedPageRankResult distributed_pagerank(const DistributedGraph& graph,
                                               const PageRankParams& params) {
    const Comm& comm = graph.comm;
    const std::uint64_t n = graph.num_nodes;
    DistributedPageRankResult result;
    collective_step(comm, [&] {
        if (!params.personalization.empty() || !params.initial.empty())
            throw UsageError("catena-mpi: PageRank has no personalisation or warm start yet");
        params.validate(static_cast<NodeId>(std::min<std::uint64_t>(n, kNoNode - 1)));
    });
    if (n == 0) {
        result.converged = true;
        return result;
    }
    const std::size_t owned = graph.owned.size();
    const bool weighted = params.weighted && graph.num_edges > 0 &&
                          (graph.min_strength == 0.0 || graph.min_strength != graph.max_strength);
    // The walk: a customer collects from `pull` (its out-edges for influence, in-edges for
    // authority) and splits its own rank over `split` (the other side).
    const bool influence = params.direction == RankDirection::influence;
    const EdgeSide& pull = influence ? graph.out : graph.in;
    const EdgeSide& split = influence ? graph.in : graph.out;
    std::vector<double> leaving(owned, 0.0);
    for (std::size_t slot = 0; slot < owned; ++slot) {
        double total = 0.0;
        for (std::uint64_t edge = split.offsets[slot]; edge < split.offsets[slot + 1]; ++edge)
            total += weighted ? split.strength[edge] : 1.0;
        leaving[slot] = total;
    }
    const GhostExchange ghosts(graph, pull.other, pull.owner);
    const std::vector<std::uint32_t>& columns = ghosts.columns();

    const BlockLayout layout(n, comm.size);
    const ToHolders to_holders(graph, layout);
    const std::uint64_t held_begin = layout.begin(comm.rank);
    const std::uint64_t held = layout.end(comm.rank) - held_begin;
    const std::uint64_t held_blocks = layout.first[static_cast<std::size_t>(comm.rank) + 1] -
                                      layout.first[static_cast<std::size_t>(comm.rank)];
    // The holder's view: dangling flags and the scores of its customers, in index order.
    std::vector<double> dangling_flags(held, 0.0);
    {
        std::vector<double> flags(owned);
        for (std::size_t slot = 0; slot < owned; ++slot)
            flags[slot] = leaving[slot] > 0.0 ? 0.0 : 1.0;
        to_holders.place(to_holders.send(flags), dangling_flags);
    }
    const double teleport = 1.0 / static_cast<double>(n);
    const double d = params.damping;
    std::vector<double> rank(owned, teleport), next(owned), share(owned);
    std::vector<double> rank_held(held, teleport), next_held(held);
    std::vector<double> partial;
    std::vector<double> totals;
    const auto for_blocks = [&](std::size_t sums, auto&& each) {
        partial.assign(held_blocks * sums, 0.0);
        for (std::uint64_t block = 0; block < held_blocks; ++block) {
            const std::uint64_t from = block * kBlock;
            const std::uint64_t to = std::min<std::uint64_t>(held, from + kBlock);
            each(from, to, &partial[block * sums]);
        }
    };
    // The dangling mass of the starting scores.
    for_blocks(1, [&](std::uint64_t from, std::uint64_t to, double* sums) {
        for (std::uint64_t node = from; node < to; ++node)
            if (dangling_flags[node] != 0.0) sums[0] += rank_held[node];
    });
    block_totals(comm, partial, 1, totals);
    double dangling_mass = totals[0];

    while (result.iterations < params.max_iterations) {
        const double jump = d * dangling_mass + (1.0 - d);
        for (std::size_t slot = 0; slot < owned; ++slot)
            share[slot] = leaving[slot] > 0.0 ? rank[slot] / leaving[slot] : 0.0;
        ghosts.exchange(share);
        for (std::size_t slot = 0; slot < owned; ++slot) {
            double sum = 0.0;
            for (std::uint64_t step = pull.offsets[slot]; step < pull.offsets[slot + 1]; ++step) {
                if (weighted)
                    sum += share[columns[step]] * pull.strength[step];
                else
                    sum += share[columns[step]];
            }
            next[slot] = d * sum + jump * teleport;
        }
        share.resize(owned);
        // Renormalise away rounding drift, then measure the change (catena's block sums).
        to_holders.place(to_holders.send(next), next_held);
        for_blocks(1, [&](std::uint64_t from, std::uint64_t to, double* sums) {
            for (std::uint64_t node = from; node < to; ++node) sums[0] += next_held[node];
        });
        block_totals(comm, partial, 1, totals);
        const double total = totals[0];
        for (double& score : next) score /= total;
        for (double& score : next_held) score /= total;
        for_blocks(2, [&](std::uint64_t from, std::uint64_t to, double* sums) {
            for (std::uint64_t node = from; node < to; ++node) {
                sums[0] += std::abs(next_held[node] - rank_held[node]);
                if (dangling_flags[node] != 0.0) sums[1] += next_held[node];
            }
        });
        block_totals(comm, partial, 2, totals);
        result.last_change = totals[0];
        dangling_mass = totals[1];
        rank.swap(next);
        rank_held.swap(next_held);
        ++result.iterations;
        if (result.last_change < params.tolerance) {
            result.converged = true;
            break;
        }
    }
    result.scores = std::move(rank);
    return result;
}

}  // namespace catena::mpi
