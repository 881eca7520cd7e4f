#!/usr/bin/env python3
"""Times `portcullis lint` and `portcullis build` against floors on a generated estate.

usage: Benchmarks/bench.py [--apis N [N ...]] [--routes M] [--rounds K] [--check]

The lint floor is ../shared/bench/yaml_events: a C program that pulls every libyaml
event from the same files and does nothing else, so no YAML front end can be faster.
The build floor is that plus `cp -r` of the bundle the build produced: reading the
inputs and writing the output, nothing in between. Both write a fresh folder, and every
timed step starts after `sync`, because on a shared disk the write-back of one step would
otherwise land on the next. Everything runs in the same session,
alternating, in both layouts of the estate (one file, and one file per API); the report
gives median wall times, the median of the per-round ratios (robust on a shared, noisy
machine) and peak memory. Given several estate sizes (`--apis 1000 5000`), it also reports
how time and memory grow from the smallest to each larger one, next to the growth in
routes. With --check the script exits 1 when a hard limit is exceeded: a lint ratio over 3,
lint's peak memory over 150 MB per 20,000 routes, the build's over 1 GB up to 100,000
routes, or time growing more than 1.1 times as fast as the routes.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
WORK = os.path.join(ROOT, ".build", "bench")
# The 5,000-API estate in one file is 19 MB, over the default 16 MiB input limit.
LIMITS = ["--max-file-size", str(256 * 1024 * 1024)]


def run(argv):
    """Runs a command with output discarded; returns (seconds, peak RSS in bytes, status).

    Dirty pages of the previous step are flushed first, so no step pays for another's writes."""
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.stderr.close()
    return seconds, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def prepare_tools():
    """Builds Portcullis in release mode and the floor program; returns their paths."""
    if not os.path.isdir(SHARED):
        sys.exit(f"bench: {SHARED} is missing; the benchmark needs the shared estate generator and floor program")
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "portcullis"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    floor = os.path.join(WORK, "yaml_events")
    subprocess.run(["cc", "-O2", "-o", floor, os.path.join(SHARED, "yaml_events.c"), "-lyaml"], check=True)
    tool = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return floor, os.path.join(tool, "portcullis")


def prepare_estates(args, apis):
    """Generates (once) the estate of `apis` APIs in both layouts; returns {layout: (folder, files)}."""
    estates = {}
    for layout in ("single-file", "file-per-api"):
        out = os.path.join(WORK, f"estate-{apis}x{args.routes}-{layout}")
        if not os.path.isdir(out):
            extra = ["--single-file"] if layout == "single-file" else []
            subprocess.run([sys.executable, os.path.join(SHARED, "gen_estate.py"), out, "--apis", str(apis),
                            "--routes", str(args.routes)] + extra, check=True)
        files = sorted(os.path.join(dirpath, name) for dirpath, _, names in os.walk(out)
                       for name in names if name.endswith(".yaml"))
        estates[layout] = (out, files)
    return estates


def measure(args, apis, floor, portcullis):
    """Times every layout of one estate size; returns {layout: medians and peaks}."""
    results = {}
    for layout, (directory, files) in prepare_estates(args, apis).items():
        out = os.path.join(WORK, f"bundle-{layout}")
        copy = os.path.join(WORK, f"copy-{layout}")
        rows = []
        for _ in range(args.rounds):
            floor_seconds, _, status = run([floor] + files)
            assert status == 0, "the floor program failed"
            lint_seconds, lint_peak, status = run([portcullis, "lint", "--quiet", *LIMITS, directory])
            if status != 0:
                sys.exit(f"bench: lint exited {status} on the {layout} estate; it should lint clean")
            # Like `cp -r`, the build writes a fresh folder; replacing an existing bundle also
            # deletes the old one, which this comparison leaves out.
            shutil.rmtree(out, ignore_errors=True)
            build_seconds, build_peak, status = run([portcullis, "build", "--quiet", *LIMITS, directory, "--out", out])
            if status != 0:
                sys.exit(f"bench: build exited {status} on the {layout} estate")
            shutil.rmtree(copy, ignore_errors=True)
            copy_seconds, _, status = run(["cp", "-r", out, copy])
            assert status == 0, "cp failed"
            rows.append((floor_seconds, lint_seconds, lint_peak, copy_seconds, build_seconds, build_peak))
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(copy, ignore_errors=True)
        median = statistics.median
        results[layout] = {
            "floor": median([r[0] for r in rows]), "lint": median([r[1] for r in rows]),
            "lint ratio": median([r[1] / r[0] for r in rows]), "lint peak": max(r[2] for r in rows) / 1e6,
            "floor+cp": median([r[0] + r[3] for r in rows]), "build": median([r[4] for r in rows]),
            "build ratio": median([r[4] / (r[0] + r[3]) for r in rows]), "build peak": max(r[5] for r in rows) / 1e6,
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apis", type=int, nargs="+", default=[1000])
    parser.add_argument("--routes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--check", action="store_true", help="exit 1 when a hard limit is exceeded")
    args = parser.parse_args()
    floor, portcullis = prepare_tools()
    sizes = sorted(set(args.apis))

    failed = False
    measured = {}
    for apis in sizes:
        routes = apis * args.routes
        print(f"estate: {apis} APIs x {args.routes} routes ({routes} routes); {args.rounds} rounds; medians")
        print(f"{'layout':<14} {'floor s':>8} {'lint s':>8} {'ratio':>6} {'peak MB':>8}   "
              f"{'floor+cp s':>10} {'build s':>8} {'ratio':>6} {'peak MB':>8}")
        measured[apis] = measure(args, apis, floor, portcullis)
        for layout, m in measured[apis].items():
            print(f"{layout:<14} {m['floor']:>8.3f} {m['lint']:>8.3f} {m['lint ratio']:>6.2f} {m['lint peak']:>8.1f}   "
                  f"{m['floor+cp']:>10.3f} {m['build']:>8.3f} {m['build ratio']:>6.2f} {m['build peak']:>8.1f}")
            failed |= m["lint ratio"] > 3.0 or m["lint peak"] > 150 * max(1.0, routes / 20000)
            failed |= routes <= 100000 and m["build peak"] > 1000
    for apis in sizes[1:]:
        growth = apis / sizes[0]
        print(f"growth from {sizes[0]} to {apis} APIs ({growth:g}x the routes):")
        for layout, large in measured[apis].items():
            small = measured[sizes[0]][layout]
            factors = {key: large[key] / small[key] for key in ("floor", "lint", "lint peak", "build", "build peak")}
            print(f"  {layout:<14} " + ", ".join(f"{key} {value:.2f}x" for key, value in factors.items()))
            failed |= factors["lint"] > 1.1 * growth
    print("goals: ratios <= 2.0; limits: lint ratio <= 3.0, lint peak < 150 MB per 20,000 routes, "
          "build peak < 1 GB up to 100,000 routes, time growth <= 1.1x route growth")
    if args.check and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
