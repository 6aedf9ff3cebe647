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
            positions_[item] = static_cast<std::uint32_t>(indices[item] - begin);
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
    std::vector<std::uint32_t> positions_;  // a holder's range is at most num_nodes < 2^32
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

GhostExchange::GhostExchange(const DistributedGraph& graph,
                             std::initializer_list<const EdgeSide*> sides, Layout layout)
    : comm_(&graph.comm), owned_(graph.owned.size()) {
    const auto ranks = static_cast<std::size_t>(graph.comm.size);
    const auto self = static_cast<std::uint16_t>(graph.comm.rank);
    // The ghosts, grouped by owner (in rank order), each owner's by index: the order their
    // values arrive in. `requested`: how many from each owner.
    std::vector<std::uint32_t> requests;
    std::vector<std::uint64_t> requested(ranks, 0);
    if (layout == Layout::by_index) {
        // Each customer's owner where it is a ghost (2 bytes a customer, for now).
        std::vector<std::uint16_t> owner_of(graph.num_nodes, self);
        for (const EdgeSide* side : sides)
            for (std::size_t entry = 0; entry < side->other.size(); ++entry)
                if (side->owner[entry] != self) owner_of[side->other[entry]] = side->owner[entry];
        for (const std::uint16_t owner : owner_of)
            if (owner != self) ++requested[owner];
        std::vector<std::uint64_t> next(ranks, 0);
        for (std::size_t rank = 1; rank < ranks; ++rank)
            next[rank] = next[rank - 1] + requested[rank - 1];
        requests.resize(static_cast<std::size_t>(next.back() + requested.back()));
        for (std::size_t node = 0; node < owner_of.size(); ++node)
            if (owner_of[node] != self)
                requests[next[owner_of[node]]++] = static_cast<std::uint32_t>(node);
        ghosts_ = requests.size();
    } else {
        std::size_t entries = 0, remote = 0;
        for (const EdgeSide* side : sides) {
            entries += side->other.size();
            for (const std::uint16_t owner : side->owner) remote += owner != self;
        }
        // The distinct ghosts, by index (4 bytes an edge end while they are sorted).
        std::vector<std::uint32_t> ghosts;
        ghosts.reserve(remote);
        for (const EdgeSide* side : sides)
            for (std::size_t entry = 0; entry < side->other.size(); ++entry)
                if (side->owner[entry] != self) ghosts.push_back(side->other[entry]);
        std::sort(ghosts.begin(), ghosts.end());
        ghosts.erase(std::unique(ghosts.begin(), ghosts.end()), ghosts.end());
        std::vector<std::uint32_t>(ghosts.begin(), ghosts.end()).swap(ghosts);
        ghosts_ = ghosts.size();
        if (owned_ + ghosts_ > UINT32_MAX) throw UsageError("too many customers for one rank");
        // Columns: an owned end's slot, and for now owned + a ghost's place in `ghosts`.
        std::vector<std::uint16_t> ghost_owner(ghosts_);
        columns_.resize(entries);
        std::size_t column = 0;
        for (const EdgeSide* side : sides)
            for (std::size_t entry = 0; entry < side->other.size(); ++entry, ++column) {
                const std::uint32_t other = side->other[entry];
                if (side->owner[entry] == self) {
                    columns_[column] = static_cast<std::uint32_t>(
                        std::lower_bound(graph.owned.begin(), graph.owned.end(), other) -
                        graph.owned.begin());
                    continue;
                }
                const auto ghost = static_cast<std::size_t>(
                    std::lower_bound(ghosts.begin(), ghosts.end(), other) - ghosts.begin());
                ghost_owner[ghost] = side->owner[entry];
                columns_[column] = static_cast<std::uint32_t>(owned_ + ghost);
            }
        for (const std::uint16_t owner : ghost_owner) ++requested[owner];
        std::vector<std::uint64_t> next(ranks, 0);
        for (std::size_t rank = 1; rank < ranks; ++rank)
            next[rank] = next[rank - 1] + requested[rank - 1];
        std::vector<std::uint32_t> place(ghosts_);
        requests.resize(ghosts_);
        for (std::size_t ghost = 0; ghost < ghosts_; ++ghost) {
            place[ghost] = static_cast<std::uint32_t>(next[ghost_owner[ghost]]++);
            requests[place[ghost]] = ghosts[ghost];
        }
        for (std::uint32_t& entry : columns_)
            if (entry >= owned_) entry = static_cast<std::uint32_t>(owned_ + place[entry - owned_]);
    }
    recv_counts_.assign(ranks, 0);
    recv_offsets_.assign(ranks, 0);
    for (std::size_t rank = 0; rank < ranks; ++rank) {
        recv_counts_[rank] = checked(static_cast<std::size_t>(requested[rank]));
        if (rank > 0) recv_offsets_[rank] = recv_offsets_[rank - 1] + recv_counts_[rank - 1];
    }
    // Ask each owner once for the ghosts it owns; it answers in the same order every time.
    std::vector<std::uint64_t> asked;
    alltoallv_into(*comm_, requests, requested, send_, &asked);
    if (layout == Layout::by_index)
        ghost_nodes_ = std::move(requests);
    else
        for (std::uint32_t& item : send_)
            item = static_cast<std::uint32_t>(
                std::lower_bound(graph.owned.begin(), graph.owned.end(), item) -
                graph.owned.begin());
    send_counts_.assign(ranks, 0);
    send_offsets_.assign(ranks, 0);
    for (std::size_t rank = 0; rank < ranks; ++rank) {
        send_counts_[rank] = checked(static_cast<std::size_t>(asked[rank]));
        if (rank > 0) send_offsets_[rank] = send_offsets_[rank - 1] + send_counts_[rank - 1];
    }
}

