// catena-mpi against catena: the same PageRank scores and order, the same stats, the same seeds
// and figures, the same error lines for bad rows in any rank's byte range, every rank stopping
// with catena's exit code, and no hang when a rank dies. Each case runs `mpirun --oversubscribe -np
// P catena-mpi ...` for P = 1, 2 and 4 (more ranks than cores is fine: --oversubscribe), under a
// timeout so that a hang fails.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/loaders/csv_reader.hpp"

#include "test_util.hpp"

namespace {

using namespace catena;
using namespace catena::test;

constexpr int kTimeoutSeconds = 120;  // a run that hangs fails after this (exit 124)
const int kRanks[] = {1, 2, 4};

struct MpiRun {
    int exit_code = -1;
    std::string out;
    std::string err;  // the lines catena-mpi wrote ("catena: ..."), without mpirun's own
    std::string raw_err;
    std::vector<int> rank_codes;  // each rank's exit code, when asked for
};

// Runs `mpirun -np ranks catena-mpi arguments` from the source folder. `environment`: more
// VAR=value words for `env`. `each_rank`: record every rank's exit code (each rank runs under a
// shell that writes it down, so mpirun itself then exits 0).
MpiRun run_mpi(int ranks, const std::string& arguments, const std::string& environment = "",
               bool each_rank = false) {
    ScratchDir scratch;
    const auto out = scratch / "stdout";
    const auto err = scratch / "stderr";
    // Open MPI refuses to run as root unless told; it also leaks at exit, which is not ours to
    // fix, so LeakSanitizer is off for the ranks (other sanitizer options stay as given).
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::string asan_options =
        std::string(asan && *asan ? std::string(asan) + ":" : "") + "detect_leaks=0";
    std::string program = "'" + std::string(CATENA_MPI_BINARY) + "' " + arguments;
    if (each_rank)
        program = "sh -c \"" + program + "; echo \\$? > '" + scratch.path().string() +
                  "'/rank.\\$OMPI_COMM_WORLD_RANK\"";
    const std::string command =
        "cd '" + source_dir().string() +
        "' && env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
        "'ASAN_OPTIONS=" +
        asan_options + "' " + environment + " timeout -k 10 " + std::to_string(kTimeoutSeconds) +
        " '" + CATENA_MPIEXEC + "' --oversubscribe -np " + std::to_string(ranks) + " " + program +
        " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    MpiRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.raw_err = read_file(err);
    std::size_t start = 0;
    while (start < result.raw_err.size()) {
        const std::size_t end = std::min(result.raw_err.find('\n', start), result.raw_err.size());
        const std::string line = result.raw_err.substr(start, end - start);
        if (line.rfind("catena", 0) == 0) result.err += line + "\n";
        start = end + 1;
    }
    if (each_rank)
        for (int rank = 0; rank < ranks; ++rank) {
            const auto file = scratch / ("rank." + std::to_string(rank));
            result.rank_codes.push_back(std::filesystem::exists(file) ? std::stoi(read_file(file))
                                                                      : -1);
        }
    return result;
}

// The (id, score) rows of `catena rank --format csv` output, in order.
std::vector<std::pair<std::string, double>> ranking(const std::string& csv) {
    CsvReader reader("rank.csv", csv, CsvOptions{',', TextEncoding::utf8});
    const std::size_t id = *reader.column("id"), score = *reader.column("score");
    std::vector<std::pair<std::string, double>> rows;
    std::vector<std::string_view> fields;
    while (reader.next(fields))
        rows.emplace_back(fields[id], std::stod(std::string(fields[score])));
    return rows;
}

// catena-mpi's PageRank against catena's: same customers in the same order, scores within 1e-12
// (they are computed in the same order, so in fact the output is the same byte for byte).
void check_pagerank(const std::string& arguments) {
    const RunResult expected = run_catena("rank --format csv " + arguments);
    REQUIRE(expected.exit_code == 0);
    const auto want = ranking(expected.out);
    REQUIRE(!want.empty());
    for (const int ranks : kRanks) {
        INFO("ranks: " << ranks << ", arguments: " << arguments);
        const MpiRun run = run_mpi(ranks, "rank --format csv " + arguments);
        INFO(run.raw_err);
        REQUIRE(run.exit_code == 0);
        const auto got = ranking(run.out);
        REQUIRE(got.size() == want.size());
        double worst = 0.0;
        for (std::size_t row = 0; row < want.size(); ++row) {
            REQUIRE(got[row].first == want[row].first);
            worst = std::max(worst, std::abs(got[row].second - want[row].second));
        }
        CHECK(worst <= 1e-12);
        CHECK(run.out == expected.out);
        CHECK(run.err == expected.err);
    }
}

// The same output (stdout and catena's lines on stderr) as catena's, at every rank count.
void check_same(const std::string& arguments, const std::vector<int>& rank_counts = {1, 2, 4}) {
    const RunResult expected = run_catena(arguments);
    for (const int ranks : rank_counts) {
        INFO("ranks: " << ranks << ", arguments: " << arguments);
        const MpiRun run = run_mpi(ranks, arguments);
        INFO(run.raw_err);
        CHECK(run.exit_code == expected.exit_code);
        CHECK(run.out == expected.out);
        CHECK(run.err == expected.err);
    }
}

// `text` without its lines that contain `word`.
std::string without_lines(const std::string& text, const std::string& word) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string line = text.substr(start, end - start);
        if (line.find(word) == std::string::npos) out += line + "\n";
        start = end + 1;
    }
    return out;
}

