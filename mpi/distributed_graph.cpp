#include "distributed_graph.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/graph_builder.hpp"
#include "catena/graph/huge_pages.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/dataset_sink.hpp"
#include "catena/loaders/load.hpp"

#include "partitioned_csv.hpp"

namespace catena::mpi {

namespace {

// Bad rows listed before catena stops (LoadOptions::max_errors).
constexpr std::size_t kMaxErrors = 20;

// Rows each rank sends per round of the edge exchange (at most two messages of 24 bytes a row,
// so a round's buffers stay within a few MiB whatever the file's size).
constexpr std::size_t kRoundRows = std::size_t{1} << 17;

// The most a rank may read: its local ids and row positions are 32 bits, and a customer's
// count of edge ends on one rank must fit 32 bits too.
constexpr std::uint64_t kMaxLocalRows = std::uint64_t{1} << 31;

// Receives the rows of this rank's records and applies GraphBuilder::add_relationship's checks,
// in its order, so a bad row gets catena's message; keeps what the graph needs, compactly: the
// rows as columns (16 bytes a row) and the ids once each (StringColumn).
class RowCollector final : public DatasetSink {
  public:
    explicit RowCollector(const EdgeListOptions& options)
        : types_(options.types),
          directed_(options.directed),
          referral_type_(options.listed_customers ? options.types.find("referral") : std::nullopt) {
    }

    void begin_customers(const std::vector<std::string>&) override {}
    void customer(const CustomerRow&) override {
        throw InternalError("catena-mpi: an edge list has no customers table");
    }
    void referral(const ReferralRow&) override {
        throw InternalError("catena-mpi: an edge list has no referrals");
    }
    void transaction(const TransactionRow&) override {
        throw InternalError("catena-mpi: an edge list has no transactions");
    }
    // The reader's estimate of the rows to come: room for them (with a margin) so the columns
    // do not grow by doubling (which holds the old and new copies at once).
    void expect_relationships(std::size_t rows) override {
        const std::size_t room = source.size() + rows + rows / 8 + 1024;
        source.reserve(room);
        target.reserve(room);
        strength.reserve(room);
        directed.reserve(room);
    }

    void relationship(const RelationshipRow& row) override {
        const RelationshipTypeId type = check_relationship_row(row, types_, directed_);
        const double row_strength = types_[type].strength * row.weight;
        if (valid_rows_ >= kMaxLocalRows)
            throw UsageError(
                "one rank's part of the file holds more than 2^31 relationships: run with more "
                "ranks");
        const std::uint64_t seq = valid_rows_++;
        const std::uint32_t from = resolve(row.source, seq * 2);
        const std::uint32_t to = resolve(row.target, seq * 2 + 1);
        ++relationship_rows;
        if (rows_by_type.size() <= type) rows_by_type.resize(type + 1u, 0);
        ++rows_by_type[type];
        if (from == to) {
            ++self_loops_dropped;
            return;
        }
        const bool row_directed = row.directed.value_or(types_[type].directed);
        ++(row_directed ? directed_rows : undirected_rows);
        if (referral_type_ && type == *referral_type_) {
            referral_ends.push_back(row.source);
            referral_ends.push_back(row.target);
            referral_directed.push_back(row_directed);
        }
        add_row(from, to, row_strength, row_directed);
    }

    // A relationship the data set adds after the file's rows (a referral, a purchase on behalf of
    // another): kept like a row but not counted as one.
    void derived(std::string_view from_id, std::string_view to_id, double row_strength,
                 bool row_directed) {
        const std::uint64_t seq = valid_rows_++;
        const std::uint32_t from = resolve(from_id, seq * 2);
        const std::uint32_t to = resolve(to_id, seq * 2 + 1);
        add_row(from, to, row_strength, row_directed);
    }

    std::uint64_t valid_rows() const { return valid_rows_; }
    std::size_t rows() const { return source.size(); }
    // The ids' lookup table, once every row is in.
    void drop_index() { index_ = StringIndex(); }

    StringColumn ids;                              // local id -> id
    std::vector<std::uint64_t> first_key;          // local seq * 2 + (0 source, 1 target)
    std::vector<std::uint32_t> out_ends, in_ends;  // per local id
    // The rows that are not self-loops, in file order: ends as local ids.
    std::vector<std::uint32_t> source, target;
    std::vector<double> strength;
    std::vector<bool> directed;
    std::uint64_t relationship_rows = 0, directed_rows = 0, undirected_rows = 0,
                  self_loops_dropped = 0;
    std::vector<std::uint64_t> rows_by_type;
    // Listed customers: the rows of the referral type (not self-loops), as (source, target)
    // pairs, in file order, and whether each is directed.
    StringColumn referral_ends;
    std::vector<std::uint8_t> referral_directed;

  private:
    void add_row(std::uint32_t from, std::uint32_t to, double row_strength, bool row_directed) {
        source.push_back(from);
        target.push_back(to);
        strength.push_back(row_strength);
        directed.push_back(row_directed);
        // The edge ends each id gets: an out-edge at the source and an in-edge at the target,
        // and the reverse ones too for an undirected row.
        ++out_ends[from];
        ++in_ends[to];
        if (!row_directed) {
            ++out_ends[to];
            ++in_ends[from];
        }
    }

    std::uint32_t resolve(std::string_view id, std::uint64_t key) {
        const std::uint64_t hash = StringIndex::hash(id);
        const std::uint32_t found = index_.find(ids, id, hash);
        if (found != StringIndex::kNone) return found;
        const auto local = static_cast<std::uint32_t>(ids.size());
        ids.push_back(id);
        index_.insert(ids, local, hash);
        first_key.push_back(key);
        out_ends.push_back(0);
        in_ends.push_back(0);
        return local;
    }

