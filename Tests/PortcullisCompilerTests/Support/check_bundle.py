"""Validates a bundle's gateway.json against its schema, with every object's members in
sorted order as Portcullis writes JSON, and every specification.yaml and
specification.json as OpenAPI; used by the Swift test suite.

usage: check_bundle.py BUNDLE_DIR GATEWAY_SCHEMA
Prints "ok PATH" or "FAIL PATH: reason" per file. Exits 3 when jsonschema, PyYAML or
openapi-spec-validator is missing, so the caller can skip with a notice.
"""
import glob
import json
import os
import sys

try:
    import jsonschema
    import yaml
    from openapi_spec_validator import validate
except ImportError as error:
    print(f"missing Python module: {error.name}", file=sys.stderr)
    sys.exit(3)


def first_unsorted(value, path):
    """The path of the first object whose members are not in sorted order, or None."""
    if isinstance(value, dict):
        keys = list(value)
        if keys != sorted(keys):
            return path
        items = value.items()
    elif isinstance(value, list):
        items = ((f"{index}", item) for index, item in enumerate(value))
    else:
        return None
    for key, item in items:
        found = first_unsorted(item, f"{path}/{key}")
        if found is not None:
            return found
    return None


def main():
    bundle, schema_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    path = os.path.join(bundle, "gateway.json")
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
        jsonschema.Draft202012Validator(schema).validate(config)
        unsorted = first_unsorted(config, "")
        if unsorted is not None:
            raise ValueError(f"members out of sorted order in {unsorted or 'the top object'}")
        print(f"ok {path}")
    except Exception as error:  # report every kind of failure as a failed file
        print(f"FAIL {path}: {str(error).splitlines()[0]}")
    for spec in sorted(glob.glob(os.path.join(bundle, "apim", "apis", "*", "specification.*"))):
        try:
            with open(spec, encoding="utf-8") as handle:
                validate(yaml.safe_load(handle))
            print(f"ok {spec}")
        except Exception as error:
            print(f"FAIL {spec}: {str(error).splitlines()[0]}")


if __name__ == "__main__":
    main()
