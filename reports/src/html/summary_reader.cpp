#include "summary_reader.hpp"

#include <utility>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"

namespace catena::html {

void malformed(const std::string& path, std::string_view what) {
    throw InternalError(fmt::format("report summary: {}: {}", path, what));
}

std::string join_path(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t index) {
    return fmt::format("{}[{}]", path, index);
}

const Json* find(const Json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) return nullptr;
    return &*found;
}

const Json* find_list(const Json& parent, std::string_view key, const std::string& path) {
    const Json* value = find(parent, key);
    if (value && !value->is_array()) malformed(join_path(path, key), "expected a list");
    return value;
}

const Json& object(const Json& parent, std::string_view key, const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) malformed(join_path(path, key), "missing");
    if (!value->is_object()) malformed(join_path(path, key), "expected an object");
    return *value;
}

const Json& array(const Json& parent, std::string_view key, const std::string& path) {
    const Json* value = find_list(parent, key, path);
    if (!value) malformed(join_path(path, key), "missing");
    return *value;
}

std::optional<double> optional_number(const Json& parent, std::string_view key,
                                      const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) return std::nullopt;
    if (!value->is_number()) malformed(join_path(path, key), "expected a number");
    return value->get<double>();
}

double number(const Json& parent, std::string_view key, const std::string& path) {
    const std::optional<double> value = optional_number(parent, key, path);
    if (!value) malformed(join_path(path, key), "missing");
    return *value;
}

std::optional<std::string> optional_text(const Json& parent, std::string_view key,
                                         const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) return std::nullopt;
    if (!value->is_string()) malformed(join_path(path, key), "expected text");
    return value->get<std::string>();
}

std::string text(const Json& parent, std::string_view key, const std::string& path) {
    std::optional<std::string> value = optional_text(parent, key, path);
    if (!value) malformed(join_path(path, key), "missing");
    return std::move(*value);
}

std::vector<double> numbers(const Json& parent, std::string_view key, const std::string& path) {
    std::vector<double> out;
    const Json* value = find(parent, key);
    if (!value) return out;
    if (!value->is_array()) malformed(join_path(path, key), "expected a list of numbers");
    for (std::size_t index = 0; index < value->size(); ++index) {
        const Json& item = (*value)[index];
        if (!item.is_number())
            malformed(index_path(join_path(path, key), index), "expected a number");
        out.push_back(item.get<double>());
    }
    return out;
}

}  // namespace catena::html
