// The two CRM-export fixtures (tests/data/crm_export/hubspot and .../salesforce) load through
// their mapping files, with no conversion script, and give the hand-counted numbers of their
// EXPECTED.md. Every number of those files is checked here; keep the three in step.
#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"

using namespace catena;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& name) { return test::data_dir() / "crm_export" / name; }

InputSource folder(const std::string& name) {
    InputSource source;
    source.data_dir = fixture(name);
    return source;
}

LoadOptions mapped(const std::string& name) {
    LoadOptions options;
    options.mapping = fixture(name) / "mapping.toml";
    return options;
}

Dataset load_fixture(const std::string& name) { return load_dataset(folder(name), mapped(name)); }

NodeId node(const InfluenceGraph& g, std::string_view id) {
    const auto found = g.find(id);
    INFO("customer " << id);
    REQUIRE(found.has_value());
    return *found;
}

std::uint64_t rows_of_type(const InfluenceGraph& g, std::string_view type) {
    const auto id = g.types().find(type);
    REQUIRE(id.has_value());
    const auto& rows = g.report().rows_by_type;
    return *id < rows.size() ? rows[*id] : 0;
}

std::optional<EdgeId> edge(const InfluenceGraph& g, NodeId from, NodeId to) {
    for (EdgeId e = g.out_offsets()[from]; e < g.out_offsets()[from + 1]; ++e)
        if (g.edge_target(e) == to) return e;
    return std::nullopt;
}

std::string_view edge_type(const InfluenceGraph& g, EdgeId e) { return g.types()[g.type(e)].name; }

std::string attribute(const InfluenceGraph& g, std::string_view name, NodeId n) {
    const auto& names = g.attribute_names();
    const auto it = std::find(names.begin(), names.end(), name);
    INFO("attribute " << name);
    REQUIRE(it != names.end());
    return std::string(g.attribute(static_cast<std::size_t>(it - names.begin()), n));
}

std::vector<std::string> opted_out(const InfluenceGraph& g) {
    std::vector<std::string> ids;
    for (NodeId n = 0; n < g.num_nodes(); ++n)
        if (g.opt_out(n)) ids.emplace_back(g.external_id(n));
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::size_t count_kind(const InfluenceGraph& g, NodeKind kind) {
    std::size_t count = 0;
    for (NodeId n = 0; n < g.num_nodes(); ++n) count += g.kind(n) == kind;
    return count;
}

double value_sum(const InfluenceGraph& g, std::size_t& given) {
    double sum = 0;
    given = 0;
    for (NodeId n = 0; n < g.num_nodes(); ++n)
        if (g.has_value(n)) {
            ++given;
            sum += g.value(n);
        }
    return sum;
}

double amount_of(const Dataset& d, NodeId customer, std::size_t& rows) {
    double sum = 0;
    rows = 0;
    for (const Transaction& t : d.transactions.rows)
        if (t.customer == customer) {
            ++rows;
            sum += t.amount;
        }
    return sum;
}

std::map<std::string, std::size_t> rows_by_channel(const Dataset& d) {
    std::map<std::string, std::size_t> counts;
    for (const Transaction& t : d.transactions.rows)
        ++counts[d.transactions.channels.at(t.channel)];
    return counts;
}

const Referral* find_referral(const Dataset& d, NodeId referrer, NodeId referred) {
    for (const Referral& r : d.referrals)
        if (r.referrer == referrer && r.referred == referred) return &r;
    return nullptr;
}

Date day(int y, unsigned m, unsigned d) { return days_from_civil(y, m, d); }

// Reads a fixture into a GraphSink to see how each source file was read.
ReadReport read_report(const std::string& name) {
    const LoadOptions options = mapped(name);
    GraphSink sink(
        {options.types, options.directed, false, (fixture(name) / "relationships").string()});
    ReadReport report;
    read_csv_input(folder(name), options, sink, report);
    return report;
}

const SourceReport& source_report(const ReadReport& report, std::string_view table,
                                  std::string_view file) {
    const SourceReport* found = nullptr;
    for (const SourceReport& s : report.sources)
        if (s.table == table && fs::path(s.file).filename() == file) {
            REQUIRE(found == nullptr);  // one block per (table, file) in these mappings
            found = &s;
        }
    INFO(table << " from " << file);
    REQUIRE(found != nullptr);
    return *found;
}

struct ExpectedSource {
    const char* table;
    const char* file;
    std::uint64_t records;
    std::optional<std::uint64_t> rows;  // unset: not checked
    std::uint64_t filtered, skipped;
};

void check_sources(const ReadReport& report, std::initializer_list<ExpectedSource> expected) {
    CHECK(report.sources.size() == expected.size());
    for (const ExpectedSource& e : expected) {
        const SourceReport& s = source_report(report, e.table, e.file);
        INFO(e.table << " from " << e.file);
        CHECK(s.records == e.records);
        if (e.rows) CHECK(s.rows == *e.rows);
        CHECK(s.filtered == e.filtered);
        CHECK(s.skipped == e.skipped);
    }
}

}  // namespace

