// Private to loaders/src: what `catena mapping suggest` shares between reading the files
// (suggest_analysis.cpp: sampling, the dictionary of CRM column names, value styles, date
// patterns), planning each file's block (suggest_plan_customers.cpp, suggest_plan_rows.cpp) and
// writing the draft TOML (mapping_suggest.cpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catena/loaders/csv_reader.hpp"

namespace catena::suggest_detail {

namespace fs = std::filesystem;

inline constexpr std::size_t kSampleBytes = 1 << 20;  // read at most this much of each file
inline constexpr std::size_t kSampleRecords = 5000;

// --- Text helpers (suggest_analysis.cpp) --------------------------------------------------------

std::string lower(std::string_view text);
std::string_view trim(std::string_view text);
// A comment for a guess: "guess: ...", unless it is already a "check: ...".
std::string guessed(const std::string& note);
// A column name reduced to lower-case letters and digits: "Record ID", "record_id" and "RecordId"
// are all "recordid".
std::string norm(std::string_view name);
bool contains(std::string_view text, std::string_view part);
bool starts_with(std::string_view text, std::string_view part);
bool ends_with(std::string_view text, std::string_view part);
bool is_digits(std::string_view text);
// A TOML basic string.
std::string quote(std::string_view text);
// A TOML key: bare when it can be, else quoted.
std::string toml_key(std::string_view key);
std::string toml_array(const std::vector<std::string>& items);
std::string join(const std::vector<std::string>& items, std::string_view separator);
// Up to `limit` distinct values, quoted, for comments.
std::string examples(const std::vector<std::string>& values, std::size_t limit = 4);
bool valid_utf8(std::string_view text, bool allow_cut_tail);

// --- Sampling a file ----------------------------------------------------------------------------

struct FileSample {
    std::string file;  // name in the folder
    std::string stem;  // lower-case letters of the name without extension ("contacts")
    char delimiter = ',';
    std::optional<TextEncoding> encoding;  // set when the file is not UTF-8
    std::vector<std::string> header;
    std::vector<std::string> names;  // norm() of each header name
    std::vector<std::vector<std::string>> rows;
    std::string problem;  // why the file could not be read, if it could not
};
FileSample sample_file(const fs::path& path);
std::vector<std::string> values_of(const FileSample& sample, std::size_t column);
bool has_empty(const FileSample& sample, std::size_t column);
std::vector<std::string> distinct(const std::vector<std::string>& values);

// --- The dictionary -----------------------------------------------------------------------------

// Normalised column names (norm()), best first.
using Names = std::vector<std::string_view>;

inline const Names kIdNames = {"id",        "customerid", "recordid",  "contactid",
                               "companyid", "accountid",  "hubspotid", "vid",
                               "objectid",  "externalid", "clientid",  "leadid"};

inline const Names kNameNames = {
    "name",        "label",       "fullname",         "displayname",      "companyname",
    "accountname", "contactname", "organizationname", "organisationname", "businessname",
    "company"};

inline const Names kFirstNames = {"firstname", "first", "givenname", "forename"};

inline const Names kLastNames = {"lastname", "last", "surname", "familyname"};

inline const Names kSegmentNames = {
    "segment",      "lifecyclestage", "customersegment", "segmentname", "type",     "accounttype",
    "customertype", "leadsource",     "leadstatus",      "tier",        "category", "persona"};

inline const Names kValueNames = {
    "value", "totalrevenue", "lifetimevalue", "customerlifetimevalue", "ltv",
    "clv",   "revenue",      "totalspent",    "amountspent",           "annualrevenue"};

inline const Names kCostNames = {"cost", "acquisitioncost", "cac", "recruitmentcost", "rewardcost"};

inline const Names kOptOutNames = {"optout",
                                   "optedout",
                                   "unsubscribedfromallemail",
                                   "hasoptedoutofemail",
                                   "donotcontact",
                                   "emailoptout",
                                   "donotemail",
                                   "globalunsubscribe",
                                   "optedoutofallemail",
                                   "unsubscribed",
                                   "emailunsubscribed",
                                   "donotcall"};

inline const Names kEmailNames = {"email", "emailaddress",  "email1",      "primaryemail",
                                  "mail",  "customeremail", "contactemail"};

inline const Names kSourceNames = {"source", "sourceid", "from", "fromid"};

inline const Names kTargetNames = {"target", "targetid", "to", "toid"};

inline const Names kTypeNames = {"type",
                                 "associationlabel",
                                 "label",
                                 "role",
                                 "relationship",
                                 "relationshiptype",
                                 "associationtype",
                                 "relation",
                                 "relationshiplabel",
                                 "associationlabels"};

inline const Names kWeightNames = {"weight", "strength"};

inline const Names kProbabilityNames = {"probability"};

inline const Names kDirectedNames = {"directed"};

inline const Names kRelationshipDateNames = {
    "date",        "since",      "startdate", "relationshipdate",
    "createddate", "createdate", "createdat", "created"};

inline const Names kReferrerNames = {
    "referrer",   "referreremail",   "referrerid",        "referrercustomerid",
    "referredby", "referredbyemail", "advocate",          "advocateemail",
    "inviter",    "inviteremail",    "referringcustomer", "referringcustomeremail",
    "sender",     "senderemail"};

inline const Names kReferredNames = {
    "referred",         "referredemail", "referredid",    "referredcustomerid", "referee",
    "refereeemail",     "invitee",       "inviteeemail",  "friendemail",        "referredcustomer",
    "newcustomeremail", "recipient",     "recipientemail"};

inline const Names kReferralDateNames = {"date",        "referraldate", "createdat",   "invitedat",
                                         "sentat",      "referredat",   "dateinvited", "created",
                                         "createddate", "createdate"};

inline const Names kConvertedNames = {"converted", "status",      "referralstatus", "outcome",
                                      "state",     "isconverted", "result"};

inline const Names kRewardNames = {"reward",     "rewardamount",   "payout",     "bonus",
                                   "commission", "referralreward", "rewardvalue"};

inline const Names kCustomerRefNames = {"customer",     "customerid", "customeremail", "email",
                                        "emailaddress", "accountid",  "contactid",     "buyer",
                                        "buyeremail",   "clientid",   "userid",        "purchaser"};

inline const Names kTransactionDateNames = {
    "date",        "createdat", "orderdate", "closedate",   "transactiondate", "purchasedate",
    "processedat", "paidat",    "created",   "invoicedate", "createddate"};

inline const Names kAmountNames = {"amount",
                                   "total",
                                   "ordertotal",
                                   "totalprice",
                                   "totalamount",
                                   "grandtotal",
                                   "transactionamount",
                                   "orderamount",
                                   "netamount",
                                   "revenue",
                                   "value"};

inline const Names kCurrencyNames = {"currency", "currencycode", "currencyisocode",
                                     "presentmentcurrency"};

inline const Names kChannelNames = {"channel",    "source",       "saleschannel",
                                    "sourcename", "orderchannel", "leadsource"};

inline const Names kOnBehalfNames = {"onbehalfof", "onbehalf", "beneficiary", "giftrecipient"};

inline const Names kOrderIdNames = {
    "orderid",   "ordernumber",   "orderno",       "order", "transactionid",
    "invoiceid", "invoicenumber", "opportunityid", "id",    "name"};
// Columns that look like an opt-out but are not the one to use (one subscription type, fax).
bool narrow_opt_out(std::string_view name);
bool looks_like_opt_out(std::string_view name);

// Standard Salesforce opportunity stages, in the order of the sales process.
inline const std::vector<std::string> kSalesforceStages = {
    "Prospecting",          "Qualification",       "Needs Analysis",
    "Value Proposition",    "Id. Decision Makers", "Perception Analysis",
    "Proposal/Price Quote", "Negotiation/Review",  "Closed Lost"};
// A relationship label -> catena type, or "" when not known.
std::string type_for_label(std::string_view label);
bool reversed_label(std::string_view label);
bool truthy_word(std::string_view value);
bool boolean_word(std::string_view value);

// --- Value styles -------------------------------------------------------------------------------

struct NumberStyle {
    char decimal = '.';
    char thousands = 0;
    std::string symbols;  // currency symbols seen ("$", "€", ...)
    bool known = false;   // some value was seen
};
void add_number_style(NumberStyle& style, const std::vector<std::string>& values, char delimiter);
// A strptime-style pattern for a date text, or "" for ISO (catena's default), or nothing when the
// text is no date catena knows. `day_first`: -1 unknown, 0 month first, 1 day first.
std::optional<std::string> time_pattern(std::string_view rest);

struct DateGuess {
    std::vector<std::string> patterns;  // in the order first seen; "" not included (ISO)
    bool iso = false;
    bool ambiguous_order = false;      // every day and month <= 12: m/d or d/m cannot be told
    std::vector<std::string> unknown;  // values no pattern fits
};
DateGuess guess_dates(const std::vector<std::string>& values);

// --- The draft ----------------------------------------------------------------------------------

struct Entry {
    std::string key, value, comment;
};

struct Block {
    std::string table;  // customers, relationships, referrals, transactions
    std::string file;
    std::string heading;  // why this file feeds this table
    std::vector<Entry> settings;
    std::vector<Entry> columns;
    std::vector<std::pair<std::string, std::string>> ignore;  // column, comment
    std::set<std::size_t> used;                               // header indexes used by the block
    std::vector<std::string> dates;                           // patterns of its date columns
    std::vector<std::string> date_notes;
    NumberStyle numbers;
    std::map<std::string, std::vector<std::string>> skip_if;  // column -> values, in header order
    std::vector<std::string> skip_order;
    std::vector<std::string> skip_notes;
};

enum class Table { customers, relationships, referrals, transactions, none };

struct CustomerFile {
    const FileSample* sample = nullptr;
    std::string entity;  // "contact", "company", "account", "customer"
    bool business = false;
    std::optional<std::size_t> id, email;
    bool prefix = false;
    bool id_key_used = false;
    bool own_format = false;
};
std::string singular(std::string word);

class Suggester {
  public:
    explicit Suggester(std::vector<FileSample> samples) : samples_(std::move(samples)) {}
    std::string run(const fs::path& dir);

