#include "distributed_seeds.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "catena/algorithms/opim_c.hpp"
#include "catena/graph/errors.hpp"

#include "collective.hpp"
#include "random_stream.hpp"
#include "reverse_sampler.hpp"

namespace catena::mpi {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// RR sets are drawn a batch at a time, each level of a batch's breadth-first growth one exchange.
// A batch aims at about this many members per rank: few enough that the batch's (set, member)
// table stays in cache, enough that the exchanges stay few. The first batch has kFirstBatch sets;
// later ones follow the mean size of the sets so far (summed over the ranks, so every rank takes
// the same batches; the sets themselves do not depend on the batches).
constexpr std::uint64_t kMembersPerBatch = std::uint64_t{1} << 18;
constexpr std::uint64_t kFirstBatch = 4096, kLargestBatch = std::uint64_t{1} << 20;

// One step of an RR set's growth: the customer at `slot` of the receiving rank joins set `set`
// (its number within the batch) unless the set has it.
struct Visit {
    std::uint32_t slot;
    std::uint32_t set;
};

// The RR sets of one collection, as this rank holds them: set r's members that this rank owns
// are members[offsets[r] .. offsets[r+1]) (slots). Every rank has an entry for every set.
struct RankSets {
    std::vector<std::uint32_t> members;
    std::vector<std::uint64_t> offsets{0};
    std::uint64_t count() const { return offsets.size() - 1; }
    std::size_t memory_bytes() const {
        return members.size() * sizeof(std::uint32_t) + offsets.size() * sizeof(std::uint64_t);
    }
};

// A set of 64-bit keys (open addressing, linear probing), cleared batch by batch.
class KeySet {
  public:
    // Adds `key` (never kEmpty); false when it was there.
    bool insert(std::uint64_t key) {
        if (2 * (size_ + 1) > slots_.size()) grow();
        std::size_t at = hash(key) & (slots_.size() - 1);
        while (slots_[at] != kEmpty) {
            if (slots_[at] == key) return false;
            at = (at + 1) & (slots_.size() - 1);
        }
        slots_[at] = key;
        ++size_;
        return true;
    }
    // Starts loading where `key` would go.
    void prefetch(std::uint64_t key) const {
        if (!slots_.empty()) __builtin_prefetch(&slots_[hash(key) & (slots_.size() - 1)]);
    }
    void clear() {
        std::fill(slots_.begin(), slots_.end(), kEmpty);
        size_ = 0;
    }
    std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

