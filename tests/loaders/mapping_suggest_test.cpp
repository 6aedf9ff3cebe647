// `catena mapping suggest DIR` (suggest_mapping): on the two CRM-export fixtures it proposes the
// right table for each file and the right id, segment, value and opt-out columns; its output is
// TOML in the mapping syntax; on catena's own format it maps every column to itself.
#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <toml++/toml.h>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/mapping.hpp"

#include "test_util.hpp"

using namespace catena;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& name) { return test::data_dir() / "crm_export" / name; }

toml::table parse_draft(const std::string& draft) {
    try {
        return toml::parse(draft);
    } catch (const toml::parse_error& error) {
        FAIL("the draft is not TOML: " << error.description() << " at line "
                                       << error.source().begin.line << "\n"
                                       << draft);
    }
    return {};
}

// The block of `table` reading `file`; several blocks of one table may read the same file only
// in different tables, so at most one matches.
const toml::table& block(const toml::table& draft, std::string_view table, std::string_view file) {
    const toml::array* blocks = draft[table].as_array();
    INFO("[[" << table << "]] for " << file);
    REQUIRE(blocks != nullptr);
    const toml::table* found = nullptr;
    for (const toml::node& node : *blocks) {
        const toml::table* t = node.as_table();
        REQUIRE(t != nullptr);
        if ((*t)["file"].value<std::string>() == std::string(file)) {
            REQUIRE(found == nullptr);
            found = t;
        }
    }
    REQUIRE(found != nullptr);
    return *found;
}

const toml::table& columns(const toml::table& b) {
    const toml::table* c = b["columns"].as_table();
    REQUIRE(c != nullptr);
    return *c;
}

// A column spec's source column: the string itself, or its `column`.
std::optional<std::string> source_column(const toml::table& b, std::string_view catena) {
    const toml::node_view spec = columns(b)[catena];
    if (auto text = spec.value<std::string>()) return text;
    if (const toml::table* t = spec.as_table()) return (*t)["column"].value<std::string>();
    return std::nullopt;
}

std::string spec_key(const toml::table& b, std::string_view catena, std::string_view key) {
    const toml::table* t = columns(b)[catena].as_table();
    if (!t) return "";
    return (*t)[key].value<std::string>().value_or("");
}

// Which tables each file feeds.
std::map<std::string, std::set<std::string>> tables_per_file(const toml::table& draft) {
    std::map<std::string, std::set<std::string>> out;
    for (const char* table : {"customers", "relationships", "referrals", "transactions"})
        if (const toml::array* blocks = draft[table].as_array())
            for (const toml::node& node : *blocks)
                out[*(*node.as_table())["file"].value<std::string>()].insert(table);
    return out;
}

std::vector<std::string> strings(const toml::node_view<const toml::node>& node) {
    std::vector<std::string> out;
    if (const toml::array* a = node.as_array())
        for (const toml::node& item : *a) out.push_back(item.value<std::string>().value_or("?"));
    return out;
}

bool has(const std::vector<std::string>& items, std::string_view item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

// The draft's line holding `text`.
std::string line_with(const std::string& draft, std::string_view text) {
    const auto at = draft.find(text);
    if (at == std::string::npos) return "";
    const auto start = draft.rfind('\n', at) + 1;
    return draft.substr(start, draft.find('\n', at) - start);
}

}  // namespace