    RelationshipTypes types_;
    bool directed_;  // rows without a type are `influences` (--directed), else `knows`
    std::optional<RelationshipTypeId> referral_type_;  // listed customers only
    StringIndex index_;
    std::uint64_t valid_rows_ = 0;
};

// Frees a vector's storage (clear() keeps it).
template <typename T>
void release(T& container) {
    T().swap(container);
}

// What one rank found wrong in its records, in file order: bad rows (as catena's stop policy
// lists them, "file:line: column: what"), then maybe an error that stopped its reading.
struct RankErrors {
    std::vector<std::string> bad_rows;  // at most kMaxErrors
    std::string stopped;                // an error that ends the load at once ("" if none)
    int stopped_code = 0;               // its exit code
};

std::vector<char> pack(const RankErrors& errors) {
    std::vector<char> out;
    pack_string(out, std::to_string(errors.stopped_code));
    pack_string(out, errors.stopped);
    pack_string(out, std::to_string(errors.bad_rows.size()));
    for (const std::string& row : errors.bad_rows) pack_string(out, row);
    return out;
}

// On rank 0: the failure catena would report for the ranks' errors taken in file order (rank
// order), as its stop policy would meet them.
Failure first_failure(const std::vector<RankErrors>& ranks) {
    std::vector<std::string> listed;
    for (const RankErrors& rank : ranks) {
        for (const std::string& row : rank.bad_rows) {
            listed.push_back(row);
            if (listed.size() >= kMaxErrors)
                return attempt([&] { throw InputError(bad_rows_message(listed, true)); });
        }
        if (rank.stopped_code != 0) {
            if (!listed.empty())
                return attempt([&] { throw InputError(bad_rows_message(listed, false)); });
            return {rank.stopped_code, rank.stopped};
        }
    }
    if (!listed.empty()) return attempt([&] { throw InputError(bad_rows_message(listed, false)); });
    return {};
}

// Agrees on the errors of the reading step: rank 0 gathers every rank's and decides.
void agree_on_reading(const Comm& comm, const RankErrors& mine) {
    const bool failed = any(comm, mine.stopped_code != 0 || !mine.bad_rows.empty());
    if (!failed) return;
    const std::vector<char> gathered = gatherv(comm, pack(mine));
    Failure failure;
    if (comm.rank == 0) {
        // Each rank's part is self-delimiting: unpack them in rank order.
        std::vector<RankErrors> ranks;
        std::size_t at = 0;
        while (at < gathered.size()) {
            RankErrors errors;
            errors.stopped_code = std::stoi(unpack_string(gathered, at));
            errors.stopped = unpack_string(gathered, at);
            const std::size_t rows = std::stoul(unpack_string(gathered, at));
            for (std::size_t row = 0; row < rows; ++row)
                errors.bad_rows.push_back(unpack_string(gathered, at));
            ranks.push_back(std::move(errors));
        }
        failure = first_failure(ranks);
        if (failure.code == 0) failure = {1, "catena: error: bad rows lost between ranks\n"};
    }
    int code = failure.code;
    MPI_Bcast(&code, 1, MPI_INT, 0, comm.comm);
    if (comm.rank != 0) failure = {code, ""};
    agree(comm, failure);
}

// An edge as sent to the owners of its ends: one message to each (one in all when a rank owns
// both ends).
struct EdgeMessage {
    std::uint32_t source, target;  // the row's ends as written (global indices)
    double strength;
    // The row's position among the rows kept (file order) << kSeqShift | directed << 18 | the
    // receiver owns the source << 17 | it owns the target << 16 | the owner of the end it does
    // not own (its own rank when it owns both).
    std::uint64_t meta;
};
static_assert(sizeof(EdgeMessage) == 24);
constexpr int kSeqShift = 19;
constexpr std::uint64_t kDirected = 1u << 18, kAtSource = 1u << 17, kAtTarget = 1u << 16;

// Calls each(slot, other, owner, undirected, written_target) for every out-edge a message makes
// at this rank's customers: at the source (as written) its out-edge, and for an undirected row
// the out-edge of its target too. (The in-edges are the out-edges turned round: transpose().)
template <typename SlotOf, typename Each>
void for_each_out_end(const EdgeMessage& message, std::uint16_t self, const SlotOf& slot_of,
                      Each&& each) {
    const bool undirected = (message.meta & kDirected) == 0;
    const bool at_source = (message.meta & kAtSource) != 0;
    const bool at_target = (message.meta & kAtTarget) != 0;
    const auto far = static_cast<std::uint16_t>(message.meta & 0xFFFFu);
    if (at_source)
        each(slot_of(message.source), message.target, at_target ? self : far, undirected, false);
    if (at_target && undirected)
        each(slot_of(message.target), message.source, at_source ? self : far, true, true);
}

// Sends every kept row to the owners of the ends it gives an out-edge, in `rounds` rounds of at
// most kRoundRows rows a rank (so no rank holds more than a round's messages), and hands each
// message this rank receives to `receive`. Collective: every rank runs the same number of rounds.
template <typename Receive>
void exchange_edges(const Comm& comm, const RowCollector& rows,
                    const std::vector<std::uint32_t>& local_index,
                    const std::vector<std::uint16_t>& local_owner, std::uint64_t row_base,
                    std::uint64_t rounds, Receive&& receive) {
    const auto ranks = static_cast<std::size_t>(comm.size);
    std::vector<EdgeMessage> outgoing, incoming;
    std::vector<std::uint64_t> counts(ranks), next(ranks);
    for (std::uint64_t round = 0; round < rounds; ++round) {
        const std::size_t begin =
            static_cast<std::size_t>(std::min<std::uint64_t>(rows.rows(), round * kRoundRows));
        const std::size_t end = std::min(rows.rows(), begin + kRoundRows);
        std::fill(counts.begin(), counts.end(), 0);
        for (std::size_t row = begin; row < end; ++row) {
            const std::uint16_t first = local_owner[rows.source[row]];
            const std::uint16_t second = local_owner[rows.target[row]];
            ++counts[first];
            if (second != first && !rows.directed[row]) ++counts[second];
        }
        next[0] = 0;
        for (std::size_t rank = 1; rank < ranks; ++rank)
            next[rank] = next[rank - 1] + counts[rank - 1];
        outgoing.resize(static_cast<std::size_t>(next.back() + counts.back()));
        for (std::size_t row = begin; row < end; ++row) {
            const std::uint32_t source = rows.source[row], target = rows.target[row];
            const std::uint16_t first = local_owner[source], second = local_owner[target];
            EdgeMessage message{
                local_index[source], local_index[target], rows.strength[row],
                (row_base + row) << kSeqShift | (rows.directed[row] ? kDirected : 0)};
            if (first == second) {
                message.meta |= kAtSource | kAtTarget | first;
                outgoing[next[first]++] = message;
                continue;
            }
            EdgeMessage to_source = message;
            to_source.meta |= kAtSource | second;
            outgoing[next[first]++] = to_source;
            if (rows.directed[row]) continue;  // its target has no out-edge from it
            message.meta |= kAtTarget | first;
            outgoing[next[second]++] = message;
        }
        alltoallv_into(comm, outgoing, counts, incoming);
        for (const EdgeMessage& message : incoming) receive(message);
    }
}

// Sorts each owned customer's entries of a side by the other end (a side is filled in the order
// messages arrive) and lists, as slot << 32 | other, the (customer, other end) pairs that more
// than one row made: those merge (compact() below).
void sort_side(EdgeSide& side, std::vector<std::uint64_t>& merging) {
    std::vector<std::uint64_t> keys;
    std::vector<std::uint32_t> others;
    std::vector<std::uint16_t> owners;
    std::vector<double> strengths;
    const std::size_t owned = side.offsets.size() - 1;
    for (std::size_t slot = 0; slot < owned; ++slot) {
        const std::size_t begin = side.offsets[slot], end = side.offsets[slot + 1];
        bool sorted = true;
        for (std::size_t at = begin + 1; at < end && sorted; ++at)
            sorted = side.other[at - 1] < side.other[at];
        if (sorted) continue;
        const std::size_t count = end - begin;
        keys.resize(count);
        for (std::size_t at = begin; at < end; ++at)
            keys[at - begin] = std::uint64_t{side.other[at]} << 32 | (at - begin);
        std::sort(keys.begin(), keys.end());
        others.resize(count);
        owners.resize(count);
        strengths.resize(count);
        for (std::size_t item = 0; item < count; ++item) {
            const std::size_t from = begin + static_cast<std::size_t>(keys[item] & 0xFFFFFFFFu);
            others[item] = side.other[from];
            owners[item] = side.owner[from];
            strengths[item] = side.strength[from];
        }
        std::copy(others.begin(), others.end(),
                  side.other.begin() + static_cast<std::ptrdiff_t>(begin));
        std::copy(owners.begin(), owners.end(),
                  side.owner.begin() + static_cast<std::ptrdiff_t>(begin));
        std::copy(strengths.begin(), strengths.end(),
                  side.strength.begin() + static_cast<std::ptrdiff_t>(begin));
        for (std::size_t at = begin + 1; at < end; ++at) {
            if (side.other[at - 1] != side.other[at]) continue;
            const std::uint64_t key = std::uint64_t{slot} << 32 | side.other[at];
            if (merging.empty() || merging.back() != key) merging.push_back(key);
        }
    }
}

// One end's view of a row whose edge merges with another row's, at an owned customer.
struct Entry {
    std::uint64_t seq;  // the row
    double strength;
    std::uint32_t slot;   // the owned customer
    std::uint32_t other;  // the other end
    std::uint16_t owner;  // the other end's
    std::uint8_t undirected;
    std::uint8_t written_target;  // the owned customer is the row's target as written
};

// A merging row's in-edge, for the owner of its customer: the out-edge `other` -> `node` at
// the other end's owner turned round.
struct InEnd {
    std::uint64_t seq;
    std::uint32_t node, other;
    std::uint8_t undirected, written_target;
};

bool entry_order(const Entry& a, const Entry& b) {
    if (a.slot != b.slot) return a.slot < b.slot;
    if (a.other != b.other) return a.other < b.other;
    return a.seq < b.seq;
}

// Keeps a side's first `entries` entries, and only the storage they need.
void truncate(EdgeSide& side, std::size_t entries) {
    side.other.resize(entries);
    side.owner.resize(entries);
    side.strength.resize(entries);
    side.other.shrink_to_fit();
    side.owner.shrink_to_fit();
    side.strength.shrink_to_fit();
}

// Merges a sorted side's runs of one other end into one edge whose strength is the sum of the
// rows' strengths, added in file order: `rows` holds every row of each such run, in
// entry_order.
void compact(EdgeSide& side, const std::vector<Entry>& rows) {
    const std::size_t owned = side.offsets.size() - 1;
    std::size_t write = 0, next = 0, begin = 0;
    for (std::size_t slot = 0; slot < owned; ++slot) {
        const std::size_t end = side.offsets[slot + 1];
        side.offsets[slot] = static_cast<std::uint32_t>(write);
        for (std::size_t at = begin; at < end;) {
            const std::uint32_t other = side.other[at];
            std::size_t run = at + 1;
            while (run < end && side.other[run] == other) ++run;
            double strength = side.strength[at];
            if (run - at > 1) {
                while (next < rows.size() && (rows[next].slot < slot || (rows[next].slot == slot &&
                                                                         rows[next].other < other)))
                    ++next;
                std::size_t added = 0;
                for (; next < rows.size() && rows[next].slot == slot && rows[next].other == other;
                     ++next, ++added)
                    strength = added == 0 ? rows[next].strength : strength + rows[next].strength;
                if (added != run - at)
                    throw InternalError("catena-mpi: merged rows lost between ranks");
            }
            side.other[write] = other;
            side.owner[write] = side.owner[at];
            side.strength[write] = strength;
            ++write;
            at = run;
        }
        begin = end;
    }
    side.offsets[owned] = static_cast<std::uint32_t>(write);
    truncate(side, write);
}

// The slot of an owned customer's global index.
std::uint32_t slot_in(const std::vector<std::uint64_t>& owned, std::uint64_t index) {
    return static_cast<std::uint32_t>(std::lower_bound(owned.begin(), owned.end(), index) -
                                      owned.begin());
}

// Out-edges each rank sends per round of transpose() (16 bytes each).
constexpr std::size_t kRoundEdges = std::size_t{1} << 18;

// An out-edge other -> node turned round, for node's owner.
struct Reversed {
    std::uint32_t node, other;
    double strength;
};

// Builds the in-edges from the out-edges (merged already): each out-edge goes to the owner of
// its other end, in rounds of kRoundEdges a rank. On entry graph.in.offsets holds where each
// owned customer's in-edges start, with room for as many as its rows gave it before merges;
// the edges are then closed up and sorted by the other end.
void transpose(const Comm& comm, DistributedGraph& graph) {
    const auto ranks = static_cast<std::size_t>(comm.size);
    const EdgeSide& out = graph.out;
    EdgeSide& in = graph.in;
    const std::size_t owned = graph.owned.size();
    const std::vector<std::uint32_t> start = in.offsets;  // in.offsets move on as edges land
    resize_huge(in.other, in.offsets[owned]);
    resize_huge(in.owner, in.offsets[owned]);
    resize_huge(in.strength, in.offsets[owned]);
    const std::uint64_t rounds = max_of(
        comm, static_cast<std::uint64_t>((out.other.size() + kRoundEdges - 1) / kRoundEdges));
    std::vector<Reversed> outgoing, incoming;
    std::vector<std::uint64_t> counts(ranks), next(ranks), received;
    std::size_t slot = 0;  // the owned customer whose out-edges the round starts in
    for (std::uint64_t round = 0; round < rounds; ++round) {
        const std::size_t begin = static_cast<std::size_t>(
            std::min<std::uint64_t>(out.other.size(), round * kRoundEdges));
        const std::size_t end = std::min(out.other.size(), begin + kRoundEdges);
        std::fill(counts.begin(), counts.end(), 0);
        for (std::size_t edge = begin; edge < end; ++edge) ++counts[out.owner[edge]];
        next[0] = 0;
        for (std::size_t rank = 1; rank < ranks; ++rank)
            next[rank] = next[rank - 1] + counts[rank - 1];
        outgoing.resize(end - begin);
        for (std::size_t edge = begin; edge < end; ++edge) {
            while (out.offsets[slot + 1] <= edge) ++slot;
            outgoing[next[out.owner[edge]]++] = {
                out.other[edge], static_cast<std::uint32_t>(graph.owned[slot]), out.strength[edge]};
        }
        alltoallv_into(comm, outgoing, counts, incoming, &received);
        std::size_t at = 0;
        for (std::size_t from = 0; from < ranks; ++from)
            for (std::uint64_t item = 0; item < received[from]; ++item, ++at) {
                const Reversed& edge = incoming[at];
                const std::uint32_t place = in.offsets[slot_in(graph.owned, edge.node)]++;
                in.other[place] = edge.other;
                in.owner[place] = static_cast<std::uint16_t>(from);
                in.strength[place] = edge.strength;
            }
    }
    // Close up the room merged rows did not take.
    std::size_t write = 0;
    for (std::size_t customer = 0; customer < owned; ++customer) {
        const std::size_t from = start[customer], to = in.offsets[customer];
        in.offsets[customer] = static_cast<std::uint32_t>(write);
        if (write != from) {
            std::copy(in.other.begin() + static_cast<std::ptrdiff_t>(from),
                      in.other.begin() + static_cast<std::ptrdiff_t>(to),
                      in.other.begin() + static_cast<std::ptrdiff_t>(write));
            std::copy(in.owner.begin() + static_cast<std::ptrdiff_t>(from),
                      in.owner.begin() + static_cast<std::ptrdiff_t>(to),
                      in.owner.begin() + static_cast<std::ptrdiff_t>(write));
            std::copy(in.strength.begin() + static_cast<std::ptrdiff_t>(from),
                      in.strength.begin() + static_cast<std::ptrdiff_t>(to),
                      in.strength.begin() + static_cast<std::ptrdiff_t>(write));
        }
        write += to - from;
    }
    in.offsets[owned] = static_cast<std::uint32_t>(write);
    if (write < in.other.size()) truncate(in, write);
    std::vector<std::uint64_t> merging;
    sort_side(in, merging);
    if (!merging.empty()) throw InternalError("catena-mpi: an in-edge came twice");
}

// The fixed part of an id's message to its owner: first key, out-ends, in-ends, length.
constexpr std::size_t kIdHeader = 8 + 4 + 4 + 4;

template <typename T>
void put(std::vector<char>& out, std::size_t& at, const T& value) {
    std::memcpy(out.data() + at, &value, sizeof value);
    at += sizeof value;
}

template <typename T>
T take(const std::vector<char>& in, std::size_t& at) {
    T value;
    std::memcpy(&value, in.data() + at, sizeof value);
    at += sizeof value;
    return value;
}

// Collective: reads this rank's byte range of the file into `sink`, and returns its bad rows
// (catena's stop policy lists the first 20 in file order, over every rank) and any error that
// stopped the reading; the reader's notes go to `warnings`.
RankErrors read_records(const Comm& comm, const EdgeListOptions& options, DatasetSink& sink,
                        std::vector<std::string>* warnings) {
    CsvPartition partition = read_partition(comm, options.edges_file);
    LoadOptions load;
    load.types = options.types;
    load.directed = options.directed;
    load.on_bad_row = BadRowPolicy::skip;
    ReadReport report;
    const Failure failure = attempt(
        [&] { read_relationships_table(std::move(*partition.reader), load, sink, report); });
    RankErrors errors;
    for (const SkippedRow& row : report.input.skipped) {
        if (errors.bad_rows.size() >= kMaxErrors) break;
        errors.bad_rows.push_back(
            InputError(file_line(row.file, row.line), row.column, row.message).what());
    }
    errors.stopped_code = failure.code;
    errors.stopped = failure.text;
    if (warnings) *warnings = std::move(report.warnings);
    return errors;
}

// --- Listed customers (a data folder) ------------------------------------------------------------

// A relationship the referrals or the purchases on behalf add, as rank 0 hands it to the last
// rank: its ends' ids, strength and direction.
struct Derived {
    std::string source, target;
    double strength;
    bool directed;
};

// On rank 0: the relationships catena's GraphBuilder adds for `data`'s referrals and purchases
// on behalf of another customer, in the order it stages them (after every relationships row),
// given the referral-type rows of relationships.csv (`referral_rows`: every rank's referral_ends
// and referral_directed, in rank order, packed). Counts them into `report` as catena does.
std::vector<Derived> derived_relationships(const Dataset& data, const RelationshipTypes& types,
                                           const std::vector<char>& referral_rows,
                                           BuildReport& report) {
    const InfluenceGraph& graph = data.graph;
    std::vector<Derived> rows;
    const auto pair_key = [](NodeId a, NodeId b) { return std::uint64_t{a} << 32 | b; };
    if (const std::optional<RelationshipTypeId> referral = types.find("referral")) {
        // Pairs a referral-type row of relationships.csv relates (both ways when undirected).
        std::vector<std::uint64_t> related;
        for (std::size_t at = 0; at < referral_rows.size();) {
            const std::string source = unpack_string(referral_rows, at);
            const std::string target = unpack_string(referral_rows, at);
            const bool directed = unpack_string(referral_rows, at) == "1";
            const std::optional<NodeId> a = graph.find(source), b = graph.find(target);
            if (!a || !b) continue;  // an unknown customer: a bad row, reported later
            related.push_back(pair_key(*a, *b));
            if (!directed) related.push_back(pair_key(*b, *a));
        }
        std::sort(related.begin(), related.end());
        const RelationshipType& info = types[*referral];
        std::set<std::uint64_t> added;
        for (const Referral& referral : data.referrals) {
            if (referral.referrer == referral.referred) continue;
            const std::uint64_t pair = pair_key(referral.referrer, referral.referred);
            if (added.contains(pair)) continue;  // a second referral adds nothing
            if (std::binary_search(related.begin(), related.end(), pair)) {
                ++report.referrals_already_related;
                continue;
            }
            added.insert(pair);
            rows.push_back({std::string(graph.external_id(referral.referrer)),
                            std::string(graph.external_id(referral.referred)), info.strength,
                            info.directed});
            ++report.referral_edges;
        }
    }
    std::vector<std::pair<NodeId, NodeId>> on_behalf;
    for (const Transaction& row : data.transactions.rows)
        if (row.on_behalf_of != kNoNode && row.on_behalf_of != row.customer)
            on_behalf.emplace_back(row.customer, row.on_behalf_of);
    if (!on_behalf.empty()) {
        keep_distinct_unordered_pairs(on_behalf);
        const RelationshipType& info = types[*types.find("on_behalf")];
        for (const auto& [a, b] : on_behalf)
            rows.push_back({std::string(graph.external_id(a)), std::string(graph.external_id(b)),
                            info.strength, info.directed});
        report.on_behalf_from_transactions = on_behalf.size();
    }
    return rows;
}

// Collective: the referral-type rows go to rank 0, which works out the derived relationships
// and hands them to the last rank (its rows come last in the file); the last rank adds them to
// `rows` after its own. The derived counts reach every rank's `report`.
void add_derived_relationships(const Comm& comm, const EdgeListOptions& options, RowCollector& rows,
                               BuildReport& report) {
    std::vector<char> mine;
    for (std::size_t row = 0; row < rows.referral_directed.size(); ++row) {
        pack_string(mine, rows.referral_ends[2 * row]);
        pack_string(mine, rows.referral_ends[2 * row + 1]);
        pack_string(mine, rows.referral_directed[row] ? "1" : "0");
    }
    rows.referral_ends = StringColumn();
    release(rows.referral_directed);
    const std::vector<char> referral_rows = gatherv(comm, mine);
    release(mine);
    const auto ranks = static_cast<std::size_t>(comm.size);
    std::vector<std::uint64_t> bytes(ranks, 0);
    std::vector<char> packed;
    std::uint64_t counts[3] = {0, 0, 0};
    collective_step(comm, [&] {
        if (comm.rank != 0) return;
        if (options.customers == nullptr)
            throw InternalError("catena-mpi: rank 0 has no customers for a data folder");
        const std::vector<Derived> derived =
            derived_relationships(*options.customers, options.types, referral_rows, report);
        for (const Derived& row : derived) {
            pack_string(packed, row.source);
            pack_string(packed, row.target);
            pack_string(packed, fmt::format("{:a}", row.strength));
            pack_string(packed, row.directed ? "1" : "0");
        }
        bytes[ranks - 1] = packed.size();
        counts[0] = report.referral_edges;
        counts[1] = report.referrals_already_related;
        counts[2] = report.on_behalf_from_transactions;
    });
    MPI_Bcast(counts, 3, MPI_UINT64_T, 0, comm.comm);
    report.referral_edges = counts[0];
    report.referrals_already_related = counts[1];
    report.on_behalf_from_transactions = counts[2];
    std::vector<char> received;
    alltoallv_into(comm, packed, bytes, received);
    for (std::size_t at = 0; at < received.size();) {
        const std::string source = unpack_string(received, at);
        const std::string target = unpack_string(received, at);
        const double strength = std::strtod(unpack_string(received, at).c_str(), nullptr);
        const bool directed = unpack_string(received, at) == "1";
        rows.derived(source, target, strength, directed);
    }
}

// Collective: rank 0 sends each listed customer's id to its owner, in customers.csv order; each
// rank returns its customers' ids and global indices, ascending.
void distribute_customers(const Comm& comm, const EdgeListOptions& options, StringColumn& ids,
                          std::vector<std::uint64_t>& indices) {
    const auto ranks = static_cast<std::size_t>(comm.size);
    std::vector<std::uint64_t> bytes(ranks, 0);
    std::vector<char> packed;
    std::uint64_t n = 0;
    if (comm.rank == 0) {
        const InfluenceGraph& graph = options.customers->graph;
        n = graph.num_nodes();
        std::vector<std::uint16_t> owner(n);
        for (NodeId node = 0; node < n; ++node) {
            const std::string_view id = graph.external_id(node);
            owner[node] = static_cast<std::uint16_t>(fnv1a(id) % ranks);
            bytes[owner[node]] += 8 + 4 + id.size();
        }
        std::vector<std::uint64_t> next(ranks, 0);
        for (std::size_t rank = 1; rank < ranks; ++rank)
            next[rank] = next[rank - 1] + bytes[rank - 1];
        packed.resize(static_cast<std::size_t>(next.back() + bytes.back()));
        for (NodeId node = 0; node < n; ++node) {
            const std::string_view id = graph.external_id(node);
            auto at = static_cast<std::size_t>(next[owner[node]]);
            put(packed, at, std::uint64_t{node});
            put(packed, at, static_cast<std::uint32_t>(id.size()));
            std::memcpy(packed.data() + at, id.data(), id.size());
            next[owner[node]] = at + id.size();
        }
    }
    std::vector<char> received;
    alltoallv_into(comm, packed, bytes, received);
    release(packed);
    for (std::size_t at = 0; at < received.size();) {
        indices.push_back(take<std::uint64_t>(received, at));
        const auto length = take<std::uint32_t>(received, at);
        ids.push_back(std::string_view(received.data() + at, length));
        at += length;
    }
}

// Reads this rank's records again (a failed load only) and lists the rows that name one of
// `unknown` as catena does: "file:line: source|target: unknown customer 'X' (not in the
// customers table)", with the other bad rows, in file order.
class UnknownCustomers final : public DatasetSink {
  public:
    UnknownCustomers(const EdgeListOptions& options, const std::set<std::string>& unknown)
        : types_(options.types), directed_(options.directed), unknown_(unknown) {}
    void begin_customers(const std::vector<std::string>&) override {}
    void customer(const CustomerRow&) override {}
    void referral(const ReferralRow&) override {}
    void transaction(const TransactionRow&) override {}
    void relationship(const RelationshipRow& row) override {
        check_relationship_row(row, types_, directed_);
        if (unknown_.contains(std::string(row.source)))
            throw RowError("source", unknown_customer_message(row.source));
        if (unknown_.contains(std::string(row.target)))
            throw RowError("target", unknown_customer_message(row.target));
    }

