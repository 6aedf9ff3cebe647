// libFuzzer target: a mapping file (TOML) is the fuzz input, read by catena::read_mapping_file and
// used to load the HubSpot-shaped export of tests/data/crm_export/hubspot (copied to the scratch
// folder once). A rejected mapping or row must be an InputError (or UsageError) naming the mapping
// or a file of the folder; an accepted one must give a graph whose invariants hold.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catena/loaders/load.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    catena::fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace fs = std::filesystem;
    static const fs::path folder = [] {
        const fs::path path = catena::fuzz::scratch_dir() / "export";
        fs::create_directories(path);
        for (const auto& entry : fs::directory_iterator(CATENA_FUZZ_EXPORT))
            if (entry.path().extension() == ".csv")
                fs::copy_file(entry.path(), path / entry.path().filename(),
                              fs::copy_options::overwrite_existing);
        return path;
    }();
    static const fs::path mapping = catena::fuzz::scratch_dir() / "mapping.toml";
    catena::fuzz::write_file(mapping, data, size);
    catena::fuzz::expect_only_input_errors(
        [&] {
            catena::InputSource source;
            source.data_dir = folder;
            catena::LoadOptions options;
            options.mapping = mapping;
            catena::fuzz::check_dataset(catena::load_dataset(source, options));
        },
        [&](const std::string& message) {
            // Every error names where: the mapping (FILE:LINE or FILE), or a file of the folder.
            const bool about_mapping = message.rfind(mapping.string(), 0) == 0;
            const bool about_folder = message.rfind(folder.string(), 0) == 0;
            if (!about_mapping && !about_folder)
                catena::fuzz::fail("error without a place", message);
        });
    return 0;
}
