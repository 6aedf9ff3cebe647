#!/usr/bin/python3
"""graph-tool (python3-graph-tool) on one edge list.

    /usr/bin/python3 bench/peers/graphtool_bench.py --edges FILE --communities FILE \
        --ops load,pagerank [--seed S]

What graph-tool is asked to do:
  load      load_graph_from_csv(FILE, directed=False, hashed=True, hash_type="string",
            skip_first=True, eprop_types=["double"], eprop_names=["weight"]): text ids are
            hashed into a vertex property, the third column becomes the `weight` edge property
  pagerank  pagerank(g, damping=0.85, weight=g.ep.weight, epsilon=1e-6) (L1 change between
            iterations), OpenMP on OMP_NUM_THREADS threads
graph-tool has no modularity-maximising community detection (its communities come from
stochastic block models, a different objective), so it has no community rows.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import graph_tool  # noqa: E402
import graph_tool.centrality  # noqa: E402

OPS = ("load", "pagerank")


def main():
    args = common.parse_args("graph-tool", OPS)
    graph_tool.seed_rng(args.seed)
    threads = os.environ.get("OMP_NUM_THREADS")
    if threads and hasattr(graph_tool, "openmp_set_num_threads"):
        graph_tool.openmp_set_num_threads(int(threads))
    bench = common.Bench("graph-tool", graph_tool.__version__.split()[0], args)

    def load():
        return graph_tool.load_graph_from_csv(
            args.edges, directed=False, hashed=True, hash_type="string", skip_first=True,
            eprop_types=["double"], eprop_names=["weight"])

    graph = bench.run("load", load)
    if graph is None:
        return bench.emit()
    bench.graph(graph.num_vertices(), graph.num_edges())

    result = None
    if "pagerank" in args.ops:
        result = bench.run("pagerank", lambda: graph_tool.centrality.pagerank(
            graph, damping=0.85, weight=graph.ep["weight"], epsilon=1e-6, ret_iter=True))
    bench.snapshot_memory()

    if result is not None:
        ranks, iterations = result
        names = list(graph.vp["name"])
        bench.note("pagerank", iterations=int(iterations),
                   top=common.top_names(names, ranks.a.tolist()))
    return bench.emit()


if __name__ == "__main__":
    sys.exit(main())
