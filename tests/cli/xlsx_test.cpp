// --format xlsx, --output FILE and --csv-bom on the commands that print a result, and the batch
// job's report.xlsx, through the real binary. Workbooks are read back with openpyxl
// (tests/xlsx_util.hpp) and compared with the CSV text each sheet is made from.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/output.hpp"
#include "catena/loaders/csv_reader.hpp"

#include "test_util.hpp"
#include "xlsx_util.hpp"

using namespace catena;

namespace {

using nlohmann::json;

std::size_t column_of(const test::CsvTable& table, const std::string& name) {
    for (std::size_t column = 0; column < table.header.size(); ++column)
        if (table.header[column] == name) return column;
    FAIL("no column " << name);
    return 0;
}

// The sheet holds the CSV table: same header and rows, header bold and frozen, an autofilter
// over the table, each column of one kind, and every cell as in the CSV (numbers as numbers).
void check_sheet(const json& sheet, const test::CsvTable& csv) {
    CHECK(sheet["header"].get<std::vector<std::string>>() == csv.header);
    REQUIRE(sheet["rows"] == csv.rows.size());
    CHECK(sheet["freeze"] == "A2");
    CHECK(sheet["filter"] == test::table_range(csv));
    CHECK(sheet["bold"] == true);
    for (std::size_t column = 0; column < csv.header.size(); ++column) {
        INFO("column " << csv.header[column]);
        const json& kinds = sheet["kinds"][column];
        CHECK(kinds.size() <= 1);
        for (std::size_t row = 0; row < csv.rows.size(); ++row) {
            const std::string& text = csv.rows[row][column];
            const json& cell = sheet["cells"][row][column];
            INFO("row " << row + 1 << ": " << text);
            if (text.empty())
                CHECK(cell.is_null());
            else if (kinds == json::array({"n"}))
                CHECK(cell.get<double>() == Approx(std::stod(text)).epsilon(1e-15));
            else
                CHECK(cell == text);
        }
    }
}

void check_kinds(const json& sheet, const test::CsvTable& csv,
                 const std::vector<std::string>& columns, const std::string& kind) {
    for (const std::string& name : columns) {
        INFO("column " << name << " should be " << kind);
        CHECK(sheet["kinds"][column_of(csv, name)] == json::array({kind}));
    }
}

struct CommandCase {
    std::string arguments, sheet;
    std::vector<std::string> numbers, texts;
};

}  // namespace

TEST_CASE("xlsx: every analysis command and stats write their CSV table as a typed workbook",
          "[cli][xlsx]") {
    test::ScratchDir scratch;
    const CommandCase cases[] = {
        {"rank --data samples/crm", "influencers", {"rank", "value", "score"}, {"id", "name"}},
        {"communities --data samples/crm",
         "communities",
         {"community", "size", "total_value", "internal_strength"},
         {"top_customers"}},
        {"simulate --data samples/crm --seeds C0042 --sims 500",
         "simulation",
         {"activation_probability"},
         {"id", "name", "opt_out"}},
        {"seeds --data samples/crm -k 3", "seeds", {"order", "cost", "marginal_estimate"}, {"id"}},
        {"compare --data samples/crm -k 3 --sims 200",
         "compare",
         {"k", "expected_spread", "standard_error", "expected_value"},
         {"strategy"}},
        {"value --data samples/crm",
         "values",
         {"rank", "own_value", "network_value", "direct_referrals", "r_score"},
         {"id", "quadrant", "own_value_source", "referred_by"}},
        {"stats --data samples/crm", "stats", {}, {"metric", "value"}},
    };
    int number = 0;
    for (const CommandCase& command : cases) {
        INFO(command.arguments);
        const auto csv = test::run_catena(command.arguments + " --format csv -q");
        REQUIRE(csv.exit_code == 0);
        const auto workbook = scratch / ("book" + std::to_string(++number) + ".xlsx");
        const auto xlsx = test::run_catena(command.arguments + " --format xlsx --output '" +
                                           workbook.string() + "' -q");
        INFO(xlsx.err);
        REQUIRE(xlsx.exit_code == 0);
        CHECK(xlsx.out.empty());
        const json book = test::read_workbook(workbook);
        CHECK(book["sheets"] == json::array({command.sheet}));
        const test::CsvTable table = test::read_csv_text(csv.out);
        const json& sheet = book["tables"][command.sheet];
        check_sheet(sheet, table);
        check_kinds(sheet, table, command.numbers, "n");
        check_kinds(sheet, table, command.texts, "s");
    }
}

