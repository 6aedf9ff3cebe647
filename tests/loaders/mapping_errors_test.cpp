// Mapping files that are wrong, and CRM columns that would be misread: each is one clear error
// naming the mapping's line (or the file's header), never a silent skip.
#include <string>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/mapping.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {

// A data folder with a small contacts export and the given mapping; the error of loading it.
struct Export {
    test::ScratchDir scratch;
    Export() {
        test::write_file(scratch / "contacts.csv",
                         "Record ID,First Name,Email,Total Revenue,Created,Do Not Contact\n"
                         "1,Ann,ann@example.com,\"1,200.50\",03/07/2024,No\n"
                         "2,Ben,ben@example.com,80,12/24/2023,Yes\n");
        test::write_file(scratch / "links.csv", "From,To,Label\n1,2,Spouse\n");
    }
    std::string error(const std::string& mapping) const {
        test::write_file(scratch / "crm.toml", mapping);
        InputSource source;
        source.data_dir = scratch.path();
        LoadOptions options;
        options.mapping = scratch / "crm.toml";
        try {
            load_dataset(source, options);
        } catch (const Error& error) {
            std::string message = error.what();
            const std::string folder = scratch.path().string() + "/";
            for (std::size_t at; (at = message.find(folder)) != std::string::npos;)
                message.erase(at, folder.size());
            return message;
        }
        return "no error";
    }
};

const std::string kGood = R"(
[[customers]]
file = "contacts.csv"
dates = ["%m/%d/%Y"]
numbers = { thousands = "," }
ignore = ["Created"]
[customers.columns]
id = "Record ID"
name = "First Name"
value = "Total Revenue"
opt_out = { column = "Do Not Contact", map = { "Yes" = true, "No" = false } }
email = "Email"

[[relationships]]
file = "links.csv"
[relationships.columns]
source = "From"
target = "To"
type = { column = "Label", map = { "Spouse" = "family" } }
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("Mapping: the good mapping loads (the base of the error cases)", "[mapping][errors]") {
    Export data;
    CHECK(data.error(kGood) == "no error");
}

TEST_CASE("Mapping errors name the mapping's line", "[mapping][errors]") {
    Export data;
    // An unknown table (line 2).
    CHECK(data.error("[[contacts]]\nfile = \"contacts.csv\"\n" + kGood) ==
          "crm.toml:1: unknown table 'contacts'; a mapping has [[customers]], [[relationships]], "
          "[[referrals]], "
          "[[transactions]], [keys.NAME], [currency] and on_bad_row");
    CHECK(data.error(replaced(kGood, "[[relationships]]", "[[relationship]]"))
              .rfind("crm.toml:14: unknown table 'relationship' (did you mean relationships?)",
                     0) == 0);
    // An unknown catena column: a typo of one is never taken for an attribute.
    CHECK(data.error(replaced(kGood, "name = \"First Name\"", "nmae = \"First Name\"")) ==
          "crm.toml:9: customers.columns: unknown catena column 'nmae' (did you mean name?)");
    CHECK(data.error(replaced(kGood, "target = \"To\"", "tagret = \"To\""))
              .rfind("crm.toml:18: relationships.columns: unknown catena column 'tagret' (did you "
                     "mean target?)",
                     0) == 0);
    // A pattern that parses no date.
    CHECK(data.error(replaced(kGood, "dates = [\"%m/%d/%Y\"]", "dates = [\"%H:%M\"]")) ==
          "crm.toml:4: customers.dates: the pattern '%H:%M' parses no date: a pattern needs a year "
          "(%Y or %y), a "
          "month (%m, %b or %B) and a day (%d)");
    CHECK(data.error(replaced(kGood, "dates = [\"%m/%d/%Y\"]", "dates = [\"%m/%d/%Q\"]"))
              .find("unknown directive %Q") != std::string::npos);
    // A source column the file does not have.
    CHECK(data.error(replaced(kGood, "name = \"First Name\"", "name = \"Given Name\"")) ==
          "crm.toml:9: customers.columns.name: column 'Given Name' is not in contacts.csv (its "
          "columns: Record ID, "
          "First Name, Email, Total Revenue, Created, Do Not Contact)");
    // A value map on a column that is not text.
    CHECK(data.error(replaced(kGood, "value = \"Total Revenue\"",
                              "value = { column = \"Total Revenue\", map = { \"n/a\" = 0 } }")) ==
          "crm.toml:10: customers.columns.value: a value map goes on a text column (kind, segment, "
          "opt_out, converted, "
          "type, directed, channel or an attribute), not on 'value', which is a number");
    // TOML that does not parse.
    CHECK(data.error(kGood + "\n[[customers\n").rfind("crm.toml:21: column", 0) == 0);
    // A missing file, a key nobody gives, a required column not mapped.
    CHECK(data.error(replaced(kGood, "file = \"links.csv\"", "file = \"assoc.csv\"")) ==
          "crm.toml:14: relationships: file 'assoc.csv' is not in " + data.scratch.path().string());
    CHECK(data.error(replaced(kGood, "source = \"From\"",
                              "source = { column = \"From\", key = \"email\" }"))
              .find("no [[customers]] source gives the key 'email'") != std::string::npos);
    CHECK(data.error(replaced(kGood, "source = \"From\"\n", "")) ==
          "crm.toml:16: relationships.columns needs source (from links.csv)");
}