  private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    static std::size_t hash(std::uint64_t key) {
        key ^= key >> 33;
        key *= 0xFF51AFD7ED558CCDull;
        key ^= key >> 33;
        return static_cast<std::size_t>(key);
    }
    void grow() {
        std::vector<std::uint64_t> old(std::max<std::size_t>(1024, 2 * slots_.size()), kEmpty);
        old.swap(slots_);
        size_ = 0;
        for (const std::uint64_t key : old)
            if (key != kEmpty) insert(key);
    }
    std::vector<std::uint64_t> slots_;
    std::size_t size_ = 0;
};

// The slot of owned customer `node` (a global index) among the `num_nodes`. Owners follow a hash
// of the id, so a rank's customers spread evenly over the indices: the search starts where an
// even spread puts `node` and widens from there (a cache miss or two instead of a binary
// search's twenty steps).
template <typename Owned>
std::uint32_t slot_of(const Owned& owned, std::uint64_t node, std::uint64_t num_nodes) {
    const std::size_t size = owned.size();
    const auto value = [&](std::size_t at) { return static_cast<std::uint64_t>(owned[at]); };
    if (size == 0 || node >= num_nodes)
        throw InternalError("catena-mpi: a customer reached the wrong rank");
    const auto guess = std::min(size - 1, static_cast<std::size_t>(static_cast<double>(node) /
                                                                   static_cast<double>(num_nodes) *
                                                                   static_cast<double>(size)));
    std::size_t low = 0, high = size;  // `node`, if owned here, is at a slot in [low, high)
    if (value(guess) < node) {
        low = guess + 1;
        for (std::size_t step = 1; guess + step < size; step *= 2) {
            if (value(guess + step) >= node) {
                high = guess + step + 1;
                break;
            }
            low = guess + step + 1;
        }
    } else {
        high = guess + 1;
        for (std::size_t step = 1; step <= guess; step *= 2) {
            if (value(guess - step) < node) {
                low = guess - step + 1;
                break;
            }
            high = guess - step + 1;
        }
    }
    const auto it = std::lower_bound(owned.begin() + static_cast<std::ptrdiff_t>(low),
                                     owned.begin() + static_cast<std::ptrdiff_t>(high), node);
    if (it == owned.begin() + static_cast<std::ptrdiff_t>(high) ||
        static_cast<std::uint64_t>(*it) != node)
        throw InternalError("catena-mpi: a customer reached the wrong rank");
    return static_cast<std::uint32_t>(it - owned.begin());
}

// Roots in proportion to own value (network value): the running sum of own value by customer,
// cut into blocks of consecutive indices, one a rank. Set i's root is the first customer whose
// running sum exceeds uniform(i) * total (the last customer when none does), as catena's
// network_value() draws it: the first block whose last sum exceeds it holds the root.
struct ValueRoots {
    double total = 0.0;
    std::vector<std::uint64_t> begins;  // per rank, and the end: its block's first index
    // Per rank: its block's last running sum (an empty block: the one before's).
    std::vector<double> last;
    std::vector<double> running;  // this rank's block
};

// Collective: each rank's block of rank 0's running sums (`running`, by index; empty elsewhere)
// and every block's last one. `total` is the last sum, the same on every rank.
ValueRoots value_roots(const Comm& comm, std::uint64_t n, const std::vector<double>& running,
                       double total) {
    const auto ranks = static_cast<std::size_t>(comm.size);
    ValueRoots roots;
    roots.total = total;
    roots.begins.resize(ranks + 1);
    for (std::size_t rank = 0; rank <= ranks; ++rank) roots.begins[rank] = rank * n / ranks;
    std::vector<std::uint64_t> counts(ranks, 0);
    if (comm.rank == 0)
        for (std::size_t rank = 0; rank < ranks; ++rank)
            counts[rank] = roots.begins[rank + 1] - roots.begins[rank];
    alltoallv_into(comm, running, counts, roots.running);
    roots.last =
        allgatherv(comm, std::vector<double>{roots.running.empty() ? 0.0 : roots.running.back()});
    // An empty block takes the sum before it, so the last sums do not fall from block to block
    // and the block holding a root is found by a binary search.
    for (std::size_t rank = 1; rank < ranks; ++rank)
        if (roots.begins[rank + 1] == roots.begins[rank]) roots.last[rank] = roots.last[rank - 1];
    return roots;
}

// Collective: rank 0's `values`, one per customer by index (empty elsewhere), for each rank's
// own customers, by slot: every rank tells rank 0 which customers it owns, and rank 0 answers.
template <typename T>
std::vector<T> values_for_owned(const DistributedGraph& graph, const std::vector<T>& values) {
    const Comm& comm = graph.comm;
    const auto ranks = static_cast<std::size_t>(comm.size);
    const std::vector<std::uint64_t> owned(graph.owned.begin(), graph.owned.end());
    const std::vector<std::uint64_t> counts =
        allgatherv(comm, std::vector<std::uint64_t>{owned.size()});
    const std::vector<std::uint64_t> nodes = gatherv(comm, owned);
    std::vector<T> answers(nodes.size());
    for (std::size_t at = 0; at < nodes.size(); ++at)
        answers[at] = values[static_cast<std::size_t>(nodes[at])];
    std::vector<std::uint64_t> sending(ranks, 0);
    if (comm.rank == 0) sending = counts;
    std::vector<T> mine;
    alltoallv_into(comm, answers, sending, mine);
    return mine;
}

// Grows RR sets over the ranks. Per owned customer it keeps what reverse_sampler.hpp keeps per
// node: its record (its in-edges, 1 / log(1 - p_max), 1 / p_max) and each in-edge's p / p_max,
// computed by the same code from the same numbers in the same order, so the draws are the same.
class DistributedSampler {
  public:
    DistributedSampler(const DistributedGraph& graph, const OwnerDirectory& directory,
                       DiffusionModel model, const ProbabilityModel& probability,
                       std::uint64_t seed)
        : graph_(graph), directory_(directory), model_(model), seed_(seed) {
        const std::size_t owned = graph.owned_count();
        const EdgeSide& in = graph.in;
        std::vector<double> weights;
        if (model == DiffusionModel::independent_cascade) records_.resize(owned);
        in_.resize(in.other.size());
        if (model == DiffusionModel::linear_threshold) thresholds_.resize(in.other.size());
        for (std::size_t slot = 0; slot < owned; ++slot) {
            const auto begin = static_cast<std::uint64_t>(in.offsets[slot]);
            const auto end = static_cast<std::uint64_t>(in.offsets[slot + 1]);
            weights.clear();
            double total = 0.0;
            for (std::uint64_t entry = begin; entry < end; ++entry) {
                // The weighted cascade's strengths (or 1 each), summed in in-edge order as
                // catena sums them; a constant probability as stated.
                const double x =
                    model == DiffusionModel::independent_cascade &&
                            probability.kind == ProbabilityModel::Kind::constant
                        ? probability.constant
                        : (probability.weighted || model == DiffusionModel::linear_threshold
                               ? in.strength[entry]
                               : 1.0);
                weights.push_back(x);
                total += x;
            }
            const bool shares = model == DiffusionModel::linear_threshold ||
                                probability.kind == ProbabilityModel::Kind::weighted_cascade;
            if (shares)
                for (double& p : weights) p = total > 0.0 ? p / total : 0.0;
            if (model == DiffusionModel::linear_threshold) {
                std::copy(weights.begin(), weights.end(),
                          thresholds_.begin() + static_cast<std::ptrdiff_t>(begin));
                continue;
            }
            const ReverseSampler::Node node = ReverseSampler::record(
                static_cast<EdgeId>(begin), static_cast<EdgeId>(end), weights);
            records_[slot] = node;
            ReverseSampler::values(
                node, weights, [&](std::size_t i, float value) { in_[begin + i].value = value; });
        }
        find_sources();
    }

    std::size_t memory_bytes() const {
        return records_.capacity() * sizeof(ReverseSampler::Node) +
               in_.capacity() * sizeof(InEdge) + thresholds_.capacity() * sizeof(double) +
               visited_.memory_bytes() + directory_.memory_bytes();
    }

    // Roots in proportion to own value from now on (network value), instead of uniform ones.
    void use_value_roots(const ValueRoots& roots) { value_roots_ = &roots; }

    // Collective: appends sets first .. first+count-1 to `out`, in order, a batch at a time.
    void draw(std::uint64_t first, std::uint64_t count, RankSets& out) {
        draw_batches(first, count, [&](std::uint64_t batch) { group(batch, out); });
    }

    // Collective: draws sets first .. first+count-1 and adds, per owned customer, the sets it is
    // in other than as their root to `counts`; returns the members this rank held, roots included.
    std::uint64_t count_memberships(std::uint64_t first, std::uint64_t count,
                                    std::vector<std::uint64_t>& counts) {
        std::uint64_t members = 0;
        draw_batches(first, count, [&](std::uint64_t) {
            members += joined_.size();
            for (std::size_t at = roots_joined_; at < joined_.size(); ++at)
                ++counts[joined_[at].slot];
        });
        return members;
    }