TEST_CASE("xlsx: catena runs and runs show write workbooks too", "[cli][xlsx][runs]") {
    test::ScratchDir scratch;
    const std::string db = (scratch / "crm.db").string();
    REQUIRE(test::run_catena("import samples/crm --db '" + db + "' -q").exit_code == 0);
    REQUIRE(test::run_catena("rank --db '" + db + "' -q --top 1").exit_code == 0);
    for (const std::string& arguments : {std::string("runs"), std::string("runs show 1")}) {
        INFO(arguments);
        const auto workbook = scratch / "runs.xlsx";
        const auto xlsx = test::run_catena(arguments + " --db '" + db + "' --format xlsx -o '" +
                                           workbook.string() + "'");
        INFO(xlsx.err);
        REQUIRE(xlsx.exit_code == 0);
        CHECK(xlsx.err == "catena: wrote " + workbook.string() + "\n");
        const auto csv = test::run_catena(arguments + " --db '" + db + "' --format csv");
        const std::string name = arguments == "runs" ? "runs" : "run 1";
        const json book = test::read_workbook(workbook);
        CHECK(book["sheets"] == json::array({name}));
        check_sheet(book["tables"][name], test::read_csv_text(csv.out));
    }
}

TEST_CASE("xlsx: ids with leading zeros stay text, columns of plain numbers are numbers",
          "[cli][xlsx]") {
    test::ScratchDir scratch;
    const auto data = scratch / "data";
    std::filesystem::create_directories(data);
    test::write_file(data / "customers.csv",
                     "id,kind,name,segment,value\n"
                     "00123,person,+4412345,01,10\n"
                     "00007,person,Ana,02,20.5\n"
                     "0815,business,Café Olé,01,\n"
                     "C0042,person,Zoë,02,3\n");
    test::write_file(data / "relationships.csv",
                     "source,target\n00123,00007\n00007,0815\n0815,C0042\nC0042,00123\n");
    const auto workbook = scratch / "rank.xlsx";
    const auto run = test::run_catena("rank --data '" + data.string() +
                                      "' --format xlsx -q --output '" + workbook.string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto csv = test::run_catena("rank --data '" + data.string() + "' --format csv -q");
    const test::CsvTable table = test::read_csv_text(csv.out);
    const json sheet = test::read_workbook(workbook)["tables"]["influencers"];
    check_sheet(sheet, table);
    // id: leading zeros; name: a leading '+'; segment: 01 and 02. value has an empty cell.
    check_kinds(sheet, table, {"id", "name", "segment"}, "s");
    check_kinds(sheet, table, {"rank", "value", "score"}, "n");
    std::vector<std::string> ids;
    for (const json& row : sheet["cells"]) ids.push_back(row[column_of(table, "id")]);
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::string>{"00007", "00123", "0815", "C0042"});

    // Ids that are all plain numbers are still text: a lookup between sheets must find text.
    test::write_file(scratch / "edges.csv", "source,target\n1,2\n2,3\n3,1\n");
    const auto edges = test::run_catena("rank --edges '" + (scratch / "edges.csv").string() +
                                        "' --format xlsx -q -o '" + workbook.string() + "'");
    REQUIRE(edges.exit_code == 0);
    const json numbered = test::read_workbook(workbook)["tables"]["influencers"];
    CHECK(numbered["kinds"][1] == json::array({"s"}));
    CHECK(numbered["header"][1] == "id");
}

