"""Checks an ARM deployment template from a bundle; used by the Swift test suite.

usage: check_arm_template.py TEMPLATE ARM_SCHEMA_DIR
ARM_SCHEMA_DIR holds Microsoft.ApiManagement-2022-08-01.json and common-definitions.json.
Each resource must validate against the schema's resource definition for its type and use
no property that definition does not declare; every parameters('NAME') must be declared,
and every declared parameter used. Prints "ok TEMPLATE" or "FAIL TEMPLATE: reason" and
exits 0 or 1; exits 3 when jsonschema or referencing is missing.
"""
import json
import os
import re
import sys

try:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT4
except ImportError as error:
    print(f"missing Python module: {error.name}", file=sys.stderr)
    sys.exit(3)

ARM_FILE = "Microsoft.ApiManagement-2022-08-01.json"
ARM_URI = "https://schema.management.azure.com/schemas/2022-08-01/Microsoft.ApiManagement.json"
COMMON_URI = "https://schema.management.azure.com/schemas/common/definitions.json"
TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
RESOURCE_KEYS = {"type", "apiVersion", "name", "properties", "dependsOn", "condition", "comments"}
PARAMETER_TYPES = {"string", "securestring", "int", "bool", "object", "secureObject", "array"}


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def is_expression(text):
    return text.startswith("[") and text.endswith("]") and not text.startswith("[[")


def problems(template, schema_dir):
    if template.get("$schema") != TEMPLATE_SCHEMA:
        yield f"$schema is not {TEMPLATE_SCHEMA}"
    if not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", str(template.get("contentVersion", ""))):
        yield "contentVersion is not four numbers"
    extra = set(template) - {"$schema", "contentVersion", "metadata", "parameters", "resources", "outputs"}
    if extra:
        yield f"unknown top-level keys {sorted(extra)}"
    parameters = template.get("parameters", {})
    for name, parameter in parameters.items():
        if parameter.get("type") not in PARAMETER_TYPES:
            yield f"parameter '{name}' has no valid type"
    arm = load(os.path.join(schema_dir, ARM_FILE))
    common = load(os.path.join(schema_dir, "common-definitions.json"))
    registry = Registry().with_resources(
        [(ARM_URI, DRAFT4.create_resource(arm)), (COMMON_URI, DRAFT4.create_resource(common))])
    definitions = {
        definition["properties"]["type"]["enum"][0]: definition
        for definition in arm["resourceDefinitions"].values()
        if "enum" in definition.get("properties", {}).get("type", {})
    }
    resources = template.get("resources")
    if not isinstance(resources, list) or not resources:
        yield "no resources"
        return
    for resource in resources:
        definition = definitions.get(resource.get("type"))
        if definition is None:
            yield f"no schema for resource type {resource.get('type')!r}"
            continue
        validator = jsonschema.Draft4Validator(
            {"$ref": ARM_URI + "#/resourceDefinitions/" + next(
                key for key, value in arm["resourceDefinitions"].items() if value is definition)},
            registry=registry)
        for error in validator.iter_errors(resource):
            # The schema offers a template expression and a plain string as alternatives
            # that an expression matches both of; ARM reads "[...]" as an expression.
            if error.validator == "oneOf" and isinstance(error.instance, str) and is_expression(error.instance):
                continue
            yield f"{resource['type']}: {error.message}"
        if set(resource) - RESOURCE_KEYS:
            yield f"{resource['type']}: unknown keys {sorted(set(resource) - RESOURCE_KEYS)}"
        reference = definition["properties"]["properties"]["oneOf"][0]["$ref"].split("/")[-1]
        declared = set(arm["definitions"][reference]["properties"])
        unknown = set(resource.get("properties", {})) - declared
        if unknown:
            yield f"{resource['type']}: properties not in {reference}: {sorted(unknown)}"
    used = set(re.findall(r"parameters\('([^']+)'\)", json.dumps(resources)))
    if used - set(parameters):
        yield f"undeclared parameters {sorted(used - set(parameters))}"
    if set(parameters) - used:
        yield f"unused parameters {sorted(set(parameters) - used)}"


def main():
    path, schema_dir = sys.argv[1], sys.argv[2]
    try:
        found = list(problems(load(path), schema_dir))
    except Exception as error:  # report every kind of failure as a failed file
        found = [str(error).splitlines()[0]]
    if found:
        print(f"FAIL {path}: {'; '.join(found)}")
        sys.exit(1)
    print(f"ok {path}")


if __name__ == "__main__":
    main()
