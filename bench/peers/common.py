"""Shared plumbing for the peer scripts in bench/peers/.

Every peer script is run as

    /usr/bin/python3 bench/peers/X.py --edges FILE --communities FILE --ops load,pagerank,...

and prints one JSON object on stdout:

    {"tool": "igraph", "version": "0.10.2", "threads": 2, "graph": {"nodes": N, "edges": M},
     "peak_rss_mib": 123.4,
     "ops": {"load": {"ok": true, "seconds": 1.23},
             "louvain": {"ok": true, "seconds": 4.56, "communities": 87,
                         "modularity": 0.81, "nmi": 0.93}, ...}}

`seconds` is wall time around the operation alone (time.perf_counter). The graph is always loaded
first (that is the `load` operation), whatever --ops asks for. `peak_rss_mib` is the process's
peak resident set size taken right after the last timed operation, before the quality figures are
computed (computing them may load the graph once more into igraph, which must not count against
the tool). A failing operation is recorded with "ok": false and an "error"; the others still run.

Quality of a partition is computed the same way for every tool, by `quality()` below: weighted
modularity at resolution 1 (igraph's Graph.modularity on the undirected graph with the `weight`
column) and normalised mutual information against the planted communities (igraph's
compare_communities(method="nmi"), Danon et al. 2005), over the customers that appear in the
edge list.
"""
import argparse
import csv
import json
import os
import resource
import sys
import time
import traceback

ALL_OPS = ("load", "pagerank", "louvain", "leiden", "lpa")
COMMUNITY_OPS = ("louvain", "leiden", "lpa")


def parse_args(tool, supported):
    parser = argparse.ArgumentParser(
        prog="/usr/bin/python3 bench/peers/%s" % os.path.basename(sys.argv[0]),
        description="Benchmark %s on one edge list; prints one JSON object on stdout." % tool)
    parser.add_argument("--edges", required=True,
                        help="CSV edge list with header source,target,weight (undirected)")
    parser.add_argument("--communities",
                        help="CSV id,community of the planted communities (for NMI)")
    parser.add_argument("--ops", default="load",
                        help="comma-separated, from: %s" % ",".join(supported))
    parser.add_argument("--seed", type=int, default=1, help="seed for randomised algorithms")
    parser.add_argument("--membership-dir",
                        help="also write each partition found to DIR/<tool>-<op>.csv (id,community)")
    args = parser.parse_args()
    args.ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    unknown = [op for op in args.ops if op not in supported]
    if unknown:
        parser.error("%s does not run %s (it runs %s)" % (tool, ",".join(unknown), ",".join(supported)))
    return args


def edge_rows(path):
    """Yields (source, target, weight) from a source,target,weight CSV, skipping its header."""
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        if header[:3] != ["source", "target", "weight"]:
            raise ValueError("%s: expected header source,target,weight, got %s" % (path, header))
        for row in reader:
            yield row[0], row[1], float(row[2])


def read_communities(path):
    """id -> community label, from a CSV with columns id and community."""
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        id_col = header.index("id") if "id" in header else 0
        comm_col = header.index("community") if "community" in header else 1
        return {row[id_col]: row[comm_col] for row in reader if row}


def load_igraph(path):
    """The way the igraph peer loads the edge list: Graph.TupleList over csv.reader rows."""
    import igraph
    return igraph.Graph.TupleList(edge_rows(path), directed=False, weights=True)


def quality(graph, membership, truth):
    """Modularity and NMI of `membership` (one label per vertex of the igraph `graph`, in vertex
    order; labels may be any hashable) against `truth` (id -> planted label)."""
    import igraph
    dense = {}
    found = [dense.setdefault(label, len(dense)) for label in membership]
    names = graph.vs["name"]
    planted_ids = {}
    planted = []
    missing = 0
    for name in names:
        label = truth.get(name)
        if label is None:  # not in communities.csv: a community of its own
            missing += 1
            label = ("missing", name)
        planted.append(planted_ids.setdefault(label, len(planted_ids)))
    result = {
        "communities": len(dense),
        "modularity": graph.modularity(found, weights="weight", resolution=1, directed=False),
        "planted_communities": len(planted_ids),
    }
    if truth:
        result["nmi"] = igraph.compare_communities(planted, found, method="nmi")
        if missing:
            result["ids_missing_from_communities"] = missing
    return result


def write_membership(path, names, membership):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "community"])
        writer.writerows(zip(names, membership))


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


class Bench:
    """Collects timings and results; `emit()` prints the JSON object."""

    def __init__(self, tool, version, args):
        self.args = args
        self.out = {
            "tool": tool,
            "version": version,
            "threads": os.environ.get("OMP_NUM_THREADS"),
            # the interpreter and the imported libraries, before any graph
            "baseline_rss_mib": peak_rss_mib(),
            "ops": {},
        }

    def run(self, op, function):
        """Times `function()` (which returns a dict of extra figures, or None) as operation `op`.
        Returns what it returned, or None when it raised."""
        record = self.out["ops"].setdefault(op, {})
        try:
            start = time.perf_counter()
            value = function()
            record["seconds"] = time.perf_counter() - start
            record["ok"] = True
            return value
        except Exception as error:  # recorded, not fatal
            record["ok"] = False
            record["error"] = "%s: %s" % (type(error).__name__, error)
            traceback.print_exc(file=sys.stderr)
            return None

    def note(self, op, **figures):
        self.out["ops"].setdefault(op, {}).update(figures)

    def graph(self, nodes, edges):
        self.out["graph"] = {"nodes": nodes, "edges": edges}

    def snapshot_memory(self):
        self.out["peak_rss_mib"] = peak_rss_mib()

    def partitions(self, graph, found):
        """Quality of each partition in `found` (op -> membership in vertex order of the igraph
        `graph`), computed after the timed work; also writes them with --membership-dir."""
        truth = read_communities(self.args.communities) if self.args.communities else {}
        names = graph.vs["name"]
        for op, membership in found.items():
            try:
                self.note(op, **quality(graph, membership, truth))
                if self.args.membership_dir:
                    os.makedirs(self.args.membership_dir, exist_ok=True)
                    write_membership(os.path.join(self.args.membership_dir,
                                                  "%s-%s.csv" % (self.out["tool"], op)),
                                     names, membership)
            except Exception as error:
                self.note(op, quality_error="%s: %s" % (type(error).__name__, error))
                traceback.print_exc(file=sys.stderr)

    def emit(self):
        if "peak_rss_mib" not in self.out:
            self.snapshot_memory()
        json.dump(self.out, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
        failed = [op for op, record in self.out["ops"].items() if not record.get("ok", True)]
        return 1 if failed else 0


def top_names(names, scores, count=10):
    """The `count` names with the highest scores, best first (to compare rankings across tools)."""
    import heapq
    return [names[i] for i in heapq.nlargest(count, range(len(scores)), key=scores.__getitem__)]
