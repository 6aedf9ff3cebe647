// What the libFuzzer targets in tests/fuzz share: a per-process scratch folder for the files the
// loaders read, the rule for exceptions, and the invariants every loaded Dataset must satisfy.
//
// The rule: an InputError or UsageError is the loader rejecting bad data, which is fine. Anything
// else -- another exception, a failed invariant, a sanitizer report, a crash or a hang -- is a bug,
// reported by abort() so that libFuzzer saves the input.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "catena/graph/dataset.hpp"
#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

#include <unistd.h>

namespace catena::fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail = {}) {
    std::string shown;  // control bytes escaped, so that a NUL does not cut the message short
    for (const char c : detail) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
            shown += escaped;
        } else {
            shown += c;
        }
    }
    std::fprintf(stderr, "catena fuzz: BUG: %s%s%s\n", what, shown.empty() ? "" : ": ",
                 shown.c_str());
    std::abort();
}

#define CATENA_FUZZ_CHECK(condition)                                            \
    do {                                                                        \
        if (!(condition)) ::catena::fuzz::fail("invariant failed", #condition); \
    } while (false)

// Runs `body`; returns normally when it succeeds or throws an InputError or UsageError, aborts on
// any other exception. `check_input_error(message)` may check the InputError's message.
template <typename Body, typename CheckInputError>
void expect_only_input_errors(Body&& body, CheckInputError&& check_input_error) {
    try {
        body();
    } catch (const InputError& error) {
        check_input_error(std::string(error.what()));
    } catch (const UsageError&) {
    } catch (const std::exception& error) {
        fail("unexpected exception", error.what());
    } catch (...) {
        fail("unexpected exception", "not a std::exception");
    }
}

template <typename Body>
void expect_only_input_errors(Body&& body) {
    expect_only_input_errors(std::forward<Body>(body), [](const std::string&) {});
}

// Line breaks in text[0, end): LF, CRLF and a lone CR each end one line (as the CSV reader counts).
inline std::uint64_t line_breaks(std::string_view text, std::size_t end) {
    std::uint64_t breaks = 0;
    for (std::size_t pos = 0; pos < end; ++pos)
        breaks += text[pos] == '\n' ||
                  (text[pos] == '\r' && !(pos + 1 < text.size() && text[pos + 1] == '\n'));
    return breaks;
}

// An InputError about the CSV file `file`, whose contents are `text`, says where: "FILE: what" for
// the file as a whole, else "FILE:LINE: what" with a line of the file; a problem with the header
// (a column missing, unnamed or repeated) names the header's line, the first that is not empty.
inline void check_csv_error(const std::string& message, const std::string& file,
                            std::string_view text) {
    if (message.compare(0, file.size(), file) != 0)
        fail("error message does not name the file", message);
    std::string_view rest = std::string_view(message).substr(file.size());
    if (rest.substr(0, 2) == ": ") return;
    if (rest.empty() || rest[0] != ':') fail("error message: no ': ' after the file", message);
    rest.remove_prefix(1);
    std::uint64_t line = 0;
    std::size_t digits = 0;
    while (digits < rest.size() && digits < 19 && rest[digits] >= '0' && rest[digits] <= '9')
        line = line * 10 + static_cast<std::uint64_t>(rest[digits++] - '0');
    if (digits == 0 || rest.substr(digits, 2) != ": ")
        fail("error message: no line number", message);
    rest.remove_prefix(digits + 2);
    if (line < 1 || line > line_breaks(text, text.size()) + 1)
        fail("error message: the line is not in the file", message);
    // (A column label is a header name and may hold any text, but errors about a record's
    // fields end in ')'. what() stops at a NUL byte, so with NULs in the file the end may be lost.)
    const auto ends_with = [rest](std::string_view end) {
        return rest.size() >= end.size() && rest.substr(rest.size() - end.size()) == end;
    };
    const bool header_problem =
        (rest.substr(0, 33) == "header: missing required column '" && ends_with("'")) ||
        (rest.substr(0, 15) == "header: column " &&
         (ends_with(" has no name") || ends_with(" appears twice")));
    if (header_problem && text.find('\0') == std::string_view::npos) {
        std::size_t start = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
        while (start < text.size() && (text[start] == '\n' || text[start] == '\r')) ++start;
        if (line != line_breaks(text, start) + 1)
            fail("error message: a header problem not at the header's line", message);
    }
}

// A folder of this process's own, created on first use and reused by every iteration: under
// $CATENA_FUZZ_SCRATCH when set (run_fuzzer sets it, and removes the folder when the run ends:
// libFuzzer leaves with _Exit, so no exit handler of ours would run), else in /dev/shm (memory)
// when there is one, else in the temp folder.
inline const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        std::error_code error;
        std::filesystem::path base = "/dev/shm";
        if (const char* parent = std::getenv("CATENA_FUZZ_SCRATCH"); parent && *parent)
            base = parent;
        else if (!std::filesystem::is_directory(base, error) || access(base.c_str(), W_OK) != 0)
            base = std::filesystem::temp_directory_path();
        std::filesystem::path path = base / ("catena-fuzz-" + std::to_string(getpid()));
        std::filesystem::remove_all(path, error);
        std::filesystem::create_directories(path / "data", error);
        if (error) fail("cannot make the scratch folder", path.string() + ": " + error.message());
        return path;
    }();
    return dir;
}

