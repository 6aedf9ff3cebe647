// --estimate and --memory-limit: memory needs known before a run, and runs refused before they
// allocate.
#include <cstdlib>

#include <catch2/catch.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <sys/resource.h>
#include <sys/wait.h>

using namespace catena;

namespace {
// "catena rank: about 25 MiB: ..." -> 25. (No std::regex: GCC 12 warns inside it under ASan.)
double estimated_mib(const std::string& out) {
    const std::size_t at = out.find("about ");
    REQUIRE(at != std::string::npos);
    const std::size_t end = out.find(" MiB", at);
    REQUIRE(end != std::string::npos);
    return std::stod(out.substr(at + 6, end - at - 6));
}
}  // namespace

TEST_CASE("Memory: --estimate prints the memory a run needs and runs nothing", "[cli][estimate]") {
    for (const char* command : {"stats", "rank --by pagerank", "rank --by betweenness",
                                "communities", "simulate --seeds C0042", "seeds", "compare",
                                "value", "export", "report --out /nonexistent/never-written"}) {
        INFO(command);
        const auto run = test::run_catena(std::string(command) + " --data samples/crm --estimate");
        REQUIRE(run.exit_code == 0);
        CHECK(run.out.starts_with("catena " +
                                  std::string(command).substr(0, std::string(command).find(' ')) +
                                  ": about "));
        CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1);  // only the estimate
        CHECK(estimated_mib(run.out) >= 9);  // the process alone, before any input
    }
    CHECK(!std::filesystem::exists("/nonexistent/never-written"));
    const auto db = test::run_catena("rank --db /no/such.db --estimate");
    CHECK(db.exit_code == 3);
}

TEST_CASE("Memory: --memory-limit refuses a run that would not fit, before loading",
          "[cli][estimate]") {
    const auto refused = test::run_catena("communities --data samples/crm --memory-limit 2M");
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.starts_with("catena: usage error: communities would need about "));
    CHECK(refused.err.find("over --memory-limit 2 MiB") != std::string::npos);
    CHECK(refused.out.empty());
    CHECK(test::run_catena("communities --data samples/crm --memory-limit 2G --quiet").exit_code ==
          0);
    CHECK(test::run_catena("rank --data samples/crm --memory-limit lots").exit_code == 2);
    CHECK(test::run_catena("rank --data samples/crm --memory-limit 0").exit_code == 2);
    const auto within =
        test::run_catena("rank --data samples/crm --estimate --memory-limit 1.5GiB");
    CHECK(within.out.find("(within the memory limit of 1536 MiB)") != std::string::npos);
}

TEST_CASE("Seed selection stops before a round of RR sets that would pass its memory limit",
          "[algorithms][seeds][estimate]") {
    const InfluenceGraph g = test::load_shared("email-Enron").graph;
    const std::vector<double> p = edge_probabilities(g, {});
    SeedSelectionParams params;
    params.k = 50;
    params.memory_limit = 2 << 20;  // 2 MiB: less than the RR sets eps = 0.1 needs here
    try {
        select_seeds(g, p, params);
        FAIL("expected a UsageError");
    } catch (const UsageError& error) {
        CHECK(
            std::string(error.what()).find("MiB for its RR sets, over the memory limit of 2 MiB") !=
            std::string::npos);
    }
    params.memory_limit = 512 << 20;
    CHECK(select_seeds(g, p, params).seeds.size() == 50);
}

TEST_CASE("The estimate is within a factor of 1.5 of the measured peak memory", "[cli][estimate]") {
    test::ScratchDir scratch;
    const std::string world = (scratch / "world").string();
    REQUIRE(
        test::run_catena("generate --customers 100000 --seed 5 --edge-list --out '" + world + "'")
            .exit_code == 0);
    // A data folder, and the same world as an edge list with its customers file.
    for (const std::string& input :
         {" --data '" + world + "'",
          " --edges '" + world + "/edges.csv' --nodes '" + world + "/customers.csv'"}) {
        for (const char* command :
             {"rank --by pagerank", "communities", "seeds -k 50", "value --format csv"}) {
            INFO(command << input);
            const double estimate =
                estimated_mib(test::run_catena(std::string(command) + input + " --estimate").out);
            // The peak resident memory of the run itself, from the kernel's accounting of this
            // child (value writes every customer's row).
            const pid_t child = fork();
            REQUIRE(child >= 0);
            if (child == 0) {
                const std::string line = "cd '" + test::source_dir().string() + "' && exec '" +
                                         CATENA_BINARY + "' " + command + input +
                                         " --quiet >/dev/null";
                execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
                _exit(127);
            }
            int status = 0;
            rusage usage{};
            REQUIRE(wait4(child, &status, 0, &usage) == child);
            REQUIRE(WIFEXITED(status));
            REQUIRE(WEXITSTATUS(status) == 0);
            const double measured = static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB -> MiB
            INFO("estimate " << estimate << " MiB, measured " << measured << " MiB");
            if (CATENA_SANITIZED) {
                // AddressSanitizer's shadow memory and quarantine inflate the peak: only the lower
                // bound.
                CHECK(estimate >= measured / 1.5 / 4.0);
            } else {
                CHECK(estimate >= measured / 1.5);
                CHECK(estimate <= 1.5 * measured);
            }
        }
    }
}

TEST_CASE("The estimate says when loading, not the analysis, sets the peak", "[cli][estimate]") {
    // PageRank's vectors fit in what loading staged and freed: the peak is loading's.
    const auto rank = test::run_catena("rank --by pagerank --data samples/crm --estimate");
    REQUIRE(rank.exit_code == 0);
    CHECK(rank.out.find(" MiB while loading, then loaded graph ") != std::string::npos);
    CHECK(rank.out.find(" + PageRank ") != std::string::npos);
    // Leiden's two networks do not: the loaded graph plus Leiden's memory.
    const auto leiden = test::run_catena("communities --data samples/crm --estimate");
    REQUIRE(leiden.exit_code == 0);
    CHECK(leiden.out.find(" MiB: loaded graph ") != std::string::npos);
}
