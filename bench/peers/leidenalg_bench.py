#!/usr/bin/python3
"""leidenalg (python3-leidenalg) on one edge list.

    /usr/bin/python3 bench/peers/leidenalg_bench.py --edges FILE --communities FILE \
        --ops leiden [--seed S] [--membership-dir DIR]

leidenalg works on igraph graphs, so the graph is loaded exactly as the igraph peer loads it
(that load is timed and reported, but bench/run shows it only in igraph's column). Then:
  leiden    leidenalg.find_partition(g, ModularityVertexPartition, weights="weight",
            n_iterations=-1, seed=S): iterate until an iteration no longer improves, like
            igraph's community_leiden(n_iterations=-1)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import leidenalg  # noqa: E402

OPS = ("load", "leiden")


def main():
    args = common.parse_args("leidenalg", OPS)
    bench = common.Bench("leidenalg", leidenalg.version, args)

    graph = bench.run("load", lambda: common.load_igraph(args.edges))
    if graph is None:
        return bench.emit()
    bench.graph(graph.vcount(), graph.ecount())

    found = {}
    if "leiden" in args.ops:
        partition = bench.run("leiden", lambda: leidenalg.find_partition(
            graph, leidenalg.ModularityVertexPartition, weights="weight", n_iterations=-1,
            seed=args.seed))
        if partition is not None:
            found["leiden"] = partition.membership
    bench.snapshot_memory()
    bench.partitions(graph, found)
    return bench.emit()


if __name__ == "__main__":
    sys.exit(main())