  private:
    // Draws the sets in batches; `done(batch size)` reads each batch's members (joined_).
    template <typename Done>
    void draw_batches(std::uint64_t first, std::uint64_t count, Done&& done) {
        for (std::uint64_t begin = 0; begin < count;) {
            std::uint64_t batch = kFirstBatch;
            if (sets_drawn_ > 0) {
                const double mean =
                    static_cast<double>(members_drawn_) / static_cast<double>(sets_drawn_);
                const double members =
                    static_cast<double>(kMembersPerBatch) * static_cast<double>(graph_.comm.size);
                batch = std::clamp<std::uint64_t>(
                    static_cast<std::uint64_t>(members / std::max(mean, 1.0)), 256, kLargestBatch);
            }
            batch = std::min(batch, count - begin);
            draw_batch(first + begin, batch);
            done(batch);
            begin += batch;
            sets_drawn_ += batch;
            members_drawn_ += sum(graph_.comm, joined_.size());
        }
    }

    // Each in-edge's other end as a slot of its owner (what a Visit names): every rank asks the
    // owners about its in-edges' other ends and reads the answers back, kSourcesAtOnce entries a
    // round (the questions and answers held at once stay small).
    void find_sources() {
        constexpr std::size_t kSourcesAtOnce = std::size_t{1} << 20;
        const Comm& comm = graph_.comm;
        const EdgeSide& in = graph_.in;
        const std::size_t entries = in.other.size();
        const std::uint64_t rounds =
            max_of(comm, std::uint64_t{(entries + kSourcesAtOnce - 1) / kSourcesAtOnce});
        std::vector<int> counts(static_cast<std::size_t>(comm.size)), received_counts;
        std::vector<std::size_t> at(counts.size());
        std::vector<std::uint32_t> asked;
        for (std::uint64_t round = 0; round < rounds; ++round) {
            const std::size_t begin = std::min(entries, round * kSourcesAtOnce);
            const std::size_t end = std::min(entries, begin + kSourcesAtOnce);
            std::fill(counts.begin(), counts.end(), 0);
            for (std::size_t entry = begin; entry < end; ++entry) ++counts[in.owner[entry]];
            at[0] = 0;
            for (std::size_t rank = 1; rank < counts.size(); ++rank)
                at[rank] = at[rank - 1] + static_cast<std::size_t>(counts[rank - 1]);
            asked.resize(end - begin);
            std::vector<std::size_t> next = at;
            for (std::size_t entry = begin; entry < end; ++entry)
                asked[next[in.owner[entry]]++] = static_cast<std::uint32_t>(in.other[entry]);
            std::vector<std::uint32_t> questions =
                alltoallv_packed(comm, asked, counts, &received_counts);
            for (std::uint32_t& node : questions)
                node = slot_of(graph_.owned, node, graph_.num_nodes);
            asked = alltoallv_packed(comm, questions, received_counts);
            for (std::size_t entry = begin; entry < end; ++entry)
                in_[entry].source = asked[at[in.owner[entry]]++];
        }
    }

    // The roots of sets first .. first+count-1 as visits for their owners (in `send`), and
    // every set's key in keys_.
    void find_roots(std::uint64_t first, std::uint64_t count,
                    std::vector<std::vector<Visit>>& send) {
        const auto n = graph_.num_nodes;
        const auto ranks = static_cast<std::size_t>(graph_.comm.size);
        const auto to_owner = [&](std::uint64_t root, std::uint64_t set) {
            const OwnerDirectory::Entry entry = directory_.at(root);
            send[entry.owner].push_back({entry.slot, static_cast<std::uint32_t>(set)});
        };
        // Every rank works out every set's root (uniform) or the block holding it (by value)
        // and its key, a few draws each.
        keys_.resize(count);
        if (value_roots_ == nullptr) {
            // The rank holding the root's directory entry sends it to its owner.
            for (std::uint64_t set = 0; set < count; ++set) {
                RandomStream random = RandomStream::for_index(seed_, first + set);
                const auto root =
                    static_cast<std::uint64_t>(random.uniform() * static_cast<double>(n)) % n;
                keys_[set] = ReverseSampler::set_key(random);
                if (directory_.holds(root)) to_owner(root, set);
            }
            return;
        }
        // The rank whose block holds the root finds it there and sends it to the rank holding
        // its directory entry, which sends it on to its owner.
        const ValueRoots& roots = *value_roots_;
        const int self = graph_.comm.rank;
        std::vector<std::vector<std::uint64_t>> found(ranks);  // (root, set) pairs
        for (std::uint64_t set = 0; set < count; ++set) {
            RandomStream random = RandomStream::for_index(seed_, first + set);
            const double target = random.uniform() * roots.total;
            keys_[set] = ReverseSampler::set_key(random);
            // The first block whose last sum exceeds the target (never an empty one: its last sum
            // is the one before's); none: the last customer.
            const auto block =
                static_cast<int>(std::upper_bound(roots.last.begin(), roots.last.end(), target) -
                                 roots.last.begin());
            std::uint64_t root = n - 1;
            if (block == graph_.comm.size) {
                if (!directory_.holds(root)) continue;
            } else {
                if (block != self) continue;
                root = roots.begins[static_cast<std::size_t>(self)] +
                       static_cast<std::uint64_t>(
                           std::upper_bound(roots.running.begin(), roots.running.end(), target) -
                           roots.running.begin());
            }
            const auto holder = static_cast<std::size_t>(root % ranks);
            found[holder].push_back(root);
            found[holder].push_back(set);
        }
        const std::vector<std::uint64_t> pairs = alltoallv(graph_.comm, found);
        for (std::size_t at = 0; at + 1 < pairs.size(); at += 2) to_owner(pairs[at], pairs[at + 1]);
    }

