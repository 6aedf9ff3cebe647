// Usage errors on the command line as one line that says what is wrong and how to fix it: an
// unknown command or option is named with the closest one there is ("did you mean --top?"), any
// other parse error keeps CLI11's message and points at the command's --help.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace catena::cli {

// The line to print after "catena: usage error: " for a failed parse of `arguments` (argv
// without the program name) by `app`, whose subcommands are catena's commands.
std::string usage_message(const CLI::App& app, const CLI::ParseError& error,
                          const std::vector<std::string>& arguments);

}  // namespace catena::cli
