#!/usr/bin/python3
"""Photos/s of tools/cluster/exemplar-dask on a LocalCluster of 1 and of 2 workers, side by side.

    bench/cluster_throughput.py SET.exref [--photos 400] [--repeats 2] [--data ../shared/data/flowers17]

Classifies the same photos (the first of every class folder of --data, in turn) with 1 and with 2
worker processes, alternating which goes first, and prints each run's photos/s (from the tool's
summary: classification time only, after the cluster has started and the workers were checked)
and the 2-worker/1-worker ratio (median over the repeats). Compare ratios, not absolute figures,
and note the load average printed before and after: other work on the machine shares its cores.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def photos(data, count):
    classes = sorted(d for d in os.listdir(data) if os.path.isdir(os.path.join(data, d)))
    per_class = [sorted(os.path.join(data, c, f) for f in os.listdir(os.path.join(data, c))) for c in classes]
    chosen = []
    for i in range(max(len(files) for files in per_class)):
        chosen += [files[i] for files in per_class if i < len(files)]
    return chosen[:count]


def run(args, workers, listing, out):
    for suffix in (".jsonl", ".csv", ".summary.json"):
        if os.path.exists(out + suffix):
            os.unlink(out + suffix)
    command = [os.path.join(ROOT, "tools/cluster/exemplar-dask"), args.set, "--files-from", listing,
               "--out", out + ".jsonl", "--workers", str(workers), "--no-dashboard", "--cli", args.cli]
    subprocess.run(command, check=True, capture_output=True)
    with open(out + ".summary.json") as f:
        return json.load(f)["photos_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("set")
    parser.add_argument("--photos", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data", default=os.path.join(ROOT, "../shared/data/flowers17"))
    parser.add_argument("--cli", default=os.path.join(ROOT, "build/bin/exemplar-cli"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        listing = os.path.join(work, "photos.txt")
        chosen = photos(args.data, args.photos)
        with open(listing, "w") as f:
            f.write("".join(p + "\n" for p in chosen))
        print(f"{len(chosen)} photos of {args.data}; load average before: {os.getloadavg()[0]:.2f}")
        rates = {1: [], 2: []}
        for repeat in range(args.repeats):
            for workers in ((1, 2) if repeat % 2 == 0 else (2, 1)):
                rate = run(args, workers, listing, os.path.join(work, f"out-{workers}"))
                rates[workers].append(rate)
                print(f"  repeat {repeat + 1}, {workers} worker(s): {rate:.2f} photos/s", flush=True)
        ratios = [b / a for a, b in zip(rates[1], rates[2])]
        print(f"median photos/s: 1 worker {statistics.median(rates[1]):.2f}, 2 workers {statistics.median(rates[2]):.2f}; "
              f"ratio {statistics.median(ratios):.2f}; load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