    void draw_batch(std::uint64_t first, std::uint64_t count) {
        const Comm& comm = graph_.comm;
        const auto ranks = static_cast<std::size_t>(comm.size);
        std::vector<std::vector<Visit>> send(ranks);
        find_roots(first, count, send);
        visited_.clear();
        joined_.clear();
        roots_joined_ = 0;
        for (bool roots = true;; roots = false) {
            const std::vector<Visit> frontier = alltoallv(comm, send);
            for (auto& part : send) part.clear();
            if (sum(comm, frontier.size()) == 0) break;
            // What the visits a few ahead read is loaded meanwhile: most of the time goes to
            // waiting for memory, one customer's record and in-edges after another.
            constexpr std::size_t kAhead = 8;
            const std::size_t size = frontier.size();
            for (std::size_t at = 0; at < size; ++at) {
                if (at + kAhead < size) {
                    const Visit ahead = frontier[at + kAhead];
                    if (!records_.empty()) __builtin_prefetch(records_.data() + ahead.slot);
                    __builtin_prefetch(graph_.owned.data() + ahead.slot);
                    visited_.prefetch(key_of(ahead));
                }
                if (at + kAhead / 2 < size && !records_.empty())
                    __builtin_prefetch(in_.data() + records_[frontier[at + kAhead / 2].slot].first);
                const Visit visit = frontier[at];
                if (!visited_.insert(key_of(visit))) continue;
                joined_.push_back({visit.set, visit.slot});
                expand(visit, send);
            }
            // The first level is the sets' roots, and only those.
            if (roots) roots_joined_ = joined_.size();
        }
    }

    // Appends the batch's members (joined_) to `out`, grouped by set (a counting sort, stable).
    void group(std::uint64_t count, RankSets& out) {
        std::vector<std::uint64_t> start(count + 1, 0);
        for (const Joined& member : joined_) ++start[member.set + 1];
        for (std::uint64_t set = 0; set < count; ++set) start[set + 1] += start[set];
        const std::size_t base = out.members.size();
        out.members.resize(base + joined_.size());
        std::vector<std::uint64_t> at(start.begin(), start.end() - 1);
        for (const Joined& member : joined_) out.members[base + at[member.set]++] = member.slot;
        for (std::uint64_t set = 0; set < count; ++set)
            out.offsets.push_back(base + start[set + 1]);
    }

    static std::uint64_t key_of(const Visit& visit) {
        return std::uint64_t{visit.set} << 32 | visit.slot;
    }

    // The draws at a member: the in-neighbours the set keeps go to their owners.
    void expand(const Visit& visit, std::vector<std::vector<Visit>>& send) {
        const EdgeSide& in = graph_.in;
        const std::uint32_t slot = visit.slot;
        const auto to_owner = [&](std::uint64_t entry) {
            send[in.owner[entry]].push_back({in_[entry].source, visit.set});
        };
        // The draws at v come from the stream (the set's key, v's global index), as catena's.
        RandomStream member = RandomStream::for_index(
            keys_[visit.set], static_cast<std::uint64_t>(graph_.owned[slot]));
        if (model_ == DiffusionModel::linear_threshold) {
            const double r = member.uniform();
            double total = 0.0;
            const auto end = static_cast<std::uint64_t>(in.offsets[slot + 1]);
            for (auto entry = static_cast<std::uint64_t>(in.offsets[slot]); entry < end; ++entry) {
                total += thresholds_[entry];
                if (r < total) {
                    to_owner(entry);
                    return;
                }
            }
            return;
        }
        const ReverseSampler::Node node = records_[slot];
        ReverseSampler::for_each_kept(
            node, member, [&](EdgeId entry) { return in_[entry].value; },
            [&](EdgeId entry) { to_owner(entry); });
    }

    struct Joined {
        std::uint32_t set, slot;
    };

    const DistributedGraph& graph_;
    const OwnerDirectory& directory_;
    DiffusionModel model_;
    std::uint64_t seed_;
    // Per in-edge entry, its other end (a slot of its owner) and, for IC, its value (see
    // ReverseSampler::Node) side by side: one memory access per in-edge looked at.
    struct InEdge {
        std::uint32_t source = 0;
        float value = 0.0f;
    };
    std::vector<ReverseSampler::Node> records_;         // IC, per owned customer
    std::vector<InEdge> in_;                            // per in-edge entry
    std::vector<double> thresholds_;                    // LT, per in-edge entry
    std::vector<std::uint64_t> keys_;                   // per set of the batch
    KeySet visited_;                                    // (set, slot) of the batch
    std::vector<Joined> joined_;                        // the batch's members here, as they joined
    std::size_t roots_joined_ = 0;                      // joined_'s first ones: roots
    const ValueRoots* value_roots_ = nullptr;           // roots by own value (network value)
    std::uint64_t sets_drawn_ = 0, members_drawn_ = 0;  // so far, over the ranks
};

// The sum of the k largest of `values` (every rank's k largest marginal coverages): what any k
// seeds could add at most. Reorders `values`.
std::uint64_t largest_sum(std::vector<std::uint64_t>& values, std::size_t k) {
    const auto keep = static_cast<std::ptrdiff_t>(std::min(k, values.size()));
    if (keep == 0) return 0;
    std::nth_element(values.begin(), values.begin() + keep - 1, values.end(), std::greater<>());
    return std::accumulate(values.begin(), values.begin() + keep, std::uint64_t{0});
}

// A candidate in a rank's lazy max-heap (see seed_selection.cpp): highest gain, then the lowest
// slot (owned customers are in ascending global order, so the lowest index).
struct HeapEntry {
    std::uint32_t gain;
    std::uint32_t slot;
};
bool heap_less(const HeapEntry& a, const HeapEntry& b) {
    return a.gain != b.gain ? a.gain < b.gain : a.slot > b.slot;
}

// The sample held by the ranks together, as opim::run drives it (opim_c.hpp). Every figure it
// returns is the whole sample's, the same on every rank.
class DistributedBackend {
  public:
    // `allowed`: per owned customer, whether it may be chosen (empty: every one may); `roots`:
    // roots by value (nullptr: uniform).
    DistributedBackend(const DistributedGraph& graph, const OwnerDirectory& directory,
                       const SeedSelectionParams& params, const ProbabilityModel& probability,
                       std::vector<std::uint8_t> allowed = {}, const ValueRoots* roots = nullptr,
                       std::vector<double> costs = {})
        : graph_(graph),
          params_(params),
          sampler_(graph, directory, params.model, probability, params.seed),
          allowed_(std::move(allowed)),
          costs_(std::move(costs)) {
        if (roots) sampler_.use_value_roots(*roots);
    }