  private:
    RelationshipTypes types_;
    bool directed_;
    const std::set<std::string>& unknown_;
};

// Collective: when some relationship names an id that is not a listed customer, every rank
// reads its records again and the load stops with catena's list of bad rows. The first 20 bad
// rows in file order name at most 40 ids, each first named no later than they are: the 40
// unknown ids named first are all the second reading needs.
void stop_on_unknown_customers(const Comm& comm, const EdgeListOptions& options,
                               const std::map<std::string, std::uint64_t>& unknown) {
    if (!any(comm, !unknown.empty())) return;
    constexpr std::size_t kIds = 2 * kMaxErrors;
    std::vector<std::pair<std::uint64_t, std::string>> first(unknown.size());
    std::transform(unknown.begin(), unknown.end(), first.begin(),
                   [](const auto& item) { return std::pair(item.second, item.first); });
    std::sort(first.begin(), first.end());
    if (first.size() > kIds) first.resize(kIds);
    std::vector<char> mine;
    for (const auto& [key, id] : first) {
        pack_string(mine, std::to_string(key));
        pack_string(mine, id);
    }
    const std::vector<char> all = allgatherv(comm, mine);
    first.clear();
    for (std::size_t at = 0; at < all.size();) {
        const std::uint64_t key = std::stoull(unpack_string(all, at));
        first.emplace_back(key, unpack_string(all, at));
    }
    std::sort(first.begin(), first.end());
    if (first.size() > kIds) first.resize(kIds);
    std::set<std::string> named;
    for (const auto& item : first) named.insert(item.second);

    UnknownCustomers sink(options, named);
    const RankErrors errors = read_records(comm, options, sink, nullptr);
    agree_on_reading(comm, errors);
    collective_step(comm, [] { throw InternalError("catena-mpi: unknown customers not found"); });
}

}  // namespace

std::uint64_t fnv1a(std::string_view id) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const char c : id) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    return hash;
}

