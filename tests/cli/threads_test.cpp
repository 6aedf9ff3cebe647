// catena's OpenMP threads wait by sleeping, not spinning (issue 16, "no collapse on a busy
// machine"), unless the user sets OMP_WAIT_POLICY: libgomp reports the policy in force with
// OMP_DISPLAY_ENV=verbose, and the last report is the one catena runs with.
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
