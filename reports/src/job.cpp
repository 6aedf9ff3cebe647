#include "catena/reports/job.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include <toml++/toml.h>

#include "catena/graph/errors.hpp"

namespace catena {

namespace {

// One table of the job file. Reads keys with their types and ranges; finish() rejects the keys
// nobody asked for, so a misspelt key is an error instead of a silently ignored setting.
class Section {
  public:
    Section(const toml::table* table, std::string name, const std::string& file)
        : table_(table), name_(std::move(name)), file_(file) {}

    bool present() const { return table_ != nullptr; }

    [[noreturn]] void fail(const toml::source_region& where, const std::string& what) const {
        throw InputError(file_ + ":" + std::to_string(where.begin.line),
                         "column " + std::to_string(where.begin.column), what);
    }
    [[noreturn]] void fail_key(std::string_view key, const std::string& what) const {
        fail(node(key)->source(), label(key) + ": " + what);
    }

    void boolean(std::string_view key, bool& out) {
        if (const auto* n = take(key)) {
            const auto value = n->value<bool>();
            if (!n->is_boolean() || !value) fail_key(key, "must be true or false");
            out = *value;
        }
    }
    template <typename Int>
    void integer(std::string_view key, Int& out, std::int64_t least,
                 std::int64_t most = std::numeric_limits<std::int64_t>::max()) {
        if (const auto* n = take(key)) {
            if (!n->is_integer()) fail_key(key, "must be a whole number");
            const std::int64_t value = *n->value<std::int64_t>();
            const std::int64_t top = std::min<std::int64_t>(
                most,
                static_cast<std::int64_t>(std::min<std::uint64_t>(
                    std::numeric_limits<Int>::max(), std::numeric_limits<std::int64_t>::max())));
            if (value < least || value > top)
                fail_key(key, "must be between " + std::to_string(least) + " and " +
                                  std::to_string(top) + ", not " + std::to_string(value));
            out = static_cast<Int>(value);
        }
    }
    // A number in [least, most] (integers are accepted as numbers); `open_low`: least excluded.
    void number(std::string_view key, double& out, double least, double most,
                bool open_low = false) {
        if (auto value = read_number(key)) {
            if (!(open_low ? *value > least : *value >= least) || !(*value <= most))
                fail_key(key, "must be " + std::string(open_low ? "above " : "at least ") +
                                  format(least) +
                                  (std::isfinite(most) ? " and at most " + format(most) : "") +
                                  ", not " + format(*value));
            out = *value;
        }
    }
    void optional_number(std::string_view key, std::optional<double>& out, double least) {
        double value = 0.0;
        if (node(key) == nullptr) return;
        number(key, value, least, std::numeric_limits<double>::infinity());
        out = value;
    }
    void string(std::string_view key, std::string& out) {
        if (const auto* n = take(key)) {
            if (!n->is_string()) fail_key(key, "must be a string (in quotes)");
            out = *n->value<std::string>();
        }
    }
    void strings(std::string_view key, std::vector<std::string>& out) {
        if (const auto* n = take(key)) {
            const auto* array = n->as_array();
            if (array == nullptr) fail_key(key, "must be a list of strings, like [\"a\", \"b\"]");
            out.clear();
            for (const auto& item : *array) {
                if (!item.is_string())
                    fail(item.source(), label(key) + ": must be a list of strings");
                out.push_back(*item.value<std::string>());
            }
        }
    }
    // A sub-table (e.g. [types.mentor]); nullptr when absent.
    const toml::table* table(std::string_view key) {
        if (const auto* n = take(key)) {
            if (!n->is_table()) fail_key(key, "must be a table");
            return n->as_table();
        }
        return nullptr;
    }
    const toml::node* node(std::string_view key) const {
        return table_ ? table_->get(key) : nullptr;
    }

    // Runs an algorithm's Params::validate() on what the table set: its UsageError becomes
    // "FILE:LINE: column C: [name]: what", at the table's header.
    template <typename Validate>
    void check(Validate&& validate) const {
        try {
            validate();
        } catch (const UsageError& bad) {
            const std::string what = (name_.empty() ? "" : "[" + name_ + "]: ") + bad.what();
            if (!table_) throw InputError(file_, "", what);
            fail(table_->source(), what);
        }
    }

    void finish() const {
        if (!table_) return;
        for (const auto& [key, value] : *table_)
            if (!read_.count(std::string(key.str())))
                fail(key.source().begin.line ? key.source() : value.source(),
                     "unknown key '" + std::string(key.str()) + "'" +
                         (name_.empty() ? "" : " in [" + name_ + "]"));
    }

