#include "partitioned_csv.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "catena/graph/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace catena::mpi {

namespace {

// CsvReader's grammar as a machine over bytes, outside any one record:
// record start (a record may start here), field start after a delimiter, inside an unquoted
// field, inside a quoted field, just after a quote inside a quoted field (closing it, or the first
// of a doubled quote), just after a CR that ended a record (a LF may follow and belong to it).
enum State : std::uint8_t { kRecordStart, kFieldStart, kUnquoted, kQuoted, kQuote, kAfterCr };
constexpr int kStates = 6;
using StateMap = std::array<std::uint8_t, kStates>;  // state at a range's start -> at its end

State step(State state, char c, char delimiter) {
    if (state == kAfterCr) {
        if (c == '\n') return kRecordStart;
        state = kRecordStart;  // the CR ended the record; c starts what follows
    }
    switch (state) {
        case kQuoted:
            return c == '"' ? kQuote : kQuoted;
        case kQuote:
            if (c == '"') return kQuoted;  // a doubled quote
            break;                         // closed: what follows is as after any field
        case kRecordStart:
        case kFieldStart:
            if (c == '"') return kQuoted;
            break;
        default:
            break;
    }
    if (c == '\n') return kRecordStart;
    if (c == '\r') return kAfterCr;
    if (c == delimiter) return kFieldStart;
    // After a closing quote anything else is an error CsvReader reports; the machine goes on as
    // in an unquoted field (the error stops the load, so what follows does not matter).
    return kUnquoted;
}

// Whether a record may start at `at` (state `state` there): after a line break outside quotes.
bool boundary(State state, const std::string& bytes, std::size_t at, bool at_end_of_file) {
    if (state == kRecordStart) return true;
    if (state != kAfterCr) return false;
    return at_end_of_file || bytes[at] != '\n';
}

// Line breaks in bytes[from, to) as CsvReader counts them: LF, CR LF and a lone CR are one each;
// a CR at the end counts unless bytes[to] (which must be there unless to is the end of the file)
// is a LF.
std::uint64_t line_breaks(const std::string& bytes, std::size_t from, std::size_t to) {
    std::uint64_t breaks = 0;
    for (std::size_t at = from; at < to; ++at) {
        if (bytes[at] == '\n')
            ++breaks;
        else if (bytes[at] == '\r' && !(at + 1 < bytes.size() && bytes[at + 1] == '\n'))
            ++breaks;
    }
    return breaks;
}

class File {
  public:
    explicit File(const std::filesystem::path& path) : name_(path.string()) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) throw InputError(name_, "", "no such file");
        if (std::filesystem::is_directory(path, error))
            throw InputError(name_, "", "is a folder, not a CSV file");
        fd_ = ::open(path.c_str(), O_RDONLY);
        if (fd_ < 0)
            throw InputError(name_, "", std::string("cannot open: ") + std::strerror(errno));
        const off_t size = ::lseek(fd_, 0, SEEK_END);
        if (size < 0)
            throw InputError(name_, "", std::string("cannot read: ") + std::strerror(errno));
        size_ = static_cast<std::uint64_t>(size);
    }
    ~File() {
        if (fd_ >= 0) ::close(fd_);
    }
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    std::uint64_t size() const { return size_; }

    // Appends bytes [from, min(to, size)) to `out`.
    void read(std::uint64_t from, std::uint64_t to, std::string& out) const {
        to = std::min(to, size_);
        if (from >= to) return;
        const std::size_t old = out.size();
        out.resize(old + static_cast<std::size_t>(to - from));
        std::size_t done = 0;
        while (from + done < to) {
            const ssize_t got =
                ::pread(fd_, out.data() + old + done, static_cast<std::size_t>(to - from - done),
                        static_cast<off_t>(from + done));
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                out.resize(old);
                throw InputError(name_, "",
                                 got < 0 ? std::string("read error: ") + std::strerror(errno)
                                         : std::string("read error: file shrank"));
            }
            done += static_cast<std::size_t>(got);
        }
    }

  private:
    std::string name_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

// The delimiter CsvReader detects from the header line (csv_reader.cpp's rule: the one of , ;
// tab | that occurs most outside quotes, a comma on a tie), or nothing when `text` ends before
// the header line does and more of the file is to come.
std::optional<char> header_delimiter(std::string_view text, bool whole) {
    constexpr char kCandidates[] = {',', ';', '\t', '|'};
    std::size_t counts[4] = {0, 0, 0, 0};
    bool quoted = false, ended = whole;
    for (const char c : text) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r')) {
            ended = true;
            break;
        } else if (!quoted)
            for (int candidate = 0; candidate < 4; ++candidate)
                counts[candidate] += c == kCandidates[candidate];
    }
    if (!ended) return std::nullopt;
    int best = 0;
    for (int candidate = 1; candidate < 4; ++candidate)
        if (counts[candidate] > counts[best]) best = candidate;
    return kCandidates[best];
}

