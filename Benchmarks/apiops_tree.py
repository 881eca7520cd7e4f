#!/usr/bin/env python3
"""Writes an APIOps extractor tree of N APIs, to measure `portcullis import` on an estate's size.

usage: Benchmarks/apiops_tree.py OUT [--apis N] [--operations M] [--seed S]

The layout is the one the APIOps extractor writes: `apis/NAME/` with apiInformation.json,
specification.yaml (M operations), an API policy.xml and, for every fourth operation,
`operations/ID/policy.xml`; `products/` with their API links and policies; `named values/`,
`backends/`, one `policy fragments/` entry and the global policy.xml. Policies mix statements
import takes into fields (a backend by id, headers and query parameters that run first, product
limits) with statements it keeps raw (variables, fragments, rewrites, expressions), as moved
estates do. The same seed gives the same tree byte for byte.
"""
import argparse
import json
import os
import random

BACKENDS = 10
PRODUCTS = 5
NAMED_VALUES = 20
VERBS = ("get", "post", "put", "patch", "delete")
NOUNS = ("orders", "items", "customers", "invoices", "payments", "shipments", "accounts", "reports")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_json(path, value):
    write(path, json.dumps(value, indent=2) + "\n")


def policies(inbound, backend="<forward-request />", outbound="", on_error=""):
    """A policy document as the extractor writes it: tab-indented, one statement a line."""

    def section(name, body):
        lines = [line for line in body.splitlines() if line.strip()]
        if not lines:
            return f"\t<{name} />\n"
        return f"\t<{name}>\n" + "".join(f"\t\t{line}\n" for line in lines) + f"\t</{name}>\n"

    return "<policies>\n" + section("inbound", inbound) + section("backend", backend) + section(
        "outbound", outbound) + section("on-error", on_error) + "</policies>\n"


def header(name, value, action="override"):
    return f'<set-header name="{name}" exists-action="{action}">\n\t<value>{value}</value>\n</set-header>'