// catena-mpi's seeds against catena's: the same seeds, estimates, certificate, RR sets and
// entries (JSON), and the same CSV byte for byte. Only the memory figure differs: catena-mpi's is
// the sum over its ranks (each holds its own index and sampler records).
void check_seeds(const std::string& arguments) {
    const RunResult json = run_catena("seeds --format json " + arguments);
    INFO(json.err);
    REQUIRE(json.exit_code == 0);
    REQUIRE(json.out.find("\"seeds\"") != std::string::npos);
    const RunResult csv = run_catena("seeds --format csv " + arguments);
    REQUIRE(csv.exit_code == 0);
    for (const int ranks : kRanks) {
        INFO("ranks: " << ranks << ", arguments: " << arguments);
        const MpiRun run = run_mpi(ranks, "seeds --format json " + arguments);
        INFO(run.raw_err);
        REQUIRE(run.exit_code == 0);
        CHECK(without_lines(run.out, "memory_bytes") == without_lines(json.out, "memory_bytes"));
        CHECK(run.out.find("\"memory_bytes\"") != std::string::npos);
        const MpiRun run_csv = run_mpi(ranks, "seeds --format csv " + arguments);
        CHECK(run_csv.exit_code == 0);
        CHECK(run_csv.out == csv.out);
    }
}

const std::string kQuoted = "tests/data/mpi/quoted.edges.csv";

}  // namespace

TEST_CASE("catena-mpi rank: PageRank equals catena's on real datasets", "[mpi]") {
    check_pagerank("--edges tests/data/datasets/karate.edges.csv");
    check_pagerank("--edges tests/data/datasets/polblogs.edges.csv --directed");
    check_pagerank("--edges tests/data/datasets/email-Enron.edges.csv");
}

TEST_CASE("catena-mpi rank: options as catena's (direction, unweighted, damping, top)", "[mpi]") {
    check_pagerank(
        "--edges tests/data/datasets/polblogs.edges.csv --directed --direction authority");
    check_pagerank("--edges " + kQuoted + " --unweighted --damping 0.5 --tolerance 1e-6");
    check_pagerank("--edges " + kQuoted + " --max-iterations 3 --top 7");
    check_same("rank --edges tests/data/datasets/karate.edges.csv --top 10");
    check_same("rank --edges " + kQuoted + " --format json --top 5");
}

