// Small graphs built in code for algorithm tests.
#pragma once

#include <initializer_list>
#include <string>
#include <tuple>

#include "catena/graph/graph_builder.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"

namespace catena::test {

struct Arc {
    const char* source;
    const char* target;
    double weight = 1.0;
};

// Nodes "0".."n-1" and the given edges, directed ("influences") or undirected ("knows").
inline InfluenceGraph make_graph(int nodes, std::initializer_list<Arc> arcs, bool directed) {
    GraphBuilder builder;
    std::vector<std::string> ids;
    for (int node = 0; node < nodes; ++node) ids.push_back(std::to_string(node));
    for (const auto& id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    for (const Arc& arc : arcs) {
        RelationshipRow row;
        row.source = arc.source;
        row.target = arc.target;
        row.type = directed ? "influences" : "knows";
        row.weight = arc.weight;
        builder.add_relationship(row);
    }
    return builder.build();
}

// A shared dataset as catena loads it (nodes file where there is one).
inline Dataset load_shared(const std::string& name, bool directed = false) {
    InputSource source;
    source.edges_file = dataset(name + ".edges.csv");
    if (std::filesystem::exists(dataset(name + ".nodes.csv")))
        source.nodes_file = dataset(name + ".nodes.csv");
    LoadOptions options;
    options.directed = directed;
    return load_dataset(source, options);
}

// id -> value from an oracle CSV (id,value).
inline std::vector<std::pair<std::string, double>> read_oracle(const std::string& file) {
    std::vector<std::pair<std::string, double>> values;
    CsvReader reader = CsvReader::open(data_dir() / "oracles" / file);
    std::vector<std::string_view> fields;
    while (reader.next(fields))
        values.emplace_back(std::string(fields[0]), std::stod(std::string(fields[1])));
    return values;
}

}  // namespace catena::test
