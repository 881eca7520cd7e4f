"""Checks the APIOps files of a bundle that the shared validate_apiops.py does not: backends,
groups, product groups, tags and version sets; used by the Swift test suite.

usage: check_resources.py BUNDLE ARM_SCHEMA_DIR
ARM_SCHEMA_DIR holds Microsoft.ApiManagement-2022-08-01.json and common-definitions.json.

A single backend's properties must validate against BackendContractProperties and use no
property that definition does not declare, except `circuitBreaker`, which is newer than
2022-08-01 and is checked here in the shape APIOps reads. A pool (`type: Pool`, also newer)
must list existing single backends by id. Credentials may name only certificates the
bundle's certificate template registers and named values the bundle publishes. Groups and
tags validate against GroupCreateParametersProperties and TagContractProperties, strictly;
a product's group link must name a group APIM has built in or the bundle publishes, and a
tag's links must name APIs and products of the bundle. Version sets validate against
ApiVersionSetContractProperties, and an API's apiVersionSetId must name one of them. Prints "ok PATH" or "FAIL PATH:
reason" per file and exits 0 when all pass; exits 3 when jsonschema or referencing is missing.
"""
import glob
import os
import re
import sys

# Exits 3 when jsonschema or referencing is missing.
from check_arm_template import ARM_FILE, ARM_URI, COMMON_URI, load, jsonschema, Registry, DRAFT4

NEWER = {"circuitBreaker"}
ISO_DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+S)?$")


def breaker_problems(breaker):
    rules = breaker.get("rules")
    if not isinstance(rules, list) or len(rules) != 1:
        yield "circuitBreaker.rules must hold one rule"
        return
    rule = rules[0]
    if set(rule) - {"name", "failureCondition", "tripDuration", "acceptRetryAfter"}:
        yield f"unknown circuit breaker keys {sorted(set(rule) - {'name', 'failureCondition', 'tripDuration', 'acceptRetryAfter'})}"
    condition = rule.get("failureCondition", {})
    if not isinstance(condition.get("count"), int) or condition["count"] < 1:
        yield "failureCondition.count must be a positive integer"
    for name, value in (("failureCondition.interval", condition.get("interval")), ("tripDuration", rule.get("tripDuration"))):
        if not ISO_DURATION.match(str(value)) or value == "PT":
            yield f"{name} is not an ISO 8601 duration"
    for code_range in condition.get("statusCodeRanges", []):
        if not (100 <= code_range.get("min", 0) <= code_range.get("max", 0) <= 599):
            yield f"status code range {code_range} is not within 100-599"


BUILT_IN_GROUPS = {"administrators", "developers", "guests"}


def strict_problems(arm, registry, definition, properties):
    validator = jsonschema.Draft4Validator({"$ref": ARM_URI + "#/definitions/" + definition}, registry=registry)
    problems = [error.message for error in validator.iter_errors(properties)]
    unknown = set(properties) - set(arm["definitions"][definition]["properties"])
    if unknown:
        problems.append(f"properties not in {definition}: {sorted(unknown)}")
    return problems


def linked_problems(bundle, arm, registry):
    """(path, problems) for groups, product groups and tags."""
    groups = {os.path.basename(os.path.dirname(path)) for path in glob.glob(os.path.join(bundle, "apim", "groups", "*", "groupInformation.json"))}
    for path in sorted(glob.glob(os.path.join(bundle, "apim", "groups", "*", "groupInformation.json"))):
        yield path, strict_problems(arm, registry, "GroupCreateParametersProperties", load(path).get("properties", {}))
    for path in sorted(glob.glob(os.path.join(bundle, "apim", "products", "*", "groups", "*", "productGroupInformation.json"))):
        group = os.path.basename(os.path.dirname(path))
        problems = []
        if load(path) != {"name": group, "properties": {"groupId": f"/groups/{group}"}}:
            problems.append("the link does not name itself and its group by id (the publisher reads a link only with its 'name')")
        if group not in groups | BUILT_IN_GROUPS:
            problems.append(f"group {group!r} is neither built in nor published")
        yield path, problems
    sets = set()
    for path in sorted(glob.glob(os.path.join(bundle, "apim", "version sets", "*", "versionSetInformation.json"))):
        sets.add("/apiVersionSets/" + os.path.basename(os.path.dirname(path)))
        yield path, strict_problems(arm, registry, "ApiVersionSetContractProperties", load(path).get("properties", {}))
    for path in sorted(glob.glob(os.path.join(bundle, "apim", "apis", "*", "apiInformation.json"))):
        properties = load(path).get("properties", {})
        if "apiVersionSetId" in properties or "apiVersion" in properties:
            problems = []
            if properties.get("apiVersionSetId") not in sets or not properties.get("apiVersion"):
                problems.append("the API names no published version set, or no version")
            yield path, problems
    for path in sorted(glob.glob(os.path.join(bundle, "apim", "tags", "*", "tagInformation.json"))):
        folder = os.path.dirname(path)
        problems = strict_problems(arm, registry, "TagContractProperties", load(path).get("properties", {}))
        for kind, file in (("apis", "apiInformation.json"), ("products", "productInformation.json")):
            for link in glob.glob(os.path.join(folder, kind, "*", "*")):
                target = os.path.join(bundle, "apim", kind, os.path.basename(os.path.dirname(link)), file)
                if load(link) != {} or not os.path.exists(target):
                    problems.append(f"link {os.path.relpath(link, folder)} is not {{}} or names nothing the bundle has")
        yield path, problems