TEST_CASE("catena-mpi: quoted fields with commas and line breaks across the byte ranges", "[mpi]") {
    // The file's range boundaries at 2 and 4 ranks fall inside quoted fields that hold line
    // breaks (LF and CR LF); a few records end in CR LF.
    const std::string text = read_file(source_dir() / kQuoted);
    for (const int ranks : {2, 4})
        for (int rank = 1; rank < ranks; ++rank) {
            const std::size_t cut =
                text.size() * static_cast<std::size_t>(rank) / static_cast<std::size_t>(ranks);
            bool quoted = false;
            for (std::size_t at = 0; at < cut; ++at)
                if (text[at] == '"') quoted = !quoted;
            INFO("ranks " << ranks << ", boundary " << cut);
            CHECK(quoted);
        }
    check_pagerank("--edges " + kQuoted);
    check_same("stats --edges " + kQuoted);
    check_same("stats --edges " + kQuoted + " --directed --format json");
}

TEST_CASE("catena-mpi stats: the same figures as catena stats", "[mpi]") {
    check_same("stats --edges tests/data/datasets/karate.edges.csv");
    check_same("stats --edges tests/data/datasets/email-Enron.edges.csv --format json");
    check_same("stats --edges tests/data/datasets/polblogs.edges.csv --directed --format csv");
}

TEST_CASE("catena-mpi seeds: the same seeds and figures as catena seeds", "[mpi]") {
    // The default run (IC, weighted cascade, k = 50) on email-Enron and the sample's
    // relationships; k = 34 on karate takes every customer (the last ones with a gain of 0, once
    // every RR set is covered).
    check_seeds("--edges tests/data/datasets/email-Enron.edges.csv");
    check_seeds("--edges samples/crm/relationships.csv -k 20 --seed 5");
    check_seeds("--edges tests/data/datasets/karate.edges.csv -k 34");
    // Linear Threshold, a constant probability, directed rows, quoted ids.
    check_seeds("--edges tests/data/datasets/hep-th.edges.csv --model lt --seed 7");
    check_seeds(
        "--edges tests/data/datasets/polblogs.edges.csv --directed --probability "
        "constant:0.05 -k 10 --eps 0.2");
    check_seeds("--edges " + kQuoted + " -k 3");
    // The table: the same but for the memory figure on its RR-sets line.
    const RunResult table = run_catena("seeds --edges tests/data/datasets/karate.edges.csv -k 4");
    REQUIRE(table.exit_code == 0);
    const MpiRun run = run_mpi(2, "seeds --edges tests/data/datasets/karate.edges.csv -k 4");
    CHECK(without_lines(run.out, " MiB") == without_lines(table.out, " MiB"));
    CHECK(run.out.find("RR sets in") != std::string::npos);
}

TEST_CASE("catena-mpi seeds: fewer customers than ranks, no edges", "[mpi]") {
    // At 4 ranks some own no customer; with self-loops only there is no edge at all.
    ScratchDir scratch;
    write_file(scratch / "one.csv", "source,target\na,b\n");
    write_file(scratch / "loops.csv", "source,target\na,a\nb,b\nc,c\n");
    check_seeds("--edges '" + (scratch / "one.csv").string() + "' -k 2");
    check_seeds("--edges '" + (scratch / "loops.csv").string() + "' -k 2");
    check_same("seeds --edges '" + (scratch / "one.csv").string() + "' -k 3", {4});
}

