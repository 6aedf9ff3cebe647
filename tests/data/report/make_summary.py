#!/usr/bin/env python3
"""Writes summary.json, the fixture of the HTML report tests, from the sample CRM data.

The sections that catena already computes (stats, rank, communities, seeds, compare) come from
the catena binary's JSON output on samples/crm; the value section approximates network value by
one step of the weighted cascade (sum over neighbours v of own(v) / in-degree(v)) because the
fixture only needs realistic numbers, not catena's exact ones. Field names and shapes follow what
`catena report` writes (docs/json-schema.md; e.g. quadrant names "hidden-influencers"). Run from the source folder:

    python3 tests/data/report/make_summary.py build/catena > tests/data/report/summary.json
"""
import csv
import json
import statistics
import subprocess
import sys
from collections import defaultdict

catena = sys.argv[1] if len(sys.argv) > 1 else "build/catena"
data = "samples/crm"


def run(*arguments):
    out = subprocess.run([catena, *arguments, "--data", data, "--format", "json", "-q"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


customers = {row["id"]: row for row in csv.DictReader(open(f"{data}/customers.csv"))}
own = {cid: float(row["value"] or 0) for cid, row in customers.items()}

stats = run("stats")
rank = run("rank", "--top", "20")
communities = run("communities", "--top", "12", "--top-by", "pagerank")
seeds = run("seeds", "-k", "10")
compare = run("compare", "-k", "10")
simulate = run("simulate", "--seeds", "C0042,C0007", "--sims", "1000")

# --- value: own, one-step network value, referral value (discount 0.5), quadrants ------------
neighbours = defaultdict(set)
for row in csv.DictReader(open(f"{data}/relationships.csv")):
    source, target = row["source"], row["target"]
    neighbours[source].add(target)
    if row["type"] not in ("referral", "influences"):
        neighbours[target].add(source)
in_degree = defaultdict(int)
for source, targets in neighbours.items():
    for target in targets:
        in_degree[target] += 1
network = {cid: round(sum(own[v] / in_degree[v] for v in neighbours[cid]), 2) for cid in customers}

children = defaultdict(list)
referred = set()
for row in csv.DictReader(open(f"{data}/referrals.csv")):
    if row["converted"] == "true" and row["referred"] not in referred:
        referred.add(row["referred"])
        children[row["referrer"]].append(row["referred"])


def referral_value(cid):
    return sum(own[c] + 0.5 * referral_value(c) for c in children.get(cid, []))


referral = {cid: round(referral_value(cid), 2) for cid in customers}
influence = {cid: network[cid] + 0.5 * referral[cid] for cid in customers}  # weights 1 and 0.5
own_threshold = statistics.median(own.values())
influence_threshold = statistics.median(influence.values())


def quadrant(cid):
    high_own, high_influence = own[cid] > own_threshold, influence[cid] > influence_threshold
    if high_own and high_influence:
        return "champions"
    if high_influence:
        return "hidden-influencers"
    if high_own:
        return "high-value-loners"
    return "others"


def point(cid):
    return {"id": cid, "name": customers[cid]["name"], "own_value": own[cid],
            "network_value": network[cid], "referral_value": referral[cid],
            "influence_value": round(influence[cid], 2),
            "influence_weighted_value": round(own[cid] + influence[cid], 2), "quadrant": quadrant(cid)}


by_total = sorted(customers, key=lambda cid: (-(own[cid] + influence[cid]), cid))
sampled = by_total[:30] + by_total[30::12][:30]  # the top 30 and every 12th of the rest
quadrants = []
for name in ("champions", "hidden-influencers", "high-value-loners", "others"):
    members = [cid for cid in customers if quadrant(cid) == name]
    quadrants.append({"name": name, "customers": len(members),
                      "own_value": round(sum(own[c] for c in members), 2),
                      "network_value": round(sum(network[c] for c in members), 2),
                      "referral_value": round(sum(referral[c] for c in members), 2),
                      "influence_weighted_value": round(sum(own[c] + influence[c] for c in members), 2)})

# --- referral cascades: customers by depth below the root of their tree ----------------------
roots = sorted(cid for cid in list(children) if children[cid] and cid not in referred)
depth_counts = defaultdict(int)


def walk(cid, depth):
    for child in children.get(cid, []):
        depth_counts[depth + 1] += 1
        walk(child, depth + 1)


for root in roots:
    walk(root, 0)

# --- the summary -------------------------------------------------------------------------------
maximisation = next(row for row in compare["strategies"] if row["name"] == "maximisation")
summary = {
    "catena_version": "0.1.0",
    "job": {"name": "Northwind referral programme", "file": "samples/job.toml"},
    "run": {
        "started_at": "2026-11-23T15:00:00Z",
        "finished_at": "2026-11-23T15:00:04Z",
        "input_fingerprint": "9f2c4e7a1b3d5f60",
        "saved_as_run": 7,
        "seed": 1,
        "parameters": {
            "seed": 1,
            "data": {"folder": data, "edges": "", "nodes": "", "db": "", "directed": False,
                     "types": []},
            "model": {"diffusion": "ic", "probability": "weighted-cascade"},
            "rank": {"measure": "pagerank", "top": 20, "damping": 0.85, "tolerance": 1e-10,
                     "weighted": True, "personalize": ""},
            "communities": {"method": "leiden", "resolution": 1.0, "max_iterations": 2,
                            "seed": 1},
            "seeds": {"k": 10, "eps": 0.1, "objective": "customers", "budget": 0.0,
                      "exclude_segments": [], "only_kind": "", "seed": 1},
            "compare": {"k": 10, "simulations": 1000, "eps": 0.1, "seed": 1},
            "value": {"network_weight": 1.0, "referral_weight": 0.5, "depth_discount": 0.5,
                      "window_days": 365, "as_of": "last transaction",
                      "own_threshold": "median", "influence_threshold": "median",
                      "eps": 0.05, "seed": 1},
            "simulate": {"seeds": ["C0042", "C0007"], "simulations": 1000, "seed": 1},
        },
    },
    "data": {
        "source": data,
        "customers": stats["customers"]["total"],
        "people": stats["customers"]["people"],
        "businesses": stats["customers"]["businesses"],
        "relationships": stats["relationships"]["rows"],
        "referrals": stats["referrals"]["total"],
        "transactions": stats["transactions"]["total"],
        "relationship_types": sorted(
            ({"name": name, "count": row["rows"]}
             for name, row in stats["relationships"]["by_type"].items()),
            key=lambda row: -row["count"]),
        "segments": [{"name": name, "count": count}
                     for name, count in stats["customers"]["segments"].items()],
    },
    "influencers": {
        "measure": rank["measure"],
        "top": [{"rank": row["rank"], "id": row["id"], "name": row["name"], "kind": row["kind"],
                 "segment": row["segment"], "score": row["score"], "own_value": row["value"]}
                for row in rank["top"]],
    },
    "communities": {
        "method": communities["method"],
        "count": communities["count"],
        "modularity": communities["modularity"],
        "largest": [{"community": row["community"], "size": row["size"],
                     "total_value": round(row["total_value"], 2),
                     "top_customers": row["top_customers"][:1]}
                    for row in communities["largest"]],
    },
    "seeds": {
        "k": seeds["k"],
        "objective": seeds["objective"],
        "estimated_spread": seeds["estimated_spread"],
        "simulated_spread": maximisation["expected_spread"][-1],
        "expected_value": round(maximisation["expected_value"][-1], 2),
        "certified_approximation": seeds["certified_approximation"],
        "approximation": seeds["approximation"],
        "rr_sets": seeds["rr_sets"],
        "seeds": [{"order": row["order"], "id": row["id"], "name": row["name"],
                   "segment": row["segment"], "marginal_estimate": row["marginal_estimate"]}
                  for row in seeds["seeds"]],
    },
    "compare": {
        "k": compare["k"],
        "simulations": compare["simulations"],
        "strategies": [{"name": row["name"], "expected_spread": row["expected_spread"],
                        "standard_error": row["standard_error"],
                        "expected_value": [round(v, 2) for v in row["expected_value"]]}
                       for row in compare["strategies"]],
    },
    "value": {
        "parameters": {"network_weight": 1.0, "referral_weight": 0.5},
        "thresholds": {"own_value": own_threshold, "influence_value": round(influence_threshold, 2)},
        "network": {"error_bound": 61.2},
        "quadrants": quadrants,
        "points": [point(cid) for cid in sampled],
        "top": [point(cid) for cid in by_total[:20]],
    },
    "referrals": {
        "cascades": len(roots),
        "max_depth": max(depth_counts),
        "depth_histogram": [{"depth": depth, "count": depth_counts[depth]}
                            for depth in sorted(depth_counts)],
    },
    "simulate": {"seeds": ["C0042", "C0007"], "expected_spread": simulate["expected_spread"],
                 "standard_error": simulate["standard_error"],
                 "expected_value": round(simulate["expected_value"], 2)},
}
json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
