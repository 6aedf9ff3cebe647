// Big relationships and transactions files are parsed ahead while a worker thread hands their
// rows to the sink (loaders/src/row_batch.hpp, RowPipeline). These tests read files big enough
// for the worker (over 1 MiB, dozens of batches of 1,024 rows) with bad rows of every kind
// placed around batch boundaries, once with one thread allowed and once with two, plain and
// through a mapping, and require the same graph, the same calls to the sink in the same order,
// the same skipped rows in the same order, the same counts and the same error messages.
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/dataset_sink.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"
#include <omp.h>

using namespace catena;

namespace {

constexpr int kCustomers = 2000;
constexpr int kRows = 50'000;  // about 1.7 MB of relationships: 49 batches

enum class Bad { none, unknown_customer, bad_weight, field_count, self_loop };

// What row `row` holds: around batch boundaries (rows 4,096 and 8,192 start a batch) and inside.
Bad bad_at(int row) {
    switch (row) {
        case 4094:
        case 12000:
            return Bad::unknown_customer;
        case 4095:
        case 20001:
            return Bad::bad_weight;
        case 4096:
        case 8191:
        case 12001:  // right after a row only the sink refuses
        case 30000:
            return Bad::field_count;
        case 8192:
            return Bad::self_loop;
        default:
            return Bad::none;
    }
}

std::string relationship_row(int row, const std::string& prefix) {
    const int source = (7 * row) % kCustomers, target = (7 * row + 1 + row % 13) % kCustomers;
    const std::string kind = row % 3 == 0 ? "friend" : row % 3 == 1 ? "family" : "coworker";
    std::string weight = std::to_string(1 + row % 4);
    std::string to = prefix + std::to_string(target);
    const std::string date =
        ",2023-0" + std::to_string(1 + row % 9) + "-1" + std::to_string(row % 10);
    switch (bad_at(row)) {
        case Bad::unknown_customer:
            to = prefix + "99999";
            break;
        case Bad::bad_weight:
            weight = "heavy";
            break;
        case Bad::field_count:
            return prefix + std::to_string(source) + "," + to + "\n";
        case Bad::self_loop:
            to = prefix + std::to_string(source);
            break;
        case Bad::none:
            break;
    }
    return prefix + std::to_string(source) + "," + to + "," + kind + "," + weight + date + "\n";
}

struct Folders {
    test::ScratchDir plain, crm;
    // `tail`: appended to both relationships files (a malformed last record, say).
    explicit Folders(const std::string& tail = "") {
        std::string customers = "id,name\n", contacts = "Number,Name\n";
        for (int n = 0; n < kCustomers; ++n) {
            customers += "c-" + std::to_string(n) + ",Customer " + std::to_string(n) + "\n";
            contacts += std::to_string(n) + ",Customer " + std::to_string(n) + "\n";
        }
        std::string relationships = "source,target,type,weight,date\n",
                    links = "From,To,Kind,W,Since\n";
        std::string transactions = "customer,date,amount\n", orders = "Buyer,Day,Total\n";
        for (int row = 0; row < kRows; ++row) {
            relationships += relationship_row(row, "c-");
            links += relationship_row(row, "");
            const std::string amount = row == 9000 ? "-3" : std::to_string(row) + ".25";
            const std::string day = ",2024-02-1" + std::to_string(row % 10) + ",";
            transactions += "c-" + std::to_string(row % kCustomers) + day + amount + "\n";
            orders += std::to_string(row % kCustomers) + day + amount + "\n";
        }
        test::write_file(plain / "customers.csv", customers);
        test::write_file(plain / "relationships.csv", relationships + tail);
        test::write_file(plain / "transactions.csv", transactions);
        test::write_file(crm / "contacts.csv", contacts);
        test::write_file(crm / "links.csv", links + tail);
        test::write_file(crm / "orders.csv", orders);
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
type = "Kind"
weight = "W"
date = "Since"

[[transactions]]
file = "orders.csv"
[transactions.columns]
customer = "c-{Buyer}"
date = "Day"
amount = "Total"
)");
    }

    InputSource source(bool mapped) const {
        InputSource input;
        input.data_dir = mapped ? crm.path() : plain.path();
        return input;
    }
    LoadOptions options(bool mapped, BadRowPolicy policy) const {
        LoadOptions options;
        if (mapped) options.mapping = crm / "crm.toml";
        options.on_bad_row = policy;
        return options;
    }
    Dataset load(bool mapped, BadRowPolicy policy) const {
        return load_dataset(source(mapped), options(mapped, policy));
    }
};

// Every call a reader makes to its sink but the prefetch hints, as text, in order; a row naming
// customer "c-99999" is refused as the graph would refuse it.
class RecordingSink : public DatasetSink {
  public:
    std::vector<std::string> calls;
    void begin_customers(const std::vector<std::string>&) override { calls.push_back("begin"); }
    void customer(const CustomerRow& row) override { calls.push_back("c " + std::string(row.id)); }
    void relationship(const RelationshipRow& row) override {
        if (row.target == "c-99999") throw RowError("target", "no customer 'c-99999'");
        calls.push_back("r " + std::string(row.source) + " " + std::string(row.target) + " " +
                        std::string(row.type) + " " + std::to_string(row.weight) + " " +
                        std::to_string(row.date.value_or(-1)));
    }
    void expect_relationships(std::size_t rows) override {
        calls.push_back("expect r " + std::to_string(rows));
    }
    void expect_transactions(std::size_t rows) override {
        calls.push_back("expect t " + std::to_string(rows));
    }
    void referral(const ReferralRow& row) override {
        calls.push_back("f " + std::string(row.referrer));
    }
    void transaction(const TransactionRow& row) override {
        if (row.amount < 0) throw RowError("amount", "is negative");
        calls.push_back("t " + std::string(row.customer) + " " + std::to_string(row.amount));
    }
};