TEST_CASE("catena-mpi seeds: a generated world with 100k relationships", "[mpi]") {
    ScratchDir scratch;
    const RunResult generated = run_catena("generate --customers 20000 --seed 3 -q --out '" +
                                           scratch.path().string() + "'");
    REQUIRE(generated.exit_code == 0);
    const auto relationships = scratch / "relationships.csv";
    std::size_t rows = 0;
    for (const char c : read_file(relationships)) rows += c == '\n';
    CHECK(rows > 100'000);
    check_seeds("--edges '" + relationships.string() + "' -k 25");
}

TEST_CASE("catena-mpi seeds: catena's errors for what an edge list cannot do", "[mpi]") {
    // Checked before and after the load: at 2 ranks (the checks run on every rank alike).
    const std::string karate = "seeds --edges tests/data/datasets/karate.edges.csv ";
    for (const char* options : {"-k 35", "-k 0", "--eps 1.5", "--budget 10", "--objective value",
                                "--objective reach", "--model sir", "--probability constant:1.5"})
        check_same(karate + options, {2});
    const MpiRun column = run_mpi(2, karate + "--probability column", "", true);
    CHECK(column.err.find("not supported yet") != std::string::npos);
    CHECK(column.rank_codes == std::vector<int>{2, 2});
}

namespace {

// A data folder like the sample's, but its referrals are not in relationships.csv: each one
// becomes a relationship of its own after the file's rows (on the last rank), beside the
// on_behalf relationships of the purchases for another customer.
std::filesystem::path referrals_apart(const ScratchDir& scratch) {
    const auto folder = scratch / "apart";
    std::filesystem::create_directories(folder);
    for (const char* table : {"customers.csv", "referrals.csv", "transactions.csv"})
        std::filesystem::copy_file(source_dir() / "samples/crm" / table, folder / table);
    std::string kept;
    const std::string text = read_file(source_dir() / "samples/crm/relationships.csv");
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start) + 1;
        const std::string line = text.substr(start, end - start);
        if (line.find(",referral,") == std::string::npos) kept += line;
        start = end;
    }
    write_file(folder / "relationships.csv", kept);
    return folder;
}

// email-Enron as a data folder: every customer with a value (some none, so their own value is
// what they spent: nothing), so network value is not 0.
std::filesystem::path enron_folder(const ScratchDir& scratch) {
    const auto folder = scratch / "enron";
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(source_dir() / "tests/data/datasets/email-Enron.edges.csv",
                               folder / "relationships.csv");
    std::string customers = "id,value\n";
    for (int node = 0; node < 36692; ++node)
        customers += std::to_string(node) + "," +
                     (node % 7 == 0 ? std::string() : std::to_string((node * 37) % 101)) + "\n";
    write_file(folder / "customers.csv", customers);
    return folder;
}

}  // namespace

TEST_CASE("catena-mpi value: the same report as catena value", "[mpi]") {
    check_same("value --data samples/crm");
    check_same("value --data samples/crm --format json --model lt --seed 3");
    check_same("value --data samples/crm --format csv --probability constant:0.05 --rr-sets 20000");
    check_same("value --data samples/crm --top 5 --quadrant hidden-influencers --columns city");
    check_same(
        "value --data samples/crm --segment smb --as-of 2026-06-30 --window 90 --format csv");
    // An edge list: nobody has an own value, so every network value is 0 (catena's note says so).
    check_same("value --edges tests/data/datasets/email-Enron.edges.csv --format json --top 5");
    ScratchDir scratch;
    check_same("value --format csv --data '" + enron_folder(scratch).string() + "'");
}

TEST_CASE("catena-mpi value and seeds: a generated world with 100k relationships", "[mpi]") {
    ScratchDir scratch;
    const RunResult generated = run_catena("generate --customers 20000 --seed 3 -q --out '" +
                                           scratch.path().string() + "'");
    REQUIRE(generated.exit_code == 0);
    const std::string folder = "'" + scratch.path().string() + "'";
    check_same("value --format csv --data " + folder);
    check_same("stats --format json --data " + folder);
    check_seeds("--data " + folder + " -k 20 --objective value");
}

