// One source per parameter: the defaults `catena COMMAND --help` shows are the Params structs'
// own, and a job file that says nothing runs each analysis with those same defaults (except the
// batch job's documented first-wave k, see default_job()).
#include <sstream>

#include <catch2/catch.hpp>

#include "catena/reports/job.hpp"

#include "test_util.hpp"

namespace {

using namespace catena;

// The default `--help` shows for `option` ("--damping FLOAT=0.85" -> 0.85): the option at the start
// of a line or after a space or comma, then " TYPE=" and the value up to the next space. (No
// std::regex: GCC 12 warns inside it under the sanitizers, and -Werror makes that fatal.)
double help_default(const std::string& help, const std::string& option) {
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        for (std::size_t at = line.find(option); at != std::string::npos;
             at = line.find(option, at + 1)) {
            if (at > 0 && line[at - 1] != ' ' && line[at - 1] != ',') continue;
            std::size_t pos = at + option.size();
            if (pos >= line.size() || line[pos] != ' ') continue;
            ++pos;
            const std::size_t type_start = pos;
            while (pos < line.size() && line[pos] >= 'A' && line[pos] <= 'Z') ++pos;
            if (pos == type_start || pos >= line.size() || line[pos] != '=') continue;
            ++pos;
            const std::size_t end = line.find(' ', pos);
            return std::stod(line.substr(pos, end == std::string::npos ? end : end - pos));
        }
    }
    FAIL("no default shown for " << option);
    return 0.0;
}

std::string help_of(const std::string& command) {
    const auto run = test::run_catena(command + " --help");
    REQUIRE(run.exit_code == 0);
    return run.out;
}

}  // namespace

TEST_CASE("Defaults: --help shows each Params struct's default", "[cli][defaults]") {
    const PageRankParams pagerank;
    const std::string rank = help_of("rank");
    CHECK(help_default(rank, "--damping") == pagerank.damping);
    CHECK(help_default(rank, "--tolerance") == pagerank.tolerance);
    CHECK(help_default(rank, "--max-iterations") == pagerank.max_iterations);
    CHECK(help_default(rank, "--top") == RankOptions{}.top);
    CHECK(help_default(rank, "--pivots") == SamplingParams{}.pivots);

    const CommunityParams communities;
    const std::string community_help = help_of("communities");
    CHECK(help_default(community_help, "--resolution") == communities.resolution);
    CHECK(help_default(community_help, "--max-iterations") == communities.max_iterations);
    CHECK(help_default(community_help, "--seed") == communities.seed);
    CHECK(community_help.find("--method TEXT=leiden") != std::string::npos);

    const SeedSelectionParams seeds;
    const std::string seeds_help = help_of("seeds");
    CHECK(help_default(seeds_help, "-k") == seeds.k);
    CHECK(help_default(seeds_help, "--eps") == seeds.epsilon);
    CHECK(help_default(seeds_help, "--delta") == seeds.delta);
    CHECK(help_default(seeds_help, "--budget") == seeds.budget);
    CHECK(seeds_help.find("--model TEXT=ic") != std::string::npos);
    CHECK(seeds_help.find("--probability TEXT=weighted-cascade") != std::string::npos);
    CHECK(seeds_help.find("--objective TEXT=customers") != std::string::npos);

    const CompareOptions compare;
    const std::string compare_help = help_of("compare");
    CHECK(help_default(compare_help, "-k") == compare.k);
    CHECK(help_default(compare_help, "--sims") == compare.simulation.simulations);
    CHECK(help_default(compare_help, "--eps") == compare.epsilon);

    const SimulateOptions simulate;
    const std::string simulate_help = help_of("simulate");
    CHECK(help_default(simulate_help, "--sims") == simulate.params.simulations);
    CHECK(help_default(simulate_help, "--top") == simulate.top);

    const ValueParams value;
    const std::string value_help = help_of("value");
    CHECK(help_default(value_help, "--eps") == value.network.epsilon);
    CHECK(help_default(value_help, "--delta") == value.network.delta);
    CHECK(help_default(value_help, "--window") == value.profile.window_days);
    CHECK(help_default(value_help, "--depth-discount") == value.referral.depth_discount);
    CHECK(help_default(value_help, "--network-weight") == value.network_weight);
    CHECK(help_default(value_help, "--referral-weight") == value.referral_weight);
}

TEST_CASE("Defaults: a job without settings runs each analysis with the Params defaults",
          "[cli][defaults][job]") {
    const JobSpec job = default_job();
    const PageRankParams pagerank;
    CHECK(job.rank.pagerank.damping == pagerank.damping);
    CHECK(job.rank.pagerank.tolerance == pagerank.tolerance);
    CHECK(job.rank.pagerank.max_iterations == pagerank.max_iterations);
    CHECK(job.communities.resolution == CommunityParams{}.resolution);
    CHECK(job.communities.max_iterations == CommunityParams{}.max_iterations);
    CHECK(job.seeds.params.epsilon == SeedSelectionParams{}.epsilon);
    CHECK(job.compare.simulation.simulations == CompareOptions{}.simulation.simulations);
    CHECK(job.compare.epsilon == CompareOptions{}.epsilon);
    CHECK(job.value.params.network.epsilon == ValueParams{}.network.epsilon);
    CHECK(job.value.params.network_weight == ValueParams{}.network_weight);
    // The one documented difference: a report's first wave of seeds, and its comparison curves.
    CHECK(job.seeds.params.k == kReportSeeds);
    CHECK(job.compare.k == kReportSeeds);

    // An empty job file is the same job.
    test::ScratchDir scratch;
    test::write_file(scratch / "job.toml", "[data]\nfolder = \"x\"\n");
    const JobSpec parsed = parse_job_file(scratch / "job.toml");
    CHECK(parsed.seeds.params.k == job.seeds.params.k);
    CHECK(parsed.rank.pagerank.damping == job.rank.pagerank.damping);
    CHECK(parsed.compare.simulation.simulations == job.compare.simulation.simulations);
    CHECK(parsed.communities.max_iterations == job.communities.max_iterations);
}
