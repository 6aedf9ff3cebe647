#!/usr/bin/python3
"""NetworkX (python3-networkx) on one edge list; bench/run uses it on the small graph only.

    /usr/bin/python3 bench/peers/networkx_bench.py --edges FILE --communities FILE \
        --ops load,pagerank,louvain,lpa [--seed S] [--membership-dir DIR]

What NetworkX is asked to do (undirected nx.Graph, edge attribute `weight`):
  load      csv.reader rows into Graph.add_weighted_edges_from (nx.read_edgelist cannot skip
            the header row)
  pagerank  nx.pagerank(G, alpha=0.85, tol=1e-6, weight="weight") (its default solver)
  louvain   nx.community.louvain_communities(G, weight="weight", resolution=1, seed=S)
  lpa       nx.community.asyn_lpa_communities(G, weight="weight", seed=S) (the weighted,
            asynchronous variant; label_propagation_communities ignores weights)
NetworkX 2.8 has no Leiden. Quality figures load the graph into igraph afterwards (untimed, after
the memory snapshot) so modularity and NMI are computed exactly as for the other tools.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import networkx as nx  # noqa: E402

OPS = ("load", "pagerank", "louvain", "lpa")


def main():
    args = common.parse_args("networkx", OPS)
    bench = common.Bench("networkx", nx.__version__, args)

    def load():
        graph = nx.Graph()
        graph.add_weighted_edges_from(common.edge_rows(args.edges), weight="weight")
        return graph

    graph = bench.run("load", load)
    if graph is None:
        return bench.emit()
    bench.graph(graph.number_of_nodes(), graph.number_of_edges())

    scores = None
    found = {}
    for op in args.ops:
        if op == "pagerank":
            scores = bench.run(op, lambda: nx.pagerank(graph, alpha=0.85, tol=1e-6,
                                                       weight="weight"))
        elif op == "louvain":
            found[op] = bench.run(op, lambda: nx.community.louvain_communities(
                graph, weight="weight", resolution=1, seed=args.seed))
        elif op == "lpa":
            found[op] = bench.run(op, lambda: list(nx.community.asyn_lpa_communities(
                graph, weight="weight", seed=args.seed)))
    bench.snapshot_memory()

    if scores is not None:
        names = list(scores)
        bench.note("pagerank", top=common.top_names(names, [scores[n] for n in names]))
    found = {op: sets for op, sets in found.items() if sets is not None}
    if found:
        reference = common.load_igraph(args.edges)
        index = {name: i for i, name in enumerate(reference.vs["name"])}
        memberships = {}
        for op, sets in found.items():
            membership = [None] * reference.vcount()
            for label, members in enumerate(sets):
                for name in members:
                    membership[index[name]] = label
            memberships[op] = membership
        bench.partitions(reference, memberships)
    return bench.emit()


if __name__ == "__main__":
    sys.exit(main())
