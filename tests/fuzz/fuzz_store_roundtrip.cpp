// libFuzzer target: the workspace store as a loader. relationships.csv of a data folder is the
// fuzz input, beside small valid customers, referrals and transactions tables; the folder is
// imported into a fresh SQLite workspace (`catena import`) and loaded back (`--db`). What the
// import loaded must satisfy every invariant in fuzz_support.hpp and equal what the store gives
// back, and the import must succeed exactly when loading the folder directly does.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "catena/loaders/store.hpp"

#include "fuzz_support.hpp"

namespace {

const char* const kReferrals =
    "referrer,referred,date,converted,reward\n"
    "P1,P3,2025-02-10,true,10.00\n"
    "P3,P2,,false,0\n";

const char* const kTransactions =
    "customer,date,amount,channel,on_behalf_of\n"
    "P1,2025-01-03,42.50,online,\n"
    "P1,2025-02-03,18.00,in-store,P2\n"
    "B1,2025-04-01T09:00,1200,phone,a\n";

bool same(const catena::Dataset& a, const catena::Dataset& b) {
    return a.graph == b.graph && a.graph.fingerprint() == b.graph.fingerprint() &&
           a.graph.report() == b.graph.report() && a.referrals == b.referrals &&
           a.transactions == b.transactions;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    catena::fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace catena;
    static const std::filesystem::path folder = [] {
        const std::filesystem::path path = fuzz::scratch_dir() / "data";
        fuzz::write_file(path / "customers.csv", fuzz::kCustomers);
        fuzz::write_file(path / "referrals.csv", kReferrals);
        fuzz::write_file(path / "transactions.csv", kTransactions);
        return path;
    }();
    static const std::filesystem::path db = fuzz::scratch_dir() / "workspace.db";
    fuzz::write_file(folder / "relationships.csv", data, size);
    std::error_code ignored;
    std::filesystem::remove(db, ignored);

    InputSource source;
    source.data_dir = folder;
    const LoadOptions options;
    std::optional<Dataset> direct;
    fuzz::expect_only_input_errors([&] { direct = load_dataset(source, options); });
    std::optional<ImportSummary> imported;
    fuzz::expect_only_input_errors([&] { imported = import_to_store(source, db, options); });
    if (direct.has_value() != imported.has_value())
        fuzz::fail(direct ? "the folder loads but does not import"
                          : "the folder imports but does not load");
    if (!imported) {
        CATENA_FUZZ_CHECK(!std::filesystem::exists(db));  // a failed import leaves no new file
        return 0;
    }
    fuzz::check_dataset(imported->dataset);
    CATENA_FUZZ_CHECK(same(*direct, imported->dataset));
    try {
        const Dataset stored = load_store(db, options);
        CATENA_FUZZ_CHECK(same(stored, imported->dataset));
    } catch (const std::exception& error) {
        fuzz::fail("the imported workspace does not load", error.what());
    }
    return 0;
}