  private:
    const toml::node* take(std::string_view key) {
        read_.insert(std::string(key));
        return node(key);
    }
    std::optional<double> read_number(std::string_view key) {
        const auto* n = take(key);
        if (!n) return std::nullopt;
        if (n->is_integer()) return static_cast<double>(*n->value<std::int64_t>());
        if (!n->is_floating_point()) fail_key(key, "must be a number");
        return *n->value<double>();
    }
    std::string label(std::string_view key) const {
        return name_.empty() ? std::string(key) : name_ + "." + std::string(key);
    }
    static std::string format(double value) {
        std::string text = std::to_string(value);
        while (text.size() > 1 && text.back() == '0') text.pop_back();
        if (!text.empty() && text.back() == '.') text.pop_back();
        return text;
    }

    const toml::table* table_;
    std::string name_;
    const std::string& file_;
    std::set<std::string> read_;
};

std::string resolve(const std::filesystem::path& base, const std::string& path) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (base / path).lexically_normal().string();
}

// The table `name` of the job file (absent: an empty Section); an error when it is not a table.
Section section(const toml::table& root, std::string_view name, const std::string& file) {
    const toml::node* n = root.get(name);
    if (n && !n->is_table())
        Section(&root, "", file)
            .fail(n->source(),
                  "'" + std::string(name) + "' must be a table: [" + std::string(name) + "]");
    return Section(n ? n->as_table() : nullptr, std::string(name), file);
}

void read_data([[maybe_unused]] const toml::table& root, const std::string& file,
               [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section data = section(root, "data", file);
    data.string("folder", job.data_dir);
    data.string("edges", job.edges_file);
    data.string("nodes", job.nodes_file);
    data.string("db", job.db_file);
    data.boolean("directed", job.directed);
    data.finish();
    job.data_dir = resolve(base, job.data_dir);
    job.edges_file = resolve(base, job.edges_file);
    job.nodes_file = resolve(base, job.nodes_file);
    job.db_file = resolve(base, job.db_file);
    if (data.present() && job.data_dir.empty() && job.edges_file.empty() && job.db_file.empty())
        data.fail(root.get("data")->source(), "[data] needs folder, edges or db");
}

void read_input([[maybe_unused]] const toml::table& root, const std::string& file,
                [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section input = section(root, "input", file);
    input.string("mapping", job.mapping);
    input.string("on_bad_row", job.on_bad_row);
    input.string("rejects", job.rejects);
    input.finish();
    if (!job.on_bad_row.empty() && job.on_bad_row != "stop" && job.on_bad_row != "skip")
        input.fail_key("on_bad_row",
                       "must be \"stop\" or \"skip\", not \"" + job.on_bad_row + "\"");
    job.mapping = resolve(base, job.mapping);
    job.rejects = resolve(base, job.rejects);
    if (!job.mapping.empty() && job.data_dir.empty() && !job.edges_file.empty())
        input.fail_key("mapping", "goes with a data folder ([data] folder), not an edge list");
}

void read_types([[maybe_unused]] const toml::table& root, const std::string& file,
                [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section types = section(root, "types", file);
    if (types.present()) {
        for (const auto& [key, value] : *root.get("types")->as_table()) {
            const std::string name(key.str());
            Section type(types.table(name), "types." + name, file);
            bool directed = false;
            double strength = 1.0;
            type.boolean("directed", directed);
            type.number("strength", strength, 0.0, std::numeric_limits<double>::infinity());
            type.finish();
            std::string spec = name + ":" + (directed ? "directed" : "undirected");
            if (type.node("strength")) spec += ":" + std::to_string(strength);
            job.type_specs.push_back(spec);
        }
    }
    types.finish();
}

void read_model([[maybe_unused]] const toml::table& root, const std::string& file,
                [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section model = section(root, "model", file);
    std::string diffusion = "ic";
    model.string("diffusion", diffusion);
    if (const auto parsed = parse_diffusion_model(diffusion))
        job.model = *parsed;
    else
        model.fail_key("diffusion", "must be \"ic\" or \"lt\", not \"" + diffusion + "\"");
    model.string("probability", job.probability);
    try {
        ProbabilityModel::parse(job.probability);
    } catch (const UsageError& bad) {
        model.fail_key("probability", bad.what());
    }
    model.finish();
}

void read_rank([[maybe_unused]] const toml::table& root, const std::string& file,
               [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section rank = section(root, "rank", file);
    rank.boolean("enabled", job.run_rank);
    std::string measure(to_string(job.rank.measure));
    rank.string("measure", measure);
    try {
        job.rank.measure = parse_rank_measure(measure);
    } catch (const UsageError& bad) {
        rank.fail_key("measure", bad.what());
    }
    rank.integer("top", job.rank.top, 0);
    rank.number("damping", job.rank.pagerank.damping, 0.0, 1.0);
    if (job.rank.pagerank.damping >= 1.0) rank.fail_key("damping", "must be below 1");
    rank.number("tolerance", job.rank.pagerank.tolerance, 0.0,
                std::numeric_limits<double>::infinity());
    rank.integer("max_iterations", job.rank.pagerank.max_iterations, 1);
    rank.boolean("weighted", job.rank.pagerank.weighted);
    rank.string("personalize", job.rank.personalize);
    rank.finish();
    rank.check([&] { job.rank.pagerank.validate(0); });
}

void read_communities([[maybe_unused]] const toml::table& root, const std::string& file,
                      [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section communities = section(root, "communities", file);
    communities.boolean("enabled", job.run_communities);
    std::string method(to_string(job.communities.method));
    communities.string("method", method);
    try {
        job.communities.method = parse_community_method(method);
    } catch (const UsageError& bad) {
        communities.fail_key("method", bad.what());
    }
    communities.number("resolution", job.communities.resolution, 0.0,
                       std::numeric_limits<double>::infinity(), true);
    job.communities.seed = job.seed;
    communities.integer("seed", job.communities.seed, 0);
    communities.integer("max_iterations", job.communities.max_iterations, 1);
    communities.finish();
    communities.check([&] { job.communities.validate(0); });
}

void read_seeds([[maybe_unused]] const toml::table& root, const std::string& file,
                [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section seeds = section(root, "seeds", file);
    seeds.boolean("enabled", job.run_seeds);
    SeedSelectionParams& p = job.seeds.params;
    seeds.integer("k", p.k, 1);
    seeds.number("eps", p.epsilon, 0.0, 1.0, true);
    if (p.epsilon >= 1.0) seeds.fail_key("eps", "must be below 1");
    seeds.number("delta", p.delta, 0.0, 1.0);
    std::string objective(to_string(p.objective));
    seeds.string("objective", objective);
    if (const std::optional<SeedObjective> parsed = parse_seed_objective(objective))
        p.objective = *parsed;
    else
        seeds.fail_key("objective",
                       "must be \"customers\" or \"value\", not \"" + objective + "\"");
    seeds.number("budget", p.budget, 0.0, std::numeric_limits<double>::infinity());
    seeds.strings("only_segments", job.seeds.only_segments);
    seeds.strings("exclude_segments", job.seeds.exclude_segments);
    seeds.string("only_kind", job.seeds.only_kind);
    if (!job.seeds.only_kind.empty() && job.seeds.only_kind != "person" &&
        job.seeds.only_kind != "business")
        seeds.fail_key("only_kind",
                       "must be \"person\" or \"business\", not \"" + job.seeds.only_kind + "\"");
    p.seed = job.seed;
    seeds.integer("seed", p.seed, 0);
    seeds.finish();
    seeds.check([&] { p.validate(0); });
}

void read_compare([[maybe_unused]] const toml::table& root, const std::string& file,
                  [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section compare = section(root, "compare", file);
    compare.boolean("enabled", job.run_compare);
    compare.integer("k", job.compare.k, 1, 1000);
    compare.integer("simulations", job.compare.simulation.simulations, 1);
    compare.number("eps", job.compare.epsilon, 0.0, 1.0, true);
    job.compare.simulation.seed = job.seed;
    compare.integer("seed", job.compare.simulation.seed, 0);
    compare.finish();
    compare.check([&] { job.compare.simulation.validate(); });
}

void read_value([[maybe_unused]] const toml::table& root, const std::string& file,
                [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section value = section(root, "value", file);
    value.boolean("enabled", job.run_value);
    ValueParams& p = job.value.params;
    value.number("network_weight", p.network_weight, 0.0, std::numeric_limits<double>::infinity());
    value.number("referral_weight", p.referral_weight, 0.0,
                 std::numeric_limits<double>::infinity());
    value.number("depth_discount", p.referral.depth_discount, 0.0, 1.0);
    value.integer("window_days", p.profile.window_days, 1, 100'000);
    std::string as_of;
    value.string("as_of", as_of);
    if (!as_of.empty()) {
        const std::optional<Date> date = parse_iso_date(as_of);
        if (!date) value.fail_key("as_of", "must be a date YYYY-MM-DD, not \"" + as_of + "\"");
        p.profile.as_of = *date;
    }
    value.optional_number("own_threshold", p.own_threshold, 0.0);
    value.optional_number("influence_threshold", p.influence_threshold, 0.0);
    value.number("eps", p.network.epsilon, 0.0, 1.0, true);
    p.network.seed = job.seed;
    value.integer("seed", p.network.seed, 0);
    value.finish();
    value.check([&] { p.validate(); });
}

void read_simulate([[maybe_unused]] const toml::table& root, const std::string& file,
                   [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section simulate = section(root, "simulate", file);
    simulate.strings("seeds", job.simulate.seed_ids);
    job.run_simulate = !job.simulate.seed_ids.empty();
    simulate.boolean("enabled", job.run_simulate);
    if (job.run_simulate && job.simulate.seed_ids.empty())
        simulate.fail_key("enabled", "[simulate] needs seeds = [\"ID\", ...]");
    simulate.integer("simulations", job.simulate.params.simulations, 1);
    job.simulate.params.seed = job.seed;
    simulate.integer("seed", job.simulate.params.seed, 0);
    simulate.finish();
    simulate.check([&] { job.simulate.params.validate(); });
}

void read_cards([[maybe_unused]] const toml::table& root, const std::string& file,
                [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section cards = section(root, "cards", file);
    cards.boolean("enabled", job.run_cards);
    cards.integer("simulations", job.card_simulations, 1);
    cards.integer("top", job.card_top, 1, 1000);
    cards.integer("max", job.card_limit, 1, 10'000);
    cards.finish();
}

void read_output([[maybe_unused]] const toml::table& root, const std::string& file,
                 [[maybe_unused]] const std::filesystem::path& base, JobSpec& job) {
    Section output = section(root, "output", file);
    std::string folder;
    output.string("folder", folder);
    if (!folder.empty()) job.out_dir = resolve(base, folder);
    output.integer("scatter_points", job.scatter_points, 10, 1'000'000);
    output.strings("columns", job.columns);
    output.check([&] { ListedColumns{job.columns}; });
    output.boolean("save_to_db", job.save);
    output.boolean("csv_bom", job.csv_bom);
    output.finish();
}

}  // namespace

std::vector<JobSpec::NamedSegment> JobSpec::named_segments() const {
    std::vector<NamedSegment> names;
    for (const std::string& name : seeds.only_segments)
        names.push_back({"seeds.only_segments", name});
    for (const std::string& name : seeds.exclude_segments)
        names.push_back({"seeds.exclude_segments", name});
    return names;
}

JobSpec default_job() {
    JobSpec job;
    job.seeds.params.k = kReportSeeds;
    job.compare.k = kReportSeeds;
    return job;
}

JobSpec parse_job_file(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw InputError(file, "", "no such job file");
    toml::table root;
    try {
        root = toml::parse_file(file);
    } catch (const toml::parse_error& parse) {
        throw InputError(file + ":" + std::to_string(parse.source().begin.line),
                         "column " + std::to_string(parse.source().begin.column),
                         std::string(parse.description()));
    }
    JobSpec job = default_job();
    job.file = path;
    const std::filesystem::path base = path.parent_path();

    Section top(&root, "", file);
    top.string("name", job.name);
    top.integer("seed", job.seed, 0);
    top.integer("threads", job.threads, 1, kMaxThreads);
    top.string("since", job.since);
    for (const char* name : {"data", "input", "types", "model", "rank", "communities", "seeds",
                             "compare", "value", "simulate", "cards", "output"})
        top.table(name);  // checked to be a table and marked known; read below
    top.finish();

    read_data(root, file, base, job);
    read_input(root, file, base, job);
    read_types(root, file, base, job);
    read_model(root, file, base, job);
    read_rank(root, file, base, job);
    read_communities(root, file, base, job);
    read_seeds(root, file, base, job);
    read_compare(root, file, base, job);
    read_value(root, file, base, job);
    read_simulate(root, file, base, job);
    read_cards(root, file, base, job);
    read_output(root, file, base, job);
    return job;
}

}  // namespace catena