TEST_CASE("xlsx: --format xlsx needs --output, and an unwritable --output is one output error",
          "[cli][xlsx][errors]") {
    test::ScratchDir scratch;
    const auto missing = test::run_catena("rank --data samples/crm --format xlsx");
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.empty());
    CHECK(missing.err ==
          "catena: usage error: --format xlsx needs --output FILE: a workbook is not for a "
          "terminal\n");
    const auto bad_format = test::run_catena("rank --data samples/crm --format xls -o x.xls");
    CHECK(bad_format.exit_code == 2);
    CHECK(bad_format.err ==
          "catena: usage error: --format must be table, csv, json or xlsx, not 'xls'\n");
    for (const std::string format : {"xlsx", "csv", "table", "json"}) {
        INFO(format);
        const auto no_folder = test::run_catena("rank --data samples/crm --format " + format +
                                                " --output /nonexistent/dir/x." + format);
        CHECK(no_folder.exit_code == 4);
        CHECK(no_folder.out.empty());
        CHECK(no_folder.err == "catena: output error: /nonexistent/dir/x." + format +
                                   ": cannot write: no such folder\n");
    }
    const auto folder = test::run_catena("stats --data samples/crm --format xlsx --output '" +
                                         scratch.path().string() + "'");
    CHECK(folder.exit_code == 4);
    CHECK(folder.err ==
          "catena: output error: " + scratch.path().string() + ": cannot write: it is a folder\n");
    CHECK(std::filesystem::is_empty(scratch.path()));  // no partial file left behind
}

TEST_CASE("xlsx: --output writes table, CSV and JSON to the file instead of standard output",
          "[cli][xlsx]") {
    test::ScratchDir scratch;
    for (const std::string format : {"table", "csv", "json"}) {
        INFO(format);
        const std::string command = "rank --data samples/crm --top 5 --format " + format;
        const auto printed = test::run_catena(command + " -q");
        REQUIRE(printed.exit_code == 0);
        const auto file = scratch / ("rank." + format);
        const auto written = test::run_catena(command + " --output '" + file.string() + "'");
        REQUIRE(written.exit_code == 0);
        CHECK(written.out.empty());
        CHECK(written.err == "catena: wrote " + file.string() + "\n");
        CHECK(test::read_file(file) == printed.out);
    }
}

TEST_CASE("xlsx: --csv-bom starts CSV with a UTF-8 byte-order mark that catena reads past",
          "[cli][xlsx][bom]") {
    test::ScratchDir scratch;
    const std::string bom = "\xEF\xBB\xBF";
    const auto plain = test::run_catena("rank --data samples/crm --format csv -q");
    const auto marked = test::run_catena("rank --data samples/crm --format csv -q --csv-bom");
    REQUIRE(marked.exit_code == 0);
    CHECK(marked.out == bom + plain.out);
    // Only CSV gets one.
    const auto json_out = test::run_catena("rank --data samples/crm --format json -q --csv-bom");
    CHECK(json_out.out.starts_with("{"));

    // A seeds file with a BOM is still a seeds file, and its header reads as "order".
    const auto seeds = scratch / "seeds.csv";
    REQUIRE(test::run_catena("seeds --data samples/crm -k 3 --format csv --csv-bom -q -o '" +
                             seeds.string() + "'")
                .exit_code == 0);
    const std::string seeds_text = test::read_file(seeds);
    CHECK(seeds_text.starts_with(bom + "order,id,"));
    CHECK(CsvReader::open(seeds).header().front() == "order");
    const auto simulate =
        test::run_catena("simulate --data samples/crm --sims 100 -q --seeds-file '" +
                         seeds.string() + "' --format json");
    INFO(simulate.err);
    REQUIRE(simulate.exit_code == 0);
    CHECK(nlohmann::json::parse(simulate.out)["seeds"].size() == 3);

    // The membership file too, and --initial reads it back.
    const auto members = scratch / "members.csv";
    REQUIRE(test::run_catena("communities --data samples/crm -q --csv-bom --membership-out '" +
                             members.string() + "'")
                .exit_code == 0);
    CHECK(test::read_file(members).starts_with(bom + "id,community,opt_out\n"));
    CHECK(test::run_catena("communities --data samples/crm -q --initial '" + members.string() + "'")
              .exit_code == 0);
}

