// Reading the report's summary JSON (summary.json, written by batch.cpp) with errors that name the
// part: "report summary: influencers.top[3].score: expected a number".
//
// Paths are written as the reader walks: `path` is where `parent` sits ("" for the top, "data",
// "influencers.top[3]"), and each reader names its member as `path.key`. A member that is absent
// or null reads as absent: the optional readers return nothing, the required ones throw
// "missing". A member of the wrong type always throws. The summary is written by catena itself, so
// every error here is an InternalError, a bug, never the user's input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace catena::html {

// ordered_json keeps the writer's key order, so the parameters read as the job file does.
using Json = nlohmann::ordered_json;

// Throws InternalError "report summary: PATH: WHAT".
[[noreturn]] void malformed(const std::string& path, std::string_view what);

// "data" + "customers" -> "data.customers"; "" + "run" -> "run".
std::string join_path(const std::string& path, std::string_view key);
// "influencers.top" + 3 -> "influencers.top[3]".
std::string index_path(const std::string& path, std::size_t index);

// A member that may be absent or null: nullptr then (also when `object` is not an object).
const Json* find(const Json& object, std::string_view key);
// A member that may be absent or null, but when present is a list.
const Json* find_list(const Json& parent, std::string_view key, const std::string& path);

// Required members of one type.
const Json& object(const Json& parent, std::string_view key, const std::string& path);
const Json& array(const Json& parent, std::string_view key, const std::string& path);
double number(const Json& parent, std::string_view key, const std::string& path);
std::string text(const Json& parent, std::string_view key, const std::string& path);

// Optional members of one type.
std::optional<double> optional_number(const Json& parent, std::string_view key,
                                      const std::string& path);
std::optional<std::string> optional_text(const Json& parent, std::string_view key,
                                         const std::string& path);
// A list of numbers; empty when absent.
std::vector<double> numbers(const Json& parent, std::string_view key, const std::string& path);

}  // namespace catena::html
