// Helpers shared by the tests: scratch folders, files, and running the catena binary.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>

namespace catena::test {

inline std::filesystem::path data_dir() { return CATENA_TEST_DATA; }
inline std::filesystem::path dataset(const std::string& file) {
    return data_dir() / "datasets" / file;
}
inline std::filesystem::path source_dir() { return CATENA_SOURCE_DIR; }

// A fresh, empty folder under the system temp dir, removed when the object goes.
class ScratchDir {
  public:
    ScratchDir() {
        // mkdtemp replaces the six trailing X characters.
        std::string pattern =
            (std::filesystem::temp_directory_path() / ("catena-test-" + std::string(6, 'X')))
                .string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ignored);
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& contents) {
    std::ofstream out(path, std::ios::binary);
    out << contents;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

struct RunResult {
    int exit_code = -1;
    std::string out, err;
};

// Runs the catena binary with `arguments` (a shell-quoted string) from the source folder.
inline RunResult run_catena(const std::string& arguments) {
    ScratchDir scratch;
    const auto out = scratch / "stdout";
    const auto err = scratch / "stderr";
    const std::string command = "cd '" + source_dir().string() + "' && '" + CATENA_BINARY + "' " +
                                arguments + " >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
}

}  // namespace catena::test