TEST_CASE("No silent misreads: columns that look like catena's are errors until mapped",
          "[mapping][errors]") {
    // Without a mapping: opted_out, optout_flag, valeu, segmnet (each in its own file).
    for (const auto& [column, like] :
         std::vector<std::pair<std::string, std::string>>{{"opted_out", "opt_out"},
                                                          {"optout_flag", "opt_out"},
                                                          {"Do Not Contact", "opt_out"},
                                                          {"Unsubscribed", "opt_out"},
                                                          {"valeu", "value"},
                                                          {"segmnet", "segment"},
                                                          {"Segments", "segment"}}) {
        INFO(column);
        test::ScratchDir scratch;
        test::write_file(scratch / "customers.csv", "id," + column + "\na,1\n");
        test::write_file(scratch / "relationships.csv", "source,target\na,a\n");
        InputSource source;
        source.data_dir = scratch.path();
        try {
            load_dataset(source, {});
            FAIL("loaded");
        } catch (const InputError& error) {
            const std::string message = error.what();
            CHECK(message.find("customers.csv:1: " + column + ": looks like catena's '" + like +
                               "' column") != std::string::npos);
        }
    }
    // Plain attributes stay attributes.
    test::ScratchDir scratch;
    test::write_file(scratch / "customers.csv",
                     "id,channel,city,profession,age_band,email,owner\na,x,y,z,w,v,u\n");
    test::write_file(scratch / "relationships.csv", "source,target\na,a\n");
    InputSource source;
    source.data_dir = scratch.path();
    CHECK(load_dataset(source, {}).graph.attribute_names().size() == 6);

    // With a mapping: an unused column that looks like an opt-out is an error, until it is mapped,
    // made an attribute or ignored.
    Export data;
    const std::string unmapped = replaced(
        kGood,
        "opt_out = { column = \"Do Not Contact\", map = { \"Yes\" = true, \"No\" = false } }\n",
        "");
    CHECK(data.error(unmapped) ==
          "contacts.csv:1: Do Not Contact: looks like catena's 'opt_out' column but crm.toml does "
          "not use it; map it (opt_out = \"Do Not Contact\"), make it an attribute, or list it in "
          "ignore = [...]");
    CHECK(data.error(replaced(unmapped, "ignore = [\"Created\"]",
                              "ignore = [\"Created\", \"Do Not Contact\"]")) == "no error");
    CHECK(data.error(replaced(unmapped, "email = \"Email\"",
                              "email = \"Email\"\ndo_not_contact = \"Do Not Contact\"")) ==
          "no error");
}

TEST_CASE("Mapping: opt-outs, numbers, dates and merges read as the export means them",
          "[mapping]") {
    Export data;
    test::write_file(data.scratch / "crm.toml", kGood);
    InputSource source;
    source.data_dir = data.scratch.path();
    LoadOptions options;
    options.mapping = data.scratch / "crm.toml";
    const Dataset loaded = load_dataset(source, options);
    const InfluenceGraph& g = loaded.graph;
    REQUIRE(g.num_nodes() == 2);
    CHECK(g.value(*g.find("1")) == Approx(1200.50));
    CHECK_FALSE(g.opt_out(*g.find("1")));
    CHECK(g.opt_out(*g.find("2")));
    CHECK(g.report().rows_by_type[*g.types().find("family")] == 1);
    // "1,200.50" without thousands = "," is an error with a hint, not 1 or 1.2.
    CHECK(data.error(replaced(kGood, "numbers = { thousands = \",\" }\n", "")) ==
          "contacts.csv:2: Total Revenue: not a number: '1,200.50' (if ',' separates thousands, "
          "say numbers = { "
          "thousands = \",\" } in the mapping)");
    // A status word not in the map: an error naming the column, not false.
    test::write_file(data.scratch / "contacts.csv",
                     "Record ID,First Name,Email,Total Revenue,Created,Do Not "
                     "Contact\n1,Ann,a@x,1,03/07/2024,Maybe\n");
    CHECK(data.error(kGood).rfind("contacts.csv:2: Do Not Contact: not true or false: 'Maybe'",
                                  0) == 0);
}