// --- HubSpot + referral tool + Shopify
// ------------------------------------------------------------

TEST_CASE("HubSpot export: customers after merging the duplicate contact", "[mapping]") {
    const Dataset d = load_fixture("hubspot");
    const InfluenceGraph& g = d.graph;

    CHECK(g.num_nodes() == 42);
    CHECK(count_kind(g, NodeKind::person) == 32);
    CHECK(count_kind(g, NodeKind::business) == 10);
    CHECK(d.input.merged_customers == 1);

    // Record 131 (Ann@Example.com) merged into record 101 (ann@example.com).
    const NodeId ann = node(g, "contact-101");
    CHECK_FALSE(g.find("contact-131").has_value());
    CHECK_FALSE(g.find("131").has_value());
    CHECK_FALSE(g.find("101").has_value());
    CHECK(g.name(ann) == "Ann Berger");
    CHECK(g.segment(ann) == "Customer");
    CHECK(g.has_value(ann));
    CHECK(g.value(ann) == Approx(1234.50));
    // No e-mail is no key: two contacts, not merged.
    CHECK(node(g, "contact-132") != node(g, "contact-133"));

    // Contact 101 and company 101 are two customers.
    const NodeId muller = node(g, "company-101");
    CHECK(muller != ann);
    CHECK(g.kind(muller) == NodeKind::business);
    CHECK(g.kind(ann) == NodeKind::person);
    CHECK(g.name(muller) == "Müller GmbH");
    CHECK(g.name(node(g, "company-102")) == "Café Zürich AG");
    CHECK(g.name(node(g, "company-103")) == "L\u2019Atelier Dupré SARL");  // 0x92 in Windows-1252
    CHECK(g.name(node(g, "company-107")) == "Østergaard & Søn ApS");
    CHECK(g.name(node(g, "company-110")) == "Smith; Jones & Partners LLP");
    CHECK(g.name(node(g, "contact-114")) == "Nina Krüger");
    CHECK(attribute(g, "description", node(g, "company-106")) == "Pedido mínimo 50 \u20ac");
    CHECK(attribute(g, "description", node(g, "company-101")) ==
          "Stammkunde seit 2019 \u2013 Rahmenvertrag");
    CHECK(attribute(g, "owner", node(g, "company-101")) == "Lisa Meyer");
    CHECK(attribute(g, "owner", node(g, "contact-103")) == "Tom Becker");
    CHECK(attribute(g, "industry", node(g, "company-102")) == "Food & Beverages");
    CHECK(g.segment(node(g, "contact-109")) == "Marketing Qualified Lead");
    CHECK(g.segment(node(g, "company-105")) == "Lead");

    std::size_t given = 0;
    CHECK(value_sum(g, given) == Approx(71111.89));
    CHECK(given == 26);
    CHECK(g.value(node(g, "contact-119")) == Approx(12400.00));  // "12,400.00"
    CHECK(g.value(node(g, "company-101")) == Approx(18240.00));  // "18.240,00"
    CHECK(g.value(node(g, "company-102")) == Approx(3612.75));   // "3.612,75"
    CHECK(g.has_value(node(g, "contact-124")));                  // "0" is given
    CHECK_FALSE(g.has_value(node(g, "contact-105")));            // empty
    CHECK_FALSE(g.has_value(node(g, "company-103")));

    // Opted out: Unsubscribed from all email = Yes; contact-101 only through record 131.
    CHECK(opted_out(g) == std::vector<std::string>{"contact-101", "contact-104", "contact-109",
                                                   "contact-114", "contact-121"});
    CHECK_FALSE(g.opt_out(node(g, "contact-116")));  // newsletter only
}

