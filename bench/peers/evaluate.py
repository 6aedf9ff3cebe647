#!/usr/bin/python3
"""Quality of partitions written by another program (catena), computed exactly as for the peers.

    /usr/bin/python3 bench/peers/evaluate.py --edges FILE --communities FILE MEMBERSHIP.csv...

Each MEMBERSHIP.csv has a header with columns `id` and `community` (else the first two columns
are taken). Prints one JSON object: {"MEMBERSHIP.csv": {"communities": K, "modularity": Q,
"nmi": X}, ...}. A customer of the edge list missing from a membership file counts as a community
of its own (reported as "ids_missing").
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", required=True)
    parser.add_argument("--communities")
    parser.add_argument("membership", nargs="+")
    args = parser.parse_args()
    graph = common.load_igraph(args.edges)
    truth = common.read_communities(args.communities) if args.communities else {}
    out = {}
    for path in args.membership:
        try:
            labels = common.read_communities(path)
            missing = 0
            membership = []
            for name in graph.vs["name"]:
                label = labels.get(name)
                if label is None:
                    missing += 1
                    label = ("missing", name)
                membership.append(label)
            result = common.quality(graph, membership, truth)
            if missing:
                result["ids_missing"] = missing
            out[path] = result
        except Exception as error:
            out[path] = {"error": "%s: %s" % (type(error).__name__, error)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0 if all("error" not in r for r in out.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