TEST_CASE("catena-mpi --data: customers in file order, referrals and purchases add edges",
          "[mpi]") {
    for (const std::string command :
         {"stats --data samples/crm", "stats --format json --data samples/crm",
          "rank --data samples/crm", "rank --format csv --direction authority --data samples/crm"})
        check_same(command, {1, 2, 3, 4});
    ScratchDir scratch;
    const std::string apart = "'" + referrals_apart(scratch).string() + "'";
    const RunResult stats = run_catena("stats --format json --data " + apart);
    CHECK(stats.out.find("\"from_referrals\": 200") != std::string::npos);
    CHECK(stats.out.find("\"on_behalf_from_transactions\": 25") != std::string::npos);
    for (const std::string command :
         {"stats --format json --data ", "rank --format csv --data ", "value --format csv --data "})
        check_same(command + apart, {1, 2, 3, 4});
    check_seeds("--data " + apart + " -k 10");
}

TEST_CASE("catena-mpi seeds --data: opt-outs, filters, value objective, budget, columns", "[mpi]") {
    check_seeds("--data samples/crm");
    check_seeds("--data samples/crm -k 10 --objective value --seed 4");
    check_seeds("--data samples/crm -k 5 --only-segment smb --columns city,channel");
    check_seeds("--data samples/crm -k 5 --exclude-segment smb --only-kind person --model lt");
    check_same("seeds --data samples/crm --format csv -k 8 --only-segment Enterprise");
    // A budget over the customers' costs: catena's greedy by gain per cost, and its last check
    // (the best single affordable customer, when it alone covers more).
    check_seeds("--data samples/crm -k 10 --budget 100");
    check_seeds("--data samples/crm -k 50 --budget 1000 --objective value");
    check_seeds("--data samples/crm -k 5 --budget 20 --only-segment consumer-regular --model lt");
    // catena's errors: more seeds than customers who may be chosen (16 opted out), a segment
    // nobody is in, an unknown column, a budget that buys nobody.
    for (const char* options :
         {"-k 390", "--only-segment nosuch", "--columns shoe_size -k 3",
          "-k 50 --only-segment enterprise", "--only-kind robot", "-k 3 --budget 0.5"})
        check_same(std::string("seeds --data samples/crm ") + options, {1, 2});
}

TEST_CASE("catena-mpi --data: bad rows and missing files are catena's errors", "[mpi]") {
    ScratchDir scratch;
    const auto copy = [&](const std::string& name) {
        const auto folder = scratch / name;
        std::filesystem::create_directories(folder);
        for (const char* table :
             {"customers.csv", "relationships.csv", "referrals.csv", "transactions.csv"})
            std::filesystem::copy_file(source_dir() / "samples/crm" / table, folder / table);
        return folder;
    };
    // Relationships naming customers that are not in customers.csv, early and late in the file
    // (so in the first and the last rank's range): every such row, in file order.
    const auto unknown = copy("unknown");
    {
        std::string text = read_file(unknown / "relationships.csv");
        const std::size_t early = text.find('\n', 100) + 1;
        text.insert(early, "X9999,C0001,friend,0.5,2020-01-01\n");
        const std::size_t late = text.rfind('\n', text.size() - 200) + 1;
        text.insert(late, "C0002,Y7777,friend,0.5,2020-01-01\nC0003,X9999,family,1,\n");
        write_file(unknown / "relationships.csv", text);
    }
    const RunResult expected = run_catena("value --data '" + unknown.string() + "'");
    CHECK(expected.exit_code == 3);
    CHECK(expected.err.find("unknown customer 'Y7777'") != std::string::npos);
    for (const int ranks : kRanks) {
        INFO("ranks " << ranks);
        const MpiRun run = run_mpi(ranks, "value --data '" + unknown.string() + "'", "", true);
        CHECK(run.err == expected.err);
        CHECK(run.rank_codes == std::vector<int>(static_cast<std::size_t>(ranks), 3));
    }
    // A bad row in customers.csv, in referrals.csv; no relationships.csv; no folder.
    const auto bad_customer = copy("bad-customer");
    write_file(bad_customer / "customers.csv",
               read_file(bad_customer / "customers.csv") + "C9999,person,X,,-5,,,,,,\n");
    check_same("value --data '" + bad_customer.string() + "'");
    const auto bad_referral = copy("bad-referral");
    write_file(bad_referral / "referrals.csv",
               read_file(bad_referral / "referrals.csv") + "C0001,Z0000,2025-01-01,true,0\n");
    check_same("rank --data '" + bad_referral.string() + "'");
    const auto missing = copy("missing");
    std::filesystem::remove(missing / "relationships.csv");
    check_same("stats --data '" + missing.string() + "'");
    check_same("seeds --data '" + (scratch / "nowhere").string() + "'");
}