TEST_CASE("mapping suggest: the HubSpot export", "[mapping]") {
    const std::string draft = suggest_mapping(fixture("hubspot"));
    INFO(draft);
    const toml::table t = parse_draft(draft);

    CHECK(tables_per_file(t) == std::map<std::string, std::set<std::string>>{
                                    {"associations.csv", {"relationships"}},
                                    {"companies.csv", {"customers"}},
                                    {"contacts.csv", {"customers", "relationships"}},
                                    {"orders.csv", {"transactions"}},
                                    {"referrals.csv", {"referrals"}}});

    const toml::table& contacts = block(t, "customers", "contacts.csv");
    CHECK(source_column(contacts, "id") == "Record ID");
    CHECK(source_column(contacts, "segment") == "Lifecycle Stage");
    CHECK(source_column(contacts, "value") == "Total Revenue");
    CHECK(source_column(contacts, "opt_out") == "Unsubscribed from all email");
    const toml::table* opt_map = columns(contacts)["opt_out"]["map"].as_table();
    REQUIRE(opt_map != nullptr);
    CHECK((*opt_map)["Yes"].value<bool>() == true);
    CHECK((*opt_map)["No"].value<bool>() == false);
    CHECK(line_with(draft, "opt_out = { column = \"Unsubscribed").find("# guess:") !=
          std::string::npos);
    CHECK(columns(contacts)["name"].value<std::string>() == "{First Name} {Last Name}");
    CHECK(columns(contacts)["kind"]["value"].value<std::string>() == "person");
    CHECK(contacts["id_prefix"].value<std::string>().has_value());
    CHECK(contacts["keys"]["email"].value<std::string>() == "Email");
    CHECK(contacts["numbers"]["thousands"].value<std::string>() == ",");  // "1,234.50"
    const auto contact_ignore = strings(contacts["ignore"]);
    CHECK(has(contact_ignore, "Opted out of email: Newsletter"));  // never silently dropped
    CHECK(has(contact_ignore, "Phone Number"));
    CHECK_FALSE(columns(contacts).contains("Opted out of email: Newsletter"));

    const toml::table& companies = block(t, "customers", "companies.csv");
    CHECK(source_column(companies, "id") == "Record ID");
    CHECK(source_column(companies, "name") == "Company name");
    CHECK(source_column(companies, "segment") == "Lifecycle Stage");
    CHECK(source_column(companies, "value") == "Total Revenue");  // not Annual Revenue
    CHECK_FALSE(columns(companies).contains("opt_out"));
    CHECK(columns(companies)["kind"]["value"].value<std::string>() == "business");
    CHECK(companies["encoding"].value<std::string>() == "windows-1252");
    CHECK(companies["delimiter"].value<std::string>() == ";");
    CHECK(companies["numbers"]["decimal"].value<std::string>() == ",");
    CHECK(companies["numbers"]["thousands"].value<std::string>() == ".");
    CHECK(companies["id_prefix"].value<std::string>() !=
          contacts["id_prefix"].value<std::string>());

    const toml::table& associations = block(t, "relationships", "associations.csv");
    CHECK(source_column(associations, "source") == "Contact ID");
    CHECK(source_column(associations, "target") == "Associated Contact ID");
    const std::string contact_key = spec_key(associations, "source", "key");
    CHECK_FALSE(contact_key.empty());
    CHECK(contacts["keys"][contact_key].value<std::string>() == "Record ID");
    CHECK(source_column(associations, "type") == "Association Label");
    CHECK(strings(columns(associations)["type"]["reversed"]) ==
          std::vector<std::string>{"Referred by"});
    const toml::table* labels = columns(associations)["type"]["map"].as_table();
    REQUIRE(labels != nullptr);
    CHECK((*labels)["Spouse"].value<std::string>() == "family");
    CHECK((*labels)["Colleague"].value<std::string>() == "coworker");
    CHECK((*labels)["Referred by"].value<std::string>() == "referral");
    CHECK((*labels)["Referrer"].value<std::string>() == "referral");

    const toml::table& companies_of_contacts = block(t, "relationships", "contacts.csv");
    CHECK(source_column(companies_of_contacts, "target") == "Associated Company IDs");
    CHECK(spec_key(companies_of_contacts, "target", "list") == ";");
    const std::string company_key = spec_key(companies_of_contacts, "target", "key");
    CHECK(companies["keys"][company_key].value<std::string>() == "Record ID");
    CHECK(columns(companies_of_contacts)["type"]["value"].value<std::string>() == "professional");
    CHECK(strings(companies_of_contacts["dates"]) == std::vector<std::string>{"%m/%d/%Y %I:%M %p"});

    const toml::table& referrals = block(t, "referrals", "referrals.csv");
    CHECK(source_column(referrals, "referrer") == "Referrer Email");
    CHECK(source_column(referrals, "referred") == "Referred Email");
    CHECK(spec_key(referrals, "referrer", "key") == "email");
    CHECK(spec_key(referrals, "referred", "key") == "email");
    CHECK(source_column(referrals, "date") == "Referral Date");
    CHECK(strings(referrals["dates"]) == std::vector<std::string>{"%m/%d/%Y"});
    CHECK(source_column(referrals, "converted") == "Status");
    CHECK(columns(referrals)["converted"]["map"]["Converted"].value<bool>() == true);
    CHECK(columns(referrals)["converted"]["map"]["Pending"].value<bool>() == false);
    CHECK(columns(referrals)["converted"]["map"]["Expired"].value<bool>() == false);
    CHECK(source_column(referrals, "reward") == "Reward");
    REQUIRE(t["keys"]["email"]["normalize"].as_array() != nullptr);
    CHECK(strings(t["keys"]["email"]["normalize"]) == std::vector<std::string>{"trim", "lower"});

    const toml::table& orders = block(t, "transactions", "orders.csv");
    CHECK(source_column(orders, "customer") == "Email");
    CHECK(spec_key(orders, "customer", "key") == "email");
    CHECK(source_column(orders, "date") == "Created at");
    CHECK(source_column(orders, "amount") == "Total");
    CHECK(spec_key(orders, "amount", "currency") == "Currency");
    CHECK(source_column(orders, "order_id") == "Order ID");
    const auto drop = strings(orders["skip_if"]["Financial Status"]);
    CHECK(has(drop, "refunded"));
    CHECK(has(drop, "voided"));
    CHECK_FALSE(has(drop, "partially_refunded"));
    CHECK_FALSE(has(drop, "paid"));
    // Three currencies and no rates: the [currency] table is drafted but left commented out.
    CHECK_FALSE(t.contains("currency"));
    CHECK(draft.find("# [currency]") != std::string::npos);
}