def main():
    bundle, schema_dir = sys.argv[1], sys.argv[2]
    arm = load(os.path.join(schema_dir, ARM_FILE))
    common = load(os.path.join(schema_dir, "common-definitions.json"))
    registry = Registry().with_resources(
        [(ARM_URI, DRAFT4.create_resource(arm)), (COMMON_URI, DRAFT4.create_resource(common))])
    validator = jsonschema.Draft4Validator({"$ref": ARM_URI + "#/definitions/BackendContractProperties"}, registry=registry)
    declared = set(arm["definitions"]["BackendContractProperties"]["properties"])
    credential_keys = set(arm["definitions"]["BackendCredentialsContract"]["properties"])
    files = sorted(glob.glob(os.path.join(bundle, "apim", "backends", "*", "backendInformation.json")))
    backends = {os.path.basename(os.path.dirname(path)): load(path) for path in files}
    named_values = {os.path.basename(path) for path in glob.glob(os.path.join(bundle, "apim", "named values", "*"))}
    template = os.path.join(bundle, "infrastructure", "backend-certificates.json")
    certificates = set()
    if os.path.exists(template):
        for resource in load(template)["resources"]:
            certificates.add("/certificates/" + re.search(r"\{0\}/([^']+)'", resource["name"]).group(1))
    failed = False
    for path in files:
        name = os.path.basename(os.path.dirname(path))
        document = backends[name]
        properties = document.get("properties", {})
        problems = []
        if set(document) != {"properties"}:
            problems.append(f"top-level keys {sorted(document)}")
        if properties.get("type") == "Pool":
            if set(properties) - {"type", "pool", "description"}:
                problems.append(f"a pool has {sorted(set(properties) - {'type', 'pool', 'description'})}")
            for service in properties.get("pool", {}).get("services", []):
                member = service.get("id", "").removeprefix("/backends/")
                if member not in backends:
                    problems.append(f"pool member {service.get('id')!r} is not a backend of the bundle")
                elif backends[member]["properties"].get("type") == "Pool":
                    problems.append(f"pool member {member!r} is a pool")
        else:
            for error in validator.iter_errors({key: value for key, value in properties.items() if key not in NEWER}):
                problems.append(error.message)
            if set(properties) - declared - NEWER:
                problems.append(f"properties not in BackendContractProperties: {sorted(set(properties) - declared - NEWER)}")
            credentials = properties.get("credentials", {})
            if set(credentials) - credential_keys:
                problems.append(f"credentials not in BackendCredentialsContract: {sorted(set(credentials) - credential_keys)}")
            for certificate in credentials.get("certificateIds", []):
                if certificate not in certificates:
                    problems.append(f"certificate {certificate!r} is not registered by {template}")
            for place in ("header", "query"):
                for values in credentials.get(place, {}).values():
                    for value in values:
                        match = re.fullmatch(r"\{\{([a-z0-9-]+)\}\}", value)
                        if not match or match.group(1) not in named_values:
                            problems.append(f"{place} value {value!r} is not a named value of the bundle")
            if "circuitBreaker" in properties:
                problems += list(breaker_problems(properties["circuitBreaker"]))
        if problems:
            failed = True
            print(f"FAIL {path}: {'; '.join(problems)}")
        else:
            print(f"ok {path}")
    for path, problems in linked_problems(bundle, arm, registry):
        if problems:
            failed = True
            print(f"FAIL {path}: {'; '.join(problems)}")
        else:
            print(f"ok {path}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