  private:
    std::optional<std::size_t> find(const FileSample& s, const Names& names,
                                    const std::set<std::size_t>& used = {}) const {
        for (const std::string_view name : names)
            for (std::size_t i = 0; i < s.names.size(); ++i)
                if (s.names[i] == name && !used.count(i)) return i;
        return std::nullopt;
    }
    Table classify(const FileSample& s, std::string& why) const;
    std::optional<std::pair<std::size_t, std::size_t>> endpoints(const FileSample& s) const;

    // A customer reference column: its column spec (TOML), with a note for the comment.
    std::string reference(const FileSample& s, std::size_t column, std::string& note,
                          const CustomerFile** to = nullptr);
    void date_column(Block& block, const FileSample& s, std::size_t column,
                     const std::string& catena);
    void number_column(Block& block, const FileSample& s, std::size_t column);
    void add_deleted_filter(Block& block, const FileSample& s);
    void finish_ignore(Block& block, const FileSample& s,
                       const std::map<std::size_t, std::string>& notes = {});

    void plan_customers(CustomerFile& customers);
    void customer_names(Block& block, const CustomerFile& c) const;
    void customer_amounts(Block& block, const CustomerFile& c,
                          std::map<std::size_t, std::string>& notes);
    std::optional<std::size_t> customer_opt_out(Block& block, const CustomerFile& c) const;
    void other_opt_outs(Block& block, const FileSample& s, std::optional<std::size_t> opt_out,
                        std::map<std::size_t, std::string>& notes) const;
    void customer_attributes(Block& block, const CustomerFile& c) const;
    void plan_customer_links(CustomerFile& customers);
    void plan_relationships(const FileSample& s, const std::string& why);
    void plan_referrals(const FileSample& s, const std::string& why);
    void plan_transactions(const FileSample& s, const std::string& why);
    void amount_column(Block& block, const FileSample& s, std::size_t amount);
    void skip_non_purchases(Block& block, const FileSample& s) const;
    std::string render(const Block& block) const;

    // The files placed in a table, with why.
    using Placed = std::vector<std::pair<const FileSample*, std::pair<Table, std::string>>>;
    CustomerFile customer_file(const FileSample& s) const;
    Placed place_files();
    void prefix_colliding_ids();
    void plan_blocks(const Placed& placed);

    std::vector<FileSample> samples_;
    std::vector<CustomerFile> customers_;
    std::vector<Block> blocks_;
    std::vector<Block> pending_links_;  // relationships blocks read from customers files
    std::vector<std::string> unplaced_;
    bool email_key_used_ = false;
    std::vector<std::string> email_users_;  // files naming customers by e-mail
    std::string currency_note_;
    std::string currency_base_;
    std::vector<std::string> other_currencies_;
};

}  // namespace catena::suggest_detail
