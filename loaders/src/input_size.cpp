#include <cstdio>
#include <cstring>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

#include "sqlite_db.hpp"

namespace catena {

namespace {

// Lines after the header (a last line without a newline counts); 0 for a missing optional file.
std::uint64_t data_lines(const std::filesystem::path& path, bool required) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) {
        if (required) throw InputError(path.string(), "", "no such file");
        return 0;
    }
    std::uint64_t lines = 0;
    char buffer[1 << 16];
    char last = '\n';
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        for (std::size_t i = 0; i < got; ++i) lines += buffer[i] == '\n';
        last = buffer[got - 1];
    }
    std::fclose(file);
    if (last != '\n') ++lines;
    return lines > 0 ? lines - 1 : 0;
}

std::uint64_t table_rows(sqlite::Database& db, const char* table) {
    if (!db.has_table(table)) return 0;
    sqlite::Statement count(db, (std::string("SELECT count(*) FROM ") + table).c_str());
    count.step();
    return static_cast<std::uint64_t>(count.integer(0));
}

}  // namespace

InputSize measure_input(const InputSource& source) {
    source.validate();
    InputSize size;
    if (!source.db_file.empty()) {
        std::error_code error;
        if (!std::filesystem::exists(source.db_file, error))
            throw InputError(source.db_file.string(), "",
                             "no such database file (create one with catena import)");
        sqlite::Database db(source.db_file.string(), true);
        size.customers = table_rows(db, "customers");
        size.relationship_rows = table_rows(db, "relationships");
        size.referrals = table_rows(db, "referrals");
        size.transactions = table_rows(db, "transactions");
    } else if (!source.edges_file.empty()) {
        size.edge_list = true;
        size.relationship_rows = data_lines(source.edges_file, true);
        // Without a customers table: a CRM graph's typical 8 relationship ends per customer.
        size.customers = source.nodes_file.empty() ? (size.relationship_rows + 3) / 4
                                                   : data_lines(source.nodes_file, true);
    } else {
        size.customers = data_lines(source.data_dir / "customers.csv", true);
        size.relationship_rows = data_lines(source.data_dir / "relationships.csv", true);
        size.referrals = data_lines(source.data_dir / "referrals.csv", false);
        size.transactions = data_lines(source.data_dir / "transactions.csv", false);
    }
    return size;
}

}  // namespace catena
