// README examples run in a fresh clone (issue 15, item 6): every example command of README.md is
// run and must succeed.
//
// Which commands: those in README.md's fenced code blocks (lines starting with ```) whose info
// string's first word is `sh`, `bash`, `shell` or `console`; blocks in any other language or none
// (error messages, folder trees, TOML) are not run.
//   - In sh, bash and shell blocks every line is a command, except blank lines and comment lines
//     (`#` first).
//   - In console blocks only lines starting with `$ ` are commands (the prompt is dropped); the
//     other lines are output.
//   - A line ending in `\` goes on on the next line; the command is named by its first line.
// A marker on the last non-blank line before a block's opening fence changes that block:
//   <!-- readme-test: skip (why) -->   the block is not run (the quick start: it installs
//                                      packages and builds);
//   <!-- readme-test: exit N -->       every command of the block must exit with N (an example
//                                      that shows an error on purpose).
// Without a marker every command must exit 0. A misspelt marker, or one that is not right before a
// block that runs, fails the test.
//
// How they run: in README order, each command on its own (`/bin/sh -c`, or `bash -c` in bash and
// console blocks; a `cd` does not carry over), stdin empty, from one scratch folder that stands
// for a fresh clone after the build: copies of samples/ and tests/data/ (copies, so that an
// example writing beside its input, such as samples/job.toml's `../out/...`, writes into the
// scratch folder) and `build/catena`, a link to the catena under test that is also first on PATH,
// so `catena ...` runs it too. Add a folder to `clone_folders` when an example needs one. Files an
// example writes are there for the examples after it, as for a reader typing them from the top:
// the crm.db the first examples make is used by later sections. No argument may name a path
// outside the clone (one starting with `/`, `~` or `../`, or going through `/../`; `/dev/...` is
// fine): a fresh clone has no ../shared, and examples write nothing outside it.
//
// A failure names README.md:LINE and the command, with its exit code and stderr. Keep examples
// quick (the sample data, tests/data, small --sims): this runs in every ctest, also under the
// sanitizers.
#include <chrono>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace catena;
namespace fs = std::filesystem;