TEST_CASE("HubSpot export: associations, reversed labels and company lists", "[mapping]") {
    const Dataset d = load_fixture("hubspot");
    const InfluenceGraph& g = d.graph;
    const BuildReport& r = g.report();

    CHECK(rows_of_type(g, "family") == 6);
    CHECK(rows_of_type(g, "coworker") == 10);
    CHECK(rows_of_type(g, "friend") == 15);
    CHECK(rows_of_type(g, "referral") == 8);
    CHECK(rows_of_type(g, "knows") == 4);
    CHECK(rows_of_type(g, "professional") == 19);
    CHECK(r.relationship_rows == 62);
    CHECK(r.directed_rows == 8);
    CHECK(r.undirected_rows == 53);
    CHECK(r.self_loops_dropped == 1);  // record 131 associated with record 101
    CHECK(r.merged_rows == 19);
    CHECK(r.referral_edges == 15);
    CHECK(r.referrals_already_related == 4);
    CHECK(g.num_edges() == 103);

    auto n = [&](std::string_view id) { return node(g, id); };
    // "Referred by" reads target -> source: 111 was referred by 103.
    const auto clara_karl = edge(g, n("contact-103"), n("contact-111"));
    REQUIRE(clara_karl);
    CHECK(edge_type(g, *clara_karl) == "referral");
    CHECK(g.strength(*clara_karl) == Approx(2.0));  // Referred by + Referrer rows
    CHECK_FALSE(edge(g, n("contact-111"), n("contact-103")).has_value());
    const auto rosa_tanja = edge(g, n("contact-118"), n("contact-120"));
    REQUIRE(rosa_tanja);
    CHECK(edge_type(g, *rosa_tanja) == "referral");
    CHECK_FALSE(edge(g, n("contact-120"), n("contact-118")).has_value());
    // "Colleague;Friend": two rows, coworker first, then the referral Laura -> Felix on top.
    const auto laura_felix = edge(g, n("contact-112"), n("contact-106"));
    REQUIRE(laura_felix);
    CHECK(edge_type(g, *laura_felix) == "coworker");
    CHECK(g.strength(*laura_felix) == Approx(0.6 + 0.8 + 1.0));
    // An association without a label: knows, both ways.
    const auto lenz_emma = edge(g, n("contact-122"), n("contact-105"));
    REQUIRE(lenz_emma);
    CHECK(edge_type(g, *lenz_emma) == "knows");
    CHECK(edge(g, n("contact-105"), n("contact-122")).has_value());

    // Associated Company IDs "101;102" of contact 101, and 102 again from its duplicate 131.
    const auto ann_cafe = edge(g, n("contact-101"), n("company-102"));
    REQUIRE(ann_cafe);
    CHECK(edge_type(g, *ann_cafe) == "professional");
    CHECK(g.strength(*ann_cafe) == Approx(1.0));
    REQUIRE(g.has_dates());
    CHECK(g.date(*ann_cafe) == day(2024, 1, 15));
    const auto ann_muller = edge(g, n("contact-101"), n("company-101"));
    REQUIRE(ann_muller);
    CHECK(g.strength(*ann_muller) == Approx(0.5));
    const auto ben_muller = edge(g, n("company-101"), n("contact-102"));
    REQUIRE(ben_muller);
    CHECK(g.date(*ben_muller) == day(2024, 1, 16));
    CHECK(edge(g, n("contact-119"), n("company-110")).has_value());
    CHECK(edge(g, n("contact-119"), n("company-101")).has_value());
    // Company ids are looked up among companies, contact ids among contacts, though both have
    // 101..110.
    CHECK(edge(g, n("contact-106"), n("company-103")).has_value());
    CHECK_FALSE(edge(g, n("contact-106"), n("contact-103")).has_value());
    const auto ann_ben = edge(g, n("contact-101"), n("contact-102"));
    REQUIRE(ann_ben);
    CHECK(edge_type(g, *ann_ben) == "family");
    CHECK(g.strength(*ann_ben) == Approx(2.0));  // Spouse, exported from both sides
}

