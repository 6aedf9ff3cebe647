// An append (import --append): rows matched by key with the stored ones, then added, updated or
// left as they are, each validated as a full load of the workspace plus the new rows would be.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catena/graph/errors.hpp"

#include "store_internal.hpp"

namespace catena::store {

namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// An append: each row is validated by GraphSink exactly as a full load validates it, against the
// workspace's customers (and, for the cycle check, its referrals), which are primed into the sink
// before the first row that names customers; the workspace's relationships are never loaded.
// Then the row is matched by key with the stored rows: no match adds it (row numbers continue
// after the largest stored one), a match with other values updates the stored row in place, an
// equal one changes nothing. Rows of one key pair up in order with the stored rows of that key
// (the n-th row of a key with the n-th stored one), so appending files already imported finds
// every row unchanged. With `write` false (a dry run) the database is only read.
class AppendSink : public GraphSink {
  public:
    AppendSink(sqlite::Database& db, GraphSinkOptions options, bool write, bool has_order_id)
        : GraphSink(options),
          db_(db),
          types_(options.types),
          has_order_id_(has_order_id),
          find_customer_(db,
                         "SELECT ord, kind, name, segment, value, cost, opt_out, listed FROM "
                         "customers WHERE id = ?"),
          find_attributes_(db, "SELECT name, value FROM customer_attributes WHERE customer = ?"),
          // A pair is looked up through the index of whichever of its two customers has fewer
          // relationships (`+column` keeps SQLite off the other index): a hub, with thousands of
          // rows, would otherwise cost a table read per row of its own.
          count_by_source_(
              db, "SELECT count(*) FROM (SELECT 1 FROM relationships WHERE source = ? LIMIT 64)"),
          count_by_target_(
              db, "SELECT count(*) FROM (SELECT 1 FROM relationships WHERE target = ? LIMIT 64)"),
          find_by_source_(
              db,
              "SELECT row, type, weight, probability, date, directed FROM relationships "
              "WHERE source = ? AND +target = ? AND row <= ? ORDER BY row"),
          find_by_target_(
              db,
              "SELECT row, type, weight, probability, date, directed FROM relationships "
              "WHERE +source = ? AND target = ? AND row <= ? ORDER BY row"),
          find_referrals_(db,
                          "SELECT row, converted, reward FROM referrals WHERE referrer = ? AND "
                          "referred = ? AND date IS ? AND row <= ? ORDER BY row"),
          find_transactions_(
              db, has_order_id
                      ? "SELECT row, channel, on_behalf_of FROM transactions WHERE customer = ? "
                        "AND date = ? AND amount = ? AND row <= ? AND order_id IS ? ORDER BY row"
                      : "SELECT row, channel, on_behalf_of FROM transactions WHERE customer = ? "
                        "AND date = ? AND amount = ? AND row <= ? ORDER BY row") {
        default_type_ = *types_.find(options.directed_by_default ? RelationshipTypes::kInfluences
                                                                 : RelationshipTypes::kKnows);
        if (write) writes_.emplace(db);
        const auto largest = [&](const char* sql) {
            sqlite::Statement query(db, sql);
            query.step();
            return query.integer(0);
        };
        first_new_ord_ = next_ord_ = largest("SELECT coalesce(max(ord), -1) + 1 FROM customers");
        last_relationship_ = largest("SELECT coalesce(max(row), 0) FROM relationships");
        last_referral_ = largest("SELECT coalesce(max(row), 0) FROM referrals");
        last_transaction_ = largest("SELECT coalesce(max(row), 0) FROM transactions");
        next_relationship_ = last_relationship_ + 1;
        next_referral_ = last_referral_ + 1;
        next_transaction_ = last_transaction_ + 1;
    }

    void begin_customers(const std::vector<std::string>& attribute_names) override {
        GraphSink::begin_customers(attribute_names);
        begun_ = true;
        attribute_names_ = attribute_names;
        std::unordered_set<std::string> stored;
        std::int64_t next_position = 0;
        sqlite::Statement names(db_, "SELECT position, name FROM customer_attribute_names");
        while (names.step()) {
            stored.emplace(names.text(1));
            next_position = std::max(next_position, names.integer(0) + 1);
        }
        // A new column is added after the stored ones.
        for (const std::string& name : attribute_names) {
            if (stored.contains(name) || !writes_) continue;
            writes_->insert_attribute_name.bind(1, next_position++).bind(2, name);
            writes_->insert_attribute_name.run();
        }
    }

