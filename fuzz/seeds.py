#!/usr/bin/env python3
"""Writes seed corpora for every fuzz target from the test vectors and the recorded scenarios in
tests/data/.

Usage: python3 fuzz/seeds.py [OUT_DIR]   (default: fuzz/corpus, which .gitignore keeps out of git)

Each JSON string in the vectors that stands for bytes (code points U+0000..U+00FF) is routed to
the byte-parser targets whose input it resembles, by the key it sits under. The structured
targets (classify, machine) also read a text form (fuzz/src/lib.rs, TEXT_MAGIC): each recorded
scenario (tests/data/conformance/*.jsonl) becomes a request for classify and a scripted exchange
for machine (the routes' answers in the order its first recorded run made its requests), and
each vector that describes a request (and its responses) becomes one too. The command's targets
get response heads written from the routes and vectors (head), the scenario lines themselves
(scenario), and `explain` arguments with the head of the first answer on standard input
(explain_args).
"""
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fuzz", "corpus")

seeds = {t: set() for t in [
    "url_origin", "origin_header", "mime", "range", "header_list", "max_age",
    "header_value", "predicates", "classify", "machine", "head", "scenario", "explain_args",
]}

MAGIC = b"#corsgate-seed\n"
ENGINES = ["spec", "chromium", "firefox", "webkit"]


def text_seed(lines):
    """A text-form seed for classify and machine: one `keyword value` per line."""
    out = bytearray(MAGIC)
    for key, value in lines:
        out += key.encode() + (b" " + value if value is not None else b"") + b"\n"
    return bytes(out)


def request_lines(origin, url, method=None, headers=(), mode=None, credentials=None,
                  redirect=None, body=False):
    lines = [("origin", as_bytes(origin)), ("url", as_bytes(url))]
    if method is not None:
        lines.append(("method", as_bytes(method)))
    for name, value in headers:
        lines.append(("header", as_bytes(name) + b": " + as_bytes(value)))
    for key, value in (("mode", mode), ("credentials", credentials), ("redirect", redirect)):
        if isinstance(value, str):
            lines.append((key, value.encode()))
    if body:
        lines.append(("body", None))
    return lines


def response_lines(status, headers):
    lines = [("response", str(status).encode())]
    for name, value in headers:
        lines.append(("rheader", as_bytes(name) + b": " + as_bytes(value)))
    return lines


def raw_head(status, headers):
    out = bytearray(b"HTTP/1.1 %d\r\n" % status)
    for name, value in headers:
        out += as_bytes(name) + b": " + as_bytes(value) + b"\r\n"
    return bytes(out + b"\r\n")


def first_run_requests(scenario):
    for engine in ("chromium", "firefox", "webkit"):
        runs = (scenario.get("observed") or {}).get(engine) or []
        if runs:
            return engine, runs[0].get("requests") or []
    return "spec", []


def matching_route(routes, method, url):
    for r in routes:
        if r.get("method", "*") in ("*", method) and r.get("url") == url:
            return r
    return None