struct Recorded {
    std::vector<std::string> calls;
    ReadReport report;
};

// Runs `load` with one thread allowed and then with two, restoring the thread count.
template <typename Result>
std::pair<Result, Result> one_and_two_threads(const std::function<Result()>& load) {
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    Result one = load();
    omp_set_num_threads(2);
    Result two = load();
    omp_set_num_threads(threads);
    return {std::move(one), std::move(two)};
}

// The message `load` fails with.
std::string failure(const std::function<void()>& load) {
    try {
        load();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "(no error)";
}

void require_same_counts(const ReadReport& a, const ReadReport& b) {
    REQUIRE(a.sources.size() == b.sources.size());
    for (std::size_t index = 0; index < a.sources.size(); ++index) {
        INFO("source " << a.sources[index].file);
        CHECK(a.sources[index].records == b.sources[index].records);
        CHECK(a.sources[index].rows == b.sources[index].rows);
        CHECK(a.sources[index].skipped == b.sources[index].skipped);
    }
    CHECK(a.input == b.input);
    CHECK(a.warnings == b.warnings);
}

}  // namespace

TEST_CASE("A big file read on two threads gives the sink the same calls in the same order",
          "[loaders][pipeline]") {
    const Folders folders;
    for (const bool mapped : {false, true}) {
        INFO((mapped ? "through the mapping" : "plain folder"));
        const auto [one, two] = one_and_two_threads<Recorded>([&] {
            Recorded recorded;
            RecordingSink sink;
            read_csv_input(folders.source(mapped), folders.options(mapped, BadRowPolicy::skip),
                           sink, recorded.report);
            recorded.calls = std::move(sink.calls);
            return recorded;
        });
        CHECK(one.calls == two.calls);
        require_same_counts(one.report, two.report);
        // 50,000 relationship records: 2 refused by the sink, 4 with the wrong field count and 2
        // with a bad weight; 50,000 transaction records, one refused.
        const SourceReport& links = two.report.sources[1];
        CHECK(links.records == kRows);
        CHECK(links.rows == kRows - 8);
        CHECK(links.skipped == 8);
        const SourceReport& orders = two.report.sources[2];
        CHECK(orders.records == kRows);
        CHECK(orders.rows == kRows - 1);
        CHECK(orders.skipped == 1);
        // The size hints come once per big table, before the rows after the first 1,024.
        CHECK(std::count_if(two.calls.begin(), two.calls.end(), [](const std::string& call) {
                  return call.rfind("expect ", 0) == 0;
              }) == 2);
    }
}

TEST_CASE("A big file read on two threads skips the same rows in the same order",
          "[loaders][pipeline]") {
    const Folders folders;
    for (const bool mapped : {false, true}) {
        INFO((mapped ? "through the mapping" : "plain folder"));
        const auto [one, two] =
            one_and_two_threads<Dataset>([&] { return folders.load(mapped, BadRowPolicy::skip); });
        CHECK(one.graph == two.graph);
        CHECK(one.transactions == two.transactions);
        CHECK(one.input == two.input);
        // Eight bad relationships and one bad transaction, in file order, with their lines
        // (line = row + 2: the header is line 1); the self-loop is dropped, not a bad row.
        const auto& skipped = two.input.skipped;
        REQUIRE(skipped.size() == 9);
        const int expected_rows[] = {4094, 4095, 4096, 8191, 12000, 12001, 20001, 30000};
        for (std::size_t index = 0; index < 8; ++index) {
            INFO("skipped " << index);
            CHECK(skipped[index].table == "relationships");
            CHECK(skipped[index].line == static_cast<std::uint64_t>(expected_rows[index] + 2));
        }
        CHECK(skipped[8].table == "transactions");
        CHECK(skipped[8].line == 9002);
        CHECK(two.graph.num_nodes() == kCustomers);
        CHECK(two.transactions.rows.size() == kRows - 1);
    }
}

TEST_CASE("A big file read on two threads stops at the same first bad row", "[loaders][pipeline]") {
    const Folders folders;
    for (const bool mapped : {false, true}) {
        INFO((mapped ? "through the mapping" : "plain folder"));
        const auto [one, two] = one_and_two_threads<std::string>(
            [&] { return failure([&] { folders.load(mapped, BadRowPolicy::stop); }); });
        CHECK(one == two);
        CHECK(one.find(":4096") != std::string::npos);  // row 4094's unknown customer, first
    }
}

TEST_CASE("A malformed record at the end of a big file fails the same way on two threads",
          "[loaders][pipeline]") {
    const Folders folders("c-1,\"c-2,friend,1\n");  // an unterminated quote
    for (const bool mapped : {false, true}) {
        INFO((mapped ? "through the mapping" : "plain folder"));
        for (const BadRowPolicy policy : {BadRowPolicy::stop, BadRowPolicy::skip}) {
            const auto [one, two] = one_and_two_threads<std::string>(
                [&] { return failure([&] { folders.load(mapped, policy); }); });
            CHECK(one == two);
            // Stopping, the first bad row comes first; skipping, the load fails at the quote.
            CHECK(one.find(policy == BadRowPolicy::stop ? ":4096" : "quote") != std::string::npos);
        }
    }
}
