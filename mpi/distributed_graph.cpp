#include "distributed_graph.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/graph_builder.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/dataset_sink.hpp"
#include "catena/loaders/load.hpp"

#include "partitioned_csv.hpp"

namespace catena::mpi {

namespace {

// Bad rows listed before catena stops (LoadOptions::max_errors).
constexpr std::size_t kMaxErrors = 20;

// One relationship row as this rank read it: ends as indices into its id dictionary.
struct LocalRow {
    std::uint32_t source, target;
    double strength;
    RelationshipTypeId type;
    bool directed;
};

// Receives the rows of this rank's records and applies GraphBuilder::add_relationship's checks,
// in its order, so a bad row gets catena's message; keeps what the graph needs.
class RowCollector final : public DatasetSink {
  public:
    explicit RowCollector(const EdgeListOptions& options)
        : types_(options.types), directed_(options.directed) {}

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

    void relationship(const RelationshipRow& row) override {
        const RelationshipTypeId type = check_relationship_row(row, types_, directed_);
        const double strength = types_[type].strength * row.weight;
        const std::uint64_t seq = valid_rows_++;
        const std::uint32_t source = resolve(row.source, seq * 2);
        const std::uint32_t target = resolve(row.target, seq * 2 + 1);
        ++relationship_rows;
        if (rows_by_type.size() <= type) rows_by_type.resize(type + 1u, 0);
        ++rows_by_type[type];
        if (source == target) {
            ++self_loops_dropped;
            return;
        }
        const bool directed = row.directed.value_or(types_[type].directed);
        ++(directed ? directed_rows : undirected_rows);
        rows.push_back({source, target, strength, type, directed});
        row_seq.push_back(seq);
    }

    std::uint64_t valid_rows() const { return valid_rows_; }

    std::vector<std::string> ids;          // dictionary: local id -> id
    std::vector<std::uint64_t> first_key;  // local seq * 2 + (0 source, 1 target)
    std::vector<LocalRow> rows;            // rows that are not self-loops
    std::vector<std::uint64_t> row_seq;    // their local seq (over every valid row)
    std::uint64_t relationship_rows = 0, directed_rows = 0, undirected_rows = 0,
                  self_loops_dropped = 0;
    std::vector<std::uint64_t> rows_by_type;

  private:
    std::uint32_t resolve(std::string_view id, std::uint64_t key) {
        const auto [it, inserted] =
            index_.try_emplace(std::string(id), static_cast<std::uint32_t>(ids.size()));
        if (inserted) {
            ids.emplace_back(id);
            first_key.push_back(key);
        }
        return it->second;
    }

