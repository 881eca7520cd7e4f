"""Reads YAML files as a YAML 1.1 reader does (PyYAML's safe_load) and prints them as one
JSON object, by path; used by the Swift test suite to see what a reader makes of the
YAML the bundle holds.

usage: read_yaml.py FILE...
A value that is not a string, number, boolean, null, list or mapping (a date, say), and
a mapping key that is not a string, are printed as "<TYPE value>", so that they can never
compare equal to the string that was meant.
Exits 3 when PyYAML is missing, so the caller can skip with a notice.
"""
import json
import sys

try:
    import yaml
except ImportError as error:
    print(f"missing Python module: {error.name}", file=sys.stderr)
    sys.exit(3)


def marked(value):
    return f"<{type(value).__name__} {value!r}>"


def plain(value):
    if isinstance(value, dict):
        return {key if isinstance(key, str) else marked(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main():
    documents = {}
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as handle:
            documents[path] = plain(yaml.safe_load(handle))
    json.dump(documents, sys.stdout, default=marked)


if __name__ == "__main__":
    main()