    void customer(const CustomerRow& row) override {
        if (row.attributes.size() != attribute_names_.size())
            throw InternalError("AppendSink: attribute count does not match the columns");
        find_customer_.bind(1, row.id);
        if (!find_customer_.step() || find_customer_.integer(0) >= first_new_ord_) {
            // Not in the workspace (or added by this import: GraphSink reports the duplicate).
            find_customer_.reset();
            GraphSink::customer(row);
            add_customer(row, true);
            return;
        }
        // Columns the file does not have keep their stored values (a daily `id,name` file must not
        // turn a business into a person or clear an opt-out).
        const std::string stored_name(find_customer_.text(2)),
            stored_segment(find_customer_.text(3));
        CustomerRow merged_row = row;
        if (!(row.given & CustomerColumns::kind))
            merged_row.kind =
                find_customer_.text(1) == "business" ? NodeKind::business : NodeKind::person;
        if (!(row.given & CustomerColumns::name)) merged_row.name = stored_name;
        if (!(row.given & CustomerColumns::segment)) merged_row.segment = stored_segment;
        if (!(row.given & CustomerColumns::value))
            merged_row.value = find_customer_.optional_real(4);
        if (!(row.given & CustomerColumns::cost)) merged_row.cost = find_customer_.optional_real(5);
        if (!(row.given & CustomerColumns::opt_out))
            merged_row.opt_out = find_customer_.integer(6) != 0;
        const bool same_columns = find_customer_.text(1) == to_string(merged_row.kind) &&
                                  find_customer_.text(2) == merged_row.name &&
                                  find_customer_.text(3) == merged_row.segment &&
                                  find_customer_.optional_real(4) == merged_row.value &&
                                  find_customer_.optional_real(5) == merged_row.cost &&
                                  (find_customer_.integer(6) != 0) == merged_row.opt_out &&
                                  (find_customer_.integer(7) != 0) == !row.implicit;
        find_customer_.reset();
        if (!named_customers_.insert(std::string(row.id)).second)
            throw RowError("id", "duplicate customer id " + quoted(row.id));
        try {
            check_customer_row(row);
        } catch (...) {
            named_customers_.erase(std::string(row.id));
            throw;
        }
        // The row's attribute columns replace the stored values (an empty one removes it); columns
        // the import does not have keep theirs.
        std::unordered_map<std::string, std::string> stored;
        find_attributes_.bind(1, row.id);
        while (find_attributes_.step())
            stored.emplace(find_attributes_.text(0), find_attributes_.text(1));
        find_attributes_.reset();
        bool same_attributes = true;
        for (std::size_t position = 0; position < attribute_names_.size(); ++position) {
            const auto found = stored.find(attribute_names_[position]);
            const std::string_view value = row.attributes[position];
            if (found == stored.end() ? !value.empty() : found->second != value)
                same_attributes = false;
        }
        if (same_columns && same_attributes) {
            ++customers.unchanged;
            return;
        }
        ++customers.updated;
        if (!writes_) return;
        if (!same_columns) {
            sqlite::Statement& update = writes_->update_customer;
            update.bind(1, to_string(merged_row.kind))
                .bind(2, merged_row.name)
                .bind(3, merged_row.segment);
            update.bind(4, merged_row.value)
                .bind(5, merged_row.cost)
                .bind(6, std::int64_t{merged_row.opt_out});
            update.bind(7, std::int64_t{!row.implicit}).bind(8, row.id);
            update.run();
        }
        for (std::size_t position = 0; position < attribute_names_.size(); ++position) {
            const auto found = stored.find(attribute_names_[position]);
            const std::string_view value = row.attributes[position];
            if (found == stored.end() ? value.empty() : found->second == value) continue;
            sqlite::Statement& write =
                value.empty() ? writes_->delete_attribute : writes_->upsert_attribute;
            write.bind(1, row.id).bind(2, attribute_names_[position]);
            if (!value.empty()) write.bind(3, value);
            write.run();
        }
    }