template <typename T>
void GhostExchange::transfer(const std::vector<T>& outgoing, T* incoming) const {
    T dummy{};
    count_sent(send_counts_, sizeof(T), comm_->rank);
    MPI_Alltoallv(outgoing.empty() ? &dummy : outgoing.data(), send_counts_.data(),
                  send_offsets_.data(), mpi_type<T>(), ghosts_ == 0 ? &dummy : incoming,
                  recv_counts_.data(), recv_offsets_.data(), mpi_type<T>(), comm_->comm);
}

template <typename T>
void GhostExchange::exchange(std::vector<T>& values) const {
    std::vector<T> outgoing(send_.size());
    for (std::size_t item = 0; item < send_.size(); ++item) outgoing[item] = values[send_[item]];
    values.resize(owned_ + ghosts_);
    transfer(outgoing, values.data() + owned_);
}

template <typename T>
void GhostExchange::exchange_by_index(std::vector<T>& values) const {
    std::vector<T> outgoing(send_.size());
    for (std::size_t item = 0; item < send_.size(); ++item) outgoing[item] = values[send_[item]];
    std::vector<T> incoming(ghosts_);
    transfer(outgoing, incoming.data());
    for (std::size_t ghost = 0; ghost < ghosts_; ++ghost)
        values[ghost_nodes_[ghost]] = incoming[ghost];
}

template void GhostExchange::exchange<double>(std::vector<double>&) const;
template void GhostExchange::exchange<std::uint64_t>(std::vector<std::uint64_t>&) const;
template void GhostExchange::exchange_by_index<double>(std::vector<double>&) const;
template void GhostExchange::exchange_by_index<std::uint64_t>(std::vector<std::uint64_t>&) const;

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
    // The shares of the other ends: by global index when an array of every customer's is
    // smaller than a column per pulled edge (GhostExchange), else by column.
    const bool by_index = n <= pull.other.size() / 2 + owned;
    const GhostExchange ghosts(
        graph, {&pull},
        by_index ? GhostExchange::Layout::by_index : GhostExchange::Layout::columns);
    const std::vector<std::uint32_t>& columns = ghosts.columns();
    std::vector<double> share_by_index(by_index ? n : 0);

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
        // Each customer's sum over its pulled edges, in their order, with the other end's share
        // read where `values` holds it.
        const auto pull_sums = [&](const std::vector<double>& values, const auto& where) {
            for (std::size_t slot = 0; slot < owned; ++slot) {
                double sum = 0.0;
                for (std::uint64_t step = pull.offsets[slot]; step < pull.offsets[slot + 1];
                     ++step) {
                    if (weighted)
                        sum += values[where(step)] * pull.strength[step];
                    else
                        sum += values[where(step)];
                }
                next[slot] = d * sum + jump * teleport;
            }
        };
        if (by_index) {
            for (std::size_t slot = 0; slot < owned; ++slot)
                share_by_index[graph.owned[slot]] = share[slot];
            ghosts.exchange_by_index(share_by_index);
            pull_sums(share_by_index, [&](std::uint64_t step) { return pull.other[step]; });
        } else {
            ghosts.exchange(share);
            pull_sums(share, [&](std::uint64_t step) { return columns[step]; });
            share.resize(owned);
        }
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
