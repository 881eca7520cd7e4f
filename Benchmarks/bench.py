#!/usr/bin/env python3
"""Times Portcullis against floors and its own goals; with --check, fails when a goal regresses.

usage: Benchmarks/bench.py [--apis N [N ...]] [--routes M] [--rounds K] [--quick] [--check] [--instructions]

Estate cases (need ../shared/bench beside the checkout; skipped with a notice otherwise):
the shared generator writes an estate of N APIs x M routes in both layouts (one file, one
file per API). The lint floor is ../shared/bench/yaml_events, a C program that pulls every
libyaml event from the same files and nothing else, so no YAML front end can be faster.
Lint is compared with it in wall and CPU time, and with a bare PyYAML (CSafeLoader) load of
the same files, where a Python linter starts (skipped when PyYAML is missing). The build is
timed twice: `build --check` into an empty folder is everything but the writing; the real
build writes a fresh folder, and its writing (build minus check) is compared with `cp -r` of
the bundle it wrote. Every timed step starts after `sync`, so no step pays for another's
write-back, and everything alternates in one session; the report gives medians and the
median of per-round ratios (robust on a shared, noisy machine).

With environments: the same estate with environments/{dev,test,prod}.yaml beside it, each
overriding every API's backend, half the APIs' rate limits and a named value; lint time is
reported as a ratio to the plain estate's, with a generous growth check.

With raw policies: the same estate where every API names a raw policy file (transforms,
a fragment, expressions: what a moved estate keeps raw) and every tenth route has an
inline one; lint time as a ratio to the plain estate's.

Self-contained cases: one API with many routes, many findings in every report format, and
the samples; each of the first two at two sizes, run in turn, to check that doubling the
input at most (about) doubles the time. A growth check that misses is timed once more, with
twice the rounds, before it fails.

--quick is the short form .ci/run uses: smaller inputs, fewer rounds, no bundle writing and
loose limits, so a busy machine passes but a threefold slowdown does not.

--instructions also counts the instructions lint and the floor execute (valgrind's
callgrind, on one core, on copies without debug information, which valgrind cannot read): a
measure that other processes on the machine do not move, for judging a change of a few per
cent.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
WORK = os.path.join(ROOT, ".build", "bench")
# The 5,000-API estate in one file is 19 MB, over the default 16 MiB input limit.
LIMITS = ["--max-file-size", str(256 * 1024 * 1024)]
FORMATS = ("text", "json", "sarif", "github")

# The goals, as the issue states them, plus build memory per 20,000 routes at what the
# streaming build reaches, and the --quick limits for CI: loose enough for a busy shared
# machine (where wall times double), tight enough that a 3x slowdown fails.
GOALS = {
    "lint wall ratio": 1.5, "lint cpu ratio": 2.5, "pyyaml speedup": 10.0,
    "build check s per 20k routes": 0.6, "build peak MB up to 100k routes": 600,
    "build peak MB per 20k routes": 160, "write ratio": 1.2,
    "lint peak MB per 20k routes": 150, "big api s per 50k routes": 2.0, "big api build s per 50k routes": 3.0,
    "findings s per 160k": 3.0,
    "doubling growth": 2.2, "samples ms": 20, "environments ratio": 6.0, "raw policies ratio": 2.0,
    "import s per 1000 APIs": 8.0, "braces s per 200k": 0.5, "chain s per 16k": 0.5,
    "broad policy s per 10k routes": 0.5, "keys s per 40k": 0.5, "gateway lookups s per 4k routes": 0.5,
    "product lookups s per 200": 2.0, "partial bases s per 200": 3.0,
    "fragments s per 500 routes": 1.0, "locals s per 2k": 0.5, "long alias s per 900": 0.5, "kept answers s per 2k routes": 0.5,
    "environment findings s per 50": 2.0, "cache entries s per 4k": 1.0,
    "referenced expressions s per 5k": 0.5, "returned locals s per 2k": 0.5, "quoted quotes s per 800": 0.5,
    "nested URIs s per 1600": 0.5, "placeholders s per 100": 0.5, "interpolations s per 16k": 0.5,
    "tested variables s per 1800": 0.5, "key source variables s per 2k": 0.5, "cached values s per 2k": 1.0,
    "keyed variables s per 2k": 1.5,
}
QUICK = {
    "lint wall ratio": 6.0, "lint cpu ratio": 8.0, "pyyaml speedup": 2.0,
    "build check s per 20k routes": 1.6, "build peak MB up to 100k routes": 600,
    "build peak MB per 20k routes": 200,
    "lint peak MB per 20k routes": 150, "big api s per 50k routes": 6.0, "big api build s per 50k routes": 9.0,
    "findings s per 160k": 9.0,
    "doubling growth": 3.0, "samples ms": 40, "environments ratio": 8.0, "raw policies ratio": 4.0,
    "import s per 1000 APIs": 24.0, "braces s per 200k": 1.5, "chain s per 16k": 1.5,
    "broad policy s per 10k routes": 1.5, "keys s per 40k": 1.5, "gateway lookups s per 4k routes": 1.5,
    "product lookups s per 200": 6.0, "partial bases s per 200": 9.0,
    "fragments s per 500 routes": 3.0, "locals s per 2k": 1.5, "long alias s per 900": 1.5, "kept answers s per 2k routes": 1.5,
    "environment findings s per 50": 6.0, "cache entries s per 4k": 3.0,
    "referenced expressions s per 5k": 1.5, "returned locals s per 2k": 1.5, "quoted quotes s per 800": 1.5,
    "nested URIs s per 1600": 1.5, "placeholders s per 100": 1.5, "interpolations s per 16k": 1.5,
    "tested variables s per 1800": 1.5, "key source variables s per 2k": 1.5, "cached values s per 2k": 3.0,
    "keyed variables s per 2k": 4.5,
}
# --quick leaves out writing the bundle, whose time is the shared disk's more than ours.

# The libyaml floor of the 1,000-API estate on the hosts the limits were set on (0.042 to
# 0.059 s, rounds 50 to 58). With --quick, a host whose floor takes longer in the same run
# is that much slower, and the limits in seconds are scaled by it: a ratio to a floor
# measured in the same run, as the lint's own checks are. Ratios and growth stay as set.
REFERENCE_FLOOR_S = 0.05


def scaled_to_the_host(limit, floor_seconds):
    """The limits in seconds (and milliseconds) times how much slower than the reference
    this host's floor ran, never less; with the factor."""
    factor = max(1.0, floor_seconds / REFERENCE_FLOOR_S)
    timed = lambda key: " s per " in key or key.endswith(" ms") or key.endswith(" s")
    return {key: value * factor if timed(key) else value for key, value in limit.items()}, factor


def run(argv, sync=False):
    """Runs a command; returns (wall seconds, CPU seconds, peak RSS in bytes, status).

    With `sync`, dirty pages of earlier steps are flushed first, so a step that writes does
    not pay for another's writes."""
    if sync:
        os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def portcullis_binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "portcullis"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tool = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(tool, "portcullis")