    void relationship(const RelationshipRow& row) override {
        prime_customers();
        const NodeId before = num_nodes();
        GraphSink::relationship(row);  // validates; an edge list may create customers
        for (NodeId node = before; node < num_nodes(); ++node) {
            CustomerRow implicit;
            implicit.id = external_id(node);
            implicit.implicit = true;
            add_customer(implicit, false);
        }
        const RelationshipTypeId type = resolve_type(row.type);
        const auto rows_of = [](sqlite::Statement& count, std::string_view customer) {
            count.bind(1, customer);
            count.step();
            const std::int64_t rows = count.integer(0);
            count.reset();
            return rows;
        };
        sqlite::Statement& find =
            rows_of(count_by_source_, row.source) <= rows_of(count_by_target_, row.target)
                ? find_by_source_
                : find_by_target_;
        find.bind(1, row.source).bind(2, row.target).bind(3, last_relationship_);
        std::optional<std::int64_t> match;
        bool same = false;
        while (find.step()) {
            const std::int64_t stored_row = find.integer(0);
            if (matched_relationships_.contains(stored_row) || resolve_type(find.text(1)) != type)
                continue;
            match = stored_row;
            same = find.real(2) == row.weight && find.optional_real(3) == row.probability &&
                   same_date(find, 4, row.date) &&
                   (find.is_null(5) ? !row.directed
                                    : row.directed && (find.integer(5) != 0) == *row.directed);
            break;
        }
        find.reset();
        if (match) {
            matched_relationships_.insert(*match);
            if (same) {
                ++relationships.unchanged;
                return;
            }
            ++relationships.updated;
            if (!writes_) return;
            sqlite::Statement& update = writes_->update_relationship;
            update.bind(1, row.weight).bind(2, row.probability).bind(3, iso(row.date));
            if (row.directed) update.bind(4, std::int64_t{*row.directed});
            update.bind(5, *match);
            update.run();
            return;
        }
        ++relationships.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_relationship;
        insert.bind(1, next_relationship_++)
            .bind(2, row.source)
            .bind(3, row.target)
            .bind(4, row.type);
        insert.bind(5, row.weight).bind(6, row.probability).bind(7, iso(row.date));
        if (row.directed) insert.bind(8, std::int64_t{*row.directed});
        insert.run();
    }

    void referral(const ReferralRow& row) override {
        prime_referrals();
        GraphSink::referral(row);  // validates, and checks for a cycle with the stored referrals
        sqlite::Statement& find = find_referrals_;
        find.bind(1, row.referrer)
            .bind(2, row.referred)
            .bind(3, iso(row.date))
            .bind(4, last_referral_);
        std::optional<std::int64_t> match;
        bool same = false;
        while (find.step()) {
            const std::int64_t stored_row = find.integer(0);
            if (matched_referrals_.contains(stored_row)) continue;
            match = stored_row;
            same = (find.integer(1) != 0) == row.converted && find.real(2) == row.reward;
            break;
        }
        find.reset();
        if (match) {
            matched_referrals_.insert(*match);
            if (same) {
                ++referrals.unchanged;
                return;
            }
            ++referrals.updated;
            if (!writes_) return;
            sqlite::Statement& update = writes_->update_referral;
            update.bind(1, std::int64_t{row.converted}).bind(2, row.reward).bind(3, *match);
            update.run();
            return;
        }
        ++referrals.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_referral;
        insert.bind(1, next_referral_++)
            .bind(2, row.referrer)
            .bind(3, row.referred)
            .bind(4, iso(row.date));
        insert.bind(5, std::int64_t{row.converted}).bind(6, row.reward);
        insert.run();
    }

    void transaction(const TransactionRow& row) override {
        prime_customers();
        GraphSink::transaction(row);  // validates
        std::optional<std::int64_t> match;
        bool same = false;
        // A workspace without order ids (version 1, read by a dry run) has none to match.
        if (has_order_id_ || row.order_id.empty()) {
            sqlite::Statement& find = find_transactions_;
            find.bind(1, row.customer).bind(2, format_iso_date(row.date)).bind(3, row.amount);
            find.bind(4, last_transaction_);
            if (has_order_id_) find.bind(5, not_empty(row.order_id));
            while (find.step()) {
                const std::int64_t stored_row = find.integer(0);
                if (matched_transactions_.contains(stored_row)) continue;
                match = stored_row;
                same =
                    find.text(1) == row.channel &&
                    (find.is_null(2) ? row.on_behalf_of.empty() : find.text(2) == row.on_behalf_of);
                break;
            }
            find.reset();
        }
        if (match) {
            matched_transactions_.insert(*match);
            if (same) {
                ++transactions.unchanged;
                return;
            }
            ++transactions.updated;
            if (!writes_) return;
            sqlite::Statement& update = writes_->update_transaction;
            update.bind(1, row.channel).bind(2, not_empty(row.on_behalf_of)).bind(3, *match);
            update.run();
            return;
        }
        ++transactions.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_transaction;
        insert.bind(1, next_transaction_++)
            .bind(2, row.customer)
            .bind(3, format_iso_date(row.date));
        insert.bind(4, row.amount).bind(5, row.channel).bind(6, not_empty(row.on_behalf_of));
        insert.bind(7, not_empty(row.order_id));
        insert.run();
    }

