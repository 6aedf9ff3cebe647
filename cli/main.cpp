// The `catena` command: the command line, and exit codes. Thin: every subcommand is an entry of
// the command table (catena/reports/command.hpp), which loads its input through loaders/,
// computes through algorithms/ and prints through reports/; `catena report` runs the same
// analyses as a batch job.
//
// Exit codes: 0 success, 2 usage error (bad option or parameter), 3 input error (bad data, file
// or database), 4 output error (a file or workspace that cannot be written), 1 anything else
// (including internal errors).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/reports/command.hpp"

#include "usage.hpp"
#include <unistd.h>

namespace {

using namespace catena;

constexpr int kExitOther = 1, kExitUsage = 2, kExitInput = 3, kExitOutput = 4;

int run(int argc, char** argv) {
    CLI::App app{
        "catena: a chain-of-influence analyzer for marketing and CRM teams.\n"
        "Loads customers, their relationships, referrals and transactions into an influence graph\n"
        "(edge u -> v: u can influence v) and reports on it.\n\n"
        "Input: --data DIR (customers.csv, relationships.csv, referrals.csv, transactions.csv),\n"
        "--edges FILE [--nodes FILE] (a plain edge list), or --db FILE (a workspace made by\n"
        "catena import). See README.md for every column.\n\n"
        "Exit codes: 0 ok, 2 usage error, 3 input error, 4 output error, 1 other error.",
        "catena"};
    app.set_version_flag("-V,--version", std::string("catena ") + CATENA_VERSION);
    app.require_subcommand(1);

    CommonOptions common;
    std::vector<std::pair<CLI::App*, std::function<int()>>> commands;
    for (const Command& command : command_table()) {
        CLI::App* sub = app.add_subcommand(command.name, command.help);
        commands.emplace_back(sub, command.bind(*sub, common));
        add_threads_option(*sub, common);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
        const std::vector<std::string> arguments(argv + std::min(argc, 1), argv + argc);
        fmt::print(stderr, "catena: usage error: {}\n", cli::usage_message(app, error, arguments));
        return kExitUsage;
    }
    use_threads(common.threads);
    if (common.timings) fmt::print(stderr, "catena: threads: {}\n", thread_count());
    for (const auto& [sub, run_command] : commands)
        if (sub->parsed()) return run_command();
    return kExitUsage;
}

// An input error may list several bad rows, one line each.
void print_input_error(std::string_view message) {
    for (std::size_t start = 0; start < message.size();) {
        const std::size_t end = std::min(message.find('\n', start), message.size());
        fmt::print(stderr, "catena: input error: {}\n", message.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace

// OpenMP's threads wait for work by sleeping, not spinning, unless the user chose otherwise.
// libgomp's default spins up to 300,000 times at every barrier: when another process holds one of
// the cores, the spinning thread takes the time slices the working one needs, and PageRank on
// email-Enron took 0.5-12 s instead of 0.1-0.5 s (issue 16; bench/KERNELS.md, "OpenMP wait
// policy"). The policy is read when the OpenMP runtime loads, before main, so catena sets it and
// starts itself again once; if that fails it runs on with the runtime's default.
void wait_passively(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
    execv("/proc/self/exe", argv);
}

int main(int argc, char** argv) {
    wait_passively(argv);
    try {
        const int code = run(argc, argv);
        // Output that could not be written (a full disk, a closed file) is an error, not a success.
        if (std::fflush(stdout) != 0 || std::ferror(stdout))
            throw catena::OutputError("standard output", "cannot write (disk full?)");
        return code;
    } catch (const catena::EstimateOnly&) {
        return 0;
    } catch (const catena::UsageError& error) {
        fmt::print(stderr, "catena: usage error: {}\n", error.what());
        return kExitUsage;
    } catch (const catena::InputError& error) {
        print_input_error(error.what());
        return kExitInput;
    } catch (const catena::OutputError& error) {
        fmt::print(stderr, "catena: output error: {}\n", error.what());
        return kExitOutput;
    } catch (const catena::InternalError& error) {
        fmt::print(stderr, "catena: internal error (a bug in catena, please report it): {}\n",
                   error.what());
        return kExitOther;
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "catena: error: out of memory\n");
        return kExitOther;
    } catch (const std::exception& error) {
        fmt::print(stderr, "catena: error: {}\n", error.what());
        return kExitOther;
    }
}