def floor_binary():
    floor = os.path.join(WORK, "yaml_events")
    subprocess.run(["cc", "-O2", "-o", floor, os.path.join(SHARED, "yaml_events.c"), "-lyaml"], check=True)
    return floor


def instructions(argv):
    """The instructions `argv` executes, counted by callgrind; the same however busy the machine.
    The run is held to one core: its work is then split between threads the same way every
    time, and two counts of one build agree within 0.01 % (on two cores, about 0.3 %)."""
    core = min(os.sched_getaffinity(0))
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {core}))
    found = re.search(r"refs:\s+([\d,]+)", result.stderr)
    if result.returncode != 0 or not found:
        sys.exit(f"bench: callgrind failed on {argv[0]}: {result.stderr.strip()[-300:]}")
    return int(found.group(1).replace(",", ""))


def count_instructions(args, apis, floor, portcullis):
    """Prints the instructions of the floor and of lint on each layout of an estate, and their ratio."""
    stripped = os.path.join(WORK, "portcullis-without-debug-information")
    shutil.copy(portcullis, stripped)
    subprocess.run(["strip", "-g", stripped], check=True)
    print(f"instructions (callgrind), {apis} APIs:")
    for layout, (directory, files) in prepare_estate(args, apis).items():
        floor_count = instructions([floor] + files)
        lint_count = instructions([stripped, "lint", "--quiet"] + LIMITS + [directory])
        print(f"  {layout:<13} floor {floor_count / 1e6:,.0f}M, lint {lint_count / 1e6:,.0f}M, {lint_count / floor_count:.2f}x")


def has_pyyaml():
    try:
        import yaml
        return hasattr(yaml, "CSafeLoader")
    except ImportError:
        return False


PYYAML_LOAD = ("import sys, yaml\n"
               "for name in sys.argv[1:]:\n"
               "    with open(name, 'rb') as f:\n"
               "        for _ in yaml.load_all(f, Loader=yaml.CSafeLoader): pass\n")


def prepare_estate(args, apis):
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


ENVIRONMENTS = ("dev", "test", "prod")


def add_environments(plain, out):
    """Copies the estate at `plain` to `out` with three environments that override every
    API's backend, half the APIs' rate limits (same key, other figures), a named value and
    Redis's key prefix (environments sharing one Redis under one prefix are RD005)."""
    shutil.copytree(plain, out)
    apis = []  # (name, top-level rateLimit line or None), in file order
    for dirpath, _, names in sorted(os.walk(out)):
        for name in sorted(names):
            if not name.endswith(".yaml"):
                continue
            with open(os.path.join(dirpath, name)) as f:
                kind = None
                for line in f:
                    if line.startswith("kind: "):
                        kind = line.split()[1]
                    elif line.startswith("name: ") and kind == "API":
                        apis.append([line.split()[1], None])
                    elif line.startswith("rateLimit: ") and kind == "API" and apis and apis[-1][1] is None:
                        apis[-1][1] = line.split(": ", 1)[1].strip()
    os.makedirs(os.path.join(out, "environments"))
    for number, environment in enumerate(ENVIRONMENTS):
        lines = ["apiVersion: portcullis/v1", "kind: Environment", f"name: {environment}", "gateway:",
                 "  namedValues:", f"    tenant-id: 00000000-0000-4000-8000-00000000000{number}",
                 "  redis:", f"    keyPrefix: bench-{environment}", "apis:"]
        for index, (name, limit) in enumerate(apis):
            lines += [f"  {name}:", f"    backend: https://{name}.{environment}.example.com/orders"]
            if limit and index % 2 == 0:
                key = limit.rsplit("key: ", 1)[1].rstrip("}")
                lines.append(f"    rateLimit: {{calls: {100 * (number + 1)}, per: 60s, key: {key}}}")
        with open(os.path.join(out, "environments", f"{environment}.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")


RAW_API_POLICY = """<policies>
    <inbound>
        <set-variable name="started" value="@(DateTime.UtcNow.ToString("o"))" />
        <base />
        <include-fragment fragment-id="correlation-id" />
        <set-header name="X-Api-Name" exists-action="override"><value>{name}</value></set-header>
        <choose>
            <when condition="@(context.Request.Headers.GetValueOrDefault("X-Canary", "") == "true")">
                <set-backend-service base-url="https://canary.internal.example.com/orders" />
            </when>
        </choose>
        <set-query-parameter name="api-version" exists-action="skip"><value>2024-01-01</value></set-query-parameter>
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
        <set-header name="X-Powered-By" exists-action="delete" />
        <set-header name="X-Elapsed" exists-action="override">
            <value>@((DateTime.UtcNow - DateTime.Parse((string)context.Variables["started"])).TotalMilliseconds.ToString())</value>
        </set-header>
    </outbound>
    <on-error>
        <base />
        <set-header name="X-Correlation-Id" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>
    </on-error>
</policies>
"""

RAW_ROUTE_POLICY = """    policy: |
      <policies>
        <outbound>
          <base />
          <set-body>@{{ var body = context.Response.Body.As<JObject>(preserveContent: true); body.Remove("internal"); return body.ToString(); }}</set-body>
        </outbound>
      </policies>
"""


def add_raw_policies(plain, out):
    """Copies the estate at `plain` to `out`, giving every API a raw policy file and every
    tenth route an inline raw policy, with one fragment they include."""
    shutil.copytree(plain, out)
    for dirpath, _, names in sorted(os.walk(out)):
        for name in sorted(names):
            if not name.endswith(".yaml"):
                continue
            path = os.path.join(dirpath, name)
            with open(path) as f:
                lines = f.readlines()
            written, kind, routes = [], None, 0
            for line in lines:
                written.append(line)
                if line.startswith("kind: "):
                    kind = line.split()[1]
                elif line.startswith("name: ") and kind == "API":
                    api = line.split()[1]
                    os.makedirs(os.path.join(dirpath, "policies"), exist_ok=True)
                    with open(os.path.join(dirpath, "policies", f"{api}.xml"), "w") as f:
                        f.write(RAW_API_POLICY.replace("{name}", api))
                    written.append(f"policy: policies/{api}.xml\n")
                elif line.startswith("  - id: ") and kind == "API":
                    routes += 1
                    if routes % 10 == 0:
                        written.append(RAW_ROUTE_POLICY.replace("{{", "{").replace("}}", "}"))
            with open(path, "w") as f:
                f.writelines(written)
    with open(os.path.join(out, "fragments.yaml"), "w") as f:
        f.write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: correlation-id\npolicy: |\n"
                "  <fragment>\n    <set-header name=\"X-Correlation-Id\" exists-action=\"skip\">"
                "<value>@(context.RequestId.ToString())</value></set-header>\n  </fragment>\n")