    TableCounts customers, relationships, referrals, transactions;

  private:
    struct Writes {
        explicit Writes(sqlite::Database& db)
            : insert_attribute_name(
                  db, "INSERT INTO customer_attribute_names (position, name) VALUES (?, ?)"),
              insert_customer(db, kInsertCustomer),
              update_customer(db,
                              "UPDATE customers SET kind = ?, name = ?, segment = ?, value = ?, "
                              "cost = ?, opt_out = ?, listed = ? WHERE id = ?"),
              upsert_attribute(db,
                               "INSERT OR REPLACE INTO customer_attributes (customer, name, value) "
                               "VALUES (?, ?, ?)"),
              delete_attribute(db,
                               "DELETE FROM customer_attributes WHERE customer = ? AND name = ?"),
              insert_relationship(db,
                                  "INSERT INTO relationships (row, source, target, type, weight, "
                                  "probability, date, directed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
              update_relationship(db,
                                  "UPDATE relationships SET weight = ?, probability = ?, date = ?, "
                                  "directed = ? WHERE row = ?"),
              insert_referral(db,
                              "INSERT INTO referrals (row, referrer, referred, date, converted, "
                              "reward) VALUES (?, ?, ?, ?, ?, ?)"),
              update_referral(db, "UPDATE referrals SET converted = ?, reward = ? WHERE row = ?"),
              insert_transaction(db,
                                 "INSERT INTO transactions (row, customer, date, amount, channel, "
                                 "on_behalf_of, order_id) VALUES (?, ?, ?, ?, ?, ?, ?)"),
              update_transaction(
                  db, "UPDATE transactions SET channel = ?, on_behalf_of = ? WHERE row = ?") {}
        sqlite::Statement insert_attribute_name, insert_customer, update_customer, upsert_attribute,
            delete_attribute, insert_relationship, update_relationship, insert_referral,
            update_referral, insert_transaction, update_transaction;
    };

    static bool same_date(const sqlite::Statement& stored, int column,
                          const std::optional<Date>& date) {
        if (stored.is_null(column)) return !date;
        return date && stored.text(column) == format_iso_date(*date);
    }

    RelationshipTypeId resolve_type(std::string_view name) const {
        if (name.empty()) return default_type_;
        const auto type = types_.find(name);
        return type ? *type
                    : RelationshipTypeId{255};  // (a stored type no longer known matches nothing)
    }

    void add_customer(const CustomerRow& row, bool listed) {
        ++customers.added;
        if (!writes_) return;
        store::insert_customer(writes_->insert_customer, row, next_ord_++, listed);
        for (std::size_t position = 0; position < row.attributes.size(); ++position) {
            if (row.attributes[position].empty()) continue;
            writes_->upsert_attribute.bind(1, row.id).bind(2, attribute_names_[position]);
            writes_->upsert_attribute.bind(3, row.attributes[position]);
            writes_->upsert_attribute.run();
        }
    }

    std::string where(const char* table, std::int64_t row) const {
        return db_.path() + ": table " + table + ", row " + std::to_string(row);
    }

    // The workspace's customers, so rows may name them; once, before the first row that names any.
    void prime_customers() {
        if (customers_primed_) return;
        if (!begun_) begin_customers({});
        customers_primed_ = true;
        const std::vector<std::string_view> no_attributes(attribute_names_.size());
        sqlite::Statement stored(db_, "SELECT id, ord FROM customers WHERE ord < ? ORDER BY ord");
        stored.bind(1, first_new_ord_);
        while (stored.step()) {
            CustomerRow row;
            row.id = stored.text(0);
            row.attributes = no_attributes;
            try {
                GraphSink::customer(row);
            } catch (const RowError& error) {
                throw InputError(where("customers", stored.integer(1) + 1), error.column(),
                                 error.what());
            }
        }
    }

