"""Validates YAML documents against a JSON Schema; used by the Swift test suite.

usage: check_schema.py SCHEMA FILE...
Prints one JSON object per file: {"file": ..., "errors": [...]}, an empty list when every
document of the file is valid. Exits 3 when PyYAML or jsonschema is missing, so the
caller can skip with a notice instead of failing.
"""
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as error:
    print(f"missing Python module: {error.name}", file=sys.stderr)
    sys.exit(3)


def main():
    schema_path, files = sys.argv[1], sys.argv[2:]
    with open(schema_path, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in files:
        errors = []
        with open(path, encoding="utf-8") as handle:
            for document in yaml.safe_load_all(handle):
                errors += [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]
        print(json.dumps({"file": path, "errors": errors}))


if __name__ == "__main__":
    main()
