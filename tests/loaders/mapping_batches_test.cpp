// The mapped reader hands relationship and transaction rows to the graph in batches (so the
// graph can prefetch the customers they name). Ids and labels built by templates live in
// scratch strings the next row overwrites: these tests read files many batches long, where a
// row kept a view of another row's text would join the wrong customers, and check each row
// against the plain reader of the same data and the bad rows' order.
#include <string>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {

constexpr int kCustomers = 300;
constexpr int kRows = 1000;  // about 16 batches

// Customer ids "c-<n>"; relationship i joins (7i mod 300) and (7i + 1 + i mod 13) mod 300.
int source_of(int row) { return (7 * row) % kCustomers; }
int target_of(int row) { return (7 * row + 1 + row % 13) % kCustomers; }

struct Folders {
    test::ScratchDir plain, crm;
    explicit Folders(int bad_every = 0) {
        std::string customers = "id,name\n", contacts = "Number,Name\n";
        for (int n = 0; n < kCustomers; ++n) {
            customers += "c-" + std::to_string(n) + ",Customer " + std::to_string(n) + "\n";
            contacts += std::to_string(n) + ",Customer " + std::to_string(n) + "\n";
        }
        std::string relationships = "source,target,type\n", links = "From,To,Kind\n";
        std::string transactions = "customer,date,amount,channel\n",
                    orders = "Buyer,Day,Total,Shop\n";
        for (int row = 0; row < kRows; ++row) {
            const std::string type = row % 3 == 0 ? "friend" : row % 3 == 1 ? "family" : "coworker";
            const std::string kind = row % 3 == 0 ? "fr" : row % 3 == 1 ? "fa" : "co";
            const std::string to =
                bad_every && row % bad_every == 5 ? "999" : std::to_string(target_of(row));
            relationships += "c-" + std::to_string(source_of(row)) + ",c-" +
                             std::to_string(target_of(row)) + "," + type + "\n";
            links += std::to_string(source_of(row)) + "," + to + "," + kind + "\n";
            const std::string shop = "shop " + std::to_string(row % 5);
            transactions += "c-" + std::to_string(source_of(row)) + ",2024-01-0" +
                            std::to_string(1 + row % 9) + "," + std::to_string(row) + ".5," + shop +
                            "\n";
            orders += std::to_string(source_of(row)) + ",2024-01-0" + std::to_string(1 + row % 9) +
                      "," + std::to_string(row) + ".5," + std::to_string(row % 5) + "\n";
        }
        test::write_file(plain / "customers.csv", customers);
        test::write_file(plain / "relationships.csv", relationships);
        test::write_file(plain / "transactions.csv", transactions);
        test::write_file(crm / "contacts.csv", contacts);
        test::write_file(crm / "links.csv", links);
        test::write_file(crm / "orders.csv", orders);
        // Every id is a template ("c-{Number}"), the type a template mapped to catena's labels,
        // the channel a template: all of them built in scratch strings.
        test::write_file(crm / "crm.toml", R"(
[[customers]]
file = "contacts.csv"
[customers.columns]
id = "c-{Number}"
name = "Name"

[[relationships]]
file = "links.csv"
[relationships.columns]
source = "c-{From}"
target = "c-{To}"
type = { template = "{Kind}-x", map = { "fr-x" = "friend", "fa-x" = "family", "co-x" = "coworker" } }

[[transactions]]
file = "orders.csv"
[transactions.columns]
customer = "c-{Buyer}"
date = "Day"
amount = "Total"
channel = "shop {Shop}"
)");
    }

    Dataset load_plain() const {
        InputSource source;
        source.data_dir = plain.path();
        return load_dataset(source, {});
    }
    Dataset load_mapped(std::optional<BadRowPolicy> policy = std::nullopt) const {
        InputSource source;
        source.data_dir = crm.path();
        LoadOptions options;
        options.mapping = crm / "crm.toml";
        options.on_bad_row = policy;
        return load_dataset(source, options);
    }
};

}  // namespace

TEST_CASE("Mapped reader: template-built ids and labels stay right across batches",
          "[mapping][batches]") {
    const Folders folders;
    const Dataset plain = folders.load_plain();
    const Dataset mapped = folders.load_mapped();
    REQUIRE(mapped.graph.num_nodes() == kCustomers);
    REQUIRE(mapped.graph.num_edges() == plain.graph.num_edges());
    // Edge by edge: the same endpoints (by external id), strength and type.
    for (EdgeId edge = 0; edge < plain.graph.num_edges(); ++edge) {
        INFO("edge " << edge);
        CHECK(mapped.graph.external_id(mapped.graph.edge_source(edge)) ==
              plain.graph.external_id(plain.graph.edge_source(edge)));
        CHECK(mapped.graph.external_id(mapped.graph.edge_target(edge)) ==
              plain.graph.external_id(plain.graph.edge_target(edge)));
        CHECK(mapped.graph.strength(edge) == plain.graph.strength(edge));
    }
    REQUIRE(mapped.transactions.rows.size() == static_cast<std::size_t>(kRows));
    REQUIRE(mapped.transactions.rows.size() == plain.transactions.rows.size());
    for (std::size_t row = 0; row < plain.transactions.rows.size(); ++row) {
        INFO("transaction " << row);
        const Transaction& a = plain.transactions.rows[row];
        const Transaction& b = mapped.transactions.rows[row];
        CHECK(mapped.graph.external_id(b.customer) ==
              "c-" + std::to_string(source_of(static_cast<int>(row))));
        CHECK(plain.graph.external_id(a.customer) == mapped.graph.external_id(b.customer));
        CHECK(a.amount == b.amount);
        CHECK(a.date == b.date);
        CHECK(plain.transactions.channels[a.channel] == mapped.transactions.channels[b.channel]);
    }
}

TEST_CASE("Mapped reader: bad rows in many batches are skipped and listed in file order",
          "[mapping][batches]") {
    const Folders folders(/*bad_every=*/97);  // rows 5, 102, 199, ... name customer c-999
    const Dataset mapped = folders.load_mapped(BadRowPolicy::skip);
    const auto& skipped = mapped.input.skipped;
    REQUIRE(skipped.size() == 11);  // rows 5 + 97j for j = 0..10 (all below 1000)
    for (std::size_t index = 0; index < skipped.size(); ++index) {
        INFO("skipped " << index);
        CHECK(skipped[index].table == "relationships");
        CHECK(skipped[index].line == 2 + 5 + 97 * index);  // line 1 is the header
        CHECK(skipped[index].reason == "unknown customer");
    }
    // With stop, the same rows are the error, listed in order.
    try {
        folders.load_mapped(BadRowPolicy::stop);
        FAIL("no error");
    } catch (const InputError& error) {
        const std::string message = error.what();
        const auto first = message.find("links.csv:7:"), second = message.find("links.csv:104:");
        CHECK(first != std::string::npos);
        CHECK(second != std::string::npos);
        CHECK(first < second);
    }
}
