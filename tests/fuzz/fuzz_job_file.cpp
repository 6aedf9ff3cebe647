// libFuzzer target: the job file of `catena report` (TOML, read with toml++) is the fuzz input,
// parsed by catena::parse_job_file from a file in the scratch folder. A rejected job must be an
// InputError naming the file (and a line of it); an accepted one must give usable defaults.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catena/reports/job.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    catena::fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path job = catena::fuzz::scratch_dir() / "job.toml";
    catena::fuzz::write_file(job, data, size);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    catena::fuzz::expect_only_input_errors(
        [&] {
            const catena::JobSpec spec = catena::parse_job_file(job);
            (void)spec.named_segments();
            CATENA_FUZZ_CHECK(spec.file == job);
        },
        [&](const std::string& message) {
            // The TOML parser's lines count LF only; the line check is the CSV one (LF, CRLF or a
            // lone CR), which can only count more lines.
            catena::fuzz::check_csv_error(message, job.string(), text);
        });
    return 0;
}
