// Reading a data folder through a mapping: read_mapped_input, and MappedReader's opening of the
// source files (finding the mapped columns in each header, the import report's account of each
// source) and its check that no unmapped column looks like a catena column.
#include "mapped_reader.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <system_error>
#include <thread>

#include "column_names.hpp"
#include <omp.h>

namespace catena {

namespace mapping_detail {

namespace {

// The position of `column` in the header of `reader` (reading `file`), else an error at `where`.
std::size_t find_column(const CsvReader& reader, const std::string& file, const std::string& column,
                        const std::string& where) {
    const auto index = reader.column(column);
    if (!index) {
        std::string header;
        for (const auto& existing : reader.header())
            header += (header.empty() ? "" : ", ") + existing;
        throw InputError(where + ": column '" + column + "' is not in " + file +
                         " (its columns: " + header + ")");
    }
    return *index;
}

// Fills in the header positions of the columns `value` reads.
void resolve_value(const CsvReader& reader, const std::string& file, ValueSpec& value) {
    if (value.from == ValueSpec::From::column)
        value.index = find_column(reader, file, value.column, value.where);
    for (TemplatePart& part : value.parts)
        if (part.column) part.index = find_column(reader, file, part.text, value.where);
    if (!value.currency.empty())
        value.currency_index = find_column(reader, file, value.currency, value.where + ".currency");
}

// The header position of the first column `value` reads (SIZE_MAX: it reads none).
std::size_t first_position(const ValueSpec& value) {
    if (value.from == ValueSpec::From::column) return value.index;
    for (const TemplatePart& part : value.parts)
        if (part.column) return part.index;
    return SIZE_MAX;
}

// Finds each column `spec` names in the header of `reader`, and sorts its columns by position.
void resolve_columns(const CsvReader& reader, SourceSpec& spec) {
    for (ValueSpec& value : spec.columns) resolve_value(reader, spec.file, value);
    // TOML tables are unordered (toml++ iterates them by name): put the columns in the
    // file's order, so attributes come out in the order the export has them.
    std::stable_sort(spec.columns.begin(), spec.columns.end(),
                     [](const ValueSpec& a, const ValueSpec& b) {
                         return first_position(a) < first_position(b);
                     });
    for (auto& [key, value] : spec.keys) resolve_value(reader, spec.file, value);
    for (const auto& [column, values] : spec.skip_if)
        spec.skip_if_index.push_back(
            find_column(reader, spec.file, column, spec.where + ": skip_if"));
    for (const std::string& column : spec.ignore)
        find_column(reader, spec.file, column, spec.where + ": ignore");
}

// Where the import report says `value` comes from.
std::string value_origin(const ValueSpec& value, const std::string& base_currency) {
    std::string from;
    if (value.from == ValueSpec::From::column)
        from = "'" + value.column + "'";
    else if (value.from == ValueSpec::From::constant)
        from = "constant '" + value.constant + "'";
    else {
        for (const TemplatePart& part : value.parts)
            from += part.column ? "{" + part.text + "}" : part.text;
        from = "template '" + from + "'";
    }
    if (!value.key.empty()) from += " by key " + value.key;
    if (!value.list.empty()) from += ", a list split at '" + value.list + "'";
    if (!value.map.empty()) from += ", values mapped";
    if (!value.reversed.empty()) from += ", some labels reversed";
    if (!value.currency.empty())
        from += base_currency.empty()
                    ? ", in the currency of '" + value.currency + "' (one currency only)"
                    : ", converted to " + base_currency + " by '" + value.currency + "'";
    return from;
}

// The import report's account of source `spec` (columns resolved), file `name` read by `reader`.
SourceReport source_report(const SourceSpec& spec, const std::string& name, const CsvReader& reader,
                           const std::string& base_currency) {
    SourceReport source;
    source.table = kTableNames[static_cast<int>(spec.table)];
    source.file = name;
    source.delimiter = reader.delimiter() == '\t' ? "tab" : std::string(1, reader.delimiter());
    source.delimiter_detected = reader.delimiter_detected();
    source.encoding = to_string(spec.encoding);
    for (const ValueSpec& value : spec.columns) {
        const std::string from = value_origin(value, base_currency);
        const bool known =
            std::any_of(catena_columns(spec.table).begin(), catena_columns(spec.table).end(),
                        [&](const CatenaColumn& column) { return value.catena == column.name; });
        if (known)
            source.mapped.emplace_back(value.catena, from);
        else
            source.attributes.push_back(value.catena + " <- " + from);
    }
    return source;
}

// Reads the source files into readers, two or more at once when more than one thread is allowed:
// reading is mostly the kernel copying pages into fresh memory (about 0.1 s per 100 MB), and the
// files do not depend on each other. What a file's reading throws is kept for its turn, so errors
// come in the mapping's order as when the files were read one by one.
struct ReadFiles {
    std::vector<std::optional<CsvReader>> readers;
    std::vector<std::exception_ptr> errors;
};

ReadFiles read_files(const std::filesystem::path& dir, const std::vector<SourceSpec>& specs) {
    ReadFiles files;
    files.readers.resize(specs.size());
    files.errors.resize(specs.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t index; (index = next++) < specs.size();) {
            try {
                std::error_code error;
                if (std::filesystem::exists(dir / specs[index].file, error))
                    files.readers[index].emplace(CsvReader::open(
                        dir / specs[index].file, {specs[index].delimiter, specs[index].encoding}));
            } catch (...) {
                files.errors[index] = std::current_exception();
            }
        }
    };
    const std::size_t allowed = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
    std::vector<std::thread> threads;
    for (std::size_t helper = 1; helper < std::min(allowed, specs.size()); ++helper) {
        try {
            threads.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // no thread to be had: this one reads the rest
        }
    }
    work();
    for (std::thread& thread : threads) thread.join();
    return files;
}

}  // namespace

// Opens every source file and finds each column the mapping names in its header.
void MappedReader::open_sources() {
    std::error_code error;
    if (!std::filesystem::is_directory(dir_, error))
        throw InputError(dir_.string(), "", "no such folder");
    ReadFiles files = read_files(dir_, mapping_.sources);
    for (std::size_t index = 0; index < mapping_.sources.size(); ++index) {
        const SourceSpec& spec = mapping_.sources[index];
        Open open;
        open.spec = spec;
        const std::string name = file_name(spec);
        if (!std::filesystem::exists(dir_ / spec.file, error))
            throw InputError(spec.where + ": file '" + spec.file + "' is not in " + dir_.string());
        if (files.errors[index]) std::rethrow_exception(files.errors[index]);
        open.reader = std::move(files.readers[index]);
        const CsvReader& reader = *open.reader;
        resolve_columns(reader, open.spec);
        SourceReport source = source_report(open.spec, name, reader, mapping_.base_currency);
        if (source.delimiter_detected && reader.delimiter() != ',')
            report_.warnings.push_back(
                name + ": fields separated by '" + source.delimiter +
                "' (detected from the header; set delimiter in the mapping to be sure)");
        open.report = report_.sources.size();
        report_.sources.push_back(std::move(source));
        sources_.push_back(std::move(open));
    }
}

// Source columns no source of their file uses: listed, and an error when they look like a
// catena column of a table the file feeds (an opt-out flag must never be dropped unnoticed).
void MappedReader::check_unmapped_columns() {
    std::map<std::string, std::vector<std::size_t>> by_file;
    for (std::size_t index = 0; index < sources_.size(); ++index)
        by_file[sources_[index].spec.file].push_back(index);
    for (const auto& [file, indexes] : by_file) {
        const CsvReader& reader = *sources_[indexes.front()].reader;
        std::vector<bool> used(reader.header().size(), false);
        std::vector<std::string> known;
        for (const std::size_t index : indexes) {
            const SourceSpec& spec = sources_[index].spec;
            for (const auto& name : catena_names(spec.table)) known.push_back(name);
            const auto mark = [&](const ValueSpec& value) {
                if (value.from == ValueSpec::From::column) used[value.index] = true;
                for (const TemplatePart& part : value.parts)
                    if (part.column) used[part.index] = true;
                if (!value.currency.empty()) used[value.currency_index] = true;
            };
            for (const ValueSpec& value : spec.columns) mark(value);
            for (const auto& [key, value] : spec.keys) mark(value);
            for (const std::size_t position : spec.skip_if_index) used[position] = true;
            for (const std::string& column : spec.ignore) used[*reader.column(column)] = true;
        }
        std::vector<std::string> unmapped;
        for (std::size_t position = 0; position < used.size(); ++position) {
            if (used[position]) continue;
            const std::string& column = reader.header()[position];
            if (const auto like = columns::looks_like(column, known))
                throw InputError(file_name(sources_[indexes.front()].spec) + ":1", column,
                                 "looks like catena's '" + *like + "' column but " + mapping_.file +
                                     " does not use it; map it (" + *like + " = \"" + column +
                                     "\"), make it an attribute, or list it in ignore = [...]");
            unmapped.push_back(column);
        }
        for (const std::size_t index : indexes)
            report_.sources[sources_[index].report].unmapped = unmapped;
        if (!unmapped.empty()) {
            std::string names;
            for (const auto& name : unmapped) names += (names.empty() ? "'" : ", '") + name + "'";
            report_.warnings.push_back(file_name(sources_[indexes.front()].spec) +
                                       ": not used by the mapping: " + names);
        }
    }
}

// A row of `open` at `line` that the mapping or the sink refused.
void MappedReader::row_error(Open& open, const RowError& error, std::uint64_t line,
                             const std::vector<std::string_view>& fields) {
    ++report_.sources[open.report].skipped;
    bad_.add(kTableNames[static_cast<int>(open.spec.table)], open.reader->name(), line,
             source_column(open, error.column()), error.column(), error.what(), fields);
}

// The column of `open`'s file that feeds catena column `catena` (for messages), or `catena`.
std::string MappedReader::source_column(const Open& open, const std::string& catena) const {
    const ValueSpec* spec = column(open, catena);
    return spec ? label(*spec) : catena;
}

}  // namespace mapping_detail

void read_mapped_input(const Mapping& mapping, const std::filesystem::path& data_dir,
                       const LoadOptions& options, DatasetSink& sink, ReadReport& report) {
    mapping_detail::MappedReader(mapping, data_dir, options, sink, report).run();
}

}  // namespace catena