TEST_CASE("catena-mpi: a bad row in any rank's range is catena's error, every rank exits 3",
          "[mpi]") {
    ScratchDir scratch;
    const std::string good = read_file(source_dir() / kQuoted);
    // Records start after a line break outside quotes; place the bad rows at record starts
    // near the start, the middle and the end of the file (so in the first, a middle and the last
    // rank's range).
    std::vector<std::size_t> starts;
    bool quoted = false;
    for (std::size_t at = 0; at < good.size(); ++at) {
        if (good[at] == '"') quoted = !quoted;
        if (!quoted && good[at] == '\n' && at + 1 < good.size()) starts.push_back(at + 1);
    }
    REQUIRE(starts.size() > 10);
    const std::vector<std::pair<std::string, std::string>> bad_rows = {
        {"negative weight", "Ana,Zoe,,-1\n"},     {"wrong number of fields", "Ana,Zoe\n"},
        {"not a number", "Ana,Zoe,,heavy\n"},     {"unknown type", "Ana,Zoe,cousin,1\n"},
        {"unterminated quote", "Ana,\"Zoe,,1\n"},
    };
    const std::vector<std::size_t> places = {starts[1], starts[starts.size() / 2],
                                             starts[starts.size() - 2]};
    int file_number = 0;
    for (const auto& [what, row] : bad_rows)
        for (const std::size_t place : places) {
            const auto path = scratch / ("bad" + std::to_string(file_number++) + ".csv");
            std::string text = good;
            text.insert(place, row);
            write_file(path, text);
            const RunResult expected = run_catena("rank --edges '" + path.string() + "'");
            REQUIRE(expected.exit_code == 3);
            for (const int ranks : kRanks) {
                INFO(what << " at byte " << place << " of " << text.size() << ", ranks " << ranks);
                const MpiRun run = run_mpi(ranks, "rank --edges '" + path.string() + "'", "", true);
                INFO(run.raw_err);
                CHECK(run.err == expected.err);
                CHECK(run.out.empty());
                CHECK(run.rank_codes == std::vector<int>(static_cast<std::size_t>(ranks), 3));
            }
        }
    // Several bad rows in different ranges: listed together, in file order, as catena does.
    std::string text = good;
    for (auto place = places.rbegin(); place != places.rend(); ++place)
        text.insert(*place, "Ana,Zoe,,-1\n");
    write_file(scratch / "several.csv", text);
    check_same("stats --edges '" + (scratch / "several.csv").string() + "'");
}

TEST_CASE("catena-mpi: rows of one pair merged across ranks, at 3 ranks too", "[mpi]") {
    // 3,000 rows over few ids (2,278 of them merge into an earlier row's edge), mixed types,
    // directions, weights and self-loops: the merged strengths, counts and examples are catena's
    // whichever ranks read the rows.
    const std::string merged = "tests/data/mpi/merged.edges.csv";
    for (const std::string command :
         {"stats --format json --edges ", "stats --directed --edges ", "rank --format csv --edges ",
          "rank --unweighted --direction authority --format csv --edges "})
        check_same(command + merged, {1, 2, 3, 4});
    check_seeds("--edges " + merged + " -k 5");
    // Merged strengths that overflow, in the last rank's range: catena's error, from any rank.
    ScratchDir scratch;
    write_file(scratch / "overflow.csv",
               read_file(source_dir() / kQuoted) + "Ana,Zoe,,1e308\nZoe,Ana,,1e308\n");
    check_same("stats --edges '" + (scratch / "overflow.csv").string() + "'", {1, 3, 4});
}

