// catena's OpenMP threads wait by sleeping, not spinning (issue 16, "no collapse on a busy
// machine"), unless the user sets OMP_WAIT_POLICY: libgomp reports the policy in force with
// OMP_DISPLAY_ENV=verbose, and the last report is the one catena runs with.
#include <algorithm>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace catena;

namespace {

// The last `GOMP_SPINCOUNT = '...'` libgomp printed.
std::string spin_count(const std::string& err) {
    const std::size_t at = err.rfind("GOMP_SPINCOUNT = '");
    if (at == std::string::npos) return "(not printed)";
    const std::size_t start = at + 18;
    return err.substr(start, err.find('\'', start) - start);
}

}  // namespace

TEST_CASE("OpenMP threads wait passively unless OMP_WAIT_POLICY says otherwise", "[cli][threads]") {
    const std::string command = "stats --edges tests/data/datasets/karate.edges.csv";
    unsetenv("OMP_WAIT_POLICY");
    setenv("OMP_DISPLAY_ENV", "verbose", 1);
    const auto passive = test::run_catena(command);
    setenv("OMP_WAIT_POLICY", "active", 1);
    const auto active = test::run_catena(command);
    unsetenv("OMP_WAIT_POLICY");
    unsetenv("OMP_DISPLAY_ENV");
    REQUIRE(passive.exit_code == 0);
    REQUIRE(active.exit_code == 0);
    CHECK(spin_count(passive.err) == "0");  // no spinning at all
    CHECK(spin_count(active.err) != "0");   // the user's choice stands
    CHECK(passive.out == active.out);
}

namespace {

// The thread count `--timings` reports ("catena: threads: N"), or -1.
int threads_reported(const std::string& err) {
    const std::string key = "catena: threads: ";
    const std::size_t at = err.rfind(key);
    return at == std::string::npos ? -1 : std::atoi(err.c_str() + at + key.size());
}

}  // namespace

TEST_CASE("The option --threads sets the threads, over OMP_NUM_THREADS, with the same result",
          "[cli][threads]") {
    const std::string command =
        "seeds --edges tests/data/datasets/karate.edges.csv -k 3 --format json --timings";
    const auto one = test::run_catena(command + " --threads 1");
    setenv("OMP_NUM_THREADS", "1", 1);
    const auto two = test::run_catena(command + " --threads 2");
    const auto from_environment = test::run_catena(command);
    unsetenv("OMP_NUM_THREADS");
    REQUIRE(one.exit_code == 0);
    REQUIRE(two.exit_code == 0);
    REQUIRE(from_environment.exit_code == 0);
    CHECK(threads_reported(one.err) == 1);
    CHECK(threads_reported(two.err) == 2);  // the option wins over the environment
    CHECK(threads_reported(from_environment.err) == 1);
    CHECK(one.out == two.out);

    const auto help = test::run_catena("rank --help");
    CHECK(help.out.find("--threads") != std::string::npos);
    CHECK(test::run_catena("import --help").out.find("--threads") != std::string::npos);
}

TEST_CASE("a bad --threads or job file threads is one clear line", "[cli][threads]") {
    for (const std::string bad : {"0", "-2", "two", "100000"}) {
        INFO("--threads " << bad);
        const auto result =
            test::run_catena("stats --edges tests/data/datasets/karate.edges.csv --threads " + bad);
        CHECK(result.exit_code == 2);
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
        CHECK(result.err.find("--threads") != std::string::npos);
    }
    const test::ScratchDir dir;
    const auto job = dir.path() / "job.toml";
    test::write_file(
        job, "threads = 0\n[data]\nedges = \"" +
                 (test::source_dir() / "tests/data/datasets/karate.edges.csv").string() + "\"\n");
    const auto result = test::run_catena("report --job " + job.string() + " --out " +
                                         (dir.path() / "out").string() + " --no-save");
    CHECK(result.exit_code != 0);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.find("threads") != std::string::npos);
}

TEST_CASE("a job file's threads runs the report with that many threads, and --threads wins",
          "[cli][threads]") {
    const test::ScratchDir dir;
    const auto job = dir.path() / "job.toml";
    test::write_file(job,
                     "threads = 1\n[data]\nedges = \"" +
                         (test::source_dir() / "tests/data/datasets/karate.edges.csv").string() +
                         "\"\n[cards]\nenabled = false\n");
    const std::string command = "report --job " + job.string() + " --no-save --timings --out " +
                                (dir.path() / "out").string();
    const auto from_job = test::run_catena(command);
    REQUIRE(from_job.exit_code == 0);
    CHECK(threads_reported(from_job.err) == 1);
    const auto from_option = test::run_catena(command + "2 --threads 2");
    REQUIRE(from_option.exit_code == 0);
    CHECK(threads_reported(from_option.err) == 2);
}
