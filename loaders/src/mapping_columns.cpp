// catena's columns per table (names, kinds, which are required) and the date patterns a
// mapping may give (%Y-%m-%d and the like): parsing a date with one, and checking one.
#include <cctype>
#include <cstddef>

#include "mapping_internal.hpp"

namespace catena::mapping_detail {

const std::vector<CatenaColumn>& catena_columns(Table table) {
    static const std::vector<CatenaColumn> customers = {
        {"id", ColumnKind::id, true},           {"kind", ColumnKind::text, false},
        {"name", ColumnKind::text, false},      {"segment", ColumnKind::text, false},
        {"value", ColumnKind::number, false},   {"cost", ColumnKind::number, false},
        {"opt_out", ColumnKind::boolean, false}};
    static const std::vector<CatenaColumn> relationships = {
        {"source", ColumnKind::reference, true},    {"target", ColumnKind::reference, true},
        {"type", ColumnKind::text, false},          {"weight", ColumnKind::number, false},
        {"probability", ColumnKind::number, false}, {"date", ColumnKind::date, false},
        {"directed", ColumnKind::boolean, false}};
    static const std::vector<CatenaColumn> referrals = {{"referrer", ColumnKind::reference, true},
                                                        {"referred", ColumnKind::reference, true},
                                                        {"date", ColumnKind::date, false},
                                                        {"converted", ColumnKind::boolean, false},
                                                        {"reward", ColumnKind::number, false}};
    static const std::vector<CatenaColumn> transactions = {
        {"customer", ColumnKind::reference, true},      {"date", ColumnKind::date, true},
        {"amount", ColumnKind::number, true},           {"channel", ColumnKind::text, false},
        {"on_behalf_of", ColumnKind::reference, false}, {"order_id", ColumnKind::text, false}};
    switch (table) {
        case Table::customers:
            return customers;
        case Table::relationships:
            return relationships;
        case Table::referrals:
            return referrals;
        case Table::transactions:
            break;
    }
    return transactions;
}

std::vector<std::string> catena_names(Table table) {
    std::vector<std::string> names;
    for (const CatenaColumn& column : catena_columns(table)) names.emplace_back(column.name);
    return names;
}

// --- Date patterns ---------------------------------------------------------------------------

namespace {

constexpr const char* kMonths[] = {"january",   "february", "march",    "april",
                                   "may",       "june",     "july",     "august",
                                   "september", "october",  "november", "december"};

// What a pattern read from a text; checked once the whole text is read.
struct DateFields {
    int year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0;
    bool twelve_hour = false, have_ampm = false;
};

// Reads a text from the front, one element of a pattern at a time; each step is false when the
// text does not match it.
class DateScanner {
  public:
    explicit DateScanner(std::string_view text) : text_(text) {}

    bool done() const { return at_ == text_.size(); }

    // A space in the pattern: one or more spaces.
    bool spaces() {
        if (at_ >= text_.size() || text_[at_] != ' ') return false;
        while (at_ < text_.size() && text_[at_] == ' ') ++at_;
        return true;
    }

    // Any other character: itself, in any case.
    bool literal(char c) {
        if (at_ >= text_.size() || std::tolower(static_cast<unsigned char>(text_[at_])) !=
                                       std::tolower(static_cast<unsigned char>(c)))
            return false;
        ++at_;
        return true;
    }

    bool directive(char directive, DateFields& date) {
        int ignored = 0;
        switch (directive) {
            case 'Y':
                return digits(4, 4, date.year);
            case 'y':
                if (!digits(2, 2, date.year)) return false;
                date.year += date.year < 70 ? 2000 : 1900;
                return true;
            case 'm':
                return digits(1, 2, date.month);
            case 'd':
            case 'e':
                return digits(1, 2, date.day);
            case 'H':
                return digits(1, 2, date.hour) && date.hour <= 23;
            case 'I':
                if (!digits(1, 2, date.hour) || date.hour < 1 || date.hour > 12) return false;
                date.twelve_hour = true;
                return true;
            case 'M':
                return digits(2, 2, date.minute) && date.minute <= 59;
            case 'S':
                return digits(2, 2, date.second) && date.second <= 60;
            case 'f':
                return digits(1, 9, ignored);
            case 'p':
                return am_pm(date);
            case 'b':
            case 'B':
                return month_name(date.month);
            case 'z':
                return zone();
            case '%':
                return literal('%');
            default:
                return false;
        }
    }