    void draw_r1(std::uint64_t first, std::uint64_t count) { sampler_.draw(first, count, r1_); }
    void draw_r2(std::uint64_t first, std::uint64_t count) { sampler_.draw(first, count, r2_); }
    std::uint64_t r1_count() const { return r1_.count(); }
    std::uint64_t r2_count() const { return r2_.count(); }
    std::uint64_t entries() const {
        return sum(graph_.comm, r1_.members.size() + r2_.members.size());
    }
    std::size_t sampler_bytes() const { return sum(graph_.comm, sampler_.memory_bytes()); }
    std::size_t r1_bytes() const { return sum(graph_.comm, r1_.memory_bytes()); }
    std::size_t r2_bytes() const { return sum(graph_.comm, r2_.memory_bytes()); }

    opim::Coverage greedy();
    std::vector<std::uint64_t> r2_gains(const std::vector<NodeId>& seeds) const;

  private:
    // Per owned customer, the R1 sets it is in: sets_of_[start_[slot] .. start_[slot+1]).
    void index_r1();
    // This rank's best candidate and its k largest marginal coverages, from the lazy heap
    // (entries whose gain has fallen go back with their gain now; those at 0 are dropped).
    std::vector<HeapEntry> current_best();
    // Tops the seeds up to k once every RR set is covered: the customers not chosen that are in
    // the most R1 sets, then by index, each with a gain of 0.
    void fill_to_k(opim::Coverage& result) const;

    const DistributedGraph& graph_;
    const SeedSelectionParams& params_;
    bool allowed(std::size_t slot) const { return allowed_.empty() || allowed_[slot] != 0; }

    // The budgeted greedy (catena's pick_next): each round every rank offers its best gain per
    // cost that still fits, and its k largest marginal coverages.
    opim::Coverage greedy_budgeted();
    // Every rank takes `node` (owned by `owner`) as the next seed: the owner sends the R1 sets it
    // newly covers, every rank marks them and lowers its members' coverage. Returns their count.
    std::uint64_t take_seed(int owner, std::uint64_t node);

    DistributedSampler sampler_;
    std::vector<std::uint8_t> allowed_;
    std::vector<double> costs_;  // per owned customer, with a budget
    RankSets r1_, r2_;
    std::vector<std::uint64_t> start_;
    std::vector<std::uint32_t> sets_of_;
    std::vector<std::uint32_t> degree_;
    std::vector<std::uint8_t> covered_;
    std::vector<HeapEntry> heap_;
};

void DistributedBackend::index_r1() {
    const std::size_t owned = graph_.owned_count();
    start_.assign(owned + 1, 0);
    sets_of_.resize(r1_.members.size());
    for (const std::uint32_t slot : r1_.members) ++start_[slot + 1];
    for (std::size_t slot = 0; slot < owned; ++slot) start_[slot + 1] += start_[slot];
    std::vector<std::uint64_t> at(start_.begin(), start_.end() - 1);
    for (std::uint64_t r = 0; r < r1_.count(); ++r)
        for (std::uint64_t position = r1_.offsets[r]; position < r1_.offsets[r + 1]; ++position)
            sets_of_[at[r1_.members[position]]++] = static_cast<std::uint32_t>(r);
}

std::vector<HeapEntry> DistributedBackend::current_best() {
    std::vector<HeapEntry> fresh;
    while (fresh.size() < params_.k && !heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end(), heap_less);
        const HeapEntry entry = heap_.back();
        heap_.pop_back();
        const std::uint32_t now = degree_[entry.slot];
        if (now == 0) continue;
        if (now != entry.gain) {
            heap_.push_back({now, entry.slot});
            std::push_heap(heap_.begin(), heap_.end(), heap_less);
            continue;
        }
        fresh.push_back(entry);
    }
    for (const HeapEntry& entry : fresh) {
        heap_.push_back(entry);
        std::push_heap(heap_.begin(), heap_.end(), heap_less);
    }
    return fresh;
}

std::uint64_t DistributedBackend::take_seed(int owner, std::uint64_t node) {
    const Comm& comm = graph_.comm;
    std::vector<std::uint32_t> newly;
    if (comm.rank == owner) {
        const std::uint32_t slot = slot_of(graph_.owned, node, graph_.num_nodes);
        for (std::uint64_t at = start_[slot]; at < start_[slot + 1]; ++at)
            if (!covered_[sets_of_[at]]) newly.push_back(sets_of_[at]);
    }
    std::uint64_t size = newly.size();
    MPI_Bcast(&size, 1, MPI_UINT64_T, owner, comm.comm);
    newly.resize(size);
    if (comm.rank == owner)
        count_sent(size * sizeof(std::uint32_t) * static_cast<std::uint64_t>(comm.size - 1));
    for (std::uint64_t done = 0; done < size;) {
        const auto chunk = static_cast<int>(std::min<std::uint64_t>(size - done, INT_MAX / 4));
        MPI_Bcast(newly.data() + done, chunk, MPI_UINT32_T, owner, comm.comm);
        done += static_cast<std::uint64_t>(chunk);
    }
    for (const std::uint32_t r : newly) {
        covered_[r] = 1;
        for (std::uint64_t position = r1_.offsets[r]; position < r1_.offsets[r + 1]; ++position)
            --degree_[r1_.members[position]];
    }
    return size;
}

