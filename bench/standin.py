#!/usr/bin/python3
"""Stand-in for `catena generate`, used only to develop and test the harness without it.

    /usr/bin/python3 bench/standin.py --customers N --seed S --out DIR [--edge-list]

Writes the files `catena generate` writes, in the same format, from a much cruder model: a planted
partition (communities of 30 to 300 customers, about 80% of each customer's relationships inside
its own community), random relationship types and weights. The figures it gives are not the ones
the benchmark reports: `bench/run` uses it only when asked with `--stand-in`.
"""
import argparse
import csv
import os
import random

TYPES = [("family", 1.0), ("friend", 0.8), ("coworker", 0.6), ("partner", 0.7), ("knows", 1.0)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--edge-list", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n = args.customers
    os.makedirs(args.out, exist_ok=True)

    community = []
    members = []
    while len(community) < n:
        size = min(rng.randint(30, 300), n - len(community))
        start = len(community)
        members.append(range(start, start + size))
        community.extend([len(members) - 1] * size)

    def name(i):
        return "c%06d" % i

    pairs = {}
    target = 10 * n
    attempts = 0
    while len(pairs) < target and attempts < 40 * target:
        attempts += 1
        u = rng.randrange(n)
        if rng.random() < 0.8:
            v = rng.choice(members[community[u]])
        else:
            v = rng.randrange(n)
        if u == v:
            continue
        key = (u, v) if u < v else (v, u)
        if key in pairs:
            continue
        kind, strength = rng.choice(TYPES)
        pairs[key] = (kind, round(rng.uniform(0.5, 2.0), 3), strength)

    with open(os.path.join(args.out, "customers.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "kind", "name", "segment", "value", "cost", "opt_out"])
        for i in range(n):
            w.writerow([name(i), "person", "Customer %d" % i, "s%d" % (i % 5),
                        round(rng.uniform(10, 1000), 2), 1, "false"])
    with open(os.path.join(args.out, "relationships.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "target", "type", "weight", "date"])
        for (u, v), (kind, weight, _) in pairs.items():
            w.writerow([name(u), name(v), kind, weight, "2020-01-01"])
    with open(os.path.join(args.out, "referrals.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["referrer", "referred", "date", "converted", "reward"])
    with open(os.path.join(args.out, "transactions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer", "date", "amount"])
    with open(os.path.join(args.out, "communities.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "community"])
        for i in range(n):
            w.writerow([name(i), community[i]])
    if args.edge_list:
        with open(os.path.join(args.out, "edges.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["source", "target", "weight"])
            for (u, v), (_, weight, strength) in pairs.items():
                w.writerow([name(u), name(v), round(weight * strength, 6)])


if __name__ == "__main__":
    main()