TEST_CASE("xlsx: report.xlsx has a Summary sheet, then one sheet per CSV table of the report",
          "[cli][xlsx][report]") {
    test::ScratchDir scratch;
    const auto out = scratch / "report";
    test::write_file(scratch / "job.toml",
                     "name = \"Café workbook\"\n[data]\nfolder = \"" +
                         (test::source_dir() / "samples" / "crm").string() +
                         "\"\n[compare]\nsimulations = 200\n[output]\nfolder = \"" + out.string() +
                         "\"\ncsv_bom = true\n");
    const auto run = test::run_catena("report --job '" + (scratch / "job.toml").string() + "' -q");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.out.find("Workbook: " + (out / "report.xlsx").string() + "\n") != std::string::npos);
    const json book = test::read_workbook(out / "report.xlsx");
    CHECK(book["sheets"] ==
          json::array({"Summary", "influencers", "communities", "seeds", "compare", "values"}));
    for (const char* name : {"influencers", "communities", "seeds", "compare", "values"}) {
        INFO(name);
        const auto file = out / (std::string(name) + ".csv");
        std::string text = test::read_file(file);
        REQUIRE(text.starts_with(kUtf8Bom));  // [output] csv_bom = true
        check_sheet(book["tables"][name], test::read_csv_text(text.substr(3)));
    }

    // The Summary: section, finding, value, each figure as summary.json has it.
    const json& summary_sheet = book["tables"]["Summary"];
    CHECK(summary_sheet["header"] == json::array({"section", "finding", "value"}));
    CHECK(summary_sheet["freeze"] == "A2");
    const auto summary = json::parse(test::read_file(out / "summary.json"));
    const auto finding = [&](const std::string& section, const std::string& name) {
        for (const json& row : summary_sheet["cells"])
            if (row[0] == section && row[1] == name) return row[2];
        FAIL("no finding " << section << ": " << name);
        return json();
    };
    CHECK(finding("Report", "job") == "Café workbook");
    CHECK(finding("Data", "customers") == 400);
    CHECK(finding("Data", "customers who opted out") == summary["data"]["opted_out"]);
    CHECK(finding("Influencers", "top influencer") == "C0042");
    CHECK(finding("Communities", "communities") == summary["communities"]["count"]);
    CHECK(finding("Communities", "modularity").get<double>() ==
          Approx(summary["communities"]["modularity"].get<double>()));
    CHECK(finding("Seeds", "seed customers") == 10);
    CHECK(finding("Seeds", "expected customers reached").get<double>() ==
          Approx(summary["seeds"]["simulated_spread"].get<double>()));
    CHECK(finding("Seeds", "seeds, in the order chosen").get<std::string>().starts_with("C0042, "));
    for (const json& quadrant : summary["value"]["quadrants"])
        CHECK(finding("Value", quadrant["name"].get<std::string>()) == quadrant["customers"]);
    CHECK(finding("Referrals", "longest cascade (steps)") == summary["referrals"]["max_depth"]);
    CHECK(summary_sheet["kinds"][2] == json::array({"n", "s"}));  // figures and names
}

TEST_CASE("xlsx: a report's rejected rows are its last sheet, and --csv-bom marks them too",
          "[cli][xlsx][report]") {
    test::ScratchDir scratch;
    const auto data = scratch / "data";
    std::filesystem::copy(test::data_dir() / "mini", data,
                          std::filesystem::copy_options::recursive);
    test::write_file(data / "relationships.csv",
                     test::read_file(data / "relationships.csv") + "P1,NOBODY,friend,,\n");
    const auto out = scratch / "report";
    // Five customers: a first wave of two. --csv-bom on the command line, not in the job.
    test::write_file(scratch / "job.toml",
                     "[data]\nfolder = \"data\"\n[seeds]\nk = 2\n[compare]\nk = 2\n");
    const auto run =
        test::run_catena("report --job '" + (scratch / "job.toml").string() +
                         "' --on-bad-row skip --csv-bom -q --out '" + out.string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const std::string rejects = test::read_file(out / "rejects.csv");
    REQUIRE(rejects.starts_with(kUtf8Bom));
    const json book = test::read_workbook(out / "report.xlsx");
    REQUIRE(!book["sheets"].empty());
    CHECK(book["sheets"].front() == "Summary");
    CHECK(book["sheets"].back() == "rejects");
    CHECK(book["sheets"].size() == 7);
    check_sheet(book["tables"]["rejects"], test::read_csv_text(rejects.substr(3)));
    CHECK(book["tables"]["rejects"]["rows"] == 1);
    for (const char* table : {"influencers", "communities", "seeds", "compare", "values"})
        CHECK(test::read_file(out / (std::string(table) + ".csv")).starts_with(kUtf8Bom));
}