TEST_CASE("HubSpot export: referrals keyed by e-mail", "[mapping]") {
    const Dataset d = load_fixture("hubspot");
    const InfluenceGraph& g = d.graph;

    CHECK(d.referrals.size() == 19);
    std::size_t converted = 0;
    double rewards = 0;
    for (const Referral& r : d.referrals) {
        converted += r.converted;
        rewards += r.reward;
    }
    CHECK(converted == 13);
    CHECK(rewards == Approx(162.50));

    // ANN@EXAMPLE.COM is the merged contact-101.
    const Referral* ann_emma = find_referral(d, node(g, "contact-101"), node(g, "contact-105"));
    REQUIRE(ann_emma);
    CHECK(ann_emma->date == day(2024, 1, 30));
    CHECK_FALSE(ann_emma->converted);
    CHECK(ann_emma->reward == 0.0);
    const Referral* clara_paula = find_referral(d, node(g, "contact-103"), node(g, "contact-116"));
    REQUIRE(clara_paula);
    CHECK(clara_paula->date == day(2024, 3, 7));  // "3/7/2024"
    const Referral* hannah_rosa = find_referral(d, node(g, "contact-108"), node(g, "contact-118"));
    REQUIRE(hannah_rosa);
    CHECK(hannah_rosa->converted);
    CHECK(hannah_rosa->reward == Approx(12.50));  // "$12.50"
    CHECK(find_referral(d, node(g, "contact-104"), node(g, "contact-128")) !=
          nullptr);  // " Anton.Vogel@..."
    CHECK(find_referral(d, node(g, "contact-125"), node(g, "contact-127")) !=
          nullptr);  // Zoe.Fuchs@iCloud.com
}

TEST_CASE("HubSpot export: orders in three currencies, refunds filtered", "[mapping]") {
    const Dataset d = load_fixture("hubspot");
    const InfluenceGraph& g = d.graph;

    CHECK(d.transactions.rows.size() == 34);
    double total = 0;
    for (const Transaction& t : d.transactions.rows) total += t.amount;
    CHECK(total == Approx(10575.67));
    CHECK(d.input.filtered == 5);

    std::size_t rows = 0;
    CHECK(amount_of(d, node(g, "contact-101"), rows) == Approx(1234.90));  // #1001, #1004, #1024
    CHECK(rows == 3);
    CHECK(amount_of(d, node(g, "contact-104"), rows) == Approx(400.00 * 1.05));  // CHF
    CHECK(rows == 2);
    CHECK(amount_of(d, node(g, "contact-119"), rows) == Approx(2450.00 * 1.17));  // GBP
    CHECK(rows == 2);
    CHECK(amount_of(d, node(g, "contact-113"), rows) ==
          Approx(1250.00 + 830.00));  // partially_refunded kept
    CHECK(rows == 2);
    CHECK(amount_of(d, node(g, "contact-103"), rows) == Approx(129.50 + 260.00));  // #1008 refunded
    CHECK(rows == 2);
    CHECK(amount_of(d, node(g, "contact-124"), rows) == 0.0);  // #1021 voided
    CHECK(rows == 0);
    CHECK(rows_by_channel(d) ==
          std::map<std::string, std::size_t>{{"pos", 5}, {"shopify_draft_order", 5}, {"web", 24}});

    const auto first =
        std::find_if(d.transactions.rows.begin(), d.transactions.rows.end(),
                     [&](const Transaction& t) { return t.customer == node(g, "contact-101"); });
    REQUIRE(first != d.transactions.rows.end());
    CHECK(first->date == day(2024, 1, 18));  // "2024-01-18 10:12:45 +0100"
    CHECK(first->amount == Approx(89.90));
}