TEST_CASE("catena-mpi: exchanges too big for one MPI call go in rounds", "[mpi]") {
    // A rank sends or receives at most 1 GiB per MPI_Alltoallv (MPI's counts are ints); the test
    // hook lowers that to 64 KiB, so loading, PageRank and the RR sets' frontiers all take many
    // rounds on email-Enron. The output must not change.
    const std::string enron = "--edges tests/data/datasets/email-Enron.edges.csv ";
    for (const std::string& command : {"stats --format json " + enron, "rank --format csv " + enron,
                                       "seeds --format csv -k 10 " + enron}) {
        const RunResult expected = run_catena(command);
        REQUIRE(expected.exit_code == 0);
        for (const int ranks : {2, 3}) {
            INFO("ranks: " << ranks << ", " << command);
            const MpiRun run = run_mpi(ranks, command, "CATENA_MPI_TEST_ROUND_BYTES=65536");
            INFO(run.raw_err);
            CHECK(run.exit_code == 0);
            CHECK(run.out == expected.out);
        }
    }
}

TEST_CASE("catena-mpi: mpirun fails, without hanging, when a rank dies", "[mpi]") {
    for (const int ranks : {2, 4}) {
        INFO("ranks " << ranks);
        const MpiRun run = run_mpi(ranks, "rank --edges tests/data/datasets/karate.edges.csv",
                                   "CATENA_MPI_TEST_DIE_RANK=1");
        CHECK(run.exit_code != 0);
        CHECK(run.exit_code != 124);  // timeout's code: the job hung
    }
}

TEST_CASE("catena-mpi: usage", "[mpi]") {
    const MpiRun help = run_mpi(2, "--help");
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("mpirun") != std::string::npos);
    CHECK(help.out.find("hostfile") != std::string::npos);
    const MpiRun nodes =
        run_mpi(2, "stats --edges samples/crm/relationships.csv --nodes samples/crm/customers.csv",
                "", true);
    CHECK(nodes.err.find("usage error") != std::string::npos);
    CHECK(nodes.rank_codes == std::vector<int>{2, 2});
    check_same("value --edges tests/data/datasets/karate.edges.csv --data samples/crm");
    check_same("value --data samples/crm --quadrant stars");
    check_same("value --data samples/crm --eps 2");
    check_same("value --data samples/crm --as-of yesterday");
    check_same("rank --edges tests/data/datasets/karate.edges.csv --tpo 3");
    check_same("rank --edges tests/data/datasets/karate.edges.csv --damping 1.5");
    check_same("stats --edges tests/data/no-such-file.csv");
}

TEST_CASE("catena-mpi: file-level errors are catena's (empty file, header, columns)", "[mpi]") {
    ScratchDir scratch;
    const std::vector<std::pair<std::string, std::string>> files = {
        {"empty.csv", ""},
        {"header-only.csv", "source,target\n"},
        {"no-header.csv", "a,b\nb,c\n"},
        {"look-alike.csv", "source,target,wieght\na,b,1\n"},
        {"twice.csv", "source,target,source\na,b,c\n"},
        {"overflow.csv", "source,target,weight\na,b,1e308\na,b,1e308\nb,c,1\n"},
    };
    for (const auto& [name, text] : files) {
        write_file(scratch / name, text);
        check_same("stats --edges '" + (scratch / name).string() + "'");
        check_same("rank --edges '" + (scratch / name).string() + "' --format json");
    }
}