    RelationshipTypes types_;
    bool directed_;  // rows without a type are `influences` (--directed), else `knows`
    std::unordered_map<std::string, std::uint32_t> index_;
    std::uint64_t valid_rows_ = 0;
};

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

// catena's BadRows::throw_errors message for a list of bad rows.
std::string bad_rows_message(const std::vector<std::string>& errors, bool stopped_early) {
    if (errors.size() == 1 && !stopped_early) return errors.front();
    std::string message;
    for (const std::string& error : errors) message += error + "\n";
    if (stopped_early)
        message += "stopped at " + std::to_string(errors.size()) + " bad rows (there may be more)";
    else
        message += std::to_string(errors.size()) + " bad rows";
    message +=
        "; nothing was loaded or stored. Fix them, or give --on-bad-row skip to leave bad rows out "
        "(each is counted and written to a rejects file)";
    return message;
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

// An edge as sent to the owners of its ends.
struct EdgeMessage {
    std::uint64_t seq;  // global position of its row among the valid rows (file order)
    std::uint64_t source, target;
    double strength;
    std::int32_t source_owner, target_owner;
    std::uint8_t directed;
    std::uint8_t padding[7];
};

// One end's view of an edge, at an owned customer.
struct Entry {
    std::uint64_t other;  // the other end
    std::uint64_t seq;    // the row
    double strength;
    std::uint32_t slot;  // the owned customer
    std::int32_t owner;  // the other end's owner
    std::uint8_t undirected;
    std::uint8_t written_target;  // the owned customer is the row's target as written
};

// Sorts entries by (slot, other, seq) and builds the merged side. `non_first` gets, per entry
// in sorted order, whether it merged into an earlier row's edge.
EdgeSide build_side(std::vector<Entry>& entries, std::size_t owned, std::vector<bool>& non_first) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.slot != b.slot) return a.slot < b.slot;
        if (a.other != b.other) return a.other < b.other;
        return a.seq < b.seq;
    });
    EdgeSide side;
    side.offsets.assign(owned + 1, 0);
    non_first.assign(entries.size(), false);
    for (std::size_t position = 0; position < entries.size(); ++position) {
        const Entry& entry = entries[position];
        if (position > 0 && entries[position - 1].slot == entry.slot &&
            entries[position - 1].other == entry.other) {
            non_first[position] = true;
            side.strength.back() += entry.strength;
            continue;
        }
        side.other.push_back(entry.other);
        side.owner.push_back(entry.owner);
        side.strength.push_back(entry.strength);
        ++side.offsets[entry.slot + 1];
    }
    for (std::size_t slot = 0; slot < owned; ++slot) side.offsets[slot + 1] += side.offsets[slot];
    return side;
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
    CsvPartition partition = read_partition(comm, options.edges_file);

    // Parse this rank's records. Bad rows are collected (catena stops after the first 20, in
    // file order, across every rank) and agreed before anything else is exchanged.
    RowCollector rows(options);
    RankErrors errors;
    std::vector<std::string> warnings;
    {
        LoadOptions load;
        load.types = options.types;
        load.directed = options.directed;
        load.on_bad_row = BadRowPolicy::skip;
        ReadReport report;
        const Failure failure = attempt(
            [&] { read_relationships_table(std::move(*partition.reader), load, rows, report); });
        partition.reader.reset();
        for (const SkippedRow& row : report.input.skipped) {
            if (errors.bad_rows.size() >= kMaxErrors) break;
            errors.bad_rows.push_back(
                InputError(file_line(row.file, row.line), row.column, row.message).what());
        }
        errors.stopped_code = failure.code;
        errors.stopped = failure.text;
        warnings = std::move(report.warnings);
    }
    agree_on_reading(comm, errors);

    DistributedGraph graph;
    graph.comm = comm;
    graph.types = options.types;
    graph.warnings = std::move(warnings);

    // Global positions of this rank's rows, and where every rank's rows begin.
    const std::uint64_t row_base = exclusive_sum(comm, rows.valid_rows());
    const std::vector<std::uint64_t> row_bases =
        allgatherv(comm, std::vector<std::uint64_t>{row_base});
    const auto holder_of_key = [&](std::uint64_t key) {
        const std::uint64_t seq = key / 2;
        return static_cast<std::size_t>(std::upper_bound(row_bases.begin(), row_bases.end(), seq) -
                                        row_bases.begin() - 1);
    };

    // 1. Every id goes to its owner with where it first appears here.
    std::vector<int> id_owner(rows.ids.size());
    std::vector<std::vector<char>> id_messages(ranks);
    for (std::size_t local = 0; local < rows.ids.size(); ++local) {
        id_owner[local] = static_cast<int>(fnv1a(rows.ids[local]) % ranks);
        std::vector<char>& out = id_messages[static_cast<std::size_t>(id_owner[local])];
        const std::uint64_t key = row_base * 2 + rows.first_key[local];
        const char* bytes = reinterpret_cast<const char*>(&key);
        out.insert(out.end(), bytes, bytes + sizeof key);
        pack_string(out, rows.ids[local]);
    }
    std::vector<int> id_counts_in;
    std::vector<char> ids_in = alltoallv(comm, id_messages, &id_counts_in);
    id_messages = {};

    // The owner keeps each id once, with its earliest appearance in the file.
    std::unordered_map<std::string, std::uint32_t> owned_slot;
    std::vector<std::string> owned_ids;
    std::vector<std::uint64_t> owned_key;
    std::vector<std::uint32_t> received_slot;  // per id received, in the order received
    std::vector<std::size_t> received_per_rank(ranks, 0);
    {
        std::size_t at = 0;
        for (std::size_t from = 0; from < ranks; ++from) {
            const std::size_t end = at + static_cast<std::size_t>(id_counts_in[from]);
            while (at < end) {
                std::uint64_t key = 0;
                std::memcpy(&key, ids_in.data() + at, sizeof key);
                at += sizeof key;
                std::string id = unpack_string(ids_in, at);
                const auto [it, inserted] =
                    owned_slot.try_emplace(id, static_cast<std::uint32_t>(owned_ids.size()));
                if (inserted) {
                    owned_ids.push_back(std::move(id));
                    owned_key.push_back(key);
                } else {
                    owned_key[it->second] = std::min(owned_key[it->second], key);
                }
                received_slot.push_back(it->second);
                ++received_per_rank[from];
            }
        }
    }
    ids_in = {};
    owned_slot = {};

    // 2. Numbering: the rank that read a customer's first appearance ranks its customers by
    // position; a prefix sum over ranks makes the indices global (catena's NodeIds).
    std::vector<std::vector<std::uint64_t>> key_messages(ranks);
    std::vector<std::vector<std::uint32_t>> key_slots(ranks);
    for (std::uint32_t slot = 0; slot < owned_key.size(); ++slot) {
        const std::size_t holder = holder_of_key(owned_key[slot]);
        key_messages[holder].push_back(owned_key[slot]);
        key_slots[holder].push_back(slot);
    }
    std::vector<int> key_counts_in;
    const std::vector<std::uint64_t> keys_in = alltoallv(comm, key_messages, &key_counts_in);
    std::vector<std::uint64_t> order(keys_in.size());
    for (std::size_t position = 0; position < order.size(); ++position) order[position] = position;
    std::sort(order.begin(), order.end(),
              [&](std::uint64_t a, std::uint64_t b) { return keys_in[a] < keys_in[b]; });
    const std::uint64_t index_base = exclusive_sum(comm, keys_in.size());
    std::vector<std::uint64_t> index_of_key(keys_in.size());
    for (std::size_t position = 0; position < order.size(); ++position)
        index_of_key[order[position]] = index_base + position;
    std::vector<std::vector<std::uint64_t>> index_replies(ranks);
    {
        std::size_t at = 0;
        for (std::size_t from = 0; from < ranks; ++from)
            for (int item = 0; item < key_counts_in[from]; ++item)
                index_replies[from].push_back(index_of_key[at++]);
    }
    const std::vector<std::uint64_t> indices_in = alltoallv(comm, index_replies);
    std::vector<std::uint64_t> owned_index(owned_key.size());
    {
        std::size_t at = 0;
        for (std::size_t holder = 0; holder < ranks; ++holder)
            for (const std::uint32_t slot : key_slots[holder]) owned_index[slot] = indices_in[at++];
    }
    graph.num_nodes = sum(comm, owned_key.size());

    // Tell each rank the indices of the ids it sent, in the order it sent them.
    std::vector<std::vector<std::uint64_t>> id_replies(ranks);
    {
        std::size_t at = 0;
        for (std::size_t from = 0; from < ranks; ++from)
            for (std::size_t item = 0; item < received_per_rank[from]; ++item)
                id_replies[from].push_back(owned_index[received_slot[at++]]);
    }
    const std::vector<std::uint64_t> id_indices_in = alltoallv(comm, id_replies);
    std::vector<std::uint64_t> local_index(rows.ids.size());
    {
        std::vector<std::size_t> next(ranks, 0), start(ranks, 0);
        std::vector<std::size_t> per_owner(ranks, 0);
        for (const int owner : id_owner) ++per_owner[static_cast<std::size_t>(owner)];
        for (std::size_t rank = 1; rank < ranks; ++rank)
            start[rank] = start[rank - 1] + per_owner[rank - 1];
        for (std::size_t local = 0; local < rows.ids.size(); ++local) {
            const auto owner = static_cast<std::size_t>(id_owner[local]);
            local_index[local] = id_indices_in[start[owner] + next[owner]++];
        }
    }

    // The owned customers by index.
    {
        std::vector<std::uint32_t> by_index(owned_index.size());
        for (std::uint32_t slot = 0; slot < by_index.size(); ++slot) by_index[slot] = slot;
        std::sort(by_index.begin(), by_index.end(), [&](std::uint32_t a, std::uint32_t b) {
            return owned_index[a] < owned_index[b];
        });
        graph.owned.reserve(by_index.size());
        graph.owned_ids.reserve(by_index.size());
        for (const std::uint32_t slot : by_index) {
            graph.owned.push_back(owned_index[slot]);
            graph.owned_ids.push_back(std::move(owned_ids[slot]));
        }
    }

    // 3. Every edge goes to the owners of its ends, with its row's position in the file
    // (packed by destination in place: counted first, then written).
    std::vector<int> edge_counts(ranks, 0);
    for (const LocalRow& local : rows.rows) {
        ++edge_counts[static_cast<std::size_t>(id_owner[local.source])];
        if (id_owner[local.target] != id_owner[local.source])
            ++edge_counts[static_cast<std::size_t>(id_owner[local.target])];
    }
    std::vector<std::size_t> edge_next(ranks, 0);
    for (std::size_t rank = 1; rank < ranks; ++rank)
        edge_next[rank] = edge_next[rank - 1] + static_cast<std::size_t>(edge_counts[rank - 1]);
    std::vector<EdgeMessage> edge_messages(edge_next.back() +
                                           static_cast<std::size_t>(edge_counts.back()));
    for (std::size_t row = 0; row < rows.rows.size(); ++row) {
        const LocalRow& local = rows.rows[row];
        EdgeMessage message{};
        message.seq = row_base + rows.row_seq[row];
        message.source = local_index[local.source];
        message.target = local_index[local.target];
        message.strength = local.strength;
        message.source_owner = id_owner[local.source];
        message.target_owner = id_owner[local.target];
        message.directed = local.directed ? 1 : 0;
        edge_messages[edge_next[static_cast<std::size_t>(message.source_owner)]++] = message;
        if (message.target_owner != message.source_owner)
            edge_messages[edge_next[static_cast<std::size_t>(message.target_owner)]++] = message;
    }
    graph.report.relationship_rows = sum(comm, rows.relationship_rows);
    graph.report.directed_rows = sum(comm, rows.directed_rows);
    graph.report.undirected_rows = sum(comm, rows.undirected_rows);
    graph.report.self_loops_dropped = sum(comm, rows.self_loops_dropped);
    graph.report.implicit_nodes = graph.num_nodes;
    {
        std::vector<std::uint64_t> by_type(graph.types.size(), 0);
        for (std::size_t type = 0; type < rows.rows_by_type.size(); ++type)
            by_type[type] = rows.rows_by_type[type];
        graph.report.rows_by_type.assign(by_type.size(), 0);
        MPI_Allreduce(by_type.data(), graph.report.rows_by_type.data(),
                      static_cast<int>(by_type.size()), MPI_UINT64_T, MPI_SUM, comm.comm);
    }
    rows = RowCollector(options);
    local_index = {};
    id_owner = {};
    std::vector<EdgeMessage> edges_in = alltoallv_packed(comm, edge_messages, edge_counts);
    edge_messages = {};

    const auto slot_of = [&](std::uint64_t index) {
        return static_cast<std::uint32_t>(
            std::lower_bound(graph.owned.begin(), graph.owned.end(), index) - graph.owned.begin());
    };
    const auto owns = [&](int owner) { return owner == comm.rank; };
    // One side's entries at a time (in-edges, then out-edges), so that only one side's are held
    // beside the edges received.
    const auto entries_of = [&](bool out_side) {
        std::vector<Entry> entries;
        for (const EdgeMessage& edge : edges_in) {
            const std::uint8_t undirected = edge.directed ? 0 : 1;
            // At the source (as written): its out-edge, and for an undirected row its in-edge.
            if (owns(edge.source_owner) && (out_side || undirected))
                entries.push_back({edge.target, edge.seq, edge.strength, slot_of(edge.source),
                                   edge.target_owner, undirected, 0});
            // At the target: its in-edge, and for an undirected row its out-edge.
            if (owns(edge.target_owner) && (!out_side || undirected))
                entries.push_back({edge.source, edge.seq, edge.strength, slot_of(edge.target),
                                   edge.source_owner, undirected, 1});
        }
        return entries;
    };

    // Merges, counted as catena counts them: a row once (by the owner of its target as written:
    // it sees both of the row's edges there), edges absorbed into an earlier one, and the first
    // five examples in (source, target) order.
    std::uint64_t merged_edges = 0;
    std::set<std::uint64_t> merged_rows;
    std::set<std::pair<std::uint32_t, std::uint64_t>> merged_in;  // (slot, row) of merged in-edges
    {
        std::vector<Entry> in_entries = entries_of(false);
        std::vector<bool> in_merged;
        graph.in = build_side(in_entries, graph.owned.size(), in_merged);
        for (std::size_t position = 0; position < in_entries.size(); ++position) {
            if (!in_merged[position]) continue;
            merged_in.emplace(in_entries[position].slot, in_entries[position].seq);
            if (in_entries[position].written_target) merged_rows.insert(in_entries[position].seq);
        }
    }
    struct Example {
        std::uint64_t source, target, seq;
    };
    std::vector<Example> examples;
    {
        std::vector<Entry> out_entries = entries_of(true);
        edges_in = {};
        std::vector<bool> out_merged;
        graph.out = build_side(out_entries, graph.owned.size(), out_merged);
        for (std::size_t position = 0; position < out_entries.size(); ++position) {
            if (!out_merged[position]) continue;
            const Entry& entry = out_entries[position];
            ++merged_edges;
            if (entry.written_target) merged_rows.insert(entry.seq);
            const std::uint64_t node = graph.owned[entry.slot];
            // catena lists a row at its first merged edge in node order: skip this one when the
            // row's other edge (other -> node) merged and comes first.
            if (entry.undirected && entry.other < node && merged_in.count({entry.slot, entry.seq}))
                continue;
            if (examples.size() < 5) examples.push_back({node, entry.other, entry.seq});
        }
    }
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