def measure_variant(args, apis, portcullis, suffix, make):
    """Times lint of each layout as generated and as `make` changes it (into the folder with
    `suffix`); returns {layout: (median seconds, median ratio)}."""
    ratios = {}
    for layout, (directory, _) in prepare_estate(args, apis).items():
        variant = directory + suffix
        if not os.path.isdir(variant):
            make(directory, variant)
        rows = []
        for _ in range(args.rounds):
            plain, _, _, status = run([portcullis, "lint", "--quiet", *LIMITS, directory])
            changed, _, _, changed_status = run([portcullis, "lint", "--quiet", *LIMITS, variant])
            if status != 0 or changed_status != 0:
                sys.exit(f"bench: lint of the {layout} estate{suffix} exited {changed_status}; it should lint clean")
            rows.append((plain, changed))
        ratios[layout] = (statistics.median([r[1] for r in rows]), statistics.median([r[1] / r[0] for r in rows]))
    return ratios


def measure_estate(args, apis, floor, portcullis):
    """Times every layout of one estate size; returns {layout: medians and peaks}."""
    results = {}
    median = statistics.median
    for layout, (directory, files) in prepare_estate(args, apis).items():
        out = os.path.join(WORK, f"bundle-{layout}")
        empty = os.path.join(WORK, f"empty-{layout}")
        copy = os.path.join(WORK, f"copy-{layout}")
        rows = []
        for _ in range(args.rounds):
            floor_wall, floor_cpu, _, status = run([floor] + files)
            assert status == 0, "the floor program failed"
            lint_wall, lint_cpu, lint_peak, status = run([portcullis, "lint", "--quiet", *LIMITS, directory])
            if status != 0:
                sys.exit(f"bench: lint exited {status} on the {layout} estate; it should lint clean")
            # Everything but the writing: the check compares with an empty folder.
            shutil.rmtree(empty, ignore_errors=True)
            os.makedirs(empty)
            check_wall, _, check_peak, _ = run([portcullis, "build", "--quiet", "--check", *LIMITS, directory,
                                                "--out", empty])
            build_wall, build_peak, copy_wall = float("nan"), 0, float("nan")
            if not args.quick:  # the disk is shared and slow to varying degrees: no writing in CI
                # Like `cp -r`, the build writes a fresh folder; replacing an existing bundle
                # also deletes the old one, which this comparison leaves out.
                shutil.rmtree(out, ignore_errors=True)
                build_wall, _, build_peak, status = run(
                    [portcullis, "build", "--quiet", *LIMITS, directory, "--out", out], sync=True)
                if status != 0:
                    sys.exit(f"bench: build exited {status} on the {layout} estate")
                shutil.rmtree(copy, ignore_errors=True)
                copy_wall, _, _, status = run(["cp", "-r", out, copy], sync=True)
                assert status == 0, "cp failed"
            rows.append((floor_wall, floor_cpu, lint_wall, lint_cpu, lint_peak, check_wall, max(check_peak, build_peak),
                         build_wall, copy_wall))
        pyyaml = None
        if has_pyyaml():
            loads = [run([sys.executable, "-c", PYYAML_LOAD] + files)[0] for _ in range(min(3, args.rounds))]
            pyyaml = median(loads)
        for path in (out, copy, empty):
            shutil.rmtree(path, ignore_errors=True)
        lint = median([r[2] for r in rows])
        results[layout] = {
            "floor": median([r[0] for r in rows]), "lint": lint,
            "lint wall ratio": median([r[2] / r[0] for r in rows]),
            "lint cpu ratio": median([r[3] / r[1] for r in rows]),
            "lint peak": max(r[4] for r in rows) / 1e6,
            "pyyaml": pyyaml, "pyyaml speedup": pyyaml / lint if pyyaml else None,
            "check": median([r[5] for r in rows]), "build peak": max(r[6] for r in rows) / 1e6,
            "build": median([r[7] for r in rows]), "cp": median([r[8] for r in rows]),
            "write ratio": median([max(0.0, r[7] - r[5]) / r[8] for r in rows]),
        }
    return results