inline void write_file(const std::filesystem::path& path, const void* data, std::size_t size) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) fail("cannot write scratch file", path.string());
    if (size > 0 && std::fwrite(data, 1, size, file) != size) fail("short write", path.string());
    if (std::fclose(file) != 0) fail("cannot close scratch file", path.string());
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    write_file(path, text.data(), text.size());
}

// Called once from each target's LLVMFuzzerInitialize: one OpenMP thread (the inputs are tiny,
// and libFuzzer's runs should be deterministic) and the scratch folder made up front.
inline void initialize() {
    setenv("OMP_NUM_THREADS", "1", /*overwrite=*/0);
    (void)scratch_dir();
}

// A small valid customers table whose ids the other tables' seeds use.
inline const char* const kCustomers =
    "id,kind,name,segment,value,cost,opt_out,city\n"
    "P1,person,Ana,consumer,420.5,12,false,Lyon\n"
    "P2,person,\"Zoe, M\",consumer,80,,no,\n"
    "P3,person,Pat,,,8.5,0,Porto\n"
    "B1,business,Smith & Co,smb,12000,300,false,Lyon\n"
    "B2,business,Cafe,horeca,5400.25,150,true,Porto\n"
    "a,,,,,,,\n"
    "b,,,,,,,\n"
    "c,,,,,,,\n";

inline const char* const kRelationships =
    "source,target,type,weight,date\n"
    "P1,P2,family,2,2019-05-01\n"
    "P2,P3,friend,,\n"
    "B1,B2,supplier,1.5,2021-01-15\n"
    "a,b,,,\n";