def operations(rng, count):
    """`count` distinct operations: (id, method, path)."""
    found = []
    for index in range(count):
        noun = NOUNS[index % len(NOUNS)]
        verb = VERBS[(index // len(NOUNS)) % len(VERBS)]
        path = f"/{noun}" if index % 2 == 0 else f"/{noun}/{{id}}"
        found.append((f"{verb}-{noun}-{index}", verb, f"{path}/v{index}"))
    rng.shuffle(found)
    return found


def specification(name, ops):
    lines = ["openapi: 3.0.1", "info:", f"  title: {name}", "  version: '1.0'", "servers:",
             f"  - url: https://contoso.azure-api.net/{name}", "paths:"]
    by_path = {}
    for op_id, method, path in ops:
        by_path.setdefault(path, []).append((op_id, method))
    for path in sorted(by_path):
        lines.append(f"  {path}:")
        for op_id, method in by_path[path]:
            lines += [f"    {method}:", f"      summary: {op_id.replace('-', ' ')}", f"      operationId: {op_id}"]
            if "{id}" in path:
                lines += ["      parameters:", "        - name: id", "          in: path", "          required: true",
                          "          schema:", "            type: string"]
            lines += ["      responses:", "        '200':", "          description: OK"]
    return "\n".join(lines) + "\n"


def api_policy(rng, name, backend):
    inbound = [f'<set-backend-service backend-id="backend-{backend}" />',
               header("X-Api", name), f'<set-variable name="apiName" value="{name}" />']
    if rng.random() < 0.3:
        inbound.append('<include-fragment fragment-id="common-headers" />')
    if rng.random() < 0.2:
        inbound.append('<rewrite-uri template="@(context.Request.Url.Path.ToLower())" copy-unmatched-params="true" />')
    outbound = header("X-Served-By", "{{environment-name}}", "append") if rng.random() < 0.5 else ""
    return policies("<base />\n" + "\n".join(inbound), "<base />", "<base />\n" + outbound, "<base />")


def operation_policy(rng, op_id):
    inbound = ["<base />", header("X-Operation", op_id)]
    if rng.random() < 0.5:
        inbound.append(f'<set-query-parameter name="source" exists-action="override">\n\t<value>{op_id}</value>\n</set-query-parameter>')
    if rng.random() < 0.3:
        inbound.append('<find-and-replace from="{{rewrite-search-term}}" to="modern" />')
    return policies("\n".join(inbound), "<base />", "<base />", "<base />")


def generate(out, apis, operation_count, seed):
    rng = random.Random(seed)
    if os.path.exists(out) and os.listdir(out):
        raise SystemExit(f"apiops_tree.py: '{out}' is not empty; give a new or empty folder")
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "policy.xml"), policies(
        '<set-variable name="environmentName" value="{{environment-name}}" />\n'
        '<ip-filter action="allow">\n\t<address-range from="10.0.0.0" to="10.255.255.255" />\n</ip-filter>\n'
        '<include-fragment fragment-id="common-headers" />',
        outbound=header("X-Environment", "{{environment-name}}"),
        on_error=header("X-Error", "@(context.LastError.Reason)")))
    fragment = os.path.join(out, "policy fragments", "common-headers")
    write_json(os.path.join(fragment, "policyFragmentInformation.json"), {"properties": {"description": "Headers every API sends."}})
    write(os.path.join(fragment, "policy.xml"), "<fragment>\n" + "".join(
        f"\t{line}\n" for line in header("X-Correlation-Id", "@(context.RequestId.ToString())", "skip").splitlines()) + "</fragment>\n")
    for index in range(NAMED_VALUES):
        name = "environment-name" if index == 0 else "rewrite-search-term" if index == 1 else f"setting-{index}"
        write_json(os.path.join(out, "named values", name, "namedValueInformation.json"), {"properties": {
            "displayName": name, "secret": False, "tags": ["generated"], "value": f"value-{rng.randrange(10 ** 6)}"}})
    for index in range(BACKENDS):
        write_json(os.path.join(out, "backends", f"backend-{index}", "backendInformation.json"), {"properties": {
            "description": f"Backend {index}.", "protocol": "http", "url": f"https://backend-{index}.contoso.example"}})
    product_apis = {index: [] for index in range(PRODUCTS)}
    for index in range(apis):
        name = f"api-{index:05d}"
        folder = os.path.join(out, "apis", name)
        # The serviceUrl is the URL of the backend the API policy sends to, as the portal
        # leaves it when a team moves an API behind a backend entity.
        backend = rng.randrange(BACKENDS)
        write_json(os.path.join(folder, "apiInformation.json"), {"properties": {
            "path": name, "apiRevision": "1", "authenticationSettings": {}, "description": f"Generated API {index}.",
            "displayName": name, "protocols": ["https"], "serviceUrl": f"https://backend-{backend}.contoso.example",
            "subscriptionRequired": rng.random() < 0.8}})
        ops = operations(rng, operation_count)
        write(os.path.join(folder, "specification.yaml"), specification(name, ops))
        write(os.path.join(folder, "policy.xml"), api_policy(rng, name, backend))
        for op_id, _, _ in ops[::4]:
            write(os.path.join(folder, "operations", op_id, "policy.xml"), operation_policy(rng, op_id))
        product_apis[rng.randrange(PRODUCTS)].append(name)
    for index, names in product_apis.items():
        folder = os.path.join(out, "products", f"product-{index}")
        write_json(os.path.join(folder, "productInformation.json"), {"properties": {
            "displayName": f"Product {index}", "description": f"Generated product {index}.", "state": "published",
            "subscriptionRequired": True, "approvalRequired": False, "terms": "Generated terms."}})
        write(os.path.join(folder, "policy.xml"), policies(
            f'<base />\n<rate-limit calls="{100 * (index + 1)}" renewal-period="60" />\n'
            f'<set-variable name="product" value="product-{index}" />', "<base />", "<base />", "<base />"))
        for name in names:
            write_json(os.path.join(folder, "apis", name, "productApiInformation.json"), {})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="a new or empty folder to write the tree to")
    parser.add_argument("--apis", type=int, default=1000)
    parser.add_argument("--operations", type=int, default=20)
    parser.add_argument("--seed", type=int, default=12)
    arguments = parser.parse_args()
    generate(arguments.out, arguments.apis, arguments.operations, arguments.seed)


if __name__ == "__main__":
    main()