namespace {

// The folders of the repository that README examples may read, copied into the scratch clone.
const char* const clone_folders[] = {"samples", "tests/data"};
constexpr int command_timeout_seconds = 120;

struct Example {
    int line = 0;         // README line the command starts on
    std::string command;  // continuation lines joined, the console prompt dropped
    int expected_exit = 0;
    std::string shell = "/bin/sh";
};

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return "";
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

struct Marker {
    int line = 0;  // 0: no marker
    bool skip = false;
    int expected_exit = 0;
};

[[noreturn]] void fail_at(int line, const std::string& what) {
    throw std::runtime_error("README.md:" + std::to_string(line) + ": " + what);
}

// `<!-- readme-test: skip ... -->` or `<!-- readme-test: exit N -->`.
Marker parse_marker(const std::string& text, int line) {
    if (text.size() < 3 || text.substr(text.size() - 3) != "-->") {
        fail_at(line, "a readme-test marker must end on its line with -->");
    }
    const std::string body = trim(std::string_view(text).substr(
        std::string_view("<!-- readme-test:").size(),
        text.size() - std::string_view("<!-- readme-test:").size() - 3));
    Marker marker{line, false, 0};
    if (body == "skip" || starts_with(body, "skip ")) {
        marker.skip = true;
    } else if (starts_with(body, "exit ")) {
        try {
            std::size_t used = 0;
            const std::string code = trim(std::string_view(body).substr(5));
            marker.expected_exit = std::stoi(code, &used);
            if (used != code.size()) throw std::invalid_argument(code);
        } catch (const std::exception&) {
            fail_at(line, "readme-test: exit needs one exit code: " + text);
        }
    } else {
        fail_at(line, "unknown readme-test marker (skip or exit N): " + text);
    }
    return marker;
}

// The language of an opening fence (```sh -> "sh"; ``` -> "").
std::string fence_language(const std::string& line) {
    const std::string info = trim(std::string_view(line).substr(3));
    return info.substr(0, info.find_first_of(" \t{"));
}

// The example commands of a README, by the rule in the header comment. Throws on a bad marker or
// an unterminated block.
std::vector<Example> extract_examples(const std::string& markdown) {
    std::vector<std::string> lines;
    std::istringstream input(markdown);
    for (std::string line; std::getline(input, line);) lines.push_back(line);

    std::vector<Example> examples;
    Marker marker;  // the marker waiting for its block, if any
    for (std::size_t index = 0; index < lines.size(); ++index) {
        const std::string line = trim(lines[index]);
        const int line_number = static_cast<int>(index) + 1;
        if (starts_with(line, "<!-- readme-test:")) {
            if (marker.line != 0)
                fail_at(marker.line, "readme-test marker not before a code block");
            marker = parse_marker(line, line_number);
            continue;
        }
        if (line.empty()) continue;
        if (!starts_with(line, "```")) {
            if (marker.line != 0)
                fail_at(marker.line, "readme-test marker not before a code block");
            continue;
        }
        // An opening fence: find its end.
        const std::string language = fence_language(line);
        std::size_t end = index + 1;
        while (end < lines.size() && trim(lines[end]) != "```") ++end;
        if (end == lines.size()) fail_at(line_number, "code block never closed");
        const bool console = language == "console";
        const bool runs = language == "sh" || language == "bash" || language == "shell" || console;
        if (marker.line != 0 && !runs) {
            fail_at(marker.line, "readme-test marker before a block that does not run");
        }
        if (runs && !marker.skip) {
            for (std::size_t body = index + 1; body < end; ++body) {
                std::string command = trim(lines[body]);
                const int command_line = static_cast<int>(body) + 1;
                if (console) {
                    if (!starts_with(command, "$ ")) continue;
                    command = trim(std::string_view(command).substr(2));
                }
                if (command.empty() || command[0] == '#') continue;
                while (!command.empty() && command.back() == '\\' && body + 1 < end) {
                    command.pop_back();
                    command = trim(command) + " " + trim(lines[++body]);
                }
                examples.push_back({command_line, command, marker.expected_exit,
                                    language == "sh" || language == "shell" ? "/bin/sh" : "bash"});
            }
        }
        marker = Marker{};
        index = end;
    }
    if (marker.line != 0) fail_at(marker.line, "readme-test marker not before a code block");
    return examples;
}

// The first argument of `command` that names a path outside the clone, or "" if none does.
std::string path_outside_clone(const std::string& command) {
    std::istringstream words(command);
    for (std::string word; words >> word;) {
        if (word[0] == '#') break;  // a comment
        const auto equals = word.find('=');
        for (std::string candidate :
             {word, equals == std::string::npos ? std::string() : word.substr(equals + 1)}) {
            const auto start = candidate.find_first_not_of("0123456789<>&|(\"'");
            if (start == std::string::npos) continue;
            candidate = candidate.substr(start);
            const bool outside = (candidate[0] == '/' && !starts_with(candidate, "/dev/")) ||
                                 candidate[0] == '~' || candidate == ".." ||
                                 starts_with(candidate, "../") ||
                                 candidate.find("/../") != std::string::npos;
            if (outside) return word;
        }
    }
    return "";
}

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

// The scratch folder standing for a fresh clone after the build.
void make_clone(const fs::path& clone) {
    for (const char* folder : clone_folders) {
        fs::create_directories((clone / folder).parent_path());
        fs::copy(test::source_dir() / folder, clone / folder, fs::copy_options::recursive);
    }
    fs::create_directories(clone / "build");
    fs::create_symlink(CATENA_BINARY, clone / "build" / "catena");
}

test::RunResult run_example(const fs::path& clone, const Example& example) {
    test::ScratchDir output;
    const std::string command =
        "cd " + shell_quote(clone.string()) +
        " && PATH=" + shell_quote((clone / "build").string()) + ":\"$PATH\" timeout -k 10 " +
        std::to_string(command_timeout_seconds) + " " + example.shell + " -c " +
        shell_quote(example.command) + " </dev/null >" + shell_quote((output / "stdout").string()) +
        " 2>" + shell_quote((output / "stderr").string());
    const int status = std::system(command.c_str());
    test::RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = test::read_file(output / "stdout");
    result.err = test::read_file(output / "stderr");
    return result;
}

std::string tail(const std::string& text, std::size_t size) {
    return text.size() <= size ? text : "..." + text.substr(text.size() - size);
}

}  // namespace