// Every invariant a loaded Dataset must satisfy, whatever the input was.
inline void check_dataset(const Dataset& dataset) {
    const InfluenceGraph& graph = dataset.graph;
    const NodeId nodes = graph.num_nodes();
    const EdgeId edges = graph.num_edges();
    for (NodeId node = 0; node < nodes; ++node) {
        CATENA_FUZZ_CHECK(!graph.external_id(node).empty());
        CATENA_FUZZ_CHECK(graph.find(graph.external_id(node)) == node);
        CATENA_FUZZ_CHECK(graph.segment_code(node) < graph.segment_names().size());
        (void)graph.segment(node);
        (void)graph.name(node);
        CATENA_FUZZ_CHECK(std::isfinite(graph.value(node)) && graph.value(node) >= 0);
        CATENA_FUZZ_CHECK(std::isfinite(graph.cost(node)) && graph.cost(node) >= 0);
        for (std::size_t column = 0; column < graph.attribute_names().size(); ++column)
            (void)graph.attribute(column, node);
    }
    CATENA_FUZZ_CHECK(graph.out_offsets().size() == std::size_t{nodes} + 1);
    CATENA_FUZZ_CHECK(graph.in_offsets().size() == std::size_t{nodes} + 1);
    CATENA_FUZZ_CHECK(graph.out_offsets()[nodes] == edges);
    CATENA_FUZZ_CHECK(graph.in_offsets()[nodes] == edges);
    CATENA_FUZZ_CHECK(graph.in_sources().size() == edges);
    CATENA_FUZZ_CHECK(graph.in_edge_ids().size() == edges);
    for (NodeId node = 0; node < nodes; ++node) {
        CATENA_FUZZ_CHECK(graph.out_offsets()[node] <= graph.out_offsets()[node + 1]);
        CATENA_FUZZ_CHECK(graph.in_offsets()[node] <= graph.in_offsets()[node + 1]);
    }
    for (EdgeId edge = 0; edge < edges; ++edge) {
        const NodeId source = graph.edge_source(edge);
        const NodeId target = graph.edge_target(edge);
        CATENA_FUZZ_CHECK(source < nodes && target < nodes);
        CATENA_FUZZ_CHECK(source != target);  // self-loops are dropped
        if (edge > 0 && graph.edge_source(edge - 1) == source)
            CATENA_FUZZ_CHECK(graph.edge_target(edge - 1) < target);  // merged, sorted
        // Strengths are >= 0 and never NaN. They can overflow to infinity today (a weight near
        // 1e308, or such rows merged; README "Reliability"): the CMake option
        // CATENA_FUZZ_FINITE_STRENGTHS turns the check on.
        CATENA_FUZZ_CHECK(graph.strength(edge) >= 0);
#ifdef CATENA_FUZZ_FINITE_STRENGTHS
        CATENA_FUZZ_CHECK(std::isfinite(graph.strength(edge)));
#endif
        CATENA_FUZZ_CHECK(graph.type(edge) < graph.types().size());
        if (const auto probability = graph.probability(edge))
            CATENA_FUZZ_CHECK(*probability >= 0 && *probability <= 1);
    }
    for (EdgeId position = 0; position < edges; ++position) {
        const EdgeId edge = graph.in_edge_ids()[position];
        CATENA_FUZZ_CHECK(edge < edges);
        CATENA_FUZZ_CHECK(graph.edge_source(edge) == graph.in_sources()[position]);
    }
    for (const Referral& referral : dataset.referrals) {
        CATENA_FUZZ_CHECK(referral.referrer < nodes && referral.referred < nodes);
        CATENA_FUZZ_CHECK(referral.referrer != referral.referred);
        CATENA_FUZZ_CHECK(std::isfinite(referral.reward) && referral.reward >= 0);
    }
    for (const Transaction& transaction : dataset.transactions.rows) {
        CATENA_FUZZ_CHECK(transaction.customer < nodes);
        CATENA_FUZZ_CHECK(transaction.on_behalf_of == kNoNode || transaction.on_behalf_of < nodes);
        CATENA_FUZZ_CHECK(transaction.on_behalf_of != transaction.customer);
        CATENA_FUZZ_CHECK(transaction.channel < dataset.transactions.channels.size());
        CATENA_FUZZ_CHECK(std::isfinite(transaction.amount) && transaction.amount >= 0);
    }
    (void)graph.fingerprint();
    (void)graph.memory_bytes();
}

// Loads `source` and checks the result; InputErrors (which must be about `file`, holding `text`)
// and UsageErrors are fine.
inline void load_and_check(const InputSource& source, bool directed,
                           const std::filesystem::path& file, std::string_view text) {
    expect_only_input_errors(
        [&] {
            LoadOptions options;
            options.directed = directed;
            check_dataset(load_dataset(source, options));
        },
        [&](const std::string& message) { check_csv_error(message, file.string(), text); });
}

// One table of a data folder fuzzed: `table` (such as "referrals.csv") gets the fuzz bytes, the
// tables before it get small valid contents (written once), the tables after it are left out.
inline void fuzz_data_folder_table(const char* table, const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path folder = [table] {
        const std::filesystem::path path = scratch_dir() / "data";
        const std::string name = table;
        if (name != "customers.csv") write_file(path / "customers.csv", kCustomers);
        // Only the customers table fuzzed: no relationships, so every row reaches the graph.
        write_file(path / "relationships.csv",
                   name == "customers.csv" ? std::string("source,target\n") : kRelationships);
        return path;
    }();
    write_file(folder / table, data, size);
    InputSource source;
    source.data_dir = folder;
    load_and_check(source, /*directed=*/false, folder / table,
                   std::string_view(reinterpret_cast<const char*>(data), size));
}

}  // namespace catena::fuzz
