"""Validates SARIF logs against the SARIF 2.1.0 JSON schema; used by the Swift test suite.

usage: check_sarif.py SCHEMA FILE...
Prints "ok FILE" or "FAIL FILE: reason". Exits 3 when jsonschema is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError as error:
    print(f"missing Python module: {error.name}", file=sys.stderr)
    sys.exit(3)

schema_path, files = sys.argv[1], sys.argv[2:]
with open(schema_path, encoding="utf-8") as handle:
    validator = jsonschema.Draft4Validator(json.load(handle))
for path in files:
    with open(path, encoding="utf-8") as handle:
        errors = list(validator.iter_errors(json.load(handle)))
    print(f"ok {path}" if not errors else f"FAIL {path}: {errors[0].message}")