// The header record: read from the start of the file until the header's record ends (a header
// with quoted line breaks may be long). Returns the reader of the header alone and sets where the
// records start.
CsvReader read_header(const File& file, const std::string& name, std::uint64_t& records_start) {
    for (std::uint64_t prefix = 1 << 16;; prefix *= 2) {
        std::string bytes;
        file.read(0, prefix + 1, bytes);  // one byte more: a LF after a CR at the end
        const bool whole = bytes.size() >= file.size();
        const std::size_t usable = whole ? bytes.size() : bytes.size() - 1;
        std::size_t at =
            bytes.size() >= 3 && std::memcmp(bytes.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        while (at < usable && (bytes[at] == '\n' || bytes[at] == '\r')) ++at;
        const std::optional<char> delimiter =
            header_delimiter(std::string_view(bytes).substr(at, usable - at), whole);
        if (!delimiter) continue;
        std::optional<std::size_t> end;
        State state = kRecordStart;
        for (std::size_t position = at; position < usable; ++position) {
            if (position > at && boundary(state, bytes, position, false)) {
                end = position;
                break;
            }
            state = step(state, bytes[position], *delimiter);
        }
        if (!end && whole) end = bytes.size();
        if (!end) continue;
        records_start = *end;
        bytes.resize(*end);
        return CsvReader(name, std::move(bytes));
    }
}

}  // namespace

CsvPartition read_partition(const Comm& comm, const std::filesystem::path& path) {
    const std::string name = path.string();
    std::optional<File> file;
    std::optional<CsvReader> header;
    std::uint64_t records_start = 0, size = 0, start = 0, stop = 0;
    std::string bytes;  // the file from `start`, to `stop` and one byte more
    StateMap map{};
    std::uint64_t breaks = 0;
    char delimiter = ',';
    collective_step(comm, [&] {
        file.emplace(path);
        size = file->size();
        header.emplace(read_header(*file, name, records_start));
        delimiter = header->delimiter();
        const auto rank = static_cast<std::uint64_t>(comm.rank);
        const auto ranks = static_cast<std::uint64_t>(comm.size);
        start = size / ranks * rank + size % ranks * rank / ranks;
        stop = size / ranks * (rank + 1) + size % ranks * (rank + 1) / ranks;
        file->read(start, stop + 1, bytes);
        breaks = line_breaks(bytes, 0, static_cast<std::size_t>(stop - start));
        // The grammar's state map over the records part of the range.
        const std::size_t from = static_cast<std::size_t>(std::max(start, records_start) - start);
        const std::size_t to = static_cast<std::size_t>(std::max(stop, records_start) - start);
        for (int initial = 0; initial < kStates; ++initial) {
            auto state = static_cast<State>(initial);
            for (std::size_t at = from; at < to; ++at) state = step(state, bytes[at], delimiter);
            map[static_cast<std::size_t>(initial)] = state;
        }
    });

    // Every rank's state map, composed in rank order from the header's end (a record start).
    std::vector<StateMap> maps = allgatherv(comm, std::vector<StateMap>{map});
    auto state = kRecordStart;
    for (int rank = 0; rank < comm.rank; ++rank)
        state = static_cast<State>(maps[static_cast<std::size_t>(rank)][state]);
    const std::uint64_t breaks_before = exclusive_sum(comm, breaks);

    CsvPartition partition{std::nullopt, 0, 0, size};
    collective_step(comm, [&] {
        // The first record that starts in this range.
        const std::uint64_t from = std::max(start, records_start);
        const std::uint64_t to = std::max(stop, records_start);
        std::optional<std::uint64_t> first;
        for (std::uint64_t at = from; at < to; ++at) {
            const auto offset = static_cast<std::size_t>(at - start);
            if (boundary(state, bytes, offset, false)) {
                first = at;
                break;
            }
            state = step(state, bytes[offset], delimiter);
        }
        if (!first) {
            partition.reader = CsvReader::continuation(*header, "", 1);
            partition.begin = partition.end = to;
            return;
        }
        for (std::uint64_t at = *first; at < to; ++at)
            state = step(state, bytes[static_cast<std::size_t>(at - start)], delimiter);
        // Read on past the range to the end of its last record.
        std::uint64_t at = to;
        bytes.resize(static_cast<std::size_t>(to - start));
        constexpr std::uint64_t kChunk = 1 << 16;
        for (;;) {
            if (at - start + 1 > bytes.size()) file->read(bytes.size() + start, at + kChunk, bytes);
            const bool end_of_file = at >= size;
            if (end_of_file || boundary(state, bytes, static_cast<std::size_t>(at - start), false))
                break;
            state = step(state, bytes[static_cast<std::size_t>(at - start)], delimiter);
            ++at;
        }
        const std::uint64_t first_line =
            1 + breaks_before + line_breaks(bytes, 0, static_cast<std::size_t>(*first - start));
        // The records, in place (no second copy of the range).
        bytes.resize(static_cast<std::size_t>(at - start));
        bytes.erase(0, static_cast<std::size_t>(*first - start));
        partition.reader = CsvReader::continuation(*header, std::move(bytes), first_line);
        partition.begin = *first;
        partition.end = at;
    });
    return partition;
}

}  // namespace catena::mpi