TEST_CASE("mapping suggest: the Salesforce export", "[mapping]") {
    const std::string draft = suggest_mapping(fixture("salesforce"));
    INFO(draft);
    const toml::table t = parse_draft(draft);

    CHECK(tables_per_file(t) == std::map<std::string, std::set<std::string>>{
                                    {"Account.csv", {"customers"}},
                                    {"Contact.csv", {"customers", "relationships"}},
                                    {"Opportunity.csv", {"transactions"}},
                                    {"Partner.csv", {"relationships"}}});

    const toml::table& accounts = block(t, "customers", "Account.csv");
    CHECK(source_column(accounts, "id") == "Id");
    CHECK(source_column(accounts, "name") == "Name");
    CHECK(source_column(accounts, "segment") == "Type");
    CHECK(source_column(accounts, "value") == "AnnualRevenue");
    CHECK(columns(accounts)["kind"]["value"].value<std::string>() == "business");
    CHECK(strings(accounts["skip_if"]["IsDeleted"]) == std::vector<std::string>{"true"});
    CHECK_FALSE(accounts.contains("id_prefix"));  // Salesforce ids never collide

    const toml::table& contacts = block(t, "customers", "Contact.csv");
    CHECK(source_column(contacts, "id") == "Id");
    CHECK(columns(contacts)["name"].value<std::string>() == "{FirstName} {LastName}");
    CHECK(source_column(contacts, "segment") == "LeadSource");
    CHECK(source_column(contacts, "opt_out") == "HasOptedOutOfEmail");
    CHECK(columns(contacts)["kind"]["value"].value<std::string>() == "person");
    CHECK(has(strings(contacts["ignore"]), "HasOptedOutOfFax"));
    CHECK(has(strings(contacts["ignore"]), "AccountId"));

    const toml::table& works_for = block(t, "relationships", "Contact.csv");
    CHECK(source_column(works_for, "source") == "Id");
    CHECK(source_column(works_for, "target") == "AccountId");
    CHECK(columns(works_for)["type"]["value"].value<std::string>() == "professional");
    CHECK(strings(works_for["skip_if"]["AccountId"]) ==
          std::vector<std::string>{""});  // private contacts

    const toml::table& partners = block(t, "relationships", "Partner.csv");
    CHECK(source_column(partners, "source") == "AccountFromId");
    CHECK(source_column(partners, "target") == "AccountToId");
    CHECK(source_column(partners, "type") == "Role");
    CHECK(columns(partners)["type"]["map"]["Distributor"].value<std::string>() == "intermediary");
    CHECK(columns(partners)["type"]["map"]["Consultant"].value<std::string>() == "partner");

    const toml::table& opportunities = block(t, "transactions", "Opportunity.csv");
    CHECK(source_column(opportunities, "customer") == "AccountId");
    CHECK(source_column(opportunities, "amount") == "Amount");
    CHECK(source_column(opportunities, "date") == "CloseDate");
    CHECK_FALSE(opportunities.contains("dates"));  // ISO: catena's default
    const auto stages = strings(opportunities["skip_if"]["StageName"]);
    CHECK(has(stages, "Closed Lost"));
    CHECK(has(stages, "Prospecting"));
    CHECK(has(stages, "Negotiation/Review"));
    CHECK_FALSE(has(stages, "Closed Won"));
}