opim::Coverage DistributedBackend::greedy_budgeted() {
    const Comm& comm = graph_.comm;
    const std::size_t owned = graph_.owned_count();
    const std::uint32_t k = params_.k;
    const double budget = params_.budget;
    // The candidates: allowed, in some R1 set, and affordable on their own (catena's active
    // nodes), in index order.
    std::vector<std::uint32_t> active;
    degree_.resize(owned);
    for (std::size_t slot = 0; slot < owned; ++slot) {
        degree_[slot] = static_cast<std::uint32_t>(start_[slot + 1] - start_[slot]);
        if (allowed(slot) && degree_[slot] > 0 && costs_[slot] <= budget)
            active.push_back(static_cast<std::uint32_t>(slot));
    }
    covered_.assign(r1_.count(), 0);
    opim::Coverage result;
    result.memory_bytes =
        sum(comm, start_.capacity() * sizeof(std::uint64_t) +
                      sets_of_.capacity() * sizeof(std::uint32_t) +
                      degree_.capacity() * sizeof(std::uint32_t) + covered_.capacity() +
                      active.capacity() * sizeof(std::uint32_t));
    double spent = 0.0;
    double upper = std::numeric_limits<double>::infinity();
    // What each rank offers: its best score (as bits), that customer's index and cost (bits),
    // then its k largest gains (0 past the last).
    const std::size_t width = 3 + k;
    std::vector<std::uint64_t> offer(width);
    std::vector<std::uint32_t> top;
    std::vector<std::uint64_t> all_top;
    const auto bits = [](double value) {
        std::uint64_t out;
        std::memcpy(&out, &value, sizeof out);
        return out;
    };
    const auto real = [](std::uint64_t value) {
        double out;
        std::memcpy(&out, &value, sizeof out);
        return out;
    };
    for (;;) {
        // catena's pick_next over this rank's active customers, in index order.
        double best_score = 0.0;
        std::uint64_t best_node = std::numeric_limits<std::uint64_t>::max();
        double best_cost = 0.0;
        top.clear();
        for (const std::uint32_t slot : active) {
            const std::uint32_t gain = degree_[slot];
            if (gain == 0) continue;
            opim::keep_largest(top, k, gain);
            if (spent + costs_[slot] > budget) continue;
            const double score = gain / std::max(costs_[slot], 1e-12);
            if (score > best_score) {
                best_score = score;
                best_node = graph_.owned[slot];
                best_cost = costs_[slot];
            }
        }
        std::fill(offer.begin(), offer.end(), 0);
        offer[0] = bits(best_score);
        offer[1] = best_node;
        offer[2] = bits(best_cost);
        std::copy(top.begin(), top.end(), offer.begin() + 3);
        const std::vector<std::uint64_t> offers = allgatherv(comm, offer);
        // The seed: the best score, then the lowest index (catena's first in index order).
        int best_rank = -1;
        double score = 0.0, cost = 0.0;
        std::uint64_t node = std::numeric_limits<std::uint64_t>::max();
        all_top.clear();
        for (int rank = 0; rank < comm.size; ++rank) {
            const std::uint64_t* const from =
                offers.data() + static_cast<std::size_t>(rank) * width;
            const double their = real(from[0]);
            if (their > 0.0 && (their > score || (their == score && from[1] < node))) {
                best_rank = rank;
                score = their;
                node = from[1];
                cost = real(from[2]);
            }
            all_top.insert(all_top.end(), from + 3, from + width);
        }
        const std::uint64_t top_sum = largest_sum(all_top, k);
        upper = std::min(upper, static_cast<double>(result.covered) + static_cast<double>(top_sum));
        if (best_rank < 0 || result.seeds.size() == k) break;
        spent += cost;
        const std::uint64_t size = take_seed(best_rank, node);
        result.seeds.push_back(static_cast<NodeId>(node));
        result.gains.push_back(size);
        result.covered += size;
    }
    // catena's finish: the best single affordable customer, if it alone covers more.
    std::uint64_t mine[2] = {0, std::numeric_limits<std::uint64_t>::max()};
    for (const std::uint32_t slot : active) {
        const std::uint64_t alone = start_[slot + 1] - start_[slot];
        if (alone > mine[0]) {
            mine[0] = alone;
            mine[1] = graph_.owned[slot];
        }
    }
    const std::vector<std::uint64_t> singles =
        allgatherv(comm, std::vector<std::uint64_t>{mine[0], mine[1]});
    std::uint64_t single_cover = 0, single = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t at = 0; at + 1 < singles.size(); at += 2)
        if (singles[at] > single_cover ||
            (singles[at] == single_cover && singles[at] > 0 && singles[at + 1] < single)) {
            single_cover = singles[at];
            single = singles[at + 1];
        }
    if (single_cover > 0 && single_cover > result.covered) {
        result.seeds.assign(1, static_cast<NodeId>(single));
        result.gains.assign(1, single_cover);
        result.covered = single_cover;
    }
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    result.best_upper_bound =
        std::min(upper, static_cast<double>(result.covered) / (e_factor / 2.0));
    return result;
}