  private:
    bool digits(std::size_t min, std::size_t max, int& out) {
        std::size_t count = 0;
        int value = 0;
        while (at_ < text_.size() && count < max &&
               std::isdigit(static_cast<unsigned char>(text_[at_]))) {
            value = value * 10 + (text_[at_] - '0');
            ++at_;
            ++count;
        }
        out = value;
        return count >= min;
    }

    bool am_pm(DateFields& date) {
        if (at_ + 2 > text_.size()) return false;
        const std::string word = fold(text_.substr(at_, 2));
        if (word != "am" && word != "pm") return false;
        date.have_ampm = true;
        at_ += 2;
        return true;
    }

    // A month's name, or its first three letters (and "sept").
    bool month_name(int& month) {
        std::size_t end = at_;
        while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
        const std::string word = fold(text_.substr(at_, end - at_));
        month = -1;
        for (int index = 0; index < 12; ++index) {
            const std::string full = kMonths[index];
            if (word == full || (word.size() == 3 && full.compare(0, 3, word) == 0) ||
                (word == "sept" && index == 8))
                month = index + 1;
        }
        if (month < 0) return false;
        at_ = end;
        return true;
    }

    // Z, or +HH:MM / -HHMM.
    bool zone() {
        int ignored = 0;
        if (at_ < text_.size() && (text_[at_] == 'Z' || text_[at_] == 'z')) {
            ++at_;
            return true;
        }
        if (at_ >= text_.size() || (text_[at_] != '+' && text_[at_] != '-')) return false;
        ++at_;
        if (!digits(2, 2, ignored)) return false;
        if (at_ < text_.size() && text_[at_] == ':') ++at_;
        return digits(2, 2, ignored);
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

// The day `date` names, if it is a day of the calendar.
std::optional<Date> calendar_day(const DateFields& date) {
    if (date.year < 0 || date.month < 1 || date.month > 12 || date.day < 1) return std::nullopt;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0;
    if (date.day > kDays[date.month - 1] + (date.month == 2 && leap)) return std::nullopt;
    return days_from_civil(date.year, static_cast<unsigned>(date.month),
                           static_cast<unsigned>(date.day));
}

}  // namespace

std::optional<Date> parse_date_with(std::string_view pattern, std::string_view text) {
    DateScanner scanner(text);
    DateFields date;
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        const char c = pattern[p];
        const bool matched = c == ' ' ? scanner.spaces()
                             : c != '%' || p + 1 >= pattern.size()
                                 ? scanner.literal(c)
                                 : scanner.directive(pattern[++p], date);
        if (!matched) return std::nullopt;
    }
    if (!scanner.done()) return std::nullopt;
    if (date.twelve_hour != date.have_ampm) return std::nullopt;
    return calendar_day(date);
}

std::string check_date_pattern(std::string_view pattern) {
    bool year = false, month = false, day = false, hour12 = false, ampm = false;
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        if (pattern[p] != '%') continue;
        if (p + 1 >= pattern.size()) return "ends with a lone '%'";
        const char d = pattern[++p];
        if (std::string_view("YymdeHIMSfpbBz%").find(d) == std::string_view::npos)
            return std::string("has an unknown directive %") + d +
                   " (known: %Y %y %m %d %e %H %I %M %S %f %p %b %B %z %%)";
        year |= d == 'Y' || d == 'y';
        month |= d == 'm' || d == 'b' || d == 'B';
        day |= d == 'd' || d == 'e';
        hour12 |= d == 'I';
        ampm |= d == 'p';
    }
    if (!year || !month || !day)
        return "parses no date: a pattern needs a year (%Y or %y), a month (%m, %b or %B) and a "
               "day (%d)";
    if (hour12 != ampm) return "uses %I (12-hour clock) without %p (AM/PM), or %p without %I";
    return "";
}

}  // namespace catena::mapping_detail
