// The Run and parameters section: when the run started and finished, the data fingerprint, the
// random seed, the catena version, and every parameter the job ran with.
#include <fmt/format.h>

#include "format.hpp"
#include "sections.hpp"

namespace catena::html {
namespace {

// A parameter value as a person reads it: yes/no, whole numbers with separators, lists joined.
std::string parameter_value(const Json& value) {
    if (value.is_null()) return "<span class=\"muted\">—</span>";
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    if (value.is_number_integer() || value.is_number_unsigned()) return whole(value.get<double>());
    if (value.is_number_float()) return escape(fmt::format("{}", value.get<double>()));
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        return text.empty() ? "<span class=\"muted\">—</span>" : shortened(text, 60);
    }
    if (value.is_array()) {
        if (value.empty()) return "<span class=\"muted\">none</span>";
        std::string out;
        for (const Json& item : value) {
            if (!out.empty()) out += ", ";
            out += item.is_primitive() ? parameter_value(item) : shortened(item.dump(), 60);
        }
        return out;
    }
    return shortened(value.dump(), 60);
}

// The parameters: one group per table of the job file, the top-level ones in a group "job".
std::string parameters_list(const Json& parameters) {
    std::string scalars, groups;
    for (const auto& [key, value] : parameters.items()) {
        if (value.is_object()) {
            std::string rows;
            for (const auto& [inner_key, inner] : value.items())
                rows += fmt::format(
                    "<dt>{}</dt><dd>{}</dd>", shortened(inner_key, 14),
                    inner.is_object() ? shortened(inner.dump(), 60) : parameter_value(inner));
            groups += fmt::format("<div class=\"param-group\"><h4>{}</h4><dl>{}</dl></div>\n",
                                  shortened(key, 14), rows.empty() ? "<dt>—</dt><dd></dd>" : rows);
        } else {
            scalars +=
                fmt::format("<dt>{}</dt><dd>{}</dd>", shortened(key, 14), parameter_value(value));
        }
    }
    if (!scalars.empty())
        groups =
            fmt::format("<div class=\"param-group\"><h4>job</h4><dl>{}</dl></div>\n", scalars) +
            groups;
    return groups.empty() ? "" : "<div class=\"params\">\n" + groups + "</div>\n";
}

// The run's facts as a definition list.
std::string facts(const Json& summary, const Json& run, const std::string& version) {
    const std::string started = text(run, "started_at", "run");
    const std::string finished = text(run, "finished_at", "run");
    const std::string fingerprint = text(run, "input_fingerprint", "run");
    std::string rows;
    const auto row = [&](std::string_view label, const std::string& value) {
        rows += fmt::format("<dt>{}</dt><dd>{}</dd>", label, value);
    };
    if (const Json* job = find(summary, "job")) {
        if (const auto name = optional_text(*job, "name", "job")) row("job", shortened(*name, 60));
        if (const auto file = optional_text(*job, "file", "job"))
            row("job file", "<code>" + shortened(*file, 60) + "</code>");
    }
    row("started", readable_time(started));
    std::string finished_text = readable_time(finished);
    const auto t0 = parse_utc(started), t1 = parse_utc(finished);
    if (t0 && t1 && *t1 >= *t0)
        finished_text += " <span class=\"muted\">(took " + duration(*t1 - *t0) + ")</span>";
    row("finished", finished_text);
    row("data fingerprint", "<code>" + shortened(fingerprint, 40) + "</code>");
    if (const auto seed = optional_number(run, "seed", "run")) row("random seed", whole(*seed));
    if (const auto saved = optional_number(run, "saved_as_run", "run"))
        row("stored as run", whole(*saved));
    row("catena version", shortened(version, 20));
    return "<dl class=\"facts\">" + rows + "</dl>\n";
}

}  // namespace

Section run_section(const Json& summary, const Json& run, const std::string& version) {
    Section section{"run", "Run and parameters", ""};
    std::string& out = section.html;
    out += facts(summary, run, version);
    out +=
        "<p class=\"note\">The data fingerprint identifies the exact input graph: two reports with "
        "the same fingerprint, parameters and seed show the same numbers.</p>\n";
    if (const Json* parameters = find(run, "parameters")) {
        if (!parameters->is_object()) malformed("run.parameters", "expected an object");
        const std::string list = parameters_list(*parameters);
        if (!list.empty()) out += "<h3>Parameters</h3>\n" + list;
    }
    return section;
}

}  // namespace catena::html
