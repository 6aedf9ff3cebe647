// A mapping file (TOML) says how the files of a CRM export feed catena's four tables, so an
// export loads as it comes: any file names, delimiters and encodings, the CRM's column names,
// e-mail addresses as keys, US or European dates and numbers, `$` amounts, status words, labels
// whose direction is reversed, lists in one cell. `catena import DIR --mapping crm.toml` (and
// `--mapping` on every command that reads `--data`) reads DIR through it.
//
//   on_bad_row = "stop"                 # or "skip" (the command line's --on-bad-row wins)
//
//   [keys.email]                        # a key by which files name a customer
//   normalize = ["trim", "lower"]       # default ["trim"]; also "none"
//   duplicates = "merge"                # customers with equal keys: "merge" (default) or "error"
//
//   [currency]                          # needed only when an amount has a currency column
//   base = "EUR"                        # and its rows use more than one currency
//   rates = { USD = 0.92, GBP = 1.17 }  # one unit of each = this many base units
//
//   [[customers]]                       # one block per source file; several may feed a table
//   file = "contacts.csv"               # relative to the data folder
//   delimiter = ","                     # ",", ";", "tab" or "|"; detected from the header when
//   left out encoding = "utf-8"                  # or "latin-1", "windows-1252" (converted to
//   UTF-8) id_prefix = "contact-"              # put before every id this file defines (customers
//   only) keys = { email = "Email", contact_id = "Record ID" }  # customers only: the file's key
//   columns dates = ["%m/%d/%Y %I:%M %p", "%m/%d/%Y"]  # date patterns, tried in order (default
//   ISO) numbers = { decimal = ".", thousands = "," }  # default: decimal ".", no thousands
//   separator skip_if = { "Lifecycle Stage" = ["other"] }   # drop records whose column has one of
//   these values ignore = ["Marketing emails delivered"]       # columns deliberately not used
//
//   [customers.columns]                 # catena column = where its value comes from
//   id = "Record ID"                    # a source column (matched case-insensitively)
//   name = "{First Name} {Last Name}"   # a template of source columns
//   kind = { value = "person" }         # a constant
//   opt_out = { column = "Unsubscribed from all email", map = { "Yes" = true, "No" = false } }
//   owner = "Contact owner"             # customers: any other name is a text attribute
//
// A column's spec is a string (a source column, or a template when it holds `{...}`) or a table
// with one of `column`, `template`, `value`, and any of:
//   map = { "Converted" = true, ... }   value map: the field (trimmed, any case) -> a value;
//                                       fields not in the map are read as they are;
//                                       only on text columns (kind, segment, opt_out, converted,
//                                       type, directed, channel, attributes), not on numbers or
//                                       dates
//   key = "email"                       a customer reference (source, target, referrer, referred,
//                                       customer, on_behalf_of) looked up by that key; without
//                                       one, the field is a customer id as stored
//   list = ";"                          the field holds a list: one row per item (one such column
//                                       per source: a customer reference, or type for several
//                                       labels)
//   reversed = ["Referred by"]          `type` only: labels read target -> source
//   dates = [...]                       a date column's own patterns
//   currency = "Currency"               `amount` only: the column naming each row's currency
//
// Tables and their catena columns (README "Input formats"):
//   customers      id, kind, name, segment, value, cost, opt_out, and any attribute
//   relationships  source, target, type, weight, probability, date, directed
//   referrals      referrer, referred, date, converted, reward
//   transactions   customer, date, amount, channel, on_behalf_of, order_id
//
// Nothing is misread silently: a source column that is not mapped but looks like a catena column
// (`Opted Out`, `optout_flag`, `Do Not Contact`, `valeu`) is an input error until the mapping maps
// it, makes it an attribute or lists it in `ignore`. Errors in the mapping itself name the line:
// `crm.toml:12: customers.columns: unknown catena column 'segmnet' (did you mean segment?)`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "catena/loaders/dataset_sink.hpp"
#include "catena/loaders/load.hpp"

namespace catena {

struct Mapping;  // a parsed, validated mapping file

// Parses and checks a mapping file (TOML syntax, known tables and columns, patterns that parse a
// date, maps on text columns only). Throws InputError `FILE:LINE: what`.
std::shared_ptr<const Mapping> read_mapping_file(const std::filesystem::path& path);

// The mapping's on_bad_row, if it sets one.
std::optional<BadRowPolicy> mapping_bad_row_policy(const Mapping& mapping);

// Reads the files of `data_dir` through `mapping` into `sink`, in table order (every customers
// source, then relationships, referrals, transactions). Source columns named by the mapping but
// missing from a file are InputErrors naming the mapping's line.
void read_mapped_input(const Mapping& mapping, const std::filesystem::path& data_dir,
                       const LoadOptions& options, DatasetSink& sink, ReadReport& report);

// `catena mapping suggest DIR`: a draft mapping for the CSV files of `data_dir`, from their
// headers (common CRM column names: Record ID, Contact ID, Email, Lifecycle Stage, Total Revenue,
// Unsubscribed from all email, Do Not Contact, Create Date, ...), each guess commented for the
// user to check. Never fails on an unrecognised file: it is listed, commented out.
std::string suggest_mapping(const std::filesystem::path& data_dir);

}  // namespace catena