std::vector<std::string> DistributedGraph::ids_of(const std::vector<std::uint64_t>& nodes) const {
    std::vector<char> mine;
    for (std::size_t position = 0; position < nodes.size(); ++position) {
        const auto found = std::lower_bound(owned.begin(), owned.end(), nodes[position]);
        if (found == owned.end() || *found != nodes[position]) continue;
        pack_string(mine, std::to_string(position));
        pack_string(mine, owned_ids[static_cast<std::size_t>(found - owned.begin())]);
    }
    const std::vector<char> gathered = gatherv(comm, mine);
    std::vector<std::string> ids(comm.rank == 0 ? nodes.size() : 0);
    for (std::size_t at = 0; at < gathered.size();) {
        const std::size_t position = std::stoul(unpack_string(gathered, at));
        ids[position] = unpack_string(gathered, at);
    }
    return ids;
}

DistributedGraph load_edge_list(const Comm& comm, const EdgeListOptions& options) {
    const auto ranks = static_cast<std::size_t>(comm.size);
    collective_step(comm, [&] {
        if (comm.size > 65536) throw UsageError("catena-mpi runs on at most 65,536 ranks");
    });
    // Parse this rank's records. Bad rows are collected (catena stops after the first 20, in
    // file order, across every rank) and agreed before anything else is exchanged.
    RowCollector rows(options);
    std::vector<std::string> warnings;
    const RankErrors errors = read_records(comm, options, rows, &warnings);
    // A data folder: the relationships its referrals and purchases on behalf add come after the
    // file's rows, on the last rank.
    BuildReport derived_report;
    if (options.listed_customers) add_derived_relationships(comm, options, rows, derived_report);
    rows.drop_index();
    agree_on_reading(comm, errors);

    DistributedGraph graph;
    graph.comm = comm;
    graph.types = options.types;
    graph.warnings = std::move(warnings);

    // Global positions of this rank's rows, and where every rank's rows begin.
    const std::uint64_t valid_base = exclusive_sum(comm, rows.valid_rows());
    const std::vector<std::uint64_t> valid_bases =
        allgatherv(comm, std::vector<std::uint64_t>{valid_base});
    const auto holder_of_key = [&](std::uint64_t key) {
        const std::uint64_t seq = key / 2;
        return static_cast<std::size_t>(
            std::upper_bound(valid_bases.begin(), valid_bases.end(), seq) - valid_bases.begin() -
            1);
    };

    // 1. Every id goes to its owner with where it first appears here and how many edge ends it
    // has here.
    const std::size_t local_ids = rows.ids.size();
    std::vector<std::uint16_t> local_owner(local_ids);
    std::vector<std::uint64_t> id_bytes_in;
    std::vector<char> ids_in;
    {
        std::vector<std::uint64_t> bytes(ranks, 0);
        for (std::size_t local = 0; local < local_ids; ++local) {
            const std::string_view id = rows.ids[local];
            local_owner[local] = static_cast<std::uint16_t>(fnv1a(id) % ranks);
            bytes[local_owner[local]] += kIdHeader + id.size();
        }
        std::vector<std::uint64_t> next(ranks, 0);
        for (std::size_t rank = 1; rank < ranks; ++rank)
            next[rank] = next[rank - 1] + bytes[rank - 1];
        std::vector<char> packed(static_cast<std::size_t>(next.back() + bytes.back()));
        for (std::size_t local = 0; local < local_ids; ++local) {
            const std::string_view id = rows.ids[local];
            auto at = static_cast<std::size_t>(next[local_owner[local]]);
            put(packed, at, valid_base * 2 + rows.first_key[local]);
            put(packed, at, rows.out_ends[local]);
            put(packed, at, rows.in_ends[local]);
            put(packed, at, static_cast<std::uint32_t>(id.size()));
            std::memcpy(packed.data() + at, id.data(), id.size());
            next[local_owner[local]] = at + id.size();
        }
        rows.ids = StringColumn();
        release(rows.first_key);
        release(rows.out_ends);
        release(rows.in_ends);
        alltoallv_into(comm, packed, bytes, ids_in, &id_bytes_in);
    }

    // The owner keeps each id once, with its earliest appearance in the file and its edge ends
    // over every rank. Listed customers are all there before (keyed by their index), and an id
    // that is not among them is unknown (kept with its earliest appearance).
    StringColumn owned_ids;  // by slot, in the order first received
    std::vector<std::uint64_t> owned_key, owned_out, owned_in;
    std::vector<std::uint32_t> received_slot;  // per id received, in the order received
    std::vector<std::uint64_t> received_per_rank(ranks, 0);
    std::map<std::string, std::uint64_t> unknown;  // id -> earliest appearance
    {
        StringIndex index;
        if (options.listed_customers) {
            distribute_customers(comm, options, owned_ids, owned_key);
            for (std::uint32_t slot = 0; slot < owned_ids.size(); ++slot)
                index.insert(owned_ids, slot, StringIndex::hash(owned_ids[slot]));
            owned_out.assign(owned_key.size(), 0);
            owned_in.assign(owned_key.size(), 0);
        }
        std::size_t at = 0;
        for (std::size_t from = 0; from < ranks; ++from) {
            const std::size_t end = at + static_cast<std::size_t>(id_bytes_in[from]);
            while (at < end) {
                const auto key = take<std::uint64_t>(ids_in, at);
                const auto out_ends = take<std::uint32_t>(ids_in, at);
                const auto in_ends = take<std::uint32_t>(ids_in, at);
                const auto length = take<std::uint32_t>(ids_in, at);
                const std::string_view id(ids_in.data() + at, length);
                at += length;
                const std::uint64_t hash = StringIndex::hash(id);
                std::uint32_t slot = index.find(owned_ids, id, hash);
                if (slot == StringIndex::kNone && options.listed_customers) {
                    const auto [it, added] = unknown.emplace(std::string(id), key);
                    if (!added) it->second = std::min(it->second, key);
                    received_slot.push_back(0);
                    ++received_per_rank[from];
                    continue;
                }
                if (slot == StringIndex::kNone) {
                    slot = static_cast<std::uint32_t>(owned_ids.size());
                    owned_ids.push_back(id);
                    index.insert(owned_ids, slot, hash);
                    owned_key.push_back(key);
                    owned_out.push_back(0);
                    owned_in.push_back(0);
                } else if (!options.listed_customers) {
                    owned_key[slot] = std::min(owned_key[slot], key);
                }
                owned_out[slot] += out_ends;
                owned_in[slot] += in_ends;
                received_slot.push_back(slot);
                ++received_per_rank[from];
            }
        }
    }
    release(ids_in);
    if (options.listed_customers) stop_on_unknown_customers(comm, options, unknown);
    graph.num_nodes = sum(comm, owned_key.size());
    collective_step(comm, [&] {
        if (graph.num_nodes > std::numeric_limits<std::uint32_t>::max())
            throw UsageError(fmt::format(
                "{} customers: catena-mpi numbers customers in 32 bits, as catena does (at most "
                "{})",
                graph.num_nodes, std::numeric_limits<std::uint32_t>::max()));
        std::uint64_t out_total = 0, in_total = 0;
        for (std::size_t slot = 0; slot < owned_key.size(); ++slot) {
            out_total += owned_out[slot];
            in_total += owned_in[slot];
        }
        if (std::max(out_total, in_total) > std::numeric_limits<std::uint32_t>::max())
            throw UsageError("one rank's customers have more than 2^32 edges: run with more ranks");
    });

    // 2. Numbering: the rank that read a customer's first appearance ranks its customers by
    // position; a prefix sum over ranks makes the indices global (catena's NodeIds).
    std::vector<std::uint64_t> owned_index(owned_key.size());
    if (options.listed_customers) {
        owned_index = std::move(owned_key);  // the index of each in customers.csv
    } else {
        std::vector<std::vector<std::uint64_t>> key_messages(ranks);
        std::vector<std::vector<std::uint32_t>> key_slots(ranks);
        for (std::uint32_t slot = 0; slot < owned_key.size(); ++slot) {
            const std::size_t holder = holder_of_key(owned_key[slot]);
            key_messages[holder].push_back(owned_key[slot]);
            key_slots[holder].push_back(slot);
        }
        release(owned_key);
        std::vector<int> key_counts_in;
        std::vector<std::uint64_t> keys_in = alltoallv(comm, key_messages, &key_counts_in);
        release(key_messages);
        std::vector<std::uint32_t> order(keys_in.size());
        for (std::size_t position = 0; position < order.size(); ++position)
            order[position] = static_cast<std::uint32_t>(position);
        std::sort(order.begin(), order.end(),
                  [&](std::uint32_t a, std::uint32_t b) { return keys_in[a] < keys_in[b]; });
        const std::uint64_t index_base = exclusive_sum(comm, keys_in.size());
        // The replies take the place of the keys, in the order they came.
        for (std::size_t position = 0; position < order.size(); ++position)
            keys_in[order[position]] = index_base + position;
        release(order);
        std::vector<std::uint64_t> counts(key_counts_in.begin(), key_counts_in.end());
        std::vector<std::uint64_t> indices_in;
        alltoallv_into(comm, keys_in, counts, indices_in);
        std::size_t at = 0;
        for (std::size_t holder = 0; holder < ranks; ++holder)
            for (const std::uint32_t slot : key_slots[holder]) owned_index[slot] = indices_in[at++];
    }

    // Tell each rank the indices of the ids it sent, in the order it sent them.
    std::vector<std::uint32_t> local_index(local_ids);
    {
        std::vector<std::uint32_t> replies(received_slot.size());
        for (std::size_t at = 0; at < replies.size(); ++at)
            replies[at] = static_cast<std::uint32_t>(owned_index[received_slot[at]]);
        release(received_slot);
        std::vector<std::uint32_t> indices_in;
        alltoallv_into(comm, replies, received_per_rank, indices_in);
        release(replies);
        std::vector<std::size_t> next(ranks, 0);
        for (std::size_t local = 0; local < local_ids; ++local) ++next[local_owner[local]];
        std::size_t total = 0;
        for (std::size_t& start : next) total += std::exchange(start, total);
        for (std::size_t local = 0; local < local_ids; ++local)
            local_index[local] = indices_in[next[local_owner[local]]++];
    }

    // The owned customers by index, with their ids and where their edges go.
    {
        std::vector<std::uint32_t> by_index(owned_index.size());
        for (std::uint32_t slot = 0; slot < by_index.size(); ++slot) by_index[slot] = slot;
        std::sort(by_index.begin(), by_index.end(), [&](std::uint32_t a, std::uint32_t b) {
            return owned_index[a] < owned_index[b];
        });
        const std::size_t owned = by_index.size();
        graph.owned.resize(owned);
        graph.out.offsets.assign(owned + 1, 0);
        graph.in.offsets.assign(owned + 1, 0);
        std::size_t id_bytes = 0;
        for (std::size_t slot = 0; slot < owned; ++slot) id_bytes += owned_ids[slot].size();
        graph.owned_ids.reserve(owned, id_bytes);
        // Each offset starts at its customer's first entry: the fill below moves it on to the
        // next customer's, and then the offsets are shifted back by one.
        std::uint64_t out_at = 0, in_at = 0;
        for (std::size_t slot = 0; slot < owned; ++slot) {
            const std::uint32_t from = by_index[slot];
            graph.owned[slot] = owned_index[from];
            graph.owned_ids.push_back(owned_ids[from]);
            graph.out.offsets[slot] = static_cast<std::uint32_t>(out_at);
            graph.in.offsets[slot] = static_cast<std::uint32_t>(in_at);
            out_at += owned_out[from];
            in_at += owned_in[from];
        }
        graph.out.offsets[owned] = static_cast<std::uint32_t>(out_at);
        graph.in.offsets[owned] = static_cast<std::uint32_t>(in_at);
        owned_ids = StringColumn();
        release(owned_index);
        release(owned_out);
        release(owned_in);
        resize_huge(graph.out.other, out_at);
        resize_huge(graph.out.owner, out_at);
        resize_huge(graph.out.strength, out_at);
    }

    graph.report.relationship_rows = sum(comm, rows.relationship_rows);
    graph.report.directed_rows = sum(comm, rows.directed_rows);
    graph.report.undirected_rows = sum(comm, rows.undirected_rows);
    graph.report.self_loops_dropped = sum(comm, rows.self_loops_dropped);
    graph.report.implicit_nodes = options.listed_customers ? 0 : graph.num_nodes;
    graph.report.referral_edges = derived_report.referral_edges;
    graph.report.referrals_already_related = derived_report.referrals_already_related;
    graph.report.on_behalf_from_transactions = derived_report.on_behalf_from_transactions;
    {
        std::vector<std::uint64_t> by_type(graph.types.size(), 0);
        for (std::size_t type = 0; type < rows.rows_by_type.size(); ++type)
            by_type[type] = rows.rows_by_type[type];
        graph.report.rows_by_type.assign(by_type.size(), 0);
        MPI_Allreduce(by_type.data(), graph.report.rows_by_type.data(),
                      static_cast<int>(by_type.size()), MPI_UINT64_T, MPI_SUM, comm.comm);
    }

    // 3. Every kept row goes to the owners of the ends it gives an out-edge, in rounds, and each
    // out-edge lands in its place (sized above); then each customer's out-edges are sorted by
    // the other end.
    const std::uint64_t row_base = exclusive_sum(comm, rows.rows());
    const std::uint64_t rounds = max_of(comm, (rows.rows() + kRoundRows - 1) / kRoundRows);
    const std::uint64_t kept_rows = sum(comm, rows.rows());
    collective_step(comm, [&] {
        if (kept_rows >= std::uint64_t{1} << (64 - kSeqShift))
            throw UsageError("more than 2^45 relationships: too many for catena-mpi");
    });
    const auto self = static_cast<std::uint16_t>(comm.rank);
    const auto slot_of = [&](std::uint64_t index) { return slot_in(graph.owned, index); };
    exchange_edges(
        comm, rows, local_index, local_owner, row_base, rounds, [&](const EdgeMessage& message) {
            for_each_out_end(
                message, self, slot_of,
                [&](std::uint32_t slot, std::uint32_t other, std::uint16_t owner, bool, bool) {
                    const std::uint32_t at = graph.out.offsets[slot]++;
                    graph.out.other[at] = other;
                    graph.out.owner[at] = owner;
                    graph.out.strength[at] = message.strength;
                });
        });
    for (std::size_t slot = graph.out.offsets.size() - 1; slot-- > 0;)
        graph.out.offsets[slot + 1] = graph.out.offsets[slot];
    graph.out.offsets[0] = 0;
    std::vector<std::uint64_t> merging;
    sort_side(graph.out, merging);

    // Rows of one directed pair merge. Where some do (rare), the rows are sent again and the
    // owners keep the ends of those pairs only, with their rows' positions: the strengths are
    // added in file order, and the merges counted as catena counts them: a row once (by the
    // owner of its target as written: it sees both of the row's edges there), edges absorbed
    // into an earlier one, and the first five examples in (source, target) order.
    std::uint64_t merged_edges = 0;
    std::set<std::uint64_t> merged_rows;
    struct Example {
        std::uint64_t source, target, seq;
    };
    std::vector<Example> examples;
    if (any(comm, !merging.empty())) {
        std::vector<Entry> out_rows;
        exchange_edges(
            comm, rows, local_index, local_owner, row_base, rounds,
            [&](const EdgeMessage& message) {
                for_each_out_end(
                    message, self, slot_of,
                    [&](std::uint32_t slot, std::uint32_t other, std::uint16_t owner,
                        bool undirected, bool written_target) {
                        if (!std::binary_search(merging.begin(), merging.end(),
                                                std::uint64_t{slot} << 32 | other))
                            return;
                        out_rows.push_back({message.meta >> kSeqShift, message.strength, slot,
                                            other, owner, static_cast<std::uint8_t>(undirected),
                                            static_cast<std::uint8_t>(written_target)});
                    });
            });
        std::sort(out_rows.begin(), out_rows.end(), entry_order);
        // The same rows' in-edges, at the owners of their other ends: the owned customer is
        // the row's target as written there exactly when it is not here.
        std::vector<Entry> in_rows;
        {
            std::vector<std::vector<InEnd>> send(ranks);
            for (const Entry& entry : out_rows)
                send[entry.owner].push_back(
                    {entry.seq, entry.other, static_cast<std::uint32_t>(graph.owned[entry.slot]),
                     entry.undirected, static_cast<std::uint8_t>(!entry.written_target)});
            for (const InEnd& end : alltoallv(comm, send))
                in_rows.push_back({end.seq, 0.0, slot_of(end.node), end.other, 0, end.undirected,
                                   end.written_target});
        }
        std::sort(in_rows.begin(), in_rows.end(), entry_order);
        const auto non_first = [](const std::vector<Entry>& list, std::size_t at) {
            return at > 0 && list[at - 1].slot == list[at].slot &&
                   list[at - 1].other == list[at].other;
        };
        std::set<std::pair<std::uint32_t, std::uint64_t>> merged_in;  // (slot, row)
        for (std::size_t at = 0; at < in_rows.size(); ++at) {
            if (!non_first(in_rows, at)) continue;
            merged_in.emplace(in_rows[at].slot, in_rows[at].seq);
            if (in_rows[at].written_target) merged_rows.insert(in_rows[at].seq);
        }
        for (std::size_t at = 0; at < out_rows.size(); ++at) {
            if (!non_first(out_rows, at)) continue;
            const Entry& entry = out_rows[at];
            ++merged_edges;
            if (entry.written_target) merged_rows.insert(entry.seq);
            const std::uint64_t node = graph.owned[entry.slot];
            // catena lists a row at its first merged edge in node order: skip this one when the
            // row's other edge (other -> node) merged and comes first.
            if (entry.undirected && entry.other < node && merged_in.count({entry.slot, entry.seq}))
                continue;
            if (examples.size() < 5) examples.push_back({node, entry.other, entry.seq});
        }
        if (!out_rows.empty()) compact(graph.out, out_rows);
    }
    release(merging);
    rows = RowCollector(options);
    release(local_index);
    release(local_owner);
    // 4. The in-edges: the out-edges turned round.
    transpose(comm, graph);

    graph.report.merged_edges = sum(comm, merged_edges);
    graph.report.merged_rows = sum(comm, merged_rows.size());
    {
        std::vector<Example> all = gatherv(comm, examples);
        std::sort(all.begin(), all.end(), [](const Example& a, const Example& b) {
            if (a.source != b.source) return a.source < b.source;
            if (a.target != b.target) return a.target < b.target;
            return a.seq < b.seq;
        });
        if (all.size() > 5) all.resize(5);
        std::uint64_t count = all.size();
        MPI_Bcast(&count, 1, MPI_UINT64_T, 0, comm.comm);
        std::vector<std::uint64_t> ends(2 * count);
        if (comm.rank == 0)
            for (std::size_t example = 0; example < all.size(); ++example) {
                ends[2 * example] = all[example].source;
                ends[2 * example + 1] = all[example].target;
            }
        MPI_Bcast(ends.data(), static_cast<int>(ends.size()), MPI_UINT64_T, 0, comm.comm);
        const std::vector<std::string> ids = graph.ids_of(ends);
        if (comm.rank == 0)
            for (std::size_t example = 0; example < count; ++example)
                graph.report.merge_examples.push_back(ids[2 * example] + " -> " +
                                                      ids[2 * example + 1]);
    }

    // Rows that merged may add up to a strength no double holds: catena's error, for the first
    // such edge in (source, target) order.
    {
        std::uint64_t first[2] = {std::numeric_limits<std::uint64_t>::max(), 0};
        for (std::size_t slot = 0; slot < graph.owned.size() && first[0] == UINT64_MAX; ++slot)
            for (std::uint64_t edge = graph.out.offsets[slot]; edge < graph.out.offsets[slot + 1];
                 ++edge)
                if (!std::isfinite(graph.out.strength[edge])) {
                    first[0] = graph.owned[slot];
                    first[1] = graph.out.other[edge];
                    break;
                }
        struct {
            std::uint64_t source, target;
        } mine{first[0], first[1]};
        const auto all = allgatherv(comm, std::vector<decltype(mine)>{mine});
        auto worst = all.front();
        for (const auto& candidate : all)
            if (candidate.source < worst.source) worst = candidate;
        if (worst.source != UINT64_MAX) {
            const std::vector<std::string> ids = graph.ids_of({worst.source, worst.target});
            Failure failure{3, ""};
            if (comm.rank == 0)
                failure = attempt([&] {
                    throw InputError(options.edges_file.string(), "weight",
                                     "the relationships from '" + ids[0] + "' to '" + ids[1] +
                                         "' add up to a strength too large to compute with");
                });
            agree(comm, failure);
        }
    }

    // Edge counts and the range of strengths (for PageRank's weighted-or-not decision).
    graph.num_edges = sum(comm, graph.out.other.size());
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const double strength : graph.out.strength) {
        low = std::min(low, strength);
        high = std::max(high, strength);
    }
    low = min_of(comm, low);
    high = max_of(comm, high);
    if (graph.num_edges > 0) {
        graph.min_strength = low;
        graph.max_strength = high;
    }
    return graph;
}

}  // namespace catena::mpi
