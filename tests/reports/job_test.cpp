#include "catena/reports/job.hpp"

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {
// The error message parse_job_file gives for a job file with `text`, or "" when it parses.
std::string job_error(const std::string& text) {
    test::ScratchDir scratch;
    test::write_file(scratch / "job.toml", text);
    try {
        parse_job_file(scratch / "job.toml");
    } catch (const InputError& error) {
        const std::string message = error.what();
        return message.substr(message.find("job.toml"));
    }
    return "";
}
}  // namespace

TEST_CASE("Job file: the sample job parses, every default is the algorithm's own",
          "[report][job]") {
    const JobSpec job = parse_job_file(test::source_dir() / "samples" / "job.toml");
    CHECK(job.name == "Northwind Coffee Roasters: referral programme");
    CHECK(std::filesystem::path(job.data_dir) ==
          (test::source_dir() / "samples" / "crm").lexically_normal());
    CHECK(job.seeds.params.k == 10);
    CHECK(job.seeds.exclude_segments == std::vector<std::string>{"enterprise"});
    CHECK(job.seeds.only_segments.empty());
    CHECK(job.rank.top == 15);
    CHECK(job.value.params.referral_weight == 0.5);
    CHECK(job.out_dir == (test::source_dir() / "out" / "sample-report").lexically_normal());

    test::ScratchDir scratch;
    test::write_file(scratch / "job.toml", "[data]\nfolder = \"x\"\n");
    const JobSpec minimal = parse_job_file(scratch / "job.toml");
    CHECK(minimal.rank.pagerank.damping == PageRankParams{}.damping);
    CHECK(minimal.rank.pagerank.tolerance == PageRankParams{}.tolerance);
    CHECK(minimal.communities.resolution == CommunityParams{}.resolution);
    CHECK(minimal.communities.max_iterations == CommunityParams{}.max_iterations);
    CHECK(minimal.communities.method == CommunityParams{}.method);
    CHECK(minimal.seeds.params.epsilon == SeedSelectionParams{}.epsilon);
    CHECK(minimal.value.params.network_weight == ValueParams{}.network_weight);
    CHECK(minimal.value.params.referral.depth_discount == ValueParams{}.referral.depth_discount);
    CHECK(minimal.compare.simulation.simulations == CompareOptions{}.simulation.simulations);
    CHECK(minimal.run_rank);
    CHECK(minimal.run_value);
    CHECK_FALSE(minimal.run_simulate);
    CHECK_FALSE(minimal.csv_bom);

    test::write_file(scratch / "job.toml", "[data]\nfolder = \"x\"\n[output]\ncsv_bom = true\n");
    CHECK(parse_job_file(scratch / "job.toml").csv_bom);
}

TEST_CASE("Job file: unknown keys, wrong types and bad values name the key and line",
          "[report][job]") {
    CHECK(job_error("[rank]\ndampng = 0.9\n") ==
          "job.toml:2: column 1: unknown key 'dampng' in [rank]");
    CHECK(job_error("name = \"x\"\nsede = 3\n") == "job.toml:2: column 1: unknown key 'sede'");
    CHECK(job_error("[seeds]\nk = \"ten\"\n") ==
          "job.toml:2: column 5: seeds.k: must be a whole number");
    CHECK(job_error("[seeds]\nk = 0\n") ==
          "job.toml:2: column 5: seeds.k: must be between 1 and 4294967295, not 0");
    CHECK(job_error("[seeds]\neps = 1.5\n")
              .starts_with("job.toml:2: column 7: seeds.eps: must be above 0"));
    CHECK(job_error("[rank]\nmeasure = \"fame\"\n")
              .starts_with("job.toml:2: column 11: rank.measure: "));
    CHECK(job_error("[model]\nprobability = \"constant:2\"\n")
              .starts_with("job.toml:2: column 15: model.probability: "));
    CHECK(job_error("[model]\ndiffusion = \"sir\"\n") ==
          "job.toml:2: column 13: model.diffusion: must be \"ic\" or \"lt\", not \"sir\"");
    CHECK(job_error("[seeds]\nexclude_segments = \"vip\"\n")
              .starts_with("job.toml:2: column 20: seeds.exclude_segments: must be a list"));
    CHECK(job_error("[seeds]\nexclude_segments = [\"vip\", 3]\n")
              .starts_with(
                  "job.toml:2: column 28: seeds.exclude_segments: must be a list of strings"));
    CHECK(job_error("[communities]\nenabled = 1\n") ==
          "job.toml:2: column 11: communities.enabled: must be true or false");
    CHECK(job_error("[output]\ncsv_bom = \"yes\"\n") ==
          "job.toml:2: column 11: output.csv_bom: must be true or false");
    CHECK(job_error("[value]\nas_of = \"2026-02-30\"\n")
              .starts_with("job.toml:2: column 9: value.as_of: must be a date"));
    CHECK(job_error("rank = 3\n") == "job.toml:1: column 8: rank: must be a table");
    CHECK(job_error("[types.mentor]\ndirected = true\nstrenght = 2\n") ==
          "job.toml:3: column 1: unknown key 'strenght' in [types.mentor]");
    CHECK(job_error("[simulate]\nenabled = true\n")
              .starts_with("job.toml:2: column 11: simulate.enabled: [simulate] needs seeds"));
    CHECK(job_error("[rank\n").starts_with("job.toml:1: column "));  // TOML syntax
    CHECK(job_error("[data]\n") == "job.toml:1: column 1: [data] needs folder, edges or db");
    CHECK(job_error("[data]\nfolder = \"x\"\n[types.mentor]\ndirected = true\nstrength = 2\n") ==
          "");
}

TEST_CASE(
    "Job file: each section is checked by its algorithm's own validate(), and accepts what it "
    "accepts",
    "[report][job]") {
    // What the command line accepts, the job file accepts: tolerance 0, top 0 (everyone), many
    // passes.
    CHECK(job_error("[rank]\ntolerance = 0\ntop = 0\n[communities]\nmax_iterations = 5000\n") ==
          "");
    // Past the TOML types, the Params' validate() speaks, at the section's line.
    CHECK(job_error("[seeds]\ndelta = 1\n") ==
          "job.toml:1: column 1: [seeds]: seeds: delta must be in (0, 1)");
    CHECK(job_error("\n[compare]\neps = 0.5\n") == "");
}

TEST_CASE("Job file: seeds.only_segments and exclude_segments are named with their keys",
          "[report][job]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "job.toml",
                     "[data]\nfolder = \"x\"\n[seeds]\nonly_segments = [\"SMB\", \"horeca\"]\n"
                     "exclude_segments = [\"enterprise\"]\n");
    const JobSpec job = parse_job_file(scratch / "job.toml");
    CHECK(job.seeds.only_segments == std::vector<std::string>{"SMB", "horeca"});
    const std::vector<JobSpec::NamedSegment> named = job.named_segments();
    REQUIRE(named.size() == 3);
    CHECK(named[0].key == "seeds.only_segments");
    CHECK(named[0].name == "SMB");
    CHECK(named[2].key == "seeds.exclude_segments");
    CHECK(named[2].name == "enterprise");
    CHECK(job_error("[seeds]\nonly_segments = \"smb\"\n")
              .starts_with("job.toml:2: column 17: seeds.only_segments: must be a list"));
}
