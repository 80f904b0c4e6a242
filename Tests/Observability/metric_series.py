"""Parses Prometheus text exposition files with prometheus-client's parser and prints, as JSON, the
samples of each: {file: [{"name", "labels", "value"}]}. A file that does not parse makes it exit 1
with the parser's error. Used by ObservabilityTests to read every node's /metrics."""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def samples(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    found = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.append({"name": sample.name, "labels": dict(sample.labels), "value": sample.value})
    return found


def main():
    result = {}
    for path in sys.argv[1:]:
        try:
            result[path] = samples(path)
        except Exception as error:  # the parser's own error says which line is wrong
            print(f"{path}: {error}", file=sys.stderr)
            sys.exit(1)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