TEST_CASE("mapping suggest: catena's own format maps every column to itself", "[mapping]") {
    const fs::path crm = test::source_dir() / "samples" / "crm";
    const std::string draft = suggest_mapping(crm);
    INFO(draft);
    const toml::table t = parse_draft(draft);
    CHECK(tables_per_file(t) ==
          std::map<std::string, std::set<std::string>>{{"customers.csv", {"customers"}},
                                                       {"referrals.csv", {"referrals"}},
                                                       {"relationships.csv", {"relationships"}},
                                                       {"transactions.csv", {"transactions"}}});
    const std::map<std::string, std::vector<std::string>> expected = {
        {"customers.csv",
         {"id", "kind", "name", "segment", "value", "cost", "opt_out", "channel", "profession",
          "age_band", "city"}},
        {"relationships.csv", {"source", "target", "type", "weight", "date"}},
        {"referrals.csv", {"referrer", "referred", "date", "converted", "reward"}},
        {"transactions.csv", {"customer", "date", "amount", "channel", "on_behalf_of"}},
    };
    for (const auto& [file, names] : expected) {
        INFO(file);
        const std::string table = file.substr(0, file.size() - 4);
        const toml::table& b = block(t, table, file);
        CHECK(columns(b).size() == names.size());
        for (const std::string& name : names) CHECK(columns(b)[name].value<std::string>() == name);
        CHECK_FALSE(b.contains("ignore"));
        CHECK_FALSE(b.contains("id_prefix"));
        CHECK_FALSE(b.contains("keys"));
        CHECK_FALSE(b.contains("dates"));
        CHECK_FALSE(b.contains("numbers"));
        CHECK_FALSE(b.contains("skip_if"));
    }
    CHECK_FALSE(t.contains("keys"));
}

TEST_CASE("mapping suggest: catena's own format loads through the draft as without it",
          "[mapping]") {
    const fs::path crm = test::source_dir() / "samples" / "crm";
    test::ScratchDir scratch;
    test::write_file(scratch / "draft.toml", suggest_mapping(crm));
    InputSource source;
    source.data_dir = crm;
    LoadOptions options;
    const Dataset plain = load_dataset(source, options);
    options.mapping = scratch / "draft.toml";
    const Dataset mapped = load_dataset(source, options);
    // The same graph; only the order of the attribute columns may differ (a TOML table's keys
    // have no order).
    const InfluenceGraph& a = plain.graph;
    const InfluenceGraph& b = mapped.graph;
    REQUIRE(b.num_nodes() == a.num_nodes());
    REQUIRE(b.num_edges() == a.num_edges());
    for (NodeId n = 0; n < a.num_nodes(); ++n) {
        INFO(a.external_id(n));
        CHECK(b.external_id(n) == a.external_id(n));
        CHECK(b.kind(n) == a.kind(n));
        CHECK(b.name(n) == a.name(n));
        CHECK(b.segment(n) == a.segment(n));
        CHECK(b.has_value(n) == a.has_value(n));
        CHECK(b.value(n) == a.value(n));
        CHECK(b.has_cost(n) == a.has_cost(n));
        CHECK(b.cost(n) == a.cost(n));
        CHECK(b.opt_out(n) == a.opt_out(n));
    }
    std::vector<std::string> names_a = a.attribute_names(), names_b = b.attribute_names();
    std::sort(names_a.begin(), names_a.end());
    std::sort(names_b.begin(), names_b.end());
    REQUIRE(names_b == names_a);
    for (std::size_t i = 0; i < a.attribute_names().size(); ++i) {
        const auto j =
            static_cast<std::size_t>(std::find(b.attribute_names().begin(),
                                               b.attribute_names().end(), a.attribute_names()[i]) -
                                     b.attribute_names().begin());
        for (NodeId n = 0; n < a.num_nodes(); ++n) CHECK(b.attribute(j, n) == a.attribute(i, n));
    }
    for (EdgeId e = 0; e < a.num_edges(); ++e) {
        CHECK(b.edge_source(e) == a.edge_source(e));
        CHECK(b.edge_target(e) == a.edge_target(e));
        CHECK(b.type(e) == a.type(e));
        CHECK(b.strength(e) == a.strength(e));
        CHECK(b.date(e) == a.date(e));
    }
    CHECK(b.report() == a.report());
    CHECK(mapped.referrals == plain.referrals);
    CHECK(mapped.transactions == plain.transactions);
    CHECK(mapped.graph.num_nodes() > 100);  // the sample world, not an empty one
}

TEST_CASE("mapping suggest: the Salesforce draft loads the fixture's counts", "[mapping]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "draft.toml", suggest_mapping(fixture("salesforce")));
    InputSource source;
    source.data_dir = fixture("salesforce");
    LoadOptions options;
    options.mapping = scratch / "draft.toml";
    const Dataset d = load_dataset(source, options);
    const InfluenceGraph& g = d.graph;
    CHECK(g.num_nodes() == 34);
    CHECK(g.num_edges() == 54);
    CHECK(g.report().relationship_rows == 31);
    std::size_t opted_out = 0;
    for (NodeId n = 0; n < g.num_nodes(); ++n) opted_out += g.opt_out(n);
    CHECK(opted_out == 4);
    CHECK(d.transactions.rows.size() == 16);
    double total = 0;
    for (const Transaction& row : d.transactions.rows) total += row.amount;
    CHECK(total == Approx(1066600.75));
    CHECK(d.input.filtered == 19);
}