TEST_CASE("README examples: which commands are extracted", "[cli][readme]") {
    const std::string markdown =
        "Text with `catena rank` inline: not run.\n"
        "\n"
        "```sh\n"
        "build/catena stats --data samples/crm   # a comment after it\n"
        "# a comment line\n"
        "\n"
        "build/catena rank --data samples/crm \\\n"
        "    --top 5\n"
        "```\n"
        "<!-- readme-test: skip (installs things) -->\n"
        "```sh\n"
        "./scripts/demo\n"
        "```\n"
        "```\n"
        "catena: usage error: not a command to run\n"
        "```\n"
        "```toml\n"
        "name = \"job\"\n"
        "```\n"
        "<!-- readme-test: exit 2 -->\n"
        "\n"
        "```console\n"
        "$ catena rank --tpo 3\n"
        "catena: usage error: unknown option --tpo\n"
        "```\n";
    const std::vector<Example> examples = extract_examples(markdown);
    REQUIRE(examples.size() == 3);
    CHECK(examples[0].line == 4);
    CHECK(examples[0].command == "build/catena stats --data samples/crm   # a comment after it");
    CHECK(examples[0].expected_exit == 0);
    CHECK(examples[0].shell == "/bin/sh");
    CHECK(examples[1].line == 7);
    CHECK(examples[1].command == "build/catena rank --data samples/crm --top 5");
    CHECK(examples[2].line == 23);
    CHECK(examples[2].command == "catena rank --tpo 3");
    CHECK(examples[2].expected_exit == 2);
    CHECK(examples[2].shell == "bash");

    CHECK_THROWS_WITH(extract_examples("<!-- readme-test: skp -->\n```sh\nx\n```\n"),
                      Catch::Contains("README.md:1: unknown readme-test marker"));
    CHECK_THROWS_WITH(extract_examples("<!-- readme-test: skip -->\ntext\n```sh\nx\n```\n"),
                      Catch::Contains("README.md:1: readme-test marker not before a code block"));
    CHECK_THROWS_WITH(extract_examples("<!-- readme-test: exit two -->\n```sh\nx\n```\n"),
                      Catch::Contains("needs one exit code"));
    CHECK_THROWS_WITH(extract_examples("```sh\nbuild/catena stats\n"),
                      Catch::Contains("README.md:1: code block never closed"));

    CHECK(path_outside_clone("build/catena stats --data samples/crm > out.csv 2>/dev/null") == "");
    CHECK(path_outside_clone("build/catena export -o /dev/stdout  # not /tmp/x") == "");
    CHECK(path_outside_clone("build/catena stats --edges ../shared/x.csv") == "../shared/x.csv");
    CHECK(path_outside_clone("build/catena report --out=/tmp/r") == "--out=/tmp/r");
    CHECK(path_outside_clone("build/catena rank > /tmp/r.csv") == "/tmp/r.csv");
    CHECK(path_outside_clone("build/catena rank >~/r.csv") == ">~/r.csv");
    CHECK(path_outside_clone("build/catena stats --data samples/../../x") == "samples/../../x");
}

TEST_CASE("README examples run in a fresh clone", "[cli][readme]") {
    const std::vector<Example> examples =
        extract_examples(test::read_file(test::source_dir() / "README.md"));
    // Far fewer would mean the README or this rule changed shape: look before lowering this.
    REQUIRE(examples.size() >= 20);

    test::ScratchDir clone;
    make_clone(clone.path());
    for (const Example& example : examples) {
        INFO("README.md:" << example.line << ": " << example.command);
        const std::string outside = path_outside_clone(example.command);
        if (!outside.empty()) {
            FAIL_CHECK("names a path outside a fresh clone: " << outside);
            continue;
        }

        const auto start = std::chrono::steady_clock::now();
        const test::RunResult result = run_example(clone.path(), example);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        INFO("exit code " << result.exit_code << " (expected " << example.expected_exit << ")"
                          << (result.exit_code == 124 ? ": timed out" : "") << " after " << seconds
                          << " s");
        INFO("stderr:\n" << result.err);
        INFO("stdout (its end):\n" << tail(result.out, 2000));
        CHECK(result.exit_code == example.expected_exit);
    }
}