opim::Coverage DistributedBackend::greedy() {
    const Comm& comm = graph_.comm;
    const std::size_t owned = graph_.owned_count();
    const std::uint32_t k = params_.k;
    index_r1();
    if (params_.budget > 0.0) return greedy_budgeted();
    degree_.resize(owned);
    heap_.clear();
    for (std::size_t slot = 0; slot < owned; ++slot) {
        degree_[slot] = static_cast<std::uint32_t>(start_[slot + 1] - start_[slot]);
        if (degree_[slot] > 0 && allowed(slot))
            heap_.push_back({degree_[slot], static_cast<std::uint32_t>(slot)});
    }
    std::make_heap(heap_.begin(), heap_.end(), heap_less);
    covered_.assign(r1_.count(), 0);
    opim::Coverage result;
    result.memory_bytes = sum(comm, start_.capacity() * sizeof(std::uint64_t) +
                                        sets_of_.capacity() * sizeof(std::uint32_t) +
                                        degree_.capacity() * sizeof(std::uint32_t) +
                                        covered_.capacity() + heap_.capacity() * sizeof(HeapEntry));
    double upper = std::numeric_limits<double>::infinity();
    // What each rank offers: its best (gain, index), then its k largest gains (0 past the last).
    const std::size_t width = 2 + k;
    std::vector<std::uint64_t> offer(width);
    std::vector<std::uint64_t> top;
    for (;;) {
        const std::vector<HeapEntry> fresh = current_best();
        std::fill(offer.begin(), offer.end(), 0);
        if (!fresh.empty()) {
            offer[0] = fresh.front().gain;
            offer[1] = static_cast<std::uint64_t>(graph_.owned[fresh.front().slot]);
        }
        for (std::size_t j = 0; j < fresh.size(); ++j) offer[2 + j] = fresh[j].gain;
        const std::vector<std::uint64_t> offers = allgatherv(comm, offer);
        // The seed: the highest gain, then the lowest index; the k largest gains overall.
        int best_rank = -1;
        std::uint64_t best_gain = 0, best_node = 0;
        top.clear();
        for (int rank = 0; rank < comm.size; ++rank) {
            const std::uint64_t* const from =
                offers.data() + static_cast<std::size_t>(rank) * width;
            if (from[0] > 0 &&
                (from[0] > best_gain || (from[0] == best_gain && from[1] < best_node))) {
                best_rank = rank;
                best_gain = from[0];
                best_node = from[1];
            }
            top.insert(top.end(), from + 2, from + width);
        }
        const std::uint64_t top_sum = largest_sum(top, k);
        upper = std::min(upper, static_cast<double>(result.covered) + static_cast<double>(top_sum));
        if (best_rank < 0 || result.seeds.size() == k) break;
        const std::uint64_t size = take_seed(best_rank, best_node);
        result.seeds.push_back(static_cast<NodeId>(best_node));
        result.gains.push_back(size);
        result.covered += size;
    }
    if (result.seeds.size() < k) fill_to_k(result);
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    result.best_upper_bound = std::min(upper, static_cast<double>(result.covered) / e_factor);
    return result;
}

void DistributedBackend::fill_to_k(opim::Coverage& result) const {
    const std::size_t need = params_.k - result.seeds.size();
    struct Candidate {
        std::uint64_t sets;
        std::uint64_t node;
    };
    const auto before = [](const Candidate& a, const Candidate& b) {
        return a.sets != b.sets ? a.sets > b.sets : a.node < b.node;
    };
    std::vector<std::uint8_t> chosen(graph_.owned_count(), 0);
    for (const NodeId seed : result.seeds) {
        const auto it = std::lower_bound(graph_.owned.begin(), graph_.owned.end(), seed);
        if (it != graph_.owned.end() && static_cast<std::uint64_t>(*it) == seed)
            chosen[static_cast<std::size_t>(it - graph_.owned.begin())] = 1;
    }
    std::vector<Candidate> mine;
    for (std::size_t slot = 0; slot < graph_.owned_count(); ++slot)
        if (!chosen[slot] && allowed(slot))
            mine.push_back(
                {start_[slot + 1] - start_[slot], static_cast<std::uint64_t>(graph_.owned[slot])});
    const std::size_t keep = std::min(need, mine.size());
    std::partial_sort(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(keep), mine.end(),
                      before);
    mine.resize(keep);
    std::vector<Candidate> all = allgatherv(graph_.comm, mine);
    const std::size_t fill = std::min(need, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(fill), all.end(),
                      before);
    for (std::size_t index = 0; index < fill; ++index) {
        result.seeds.push_back(static_cast<NodeId>(all[index].node));
        result.gains.push_back(0);
    }
}

std::vector<std::uint64_t> DistributedBackend::r2_gains(const std::vector<NodeId>& seeds) const {
    const Comm& comm = graph_.comm;
    std::vector<std::uint32_t> order(graph_.owned_count(), kNone);
    for (std::size_t index = 0; index < seeds.size(); ++index) {
        const auto it = std::lower_bound(graph_.owned.begin(), graph_.owned.end(), seeds[index]);
        if (it != graph_.owned.end() && static_cast<std::uint64_t>(*it) == seeds[index])
            order[static_cast<std::size_t>(it - graph_.owned.begin())] =
                static_cast<std::uint32_t>(index);
    }
    // Per R2 set, the first seed in it: each rank's among its own members, then the least.
    std::vector<std::uint32_t> first(r2_.count(), kNone);
    for (std::uint64_t r = 0; r < r2_.count(); ++r)
        for (std::uint64_t position = r2_.offsets[r]; position < r2_.offsets[r + 1]; ++position)
            first[r] = std::min(first[r], order[r2_.members[position]]);
    for (std::uint64_t done = 0; done < first.size();) {
        const auto chunk =
            static_cast<int>(std::min<std::uint64_t>(first.size() - done, INT_MAX / 4));
        MPI_Allreduce(MPI_IN_PLACE, first.data() + done, chunk, MPI_UINT32_T, MPI_MIN, comm.comm);
        done += static_cast<std::uint64_t>(chunk);
    }
    if (comm.size > 1) count_sent(first.size() * sizeof(std::uint32_t));
    std::vector<std::uint64_t> gains(seeds.size(), 0);
    for (const std::uint32_t seed : first)
        if (seed < seeds.size()) ++gains[seed];
    return gains;
}

}  // namespace