TEST_CASE("mapping suggest: delimiters, encodings, date and number styles from the rows",
          "[mapping]") {
    test::ScratchDir scratch;
    // Tab-separated, Latin-1 (0x90 is undefined in Windows-1252), European dates and numbers.
    test::write_file(scratch / "a_customers.tsv.csv",
                     "Customer ID\tName\tSegment\tLifetime Value\tDo Not Contact\n"
                     "1\tJos\xe9 L\xf3pez\tgold\t1.234,50\tYes\n"
                     "2\tKarl \x90\tsilver\t12,00\t\n");
    // Pipe-separated orders with day-first slash dates (a day past 12) and $ totals.
    test::write_file(scratch / "b_orders.csv",
                     "order number|customer id|order date|amount|status\n"
                     "A-1|1|25/12/2024 14:30|$1,200.00|complete\n"
                     "A-2|2|03/01/2025 09:05|$80.50|cancelled\n");
    // A file catena cannot place, and one with only a header.
    test::write_file(scratch / "c_notes.csv", "foo,bar\n1,2\n");
    // Month and day both past 12: no pattern is guessed, the comment says so.
    test::write_file(scratch / "e_referrals.csv", "referrer,referred,date\n1,2,13/13/2024\n");
    test::write_file(scratch / "d_empty.csv", "");
    const std::string draft = suggest_mapping(scratch.path());
    INFO(draft);
    const toml::table t = parse_draft(draft);

    const toml::table& customers = block(t, "customers", "a_customers.tsv.csv");
    CHECK(customers["delimiter"].value<std::string>() == "tab");
    CHECK(customers["encoding"].value<std::string>() == "latin-1");
    CHECK(source_column(customers, "id") == "Customer ID");
    CHECK(source_column(customers, "segment") == "Segment");
    CHECK(source_column(customers, "value") == "Lifetime Value");
    CHECK(source_column(customers, "opt_out") == "Do Not Contact");
    CHECK(columns(customers)["opt_out"]["map"]["Yes"].value<bool>() == true);
    CHECK(columns(customers)["opt_out"]["map"]["No"].value<bool>() == false);
    CHECK(columns(customers)["kind"]["value"].value<std::string>() == "person");
    CHECK(customers.contains("ignore") == false);  // every column is used
    CHECK(customers["numbers"]["decimal"].value<std::string>() == ",");
    CHECK(customers["numbers"]["thousands"].value<std::string>() == ".");

    const toml::table& orders = block(t, "transactions", "b_orders.csv");
    CHECK(orders["delimiter"].value<std::string>() == "|");
    CHECK_FALSE(orders.contains("encoding"));
    CHECK(source_column(orders, "customer") == "customer id");
    CHECK(source_column(orders, "amount") == "amount");
    CHECK(source_column(orders, "order_id") == "order number");
    CHECK(strings(orders["dates"]) == std::vector<std::string>{"%d/%m/%Y %H:%M"});
    CHECK(orders["numbers"]["thousands"].value<std::string>() == ",");
    CHECK(strings(orders["skip_if"]["status"]) == std::vector<std::string>{"cancelled"});
    CHECK(line_with(draft, "numbers = { decimal = \".\"").find("$") != std::string::npos);

    const toml::table& referrals = block(t, "referrals", "e_referrals.csv");
    CHECK_FALSE(referrals.contains("dates"));
    CHECK(line_with(draft, "date = \"date\"").find("fit no pattern") != std::string::npos);

    // Not placed: listed, commented out.
    CHECK(tables_per_file(t).count("c_notes.csv") == 0);
    CHECK(tables_per_file(t).count("d_empty.csv") == 0);
    CHECK(draft.find("# c_notes.csv: ") != std::string::npos);
    CHECK(draft.find("# d_empty.csv: ") != std::string::npos);
}

TEST_CASE("mapping suggest: a folder without CSV files is an input error", "[mapping]") {
    test::ScratchDir scratch;
    CHECK_THROWS_AS(suggest_mapping(scratch.path()), InputError);
    CHECK_THROWS_AS(suggest_mapping(scratch / "missing"), InputError);
}
