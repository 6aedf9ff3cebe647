#include "usage.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "catena/graph/spelling.hpp"

namespace catena::cli {

namespace {

// "-5", "0.5", "-1e3": a value, not an option.
bool is_number(std::string_view token) {
    double value = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    return error == std::errc() && end == token.data() + token.size();
}

// Every spelling of the options of `command`: "--top", "-k", and the help flag.
std::vector<std::string> option_names(const CLI::App& command) {
    std::vector<std::string> names;
    for (const CLI::Option* option : command.get_options()) {
        for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
        for (const std::string& name : option->get_snames()) names.push_back("-" + name);
    }
    return names;
}

// The first of `arguments` that looks like an option but is none of `known` ("--tpo=3" as
// "--tpo").
std::optional<std::string> unknown_option(const std::vector<std::string>& arguments,
                                          std::size_t from, const std::vector<std::string>& known) {
    for (std::size_t index = from; index < arguments.size(); ++index) {
        const std::string& token = arguments[index];
        if (token == "--") break;  // what follows is not an option
        if (token.size() < 2 || token[0] != '-' || is_number(token)) continue;
        const std::string name = token.substr(0, token.find('='));
        if (std::find(known.begin(), known.end(), name) == known.end()) return name;
    }
    return std::nullopt;
}

std::string did_you_mean(const std::optional<std::string>& suggestion) {
    return suggestion ? " (did you mean " + *suggestion + "?)" : "";
}

}  // namespace

std::string usage_message(const CLI::App& app, const CLI::ParseError& error,
                          const std::vector<std::string>& arguments) {
    std::vector<std::string> commands;
    for (const CLI::App* command : app.get_subcommands({})) commands.push_back(command->get_name());
    const std::string command_list = fmt::format("{}", fmt::join(commands, ", "));

    // The command is the first argument that is not an option (catena's own options are flags).
    const auto first = std::find_if(arguments.begin(), arguments.end(),
                                    [](const std::string& a) { return a.empty() || a[0] != '-'; });
    if (first == arguments.end()) {
        const std::vector<std::string> known = option_names(app);
        if (const auto option = unknown_option(arguments, 0, known))
            return fmt::format("unknown option {}{}; catena --help lists the commands", *option,
                               did_you_mean(closest(*option, known)));
        return "no command given: catena COMMAND [options], where COMMAND is one of " +
               command_list + " (catena --help explains each)";
    }
    const CLI::App* command = nullptr;
    for (const CLI::App* candidate : app.get_subcommands({}))
        if (candidate->get_name() == *first) command = candidate;
    if (!command)
        return fmt::format("unknown command '{}'{}; the commands are {}", *first,
                           did_you_mean(closest(*first, commands)), command_list);

    const std::string name = command->get_name();
    const std::vector<std::string> known = option_names(*command);
    const auto from = static_cast<std::size_t>(first - arguments.begin()) + 1;
    if (const auto option = unknown_option(arguments, from, known))
        return fmt::format("unknown option {} for catena {}{}; catena {} --help lists its options",
                           *option, name, did_you_mean(closest(*option, known)), name);
    std::string message = error.what();
    if (!message.empty() && message.back() == '\n') message.pop_back();
    return fmt::format("catena {}: {}; catena {} --help lists its options", name, message, name);
}

}  // namespace catena::cli