TEST_CASE("HubSpot export: rows naming no customer are skipped and listed", "[mapping]") {
    const Dataset d = load_fixture("hubspot");
    REQUIRE(d.input.skipped.size() == 3);
    std::set<std::pair<std::string, std::uint64_t>> where;
    for (const SkippedRow& row : d.input.skipped) {
        INFO(row.file << ":" << row.line << ": " << row.message);
        where.emplace(row.table, row.line);
        CHECK(row.reason == "unknown customer");
        if (row.table == "referrals") {
            CHECK(fs::path(row.file).filename() == "referrals.csv");
            CHECK(row.column == "Referred Email");
        } else {
            CHECK(row.table == "transactions");
            CHECK(fs::path(row.file).filename() == "orders.csv");
            CHECK(row.column == "Email");
            CHECK(row.record.find("m.bauer@posteo.de") != std::string::npos);
        }
    }
    CHECK(where == std::set<std::pair<std::string, std::uint64_t>>{
                       {"referrals", 17}, {"referrals", 18}, {"transactions", 23}});
}

TEST_CASE("HubSpot export: with --on-bad-row stop the three bad rows are all listed", "[mapping]") {
    LoadOptions options = mapped("hubspot");
    options.on_bad_row = BadRowPolicy::stop;  // the command line wins over the mapping's skip
    std::string message;
    try {
        load_dataset(folder("hubspot"), options);
    } catch (const InputError& error) {
        message = error.what();
    }
    INFO(message);
    CHECK(message.find("referrals.csv:17") != std::string::npos);
    CHECK(message.find("referrals.csv:18") != std::string::npos);
    CHECK(message.find("orders.csv:23") != std::string::npos);
}

TEST_CASE("HubSpot export: how each file was read", "[mapping]") {
    const ReadReport report = read_report("hubspot");
    check_sources(report, {
                              {"customers", "contacts.csv", 33, std::nullopt, 0, 0},
                              {"customers", "companies.csv", 10, std::nullopt, 0, 0},
                              {"relationships", "associations.csv", 42, 43, 0, 0},
                              {"relationships", "contacts.csv", 33, 19, 0, 0},
                              {"referrals", "referrals.csv", 21, 19, 0, 2},
                              {"transactions", "orders.csv", 40, 34, 5, 1},
                          });
    const SourceReport& companies = source_report(report, "customers", "companies.csv");
    CHECK(companies.delimiter == ";");
    CHECK(companies.delimiter_detected);
    CHECK(companies.encoding == "windows-1252");
    const SourceReport& contacts = source_report(report, "customers", "contacts.csv");
    CHECK(contacts.delimiter == ",");
    CHECK_FALSE(contacts.delimiter_detected);
    CHECK(report.input.filtered == 5);
    CHECK(report.input.merged_customers == 1);
    CHECK(report.input.skipped.size() == 3);
}

// --- Salesforce ---------------------------------------------------------------------------------

namespace {
constexpr const char* kAcme = "0015g00000Qx7aTAAR";
constexpr const char* kBrightwater = "0015g00000Qx7bKAAR";
constexpr const char* kGrantHowell = "0015g00000Qx8CdAAJ";
constexpr const char* kNorthwind = "0015g00000Qx8ZwAAJ";
constexpr const char* kPinecrest = "0015g00000QyA2mAAF";
constexpr const char* kSummit = "0015g00000QyB9rAAF";
constexpr const char* kLumenGmbh = "0015g00000Lm3QaAAJ";
constexpr const char* kLumenInc = "0015g00000LM3QAAA1";
constexpr const char* kCobalt = "0015g00000QyC4eAAF";
constexpr const char* kOldHarbor = "0015g00000QyD7hAAF";  // deleted
constexpr const char* kChen = "0035g00000Ab1CdAAJ";
constexpr const char* kReed = "0035g00000Ab1ChAAJ";      // deleted
constexpr const char* kHolloway = "0035g00000AbZMaAAN";  // no account
constexpr const char* kNovak = "0035g00000AbZMbAAN";     // no account
}  // namespace

