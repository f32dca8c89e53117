#!/usr/bin/env python3
"""Writes seed corpora for the byte-parser fuzz targets from the test vectors in tests/data/.

Usage: python3 fuzz/seeds.py [OUT_DIR]   (default: fuzz/corpus, which .gitignore keeps out of git)

Each JSON string in the vectors that stands for bytes (code points U+0000..U+00FF) is routed to
the targets whose input it resembles, by the key it sits under. The structured targets (classify,
machine) take `arbitrary`-encoded input, which vectors cannot be turned into; they start empty.
"""
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fuzz", "corpus")

seeds = {t: set() for t in [
    "url_origin", "origin_header", "mime", "range", "header_list", "max_age",
    "header_value", "predicates",
]}


def as_bytes(s):
    try:
        return s.encode("latin-1")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def route(key, value, parent):
    b = as_bytes(value)
    k = (key or "").lower()
    if k in ("input", "url", "request_url", "response_url", "base", "location"):
        seeds["url_origin"].add(b)
    if "origin" in k or k == "expected_origin_header":
        seeds["origin_header"].add(b)
        seeds["url_origin"].add(b)
    if k in ("input", "output") and isinstance(parent, dict) and "output" in parent:
        seeds["mime"].add(b)  # mimesniff resources
    if k == "value":
        seeds["header_value"].add(b)
        name = parent.get("name") if isinstance(parent, dict) else None
        if isinstance(name, str):
            seeds["predicates"].add(as_bytes(name) + b":" + b)
            if name.lower() == "range":
                seeds["range"].add(b)
            if name.lower() == "content-type":
                seeds["mime"].add(b)
    if k in ("allow_methods", "allow_headers", "expose_headers"):
        seeds["header_list"].add(b)
    if k == "max_age":
        seeds["max_age"].add(b)
    if k == "method":
        seeds["predicates"].add(b + b":")


def walk(node, key=None, parent=None):
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, k, node)
    elif isinstance(node, list):
        # A header pair [name, value].
        if len(node) == 2 and all(isinstance(x, str) for x in node):
            name, value = node
            n = name.lower()
            b = as_bytes(value)
            seeds["predicates"].add(as_bytes(name) + b":" + b)
            seeds["header_value"].add(b)
            if n.startswith("access-control-allow-") or n == "access-control-expose-headers":
                seeds["header_list"].add(b)
                if n.endswith("origin"):
                    seeds["origin_header"].add(b)
            if n == "access-control-max-age":
                seeds["max_age"].add(b)
            if n == "content-type":
                seeds["mime"].add(b)
            if n == "range":
                seeds["range"].add(b)
            if n == "location":
                seeds["url_origin"].add(b)
        for v in node:
            walk(v, key, parent)
    elif isinstance(node, str):
        route(key, node, parent)


def main():
    data = os.path.join(ROOT, "tests", "data")
    for dirpath, _, files in os.walk(data):
        for f in sorted(files):
            path = os.path.join(dirpath, f)
            if f.endswith(".json"):
                with open(path, encoding="utf-8") as fh:
                    walk(json.load(fh))
            elif f.endswith(".jsonl"):
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        if line.strip():
                            walk(json.loads(line))
    # A few hand-written edges the vectors lack.
    seeds["range"].update([b"bytes=0-", b"bytes=-5", b"bytes = 1 - 2", b"bytes=18446744073709551616-"])
    seeds["max_age"].update([b"600", b"-1", b"+10", b" 7 ", b"99999999999999999999", b"9223372036854775808"])
    total = 0
    for target, items in sorted(seeds.items()):
        d = os.path.join(OUT, target)
        os.makedirs(d, exist_ok=True)
        for b in sorted(items):
            name = hashlib.sha1(b).hexdigest()
            with open(os.path.join(d, name), "wb") as fh:
                fh.write(b)
        total += len(items)
        print(f"{target}: {len(items)} seeds")
    print(f"total: {total} seeds in {OUT}")


if __name__ == "__main__":
    main()