OwnerDirectory::OwnerDirectory(const DistributedGraph& graph)
    : rank_(graph.comm.rank), size_(graph.comm.size) {
    const auto ranks = static_cast<std::uint64_t>(size_);
    struct Owned {
        std::uint64_t node;
        std::uint32_t slot;
        std::uint32_t unused;
    };
    std::vector<std::vector<Owned>> send(static_cast<std::size_t>(size_));
    for (std::size_t slot = 0; slot < graph.owned_count(); ++slot) {
        const auto node = static_cast<std::uint64_t>(graph.owned[slot]);
        send[static_cast<std::size_t>(node % ranks)].push_back(
            {node, static_cast<std::uint32_t>(slot), 0});
    }
    std::vector<int> counts;
    const std::vector<Owned> received = alltoallv(graph.comm, send, &counts);
    entries_.assign(graph.num_nodes / ranks + 1, Entry{});
    std::size_t at = 0;
    for (int rank = 0; rank < size_; ++rank)
        for (int item = 0; item < counts[static_cast<std::size_t>(rank)]; ++item, ++at)
            entries_[received[at].node / ranks] = {received[at].slot,
                                                   static_cast<std::uint16_t>(rank)};
}

namespace {

// catena-mpi's limits on what seed selection holds; usage errors, on every rank.
void check_limits(const DistributedGraph& graph) {
    const Comm& comm = graph.comm;
    collective_step(comm, [&] {
        if (graph.num_nodes > std::numeric_limits<NodeId>::max())
            throw UsageError("catena-mpi seeds: at most " +
                             std::to_string(std::numeric_limits<NodeId>::max()) +
                             " customers (for now)");
        if (comm.size > std::numeric_limits<std::uint16_t>::max())
            throw UsageError("catena-mpi seeds: at most 65535 ranks");
        if (graph.in.other.size() > std::numeric_limits<EdgeId>::max())
            throw UsageError(
                "catena-mpi seeds: a rank holds more than 4,294,967,295 in-edges: "
                "run with more ranks");
    });
}

}  // namespace

SeedSelectionResult distributed_seeds(const DistributedGraph& graph,
                                      const SeedSelectionParams& params,
                                      const ProbabilityModel& probability) {
    check_limits(graph);
    const OwnerDirectory directory(graph);
    DistributedBackend backend(graph, directory, params, probability);
    const auto n = static_cast<double>(graph.num_nodes);
    const opim::Schedule schedule = opim::make_schedule(params, n, n, n, params.k);
    return opim::run(backend, params, schedule, n);
}

SeedSelectionResult distributed_seeds(const DistributedGraph& graph,
                                      const SeedSelectionParams& params,
                                      const ProbabilityModel& probability, const SeedPlan& plan) {
    const Comm& comm = graph.comm;
    check_limits(graph);
    // Rank 0's plan: its figures for every rank, who may be chosen for each owner, and the
    // running sums of value in blocks.
    double figures[4] = {static_cast<double>(plan.candidates), plan.scale, plan.optimum_floor,
                         plan.running_value.empty() ? 0.0 : plan.running_value.back()};
    MPI_Bcast(figures, 4, MPI_DOUBLE, 0, comm.comm);
    std::vector<std::uint8_t> allowed = values_for_owned(graph, plan.allowed);
    std::vector<double> costs;
    if (params.budget > 0.0) costs = values_for_owned(graph, plan.costs);
    const bool by_value = params.objective == SeedObjective::value;
    const ValueRoots roots =
        by_value ? value_roots(comm, graph.num_nodes, plan.running_value, figures[3])
                 : ValueRoots{};
    const OwnerDirectory directory(graph);
    DistributedBackend backend(graph, directory, params, probability, std::move(allowed),
                               by_value ? &roots : nullptr, std::move(costs));
    const auto n = static_cast<double>(graph.num_nodes);
    const opim::Schedule schedule =
        opim::make_schedule(params, n, figures[0], figures[1], figures[2]);
    return opim::run(backend, params, schedule, figures[1]);
}

NetworkValueResult distributed_network_value(const DistributedGraph& graph,
                                             const NetworkValueParams& params,
                                             const ProbabilityModel& probability,
                                             const std::vector<double>& running) {
    const Comm& comm = graph.comm;
    const std::uint64_t n = graph.num_nodes;
    NetworkValueResult result;
    double total = comm.rank == 0 && !running.empty() ? running.back() : 0.0;
    MPI_Bcast(&total, 1, MPI_DOUBLE, 0, comm.comm);
    if (comm.rank == 0) {
        if (running.size() != n)
            throw InternalError("catena-mpi value: one own value per customer expected");
        result.network_value.assign(n, 0.0);
        result.standard_error.assign(n, 0.0);
        result.half_width.assign(n, 0.0);
        result.delta = params.delta;
        result.total_value = total;
    }
    if (n == 0 || !(total > 0.0)) return result;  // nothing to reach: every network value is 0

    const ValueRoots roots = value_roots(comm, n, running, total);

    const std::uint64_t theta = params.rr_sets_for(static_cast<NodeId>(n));
    const OwnerDirectory directory(graph);
    DistributedSampler sampler(graph, directory, params.model, probability, params.seed);
    sampler.use_value_roots(roots);
    std::vector<std::uint64_t> counts(graph.owned_count(), 0);
    const std::uint64_t members = sampler.count_memberships(0, theta, counts);
    const std::uint64_t entries = sum(comm, members);

    struct Count {
        std::uint64_t node, count;
    };
    std::vector<Count> mine(counts.size());
    for (std::size_t slot = 0; slot < counts.size(); ++slot)
        mine[slot] = {graph.owned[slot], counts[slot]};
    const std::vector<Count> all = gatherv(comm, mine);
    if (comm.rank != 0) return result;
    std::vector<std::uint64_t> by_node(n, 0);
    for (const Count& item : all) by_node[item.node] = item.count;
    result.rr_sets = theta;
    result.rr_entries = entries;
    network_estimates(by_node, total, theta, params.delta, result);
    return result;
}

}  // namespace catena::mpi