def scenario_seeds(index, line, scenario):
    """Seeds for the structured and the command's targets from one recorded scenario."""
    seeds["scenario"].add(str(index % 4).encode() + line.strip().encode("utf-8"))
    f = scenario.get("fetch") or {}
    if not isinstance(f.get("url"), str) or not isinstance(scenario.get("document"), str):
        return
    routes = [r for r in scenario.get("routes") or [] if isinstance(r, dict)]
    engine, requests = first_run_requests(scenario)
    req = request_lines(scenario["document"], f["url"], f.get("method"), f.get("headers") or [],
                        f.get("mode"), f.get("credentials"), f.get("redirect"),
                        f.get("body") is not None)
    seeds["classify"].add(text_seed([("policy", engine.encode())] + req))
    script = [("policy", engine.encode()), ("fetch", None)] + req
    script.append(("repeat", str(min(int(scenario.get("repeat") or 1) - 1, 2)).encode()))
    for q in requests:
        r = matching_route(routes, q.get("method"), q.get("url"))
        if r is not None:
            script += response_lines(r.get("status", 200), r.get("headers") or [])
    seeds["machine"].add(text_seed(script))
    for r in routes:
        if isinstance(r.get("status"), int):
            seeds["head"].add(raw_head(r["status"], r.get("headers") or []))
    # explain: the request as arguments, the first answer's head on standard input.
    args = ["--origin", scenario["document"], "--url", f["url"], "--engine", engine]
    if isinstance(f.get("method"), str):
        args += ["-X", f["method"]]
    for name, value in f.get("headers") or []:
        args += ["-H", f"{name}: {value}"]
    for key in ("mode", "credentials", "redirect"):
        if isinstance(f.get(key), str):
            args += ["--" + key, f[key]]
    if index % 2:
        args.append("--json")
    stdin = b""
    if requests:
        q = requests[0]
        r = matching_route(routes, q.get("method"), q.get("url"))
        if r is not None:
            flag = "--preflight-response" if q.get("acrm") is not None else "--response"
            args += [flag, "-"]
            stdin = raw_head(r.get("status", 200), r.get("headers") or [])
    if all("\n" not in a for a in args):
        seeds["explain_args"].add("\n".join(args).encode("utf-8") + b"\n\n" + stdin)


def vector_seeds(d):
    """Seeds for classify and machine from a vector that describes a request."""
    if "acrm" in d or "routes" in d:
        return  # a request a recorded run made, or a scenario: scenario_seeds covers them
    req = d.get("request") if isinstance(d.get("request"), dict) else d
    origin = req.get("origin") if isinstance(req.get("origin"), str) else d.get("request_origin")
    url = req.get("url") if isinstance(req.get("url"), str) else d.get("request_url")
    if not (isinstance(origin, str) and isinstance(url, str)):
        return
    headers = [h for h in req.get("headers") or [] if isinstance(h, list) and len(h) == 2
               and all(isinstance(x, str) for x in h)]
    credentials = req.get("credentials_mode", d.get("credentials_mode"))
    lines = request_lines(origin, url, req.get("method") if isinstance(req.get("method"), str)
                          else None, headers, req.get("mode"), credentials)
    seeds["classify"].add(text_seed(lines))
    script = [("fetch", None)] + lines
    for key in ("preflight_response", "response"):
        r = d.get(key)
        if isinstance(r, dict):
            script += response_lines(r.get("status", 200), r.get("headers") or [])
            seeds["head"].add(raw_head(r.get("status", 200), r.get("headers") or []))
    if isinstance(d.get("response_headers"), list):
        script += response_lines(200, d["response_headers"])
        seeds["head"].add(raw_head(200, d["response_headers"]))
    seeds["machine"].add(text_seed(script))


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
        vector_seeds(node)
        # A header {name, value} of the safelist and forbidden-header vectors: a request with it.
        if isinstance(node.get("name"), str) and isinstance(node.get("value"), str):
            seeds["classify"].add(text_seed(request_lines(
                "https://a.example", "https://b.example/", None, [(node["name"], node["value"])])))
        if isinstance(node.get("method"), str) and "normalized" in node:
            seeds["classify"].add(text_seed(request_lines(
                "https://a.example", "https://b.example/", node["method"])))
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
                            scenario = json.loads(line)
                            walk(scenario)
                            scenario_seeds(len(seeds["scenario"]), line, scenario)
    # A few hand-written edges the vectors lack.
    seeds["range"].update([b"bytes=0-", b"bytes=-5", b"bytes = 1 - 2", b"bytes=18446744073709551616-"])
    seeds["max_age"].update([b"600", b"-1", b"+10", b" 7 ", b"99999999999999999999", b"9223372036854775808"])
    # Heads a user saves by hand, each kind of line the parser names.
    seeds["head"].update([
        b"HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: *\n",
        b"\r\nHTTP/2 200\r\nVary: Origin\r\n\r\nbody",
        b"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX-A : 1\r\n", b"HTTP/1.1 200 OK\rX: 1\n",
        b"HTTP/1.0 999 Odd\nX-B:\t\xe9\x00\n",
    ])
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