TEST_CASE("Salesforce export: accounts and contacts", "[mapping]") {
    const Dataset d = load_fixture("salesforce");
    const InfluenceGraph& g = d.graph;

    CHECK(g.num_nodes() == 34);
    CHECK(count_kind(g, NodeKind::business) == 9);
    CHECK(count_kind(g, NodeKind::person) == 25);
    CHECK(d.input.merged_customers == 0);
    CHECK(d.input.skipped.empty());
    CHECK_FALSE(g.find(kOldHarbor).has_value());
    CHECK_FALSE(g.find(kReed).has_value());
    for (const char* id : {kAcme, kBrightwater, kGrantHowell, kNorthwind, kPinecrest, kSummit,
                           kLumenGmbh, kLumenInc, kCobalt})
        CHECK(g.kind(node(g, id)) == NodeKind::business);
    CHECK(node(g, kLumenGmbh) != node(g, kLumenInc));
    CHECK(g.name(node(g, kLumenGmbh)) == "Lumen Solar GmbH");
    CHECK(g.name(node(g, kLumenInc)) == "Lumen Solar Inc");
    CHECK(g.name(node(g, kGrantHowell)) == "Grant, Howell & Partners LLP");
    CHECK(g.name(node(g, "0035g00000Ab3EcAAJ")) == "Chloé Martin");
    CHECK(g.name(node(g, "0035g00000Ab7JaAAJ")) == "Jürgen Baumann");
    CHECK(g.name(node(g, "0035g00000Ab1CfAAJ")) == "James O'Connor");
    CHECK(attribute(g, "title", node(g, kChen)) == "VP, Purchasing");
    CHECK(attribute(g, "industry", node(g, kPinecrest)) == "Healthcare");
    CHECK(attribute(g, "do_not_call", node(g, "0035g00000Ab1CeAAJ")) == "true");  // Maria Gonzalez

    std::size_t direct = 0, web = 0, partner_referral = 0;
    for (NodeId n = 0; n < g.num_nodes(); ++n) {
        direct += g.segment(n) == "Customer - Direct";
        web += g.segment(n) == "Web";
        partner_referral += g.segment(n) == "Partner Referral";
    }
    CHECK(direct == 5);
    CHECK(web == 10);
    CHECK(partner_referral == 5);

    std::size_t given = 0;
    CHECK(value_sum(g, given) == Approx(123250000.0));
    CHECK(given == 8);
    CHECK(g.value(node(g, kAcme)) == Approx(12500000.0));
    CHECK_FALSE(g.has_value(node(g, kSummit)));
    CHECK_FALSE(g.has_value(node(g, kChen)));

    CHECK(opted_out(g) == std::vector<std::string>{"0035g00000Ab1CfAAJ", "0035g00000Ab3EcAAJ",
                                                   "0035g00000Ab5GcAAJ", "0035g00000AbZMbAAN"});
    CHECK_FALSE(g.opt_out(node(g, "0035g00000Ab1CeAAJ")));  // DoNotCall only
}

