// One JSON schema per result (docs/schema/*.schema.json): every command's `--format json` and
// the sample report's summary.json are checked against them. The checker covers the part of JSON
// Schema those files use: type, enum, required, properties, additionalProperties: false, items
// and $ref (to "#/$defs/NAME" or to another schema file).
#include <algorithm>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace {

namespace test = catena::test;
using Json = nlohmann::json;

std::filesystem::path schema_dir() { return test::source_dir() / "docs" / "schema"; }

const Json& schema_file(const std::string& name) {
    static std::map<std::string, Json> cache;
    auto [it, added] = cache.try_emplace(name);
    if (added) it->second = Json::parse(test::read_file(schema_dir() / name));
    return it->second;
}

bool has_type(const Json& value, const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_number_integer() || value.is_number_unsigned();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    FAIL("the schema names an unknown type " << type);
    return false;
}

// Appends to `errors` one line per way `value` (at `path`) breaks `schema` (in file `file`).
void check(const Json& value, const Json& schema, const std::string& file, const std::string& path,
           std::vector<std::string>& errors) {
    if (const auto ref = schema.find("$ref"); ref != schema.end()) {
        const std::string target = *ref;
        if (target.starts_with("#/$defs/"))
            check(value, schema_file(file).at("$defs").at(target.substr(8)), file, path, errors);
        else
            check(value, schema_file(target), target, path, errors);
        return;
    }
    if (const auto type = schema.find("type"); type != schema.end()) {
        bool any = false;
        if (type->is_array()) {
            for (const auto& one : *type) any = any || has_type(value, one);
        } else {
            any = has_type(value, *type);
        }
        if (!any) {
            errors.push_back(path + ": is " + value.dump().substr(0, 60) + ", not of type " +
                             type->dump());
            return;
        }
    }
    if (const auto values = schema.find("enum"); values != schema.end())
        if (std::find(values->begin(), values->end(), value) == values->end())
            errors.push_back(path + ": " + value.dump() + " is not one of " + values->dump());
    if (!value.is_object() && !value.is_array()) return;
    if (value.is_array()) {
        if (const auto items = schema.find("items"); items != schema.end())
            for (std::size_t index = 0; index < value.size(); ++index)
                check(value[index], *items, file, path + "[" + std::to_string(index) + "]", errors);
        return;
    }
    for (const auto& key : schema.value("required", Json::array()))
        if (!value.contains(key)) errors.push_back(path + ": misses " + key.dump());
    const Json properties = schema.value("properties", Json::object());
    for (const auto& [key, item] : value.items()) {
        if (properties.contains(key))
            check(item, properties[key], file, path + "." + key, errors);
        else if (schema.value("additionalProperties", true) == false)
            errors.push_back(path + ": has " + key + ", which the schema does not name");
    }
}

std::vector<std::string> violations(const std::string& text, const std::string& schema) {
    std::vector<std::string> errors;
    check(Json::parse(text), schema_file(schema), schema, "$", errors);
    return errors;
}

}  // namespace

TEST_CASE("JSON schemas: every command's --format json follows its schema", "[report][schema]") {
    const std::vector<std::pair<std::string, std::string>> commands = {
        {"rank", "rank.schema.json"},
        {"rank --by betweenness --pivots 50", "rank.schema.json"},
        {"rank --by core", "rank.schema.json"},
        {"communities", "communities.schema.json"},
        {"seeds -k 5", "seeds.schema.json"},
        {"compare -k 3 --sims 100", "compare.schema.json"},
        {"simulate --seeds C0042,C0007 --sims 500", "simulate.schema.json"},
        {"value", "value.schema.json"},
        {"explain C0042 --sims 500", "explain.schema.json"},
        {"rank --columns city", "rank.schema.json"},
        {"seeds -k 2 --columns city", "seeds.schema.json"},
        {"communities --columns city", "communities.schema.json"},
        {"value --columns city", "value.schema.json"},
        {"explain C0042 --sims 500 --top 3 --columns city", "explain.schema.json"},
    };
    for (const auto& [command, schema] : commands) {
        INFO(command);
        const auto run = test::run_catena(command + " --data samples/crm --format json -q");
        REQUIRE(run.exit_code == 0);
        CHECK(violations(run.out, schema) == std::vector<std::string>{});
    }
}

TEST_CASE("JSON schemas: catena runs and runs show follow theirs", "[report][schema][runs]") {
    test::ScratchDir scratch;
    const std::string db = " --db '" + (scratch / "ws.db").string() + "'";
    REQUIRE(test::run_catena("import --data samples/crm -q" + db).exit_code == 0);
    REQUIRE(test::run_catena("seeds -k 2 --eps 0.3 -q" + db).exit_code == 0);
    const auto list = test::run_catena("runs --format json" + db);
    REQUIRE(list.exit_code == 0);
    CHECK(violations(list.out, "runs.schema.json") == std::vector<std::string>{});
    const auto one = test::run_catena("runs show 1 --format json" + db);
    REQUIRE(one.exit_code == 0);
    CHECK(violations(one.out, "run.schema.json") == std::vector<std::string>{});
}

TEST_CASE(
    "JSON schemas: the sample report's summary.json follows its schema, each section its command's",
    "[report][schema]") {
    // The golden summary, with the version and times its test takes out put back.
    Json golden = Json::parse(
        test::read_file(test::source_dir() / "tests" / "golden" / "report_sample_summary.json"));
    golden["catena_version"] = "0";
    golden["run"]["started_at"] = golden["run"]["finished_at"] = "2026-01-01T00:00:00Z";
    CHECK(violations(golden.dump(), "summary.schema.json") == std::vector<std::string>{});
    test::ScratchDir scratch;
    const auto run = test::run_catena("report --job samples/job.toml --out '" +
                                      (scratch / "r").string() + "' -q");
    REQUIRE(run.exit_code == 0);
    CHECK(violations(test::read_file(scratch / "r" / "summary.json"), "summary.schema.json") ==
          std::vector<std::string>{});
    // And the checker is not blind: a renamed key, a wrong type and an unknown key are found.
    Json broken = Json::parse(test::read_file(scratch / "r" / "summary.json"));
    broken["seeds"]["list"] = broken["seeds"]["seeds"];
    broken["seeds"].erase("seeds");
    broken["influencers"]["top"][0]["rank"] = "first";
    const std::vector<std::string> found = violations(broken.dump(), "summary.schema.json");
    CHECK(found.size() == 3);
}
