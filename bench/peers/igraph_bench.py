#!/usr/bin/python3
"""igraph (python3-igraph) on one edge list.

    /usr/bin/python3 bench/peers/igraph_bench.py --edges FILE --communities FILE \
        --ops load,pagerank,louvain,leiden,lpa [--seed S] [--membership-dir DIR]

What igraph is asked to do (undirected graph, edge attribute `weight`):
  load      Graph.TupleList over csv.reader rows (text ids become vertex names), as a user
            reading the CSV would; see bench/README.md for the readers considered
  pagerank  Graph.pagerank(weights="weight", damping=0.85), PRPACK (igraph's default solver)
  louvain   Graph.community_multilevel(weights="weight")
  leiden    Graph.community_leiden(objective_function="modularity", weights="weight",
            n_iterations=-1) (iterate until stable), resolution 1
  lpa       Graph.community_label_propagation(weights="weight")
igraph's random numbers come from Python's `random`, seeded with --seed.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import igraph  # noqa: E402

OPS = ("load", "pagerank", "louvain", "leiden", "lpa")


def main():
    args = common.parse_args("igraph", OPS)
    random.seed(args.seed)
    bench = common.Bench("igraph", igraph.__version__, args)

    graph = bench.run("load", lambda: common.load_igraph(args.edges))
    if graph is None:
        return bench.emit()
    bench.graph(graph.vcount(), graph.ecount())

    scores = {}
    found = {}
    for op in args.ops:
        if op == "pagerank":
            scores[op] = bench.run(op, lambda: graph.pagerank(
                weights="weight", damping=0.85, directed=False, implementation="prpack"))
        elif op == "louvain":
            clusters = bench.run(op, lambda: graph.community_multilevel(weights="weight"))
            if clusters is not None:
                found[op] = clusters.membership
        elif op == "leiden":
            clusters = bench.run(op, lambda: graph.community_leiden(
                objective_function="modularity", weights="weight", resolution_parameter=1.0,
                n_iterations=-1))
            if clusters is not None:
                found[op] = clusters.membership
        elif op == "lpa":
            clusters = bench.run(op, lambda: graph.community_label_propagation(weights="weight"))
            if clusters is not None:
                found[op] = clusters.membership
    bench.snapshot_memory()

    if scores.get("pagerank") is not None:
        bench.note("pagerank", top=common.top_names(graph.vs["name"], scores["pagerank"]))
    bench.partitions(graph, found)
    return bench.emit()


if __name__ == "__main__":
    sys.exit(main())