TEST_CASE("Salesforce export: contacts work for accounts, partners link accounts", "[mapping]") {
    const Dataset d = load_fixture("salesforce");
    const InfluenceGraph& g = d.graph;
    const BuildReport& r = g.report();

    CHECK(rows_of_type(g, "professional") == 23);
    CHECK(rows_of_type(g, "supplier") == 2);
    CHECK(rows_of_type(g, "intermediary") == 4);
    CHECK(rows_of_type(g, "partner") == 2);
    CHECK(r.relationship_rows == 31);
    CHECK(r.merged_rows == 4);
    CHECK(r.self_loops_dropped == 0);
    CHECK(r.referral_edges == 0);
    CHECK(g.num_edges() == 54);
    CHECK(d.referrals.empty());

    const auto chen_acme = edge(g, node(g, kChen), node(g, kAcme));
    REQUIRE(chen_acme);
    CHECK(edge_type(g, *chen_acme) == "professional");
    REQUIRE(g.has_dates());
    CHECK(g.date(*chen_acme) == day(2023, 3, 1));
    CHECK(edge(g, node(g, kAcme), node(g, kChen)).has_value());
    CHECK(g.out_degree(node(g, kHolloway)) == 0);
    CHECK(g.out_degree(node(g, kNovak)) == 0);
    CHECK(g.out_degree(node(g, kAcme)) == 4 + 2);  // four contacts, Summit and Northwind

    const auto acme_summit = edge(g, node(g, kAcme), node(g, kSummit));
    REQUIRE(acme_summit);
    CHECK(edge_type(g, *acme_summit) == "supplier");
    CHECK(g.strength(*acme_summit) == Approx(2 * 0.6));  // the record and its reverse
    const auto lumen = edge(g, node(g, kLumenInc), node(g, kLumenGmbh));
    REQUIRE(lumen);
    CHECK(edge_type(g, *lumen) == "intermediary");
    const auto pine_grant = edge(g, node(g, kGrantHowell), node(g, kPinecrest));
    REQUIRE(pine_grant);
    CHECK(edge_type(g, *pine_grant) == "partner");
}

TEST_CASE("Salesforce export: won opportunities are the accounts' transactions", "[mapping]") {
    const Dataset d = load_fixture("salesforce");
    const InfluenceGraph& g = d.graph;

    CHECK(d.transactions.rows.size() == 16);
    double total = 0;
    for (const Transaction& t : d.transactions.rows) total += t.amount;
    CHECK(total == Approx(1066600.75));
    CHECK(d.input.filtered == 19);  // 1 account, 1 + 3 contact records, 14 opportunities

    const std::pair<const char*, std::pair<double, std::size_t>> per_account[] = {
        {kAcme, {190750.50, 3}},      {kBrightwater, {74500.00, 2}}, {kGrantHowell, {99900.00, 3}},
        {kNorthwind, {232000.00, 2}}, {kPinecrest, {273000.00, 2}},  {kSummit, {0.0, 0}},
        {kLumenGmbh, {83500.00, 1}},  {kLumenInc, {70950.25, 2}},    {kCobalt, {42000.00, 1}},
    };
    for (const auto& [id, expected] : per_account) {
        INFO(id);
        std::size_t rows = 0;
        CHECK(amount_of(d, node(g, id), rows) == Approx(expected.first));
        CHECK(rows == expected.second);
    }
    CHECK(rows_by_channel(d) == std::map<std::string, std::size_t>{{"Partner Referral", 4},
                                                                   {"Phone Inquiry", 2},
                                                                   {"Trade Show", 2},
                                                                   {"Web", 5},
                                                                   {"Word of mouth", 3}});
    const bool leap_day = std::any_of(
        d.transactions.rows.begin(), d.transactions.rows.end(), [&](const Transaction& t) {
            return t.customer == node(g, kPinecrest) && t.date == day(2024, 2, 29) &&
                   t.amount == Approx(175000.0);
        });
    CHECK(leap_day);
}

TEST_CASE("Salesforce export: how each file was read", "[mapping]") {
    const ReadReport report = read_report("salesforce");
    check_sources(report, {
                              {"customers", "Account.csv", 10, 9, 1, 0},
                              {"customers", "Contact.csv", 26, 25, 1, 0},
                              {"relationships", "Contact.csv", 26, 23, 3, 0},
                              {"relationships", "Partner.csv", 8, 8, 0, 0},
                              {"transactions", "Opportunity.csv", 30, 16, 14, 0},
                          });
    for (const SourceReport& s : report.sources) {
        INFO(s.file);
        CHECK(s.encoding == "utf-8");
        CHECK(s.delimiter == ",");
    }
    CHECK(report.input.filtered == 19);
}