def big_api(folder, routes):
    """One API with `routes` routes beside the sample gateway."""
    os.makedirs(folder, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "Samples", "contoso", "gateway.yaml"), folder)
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: big", "path: big", "backend: https://big.example.com",
             "auth: entra", "routes:"]
    lines += [f"  - {{id: r{i}, method: GET, path: '/items/v{i}/{{id}}', scopes: [orders.read]}}" for i in range(routes)]
    with open(os.path.join(folder, "big.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def big_api_environment(folder, routes):
    """An environment over big_api's API naming every route: half by an id it has (a new
    rate limit), half by one it lacks (an RF001 each, with suggestions to look for)."""
    lines = ["apiVersion: portcullis/v1", "kind: Environment", "name: prod", "apis:", "  big:", "    routes:"]
    lines += [f"      {'r' if i % 2 else 'x'}{i}: {{rateLimit: {{calls: 5, per: 1s, key: user}}}}" for i in range(routes)]
    with open(os.path.join(folder, "environment.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def many_findings(folder, count):
    """A gateway with `count` unknown fields: one finding (YS003) a line, about 10 bytes each."""
    os.makedirs(folder, exist_ok=True)
    lines = ["apiVersion: portcullis/v1", "kind: Gateway", "name: g"] + [f"x{i}: 1" for i in range(count)]
    with open(os.path.join(folder, "gateway.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def variable_chain(folder, count):
    """The fabrikam sample with an API whose routes' raw policies copy a header through a
    chain of `count` variables, 100 to a route, into a token check's audience: a hostile
    pull request's way to make the reading of variables the caller writes take a pass per
    link."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: chain", "path: chain", "backend: https://chain.internal.example.com", "routes:"]
    for route in range(count // 100):
        lines += [f"  - {{id: r{route}, method: GET, path: /r{route}, scopes: [invoices.read], policy: '<policies><inbound><base />"]
        for link in range(route * 100, route * 100 + 100):
            read = ("context.Request.Headers.GetValueOrDefault(&quot;X-A&quot;, &quot;&quot;)" if link == 0
                    else f"(string)context.Variables[&quot;v{link - 1}&quot;]")
            lines[-1] += f'<set-variable name=\"v{link}\" value=\"@({read})\" />'
        if route == 0:
            lines[-1] += ('<validate-jwt header-name=\"Authorization\"><openid-config url=\"https://login.example.com/.well-known/openid-configuration\" />'
                          f'<audiences><audience>@((string)context.Variables[&quot;v{count - 1}&quot;])</audience></audiences></validate-jwt>')
        lines[-1] += "</inbound></policies>'}"
    with open(os.path.join(folder, "apis", "chain.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def broad_policy(folder, count):
    """The fabrikam sample whose gateway policy sends what the caller wrote on 1,000 times
    before any check, and 1,000 times more through a fragment it includes, over an API of
    `count` routes: a third with no policy, a third with a policy of `<base />` alone, a
    third with statements of their own around it. A hostile pull request's way to make
    every route's walk over the broader policies take a pass over all their statements."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    def sends(prefix):
        return "".join(f'<send-request mode="new" response-variable-name="{prefix}{index}" timeout="5" ignore-error="true">'
                       '<set-url>https://audit.example.com/log</set-url><set-method>POST</set-method>'
                       '<set-body>@((string)context.Variables["who"])</set-body></send-request>\n' for index in range(1000))
    with open(os.path.join(folder, "policies", "global.xml"), "w") as f:
        f.write('<policies><inbound><set-variable name="who" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Who&quot;,&quot;&quot;))" />\n'
                f'{sends("r")}<include-fragment fragment-id="audit-trail" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>\n')
    with open(os.path.join(folder, "policies", "fragments", "audit-trail.xml"), "w") as f:
        f.write(f"<fragment>{sends('f')}</fragment>\n")
    with open(os.path.join(folder, "fragments.yaml"), "a") as f:
        f.write("---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: audit-trail\npolicy: policies/fragments/audit-trail.xml\n")
    shaped = '<set-header name="X-Route" exists-action="override"><value>1</value></set-header>'
    policies = ["", "<base />", f"<base />{shaped}", f"{shaped}<base />"]
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: broad", "path: broad", "backend: https://broad.internal.example.com", "routes:"]
    for route in range(count):
        inbound = policies[(0, 1, 2, 0, 1, 3)[route % 6]]
        policy = f", policy: '<policies><inbound>{inbound}</inbound></policies>'" if inbound else ""
        lines.append(f"  - {{id: r{route}, method: GET, path: /r{route}, scopes: [invoices.read]{policy}}}")
    with open(os.path.join(folder, "apis", "broad.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def gateway_lookups(folder, count):
    """The fabrikam sample whose gateway policy checks a token in `X-Partner-Token` and
    holds 100 cache lookups, each in a branch of its own, over an API of `count` routes
    that also require the caller's token in `Authorization`: every lookup asks of every
    route whether its requests carry that header (the round's first form asked each
    route's whole way again for each lookup: 200 lookups over 4,000 routes took 14 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    check = ('<validate-jwt header-name="X-Partner-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" />'
             '<audiences><audience>api://partners</audience></audiences>'
             '<required-claims><claim name="scp" match="any"><value>invoices.read</value></claim></required-claims></validate-jwt>')
    lookups = "".join(f'<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Variant-{index}&quot;))">'
                      '<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header></cache-lookup>'
                      '</when></choose>\n' for index in range(100))
    with open(os.path.join(folder, "policies", "global.xml"), "w") as f:
        f.write(f'<policies><inbound>{check}\n{lookups}</inbound><backend><forward-request /></backend><outbound /><on-error /></policies>\n')
    shaped = '<set-header name="X-Route" exists-action="override"><value>1</value></set-header>'
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: looked", "path: looked", "backend: https://looked.internal.example.com", "routes:"]
    for route in range(count):
        policy = f", policy: '<policies><inbound><base />{shaped}</inbound></policies>'" if route % 2 else ""
        lines.append(f"  - {{id: r{route}, method: GET, path: /r{route}, scopes: [invoices.read]{policy}}}")
    with open(os.path.join(folder, "apis", "looked.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def product_lookups(folder, count):
    """The fabrikam sample with `count` products over an API of 2,000 routes, each product
    checking a token (half in `Authorization`, half in `X-Partner-Token`) that a read
    scope passes, then looking responses up in the cache and keeping answers under the
    token it checked: a product's policy runs for its
    own subscribers alone, so each product is a way of its own to every route (round 51
    found the products' writes read again for every route and every product's lookup,
    and LP003 judging every route again for every product's check: 200 products over
    4,000 routes took 9 s, 800 products' checks alone 2.4 s; audit V20 found 200 products'
    stores reading every audience's way again for each route, 100 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    def check(header):
        return (f'<validate-jwt header-name="{header}"><openid-config url="https://login.example.com/.well-known/openid-configuration" />'
                '<audiences><audience>api://partners</audience></audiences>'
                '<required-claims><claim name="scp" match="any"><value>invoices.read</value></claim></required-claims></validate-jwt>')
    lookup = '<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header></cache-lookup>'
    def store(header):
        return (f'<cache-store-value key="@(context.Request.Headers.GetValueOrDefault(&quot;{header}&quot;, &quot;&quot;))" '
                'value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />')
    with open(os.path.join(folder, "products.yaml"), "a") as f:
        for index in range(count):
            header = "Authorization" if index % 2 else "X-Partner-Token"
            f.write(f"---\napiVersion: portcullis/v1\nkind: Product\nname: partner-{index}\napis: [looked]\n"
                    f"policy: '<policies><inbound>{check(header)}<base />{lookup}</inbound><outbound><base />{store(header)}</outbound></policies>'\n")
    shaped = '<set-header name="X-Route" exists-action="override"><value>1</value></set-header>'
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: looked", "path: looked", "backend: https://looked.internal.example.com", "routes:"]
    # A third are writes the products' checks alone guard, which a read token passes (LP003).
    for route in range(2000):
        policy = f", policy: '<policies><inbound><base />{shaped}</inbound></policies>'" if route % 2 else ""
        access = ("method: POST, auth: none, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}"
                  if route % 3 == 0 else "method: GET, scopes: [invoices.read]")
        lines.append(f"  - {{id: r{route}, {access}, path: /r{route}{policy}}}")
    with open(os.path.join(folder, "apis", "looked.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def partial_bases(folder, count):
    """`product_lookups` whose products, API and route policies each run `<base />` in one
    `choose` branch only: the rules read each such policy through that `<base />` and past
    it, in every combination, for every product's subscribers (round 52's first form read
    up to eight ways per product and route: 5.1 s at 200 products, against 2.9 s before
    the round; an audit's estate of the kind took 136 s, against 17 s)."""
    product_lookups(folder, count)
    partial = '<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Region&quot;))"><base /></when></choose>'
    for path in (os.path.join(folder, "products.yaml"), os.path.join(folder, "apis", "looked.yaml")):
        with open(path) as f:
            text = f.read()
        text = text.replace("<inbound><base />", "<inbound>" + partial).replace("</validate-jwt><base />", "</validate-jwt>" + partial)
        if path.endswith("looked.yaml"):
            text = text.replace("routes:\n", "policy: '<policies><inbound>" + partial + "</inbound></policies>'\nroutes:\n", 1)
        with open(path, "w") as f:
            f.write(text)


def key_run(folder, count):
    """The fabrikam sample whose raw policy sets a header to `password={{` `count` times:
    a hostile pull request's way to make each `=` read its value to the end."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    policy = ('<policies><inbound><base /><set-header name="X-Connection" exists-action="override"><value>'
              + "password={{" * count + "</value></set-header></inbound></policies>\n")
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(policy)


def brace_run(folder, count):
    """The fabrikam sample whose raw policy sends requests to a URL holding a run of `count`
    braces: a hostile pull request's way to make each `{{` look for its name to the end."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    policy = '<policies><inbound><base /><set-backend-service base-url="https://x' + "{" * count + 'x}}" /></inbound></policies>\n'
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(policy)


def fragment_fanout(folder, count):
    """The fabrikam sample with `count` routes, each including twenty fragments of 180
    response headers that read policy variables: a fragment's statements are met from
    every route that includes it, and were read again for each."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    with open(os.path.join(folder, "fragments.yaml"), "a") as f:
        for fragment in range(20):
            headers = "".join(f'<set-header name="X-Trace-{fragment}-{index}" exists-action="override">'
                              f'<value>@((string)context.Variables.GetValueOrDefault(&quot;trace{index}&quot;, &quot;&quot;))</value></set-header>'
                              for index in range(180))
            f.write(f"---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: trace-{fragment}\npolicy: '<fragment>{headers}</fragment>'\n")
    includes = "".join(f'<include-fragment fragment-id="trace-{fragment}" />' for fragment in range(20))
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: traced", "path: traced", "backend: https://traced.internal.example.com", "routes:"]
    for route in range(count):
        lines.append(f"  - {{id: r{route}, method: GET, path: /r{route}, scopes: [invoices.read], "
                     f"policy: '<policies><inbound><base /></inbound><outbound><base />{includes}</outbound></policies>'}}")
    with open(os.path.join(folder, "apis", "traced.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def kept_answers(folder, count):
    """The fabrikam sample with `count` routes, each storing a variable under a key written
    out, where the API's policy includes twenty fragments of 100 statements that copy the
    answer's body from variable to variable: where the variables holding the answer were
    read from the policies on each route's requests, each route read them all again."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    with open(os.path.join(folder, "fragments.yaml"), "a") as f:
        for fragment in range(20):
            setters = "".join(
                f'<set-variable name="v{fragment * 100 + index}" value="@('
                + ("context.Response.Body.As&lt;string&gt;(preserveContent: true)" if fragment + index == 0
                   else f"(string)context.Variables[&quot;v{fragment * 100 + index - 1}&quot;] + &quot;x&quot;")
                + ')" />' for index in range(100))
            f.write(f"---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: copy-{fragment}\npolicy: '<fragment>{setters}</fragment>'\n")
    includes = "".join(f'<include-fragment fragment-id="copy-{fragment}" />' for fragment in range(20))
    lines = ["apiVersion: portcullis/v1", "kind: API", "name: kept", "path: kept", "backend: https://kept.internal.example.com",
             f"policy: '<policies><inbound><base /></inbound><outbound><base />{includes}</outbound></policies>'", "routes:"]
    for route in range(count):
        store = f'<cache-store-value key="kept-{route}" value="@((string)context.Variables[&quot;v1999&quot;])" duration="30" />'
        lines.append(f"  - {{id: r{route}, method: GET, path: /r{route}, scopes: [invoices.read], "
                     f"policy: '<policies><inbound><base /></inbound><outbound><base />{store}</outbound></policies>'}}")
    with open(os.path.join(folder, "apis", "kept.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def referenced_expressions(folder, count):
    """The fabrikam sample whose raw policy sets the body `count` times, each to an
    expression written with XML's references (`@(&quot;//&quot;)`, as XML tools write
    quotes), whose `//` the bytes alone read as a comment: each was read to the document's
    end before its references were. 5,000 stay within a policy's 256 KiB."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    headers = "".join(f"<set-body>@(&quot;//{index}&quot;)</set-body>\n" for index in range(count))
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f"<policies>\n<inbound>\n<base />\n{headers}</inbound>\n<backend><base /></backend>\n<outbound><base /></outbound>\n"
                "<on-error><base /></on-error>\n</policies>\n")


def returned_locals(folder, count):
    """The fabrikam sample whose raw backend URL is a block that sets a local `count` times
    and returns it from `count` branches: SE003 read each value the local was set to once
    for each return."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    sets = "".join("u = &quot;https://a.example.com/x&quot;; " for _ in range(count))
    returns = "".join(f"if (context.Deployment.Region == &quot;{index}&quot;) {{ return u; }} " for index in range(count))
    block = f"@{{ var u = &quot;https://a.example.com/&quot;; {sets}{returns}return u; }}"
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f'<policies><inbound><base /><set-backend-service base-url="{block}" /></inbound></policies>\n')


def quoted_quotes(folder, count):
    """The fabrikam sample with a secret's literal value and a raw policy including a
    fragment whose id holds `count` quotes around that value: the message that quotes the
    id was searched for the secret between every pair of its quotes."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    with open(os.path.join(folder, "gateway.yaml"), "a") as f:
        f.write("secrets:\n  kept: {value: S3cr3tV4lue}\n")
    half = "a'" * (count // 2)
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f'<policies><inbound><base /><include-fragment fragment-id="{half}S3cr3tV4lue\'{half}" /></inbound></policies>\n')


def nested_uris(folder, count):
    """The fabrikam sample whose raw backend URL nests `count` URIs, each made of a base and
    a relative text that goes on with the next: each level's start was read with its depth
    set back to nothing (1,600 levels overflowed the stack, 800 took 18 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    uri = "new Uri(new Uri(&quot;https://a.example.com/&quot;), &quot;v1/&quot; + " * count + "&quot;x&quot;" + ")" * count
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f'<policies><inbound><base /><set-backend-service base-url="@({uri}.ToString())" /></inbound></policies>\n')


def nested_interpolations(folder, count):
    """The fabrikam sample whose raw backend URL nests `count` interpolated strings, each in
    the last one's hole, around a header: each level read its text again (16,000 took 42 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    header = "context.Request.Headers.GetValueOrDefault(&quot;X-A&quot;, &quot;&quot;)"
    url = "@(" + "$&quot;{" * count + header + "}&quot;" * count + ")"
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f'<policies><inbound><base /><set-backend-service base-url="{url}" /></inbound></policies>\n')


def tested_variables(folder, count):
    """The fabrikam sample whose raw policy holds a `choose` of `count` branches, each
    testing a variable and setting another, before a check whose audience reads one: each
    branch's setter first kept every test before it (1,800 took 0.43 s and 105 MB)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    header = "context.Request.Headers.GetValueOrDefault(&quot;X-A&quot;, &quot;&quot;)"
    whens = "".join(f'<when condition="@((string)context.Variables[&quot;v{index}&quot;] == &quot;x&quot;)">'
                    f'<set-variable name="v{index + 1}" value="a" /></when>' for index in range(count))
    check = ('<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" />'
             f'<audiences><audience>@((string)context.Variables[&quot;v{count}&quot;])</audience></audiences></validate-jwt>')
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f'<policies><inbound><base /><set-variable name="v0" value="@({header})" /><choose>{whens}</choose>{check}</inbound></policies>\n')


def key_source_variables(folder, count):
    """The fabrikam sample with `count` APIs, each setting a variable to its own identity
    provider's URL and taking its token check's `openid-config` from it: the texts every
    setter of the variable writes out were once read again for every check (2,000 APIs
    took 9.6 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    for index in range(count):
        policy = (f'<policies><inbound><base /><set-variable name="config" value="https://login.example.com/t{index}/.well-known/openid-configuration" />'
                  '<validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;config&quot;])" />'
                  f'<audiences><audience>api://k{index}</audience></audiences></validate-jwt></inbound></policies>')
        with open(os.path.join(folder, "apis", f"k{index}.yaml"), "w") as f:
            f.write(f"apiVersion: portcullis/v1\nkind: API\nname: k{index}\npath: k{index}\nbackend: https://k.example.com\n"
                    f"policy: '{policy}'\nroutes:\n  - {{id: read-k, method: GET, path: /k, scopes: [invoices.read]}}\n")


def cached_values(folder, count):
    """The fabrikam sample with `count` APIs, each looking up two cached values (one under a
    key a header picks) that its token check compares, and storing them in `outbound`:
    every lookup reads what every store of the estate keeps."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    header = "context.Request.Headers.GetValueOrDefault(&quot;X-T&quot;,&quot;&quot;)"
    for index in range(count):
        policy = (f'<policies><inbound><base /><cache-lookup-value key="@(&quot;k{index}:&quot; + {header})" variable-name="picked" />'
                  f'<cache-lookup-value key="audience{index}" variable-name="kept" />'
                  '<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" />'
                  '<audiences><audience>@((string)context.Variables[&quot;kept&quot;])</audience></audiences><required-claims><claim name="roles">'
                  '<value>@((string)context.Variables[&quot;picked&quot;])</value></claim></required-claims></validate-jwt></inbound>'
                  f'<outbound><base /><cache-store-value key="@(&quot;k{index}:&quot; + {header})" value="Invoices.Read" duration="60" />'
                  f'<cache-store-value key="audience{index}" value="api://k{index}" duration="60" /></outbound></policies>')
        with open(os.path.join(folder, "apis", f"k{index}.yaml"), "w") as f:
            f.write(f"apiVersion: portcullis/v1\nkind: API\nname: k{index}\npath: k{index}\nbackend: https://k.example.com\n"
                    f"policy: '{policy}'\nroutes:\n  - {{id: read-k, method: GET, path: /k, scopes: [invoices.read]}}\n")


def keyed_variables(folder, count):
    """The fabrikam sample with `count` APIs, each checking its callers' token in a header
    of its own, setting twenty variables from it and keeping the answer under a key one of
    them holds: judged by every check's headers, each API's setters cost the square of
    the APIs (80 APIs of 500 setters: 21 s before the audit's fix)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    for index in range(count):
        header = f"context.Request.Headers.GetValueOrDefault(&quot;X-T{index}&quot;,&quot;&quot;)"
        setters = "".join(f'<set-variable name="v{index}-{n}" value="@({header}.AsJwt()?.Subject + &quot;{n}&quot;)" />' for n in range(20))
        policy = (f'<policies><inbound><base /><validate-jwt header-name="X-T{index}"><openid-config url="https://login.example.com/.well-known/openid-configuration" />'
                  '<audiences><audience>api://k</audience></audiences><required-claims><claim name="roles"><value>Invoices.Read</value></claim></required-claims>'
                  f'</validate-jwt>{setters}</inbound><outbound><base /><cache-store-value key="@(&quot;o-&quot; + (string)context.Variables[&quot;v{index}-0&quot;])" '
                  'value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="60" /></outbound></policies>')
        with open(os.path.join(folder, "apis", f"v{index}.yaml"), "w") as f:
            f.write(f"apiVersion: portcullis/v1\nkind: API\nname: v{index}\npath: v{index}\nbackend: https://v.example.com\nauth: none\n"
                    f"policy: '{policy}'\nroutes:\n  - {{id: read-v, method: GET, path: /v, public: checked by the API policy, rateLimit: {{calls: 10, per: 1s, key: ip}}}}\n")


def cache_entries(folder, count):
    """The contoso sample with an API of `count` routes, each looking up an entry by a
    header and keeping each caller's own under the token's subject, under starts that
    never meet: each lookup was compared with every store (8,000 of each took 12 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "contoso"), folder)
    shutil.rmtree(os.path.join(folder, "environments"))
    routes = []
    for index in range(count):
        lookup = f'<cache-lookup-value key="@(&quot;l{index}-&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-K&quot;, &quot;&quot;))" variable-name="v" />'
        store = (f'<cache-store-value key="@(&quot;s{index}-&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" '
                 'value="x" duration="60" />')
        routes.append(f"  - id: s{index}\n    method: GET\n    path: /s{index}\n    scopes: [orders.read]\n"
                      f"    policy: '<policies><inbound><base />{lookup}{store}</inbound></policies>'\n")
    with open(os.path.join(folder, "apis", "entries.yaml"), "w") as f:
        f.write("apiVersion: portcullis/v1\nkind: API\nname: entries\npath: entries\nbackend: https://entries.example.com\nauth: entra\n"
                "rateLimit: {calls: 100, per: 60s, key: user}\nroutes:\n" + "".join(routes))


def reused_placeholders(folder, count):
    """The fabrikam sample whose raw backend URL is a format naming one 100 KB argument in
    `count` placeholders of its host: each placeholder read the argument again (100 took
    12 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    argument = " + ".join(["context.Deployment.Region"] * 4000)
    host = "{0}" * count
    header = "context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;)"
    url = f"@(string.Format(&quot;https://{host}.example.com/{{1}}&quot;, {argument}, {header}))"
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f'<policies><inbound><base /><set-backend-service base-url="{url}" /></inbound></policies>\n')


def chained_locals(folder, count):
    """The fabrikam sample whose raw policy answers with a block of `count` locals, each
    the one before with a variable added: what each holds grew with the chain."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "fabrikam"), folder)
    chain = "".join(f"var part{index} = (string)context.Variables[&quot;v{index}&quot;] + part{max(index - 1, 0)};" for index in range(1, count))
    block = f"@{{ var part0 = &quot;&quot;; {chain} return part{count - 1}; }}"
    with open(os.path.join(folder, "policies", "validate-invoice.xml"), "w") as f:
        f.write(f"<policies><inbound><base /></inbound><outbound><base /><set-body>{block}</set-body></outbound></policies>\n")


def long_alias(folder, count):
    """A gateway whose description, 100 KB of text, `count` named values repeat by alias:
    each later stage read the text again at every alias."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    lines = ["apiVersion: portcullis/v1", "kind: Gateway", "name: long", "description: &long " + "x" * 100000, "namedValues:"]
    lines += [f"  value-{index}: *long" for index in range(count)]
    with open(os.path.join(folder, "gateway.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def environment_findings(folder, count):
    """The contoso sample with `count` environment files of their own findings: 500 unknown
    fields, an alias repeating them 20 times, 500 suppression comments without a reason and
    100 credential-like values. Every environment's check made every file's findings again,
    and all were kept until joined: 50 such files (1 MB) took 59 s and 5.4 GB; and every
    environment's check judged every file's credentials (80 files of 1,000: 37 s)."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    shutil.copytree(os.path.join(ROOT, "Samples", "contoso"), folder)
    environments = os.path.join(folder, "environments")
    shutil.rmtree(environments)
    os.makedirs(environments)
    for number in range(count):
        fields = ", ".join(f"k{index}: Bearer Zx{number}Qp{index}Lm7Rt9Vb2Nc4Kd6" if index < 100 else f"k{index}: 1" for index in range(500))
        lines = ["apiVersion: portcullis/v1", "kind: Environment", f"name: e{number}", "apis:", f"  orders: &fields {{{fields}}}"]
        lines += [f"  copy{index}: *fields" for index in range(20)]
        lines += ["# portcullis:ignore CA001"] * 500
        with open(os.path.join(environments, f"e{number}.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")


def timed_side_by_side(argvs, rounds):
    """The median and the fastest of `rounds` runs of each command, run in turn within each
    round, so a busy spell on the machine slows both sizes of a growth check alike instead
    of all the rounds of one."""
    seconds = [[] for _ in argvs]
    for _ in range(rounds):
        for argv, taken in zip(argvs, seconds):
            taken.append(run(argv)[0])
    return [(statistics.median(taken), min(taken)) for taken in seconds]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apis", type=int, nargs="+")
    parser.add_argument("--routes", type=int, default=20)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--quick", action="store_true", help="the short form for CI: small inputs, limits ~3x the goals")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal (with --quick: a limit) is missed")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of lint and the floor (needs valgrind)")
    args = parser.parse_args()
    limit = QUICK if args.quick else GOALS
    args.apis = args.apis or [1000]
    args.rounds = args.rounds or (3 if args.quick else 9)
    big_sizes = (10000, 20000) if args.quick else (25000, 50000)
    finding_sizes = (20000, 40000) if args.quick else (80000, 160000)
    os.makedirs(WORK, exist_ok=True)
    portcullis = portcullis_binary()
    failures = []

    def verdict(name, value, bound, higher_is_better=False):
        ok = value >= bound if higher_is_better else value <= bound
        if not ok:
            failures.append(f"{name}: {value:.3g} (limit {bound:g})")
        return "ok" if ok else "FAIL"

    def doubling(name, label, sizes, argvs, bound, rounds):
        """Times a case at two sizes side by side and prints its medians and the growth
        between its fastest rounds (load from other processes only ever adds time), each
        checked. A growth check that misses is measured once more, with twice the rounds,
        before it fails: a busy machine can fake a step once, a quadratic corner every time."""
        timings = timed_side_by_side(argvs, rounds)
        growth = timings[1][1] / timings[0][1]
        again = ""
        if growth > limit["doubling growth"]:
            timings = timed_side_by_side(argvs, 2 * rounds)
            growth = timings[1][1] / timings[0][1]
            again = " (measured again)"
        medians = [median for median, _ in timings]
        print(f"{label}: {sizes[0]} {medians[0]:.3f} s, {sizes[1]} {medians[1]:.3f} s, growth {growth:.2f}x{again}: "
              f"{verdict(f'{name} s', medians[1], bound)} {verdict(f'{name} growth', growth, limit['doubling growth'])}")

    if os.path.isdir(SHARED):
        floor = floor_binary()
        sizes = sorted(set(args.apis))
        measured = {}
        for apis in sizes:
            routes = apis * args.routes
            scale = routes / 20000
            print(f"estate: {apis} APIs x {args.routes} routes ({routes} routes); {args.rounds} rounds; medians")
            print(f"{'layout':<13} {'floor s':>7} {'lint s':>7} {'wall x':>6} {'cpu x':>6} {'peak MB':>7} "
                  f"{'pyyaml s':>8} {'faster':>6}  {'check s':>7} {'build s':>7} {'cp s':>6} {'write x':>7} {'peak MB':>7}")
            measured[apis] = measure_estate(args, apis, floor, portcullis)
            if args.quick and apis == sizes[0]:
                limit, factor = scaled_to_the_host(limit, statistics.median(m["floor"] for m in measured[apis].values()))
                if factor > 1:
                    print(f"host: the libyaml floor ran {factor:.2f} times the reference's {REFERENCE_FLOOR_S} s; "
                          "--quick's limits in seconds are scaled by it")
            for layout, m in measured[apis].items():
                pyyaml = f"{m['pyyaml']:>8.3f} {m['pyyaml speedup']:>6.1f}" if m["pyyaml"] else f"{'skipped':>8} {'':>6}"
                print(f"{layout:<13} {m['floor']:>7.3f} {m['lint']:>7.3f} {m['lint wall ratio']:>6.2f} "
                      f"{m['lint cpu ratio']:>6.2f} {m['lint peak']:>7.1f} {pyyaml}  {m['check']:>7.3f} "
                      f"{m['build']:>7.3f} {m['cp']:>6.3f} {m['write ratio']:>7.2f} {m['build peak']:>7.1f}")
                checks = [verdict(f"{layout} lint wall ratio", m["lint wall ratio"], limit["lint wall ratio"]),
                          verdict(f"{layout} lint cpu ratio", m["lint cpu ratio"], limit["lint cpu ratio"]),
                          verdict(f"{layout} lint peak MB", m["lint peak"],
                                  limit["lint peak MB per 20k routes"] * max(1.0, scale)),
                          verdict(f"{layout} build --check s", m["check"],
                                  limit["build check s per 20k routes"] * max(1.0, scale)),
                          ]
                if not args.quick:
                    checks.append(verdict(f"{layout} write ratio", m["write ratio"], limit["write ratio"]))
                if m["pyyaml"]:
                    checks.append(verdict(f"{layout} faster than PyYAML", m["pyyaml speedup"], limit["pyyaml speedup"],
                                          higher_is_better=True))
                # The bundle is no longer held whole: peak memory grows with the routes at
                # most as fast as the lint's, checked per 20,000 routes as well as against
                # the fixed bound.
                checks.append(verdict(f"{layout} build peak MB per 20k routes", m["build peak"],
                                      limit["build peak MB per 20k routes"] * max(1.0, scale)))
                if routes <= 100000:
                    checks.append(verdict(f"{layout} build peak MB", m["build peak"],
                                          limit["build peak MB up to 100k routes"]))
                print(f"{'':<13} checks: {' '.join(checks)}")
        if args.instructions:
            count_instructions(args, sizes[0], floor, portcullis)
        # Each environment is a variant resolved and checked in full; every document here
        # changes in each, so four variants may cost about four lints (no goal, a growth check).
        print(f"three environments over every API, {sizes[0]} APIs: lint time vs the plain estate")
        for layout, (seconds, ratio) in measure_variant(args, sizes[0], portcullis, "-environments", add_environments).items():
            print(f"  {layout:<13} {seconds:.3f} s, {ratio:.2f}x: "
                  f"{verdict(f'{layout} environments ratio', ratio, limit['environments ratio'])}")
        # Raw XML is read once per file (on all cores) and checked by the catalogue and the rules.
        print(f"raw policies on every API and every tenth route, {sizes[0]} APIs: lint time vs the plain estate")
        for layout, (seconds, ratio) in measure_variant(args, sizes[0], portcullis, "-raw", add_raw_policies).items():
            print(f"  {layout:<13} {seconds:.3f} s, {ratio:.2f}x: "
                  f"{verdict(f'{layout} raw policies ratio', ratio, limit['raw policies ratio'])}")
        for apis in sizes[1:]:
            growth = apis / sizes[0]
            print(f"growth from {sizes[0]} to {apis} APIs ({growth:g}x the routes):")
            for layout, large in measured[apis].items():
                small = measured[sizes[0]][layout]
                factors = {key: large[key] / small[key] for key in ("floor", "lint", "lint peak", "check", "build peak")}
                print(f"  {layout:<13} " + ", ".join(f"{key} {value:.2f}x" for key, value in factors.items()))
                verdict(f"{layout} lint growth", factors["lint"], 1.1 * growth)
    else:
        print(f"bench: {SHARED} is missing; skipped the estate cases (they need the shared generator and floor)")

    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        rounds = max(3, args.rounds // 3)
        argvs = []
        for routes in big_sizes:
            folder = os.path.join(scratch, f"big-{routes}")
            big_api(folder, routes)
            argvs.append([portcullis, "lint", "--quiet", *LIMITS, folder])
        doubling("one API lint", "one API (routes)", big_sizes, argvs,
                 limit["big api s per 50k routes"] * big_sizes[1] / 50000, rounds)
        # Its build: one API's routes are shared between the cores, and its specification
        # finds each path by hash (it once compared every route with every path).
        empty = os.path.join(scratch, "empty")
        os.makedirs(empty)
        argvs = [argv[:1] + ["build", "--quiet", "--check"] + argv[3:] + ["--out", empty] for argv in argvs]
        doubling("one API build --check", "one API, build --check", big_sizes, argvs,
                 limit["big api build s per 50k routes"] * big_sizes[1] / 50000, rounds)
        argvs = []
        for routes in big_sizes:
            folder = os.path.join(scratch, f"big-{routes}")
            big_api_environment(folder, routes)
            argvs.append([portcullis, "lint", "--format", "json", *LIMITS, folder])
        doubling("one API with an environment", "one API, an environment over every route", big_sizes, argvs,
                 limit["big api s per 50k routes"] * 2 * big_sizes[1] / 50000, rounds)

        # Hostile raw policies, each linted at two sizes.
        for name, label, make, sizes, goal in (
            ("raw braces", "a raw policy's run of braces", brace_run, (100000, 200000), "braces s per 200k"),
            ("variable chain", "a raw policy's chain of variables", variable_chain, (8000, 16000), "chain s per 16k"),
            ("broad policy", "routes under a broad raw policy", broad_policy, (5000, 10000), "broad policy s per 10k routes"),
            ("gateway lookups", "routes under a gateway policy of 100 cache lookups", gateway_lookups, (2000, 4000), "gateway lookups s per 4k routes"),
            ("product lookups", "products checking tokens and caching answers", product_lookups, (100, 200), "product lookups s per 200"),
            ("partial bases", "the same, each policy running '<base />' on some paths", partial_bases, (100, 200), "partial bases s per 200"),
            ("credential keys", "a raw value of unended credential keys", key_run, (20000, 40000), "keys s per 40k"),
            ("fragments", "routes including large fragments", fragment_fanout, (250, 500), "fragments s per 500 routes"),
            ("chained locals", "a raw block of chained locals", chained_locals, (1000, 2000), "locals s per 2k"),
            ("referenced expressions", "a raw policy's expressions written with references", referenced_expressions, (2500, 5000),
             "referenced expressions s per 5k"),
            ("returned locals", "a raw URL's block returning a local set many times", returned_locals, (1000, 2000), "returned locals s per 2k"),
            ("quoted quotes", "a message quoting many quotes around a secret", quoted_quotes, (400, 800), "quoted quotes s per 800"),
            ("nested URIs", "a raw URL of URIs nested in relative URIs", nested_uris, (800, 1600), "nested URIs s per 1600"),
            ("reused placeholders", "a raw URL's format naming a large argument many times", reused_placeholders, (50, 100),
             "placeholders s per 100"),
            ("nested interpolations", "a raw URL of interpolated strings nested in holes", nested_interpolations, (8000, 16000),
             "interpolations s per 16k"),
            ("tested variables", "a raw choose whose branches test and set variables", tested_variables, (900, 1800),
             "tested variables s per 1800"),
            ("key source variables", "APIs whose checks take keys from a variable each sets", key_source_variables, (1000, 2000),
             "key source variables s per 2k"),
            ("kept answers", "routes storing a variable copied through fragments", kept_answers, (1000, 2000), "kept answers s per 2k routes"),
            ("cached values", "APIs whose checks compare values kept in the cache", cached_values, (1000, 2000), "cached values s per 2k"),
            ("keyed variables", "APIs keeping answers under a variable, each checking its own header", keyed_variables, (1000, 2000),
             "keyed variables s per 2k"),
            ("long alias", "aliases of a long text", long_alias, (450, 900), "long alias s per 900"),
            ("environment findings", "environment files of their own findings", environment_findings, (25, 50),
             "environment findings s per 50"),
            ("cache entries", "routes looking up and keeping cache entries", cache_entries, (2000, 4000), "cache entries s per 4k"),
        ):
            argvs = []
            for count in sizes:
                folder = os.path.join(scratch, f"{make.__name__}-{count}")
                make(folder, count)
                argvs.append([portcullis, "lint", "--quiet", *LIMITS, folder])
            doubling(name, label, sizes, argvs, limit[goal], rounds)

        for findings in finding_sizes:
            many_findings(os.path.join(scratch, f"findings-{findings}"), findings)
        for format in FORMATS:
            argvs = [[portcullis, "lint", "--format", format, "--max-findings", str(2 * n), os.path.join(scratch, f"findings-{n}")]
                     for n in finding_sizes]
            doubling(f"{format} findings", f"findings as {format:<6}", finding_sizes, argvs,
                     limit["findings s per 160k"] * finding_sizes[1] / 160000, rounds)

        # import reads a whole APIOps tree, builds the result in memory and compares every
        # document; the tree comes from Benchmarks/apiops_tree.py, seeded.
        import_sizes = (100, 200) if args.quick else (500, 1000)
        argvs = []
        for apis in import_sizes:
            tree = os.path.join(scratch, f"apiops-{apis}")
            subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "apiops_tree.py"), tree, "--apis", str(apis)],
                           check=True, stdout=subprocess.DEVNULL)
            argv = [portcullis, "import", tree, "--verify", "--quiet", "--format", "json"]
            if run(argv)[3] != 0:
                sys.exit(f"bench: import of the {apis}-API tree exited non-zero; it should come back unchanged")
            argvs.append(argv)
        doubling("import --verify", "import of an APIOps tree (APIs)", import_sizes, argvs,
                 limit["import s per 1000 APIs"] * import_sizes[1] / 1000, rounds)

    for sample in sorted(os.listdir(os.path.join(ROOT, "Samples"))):
        seconds = statistics.median(run([portcullis, "lint", os.path.join(ROOT, "Samples", sample)])[0] for _ in range(9))
        print(f"sample {sample}: {seconds * 1000:.1f} ms: {verdict(f'sample {sample} ms', seconds * 1000, limit['samples ms'])}")

    print("limits (" + ("--quick" if args.quick else "goals") + "): " + ", ".join(f"{k} {v:g}" for k, v in limit.items()))
    if failures:
        print("missed: " + "; ".join(failures))
        if args.check:
            sys.exit(1)


if __name__ == "__main__":
    main()
