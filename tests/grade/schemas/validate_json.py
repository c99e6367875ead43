#!/usr/bin/env python3
"""Checks a JSON file against a JSON Schema with python3-jsonschema, the way a grader's own
tooling would. Usage: validate_json.py SCHEMA FILE

Exit status: 0 the file is valid, 1 it is not (every error is printed, with its path),
2 the check could not be made (no jsonschema module, unreadable file, schema not valid), so a
test that expects a rejection cannot mistake a missing tool for one.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: run scripts/install-deps "
          "(or apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError) as error:
        print(f"{path}: cannot read as JSON: {error}", file=sys.stderr)
        sys.exit(2 if path == sys.argv[1] else 1)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema, document = load(sys.argv[1]), load(sys.argv[2])
    # validator_for reads "$schema"; Ubuntu 22.04's jsonschema 3.2 has it, and draft 7.
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        print(f"{sys.argv[1]}: not a valid schema: {error.message}", file=sys.stderr)
        return 2
    errors = sorted(validator_class(schema).iter_errors(document), key=lambda e: list(e.path))
    for error in errors:
        where = "/".join(str(part) for part in error.path) or "(top level)"
        print(f"{sys.argv[2]}: {where}: {error.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