    // The workspace's referrals, for the cycle check; once, before the first referral row.
    void prime_referrals() {
        prime_customers();
        if (referrals_primed_) return;
        referrals_primed_ = true;
        sqlite::Statement stored(db_, "SELECT row, referrer, referred FROM referrals ORDER BY row");
        while (stored.step()) {
            ReferralRow row;
            row.referrer = stored.text(1);
            row.referred = stored.text(2);
            try {
                GraphSink::referral(row);
            } catch (const RowError& error) {
                throw InputError(where("referrals", stored.integer(0)), error.column(),
                                 error.what());
            }
        }
    }

    sqlite::Database& db_;
    RelationshipTypes types_;
    RelationshipTypeId default_type_ = 0;
    bool has_order_id_ = false;
    std::optional<Writes> writes_;
    sqlite::Statement find_customer_, find_attributes_, count_by_source_, count_by_target_,
        find_by_source_, find_by_target_, find_referrals_, find_transactions_;
    std::vector<std::string> attribute_names_;
    bool begun_ = false, customers_primed_ = false, referrals_primed_ = false;
    std::int64_t first_new_ord_ = 0, next_ord_ = 0;
    std::int64_t last_relationship_ = 0, last_referral_ = 0,
                 last_transaction_ = 0;  // before the import
    std::int64_t next_relationship_ = 1, next_referral_ = 1, next_transaction_ = 1;
    std::unordered_set<std::string> named_customers_;  // workspace customers this import named
    std::unordered_set<std::int64_t> matched_relationships_, matched_referrals_,
        matched_transactions_;
};

}  // namespace

// An append into `db` (with `write`, inside an open write transaction; else only read).
void append_inputs(sqlite::Database& db, bool write, const InputSource& source,
                   const LoadOptions& options, ImportSummary& summary) {
    bool directed = options.directed;
    bool new_workspace = true;
    {
        sqlite::Statement meta(db, "SELECT value FROM catena_meta WHERE key = 'directed_default'");
        if (meta.step()) {
            new_workspace = false;
            directed = directed || meta.text(0) == "1";
        }
    }
    RelationshipTypes types = workspace_types(db, options.types);
    if (write) {
        // Types this run declares (new, or changed from the stored ones) are stored for later
        // loads.
        std::unordered_map<std::string, RelationshipType> stored;
        {
            sqlite::Statement rows(db, "SELECT name, directed, strength FROM relationship_types");
            while (rows.step())
                stored[std::string(rows.text(0))] = {std::string(rows.text(0)),
                                                     rows.integer(1) != 0, rows.real(2)};
        }
        sqlite::Statement insert(
            db, "INSERT INTO relationship_types (name, directed, strength) VALUES (?, ?, ?)");
        sqlite::Statement update(
            db, "UPDATE relationship_types SET directed = ?, strength = ? WHERE name = ?");
        for (const RelationshipType& type : types.all()) {
            const auto found = stored.find(type.name);
            if (found == stored.end()) {
                insert.bind(1, type.name)
                    .bind(2, std::int64_t{type.directed})
                    .bind(3, type.strength);
                insert.run();
            } else if (found->second.directed != type.directed ||
                       found->second.strength != type.strength) {
                update.bind(1, std::int64_t{type.directed})
                    .bind(2, type.strength)
                    .bind(3, type.name);
                update.run();
            }
        }
        if (new_workspace) {
            set_meta(db, "source", source.describe());
            set_meta(db, "directed_default", directed ? "1" : "0");
        }
    }
    const bool has_order_id = has_column(db, "transactions", "order_id");
    AppendSink sink(db, sink_options(source, std::move(types), directed), write, has_order_id);
    LoadOptions read_options = options;
    read_options.tables_optional = true;
    read_csv_input(source, read_options, sink, summary.read);
    summary.customer_rows = sink.customers;
    summary.relationship_rows = sink.relationships;
    summary.referral_rows = sink.referrals;
    summary.transaction_rows = sink.transactions;
    const auto kept = [](const TableCounts& counts) {
        return counts.added + counts.updated + counts.unchanged;
    };
    summary.customers = kept(sink.customers);
    summary.relationships = kept(sink.relationships);
    summary.referrals = kept(sink.referrals);
    summary.transactions = kept(sink.transactions);
}

}  // namespace catena::store
