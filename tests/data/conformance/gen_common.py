"""What the scenario generators (gen_metadata.py, gen_cors4.py) share: a weighted draw and the
Fetch rules they need to predict which requests a scenario makes (method normalization, the
CORS-safelisted methods, the method a redirect leaves) and merging the engines' recordings."""

import json


def weighted(rng, items):
    """One item of `(item, weight)` pairs, drawn with `rng` in proportion to its weight."""
    total = sum(w for _, w in items)
    x = rng.uniform(0, total)
    for item, w in items:
        x -= w
        if x <= 0:
            return item
    return items[-1][0]


def normalize_method(m):
    """Fetch §concept-method-normalize: the six methods fetch() upper-cases."""
    return m.upper() if m.upper() in ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT") else m


def is_simple_method(m):
    """Fetch §cors-safelisted-method, after normalization."""
    return normalize_method(m) in ("GET", "HEAD", "POST")


def redirect_method(status, method):
    """Fetch §http-redirect-fetch step 12: 303 (but GET/HEAD) and 301/302 POST become GET."""
    method = normalize_method(method)
    if status == 303 and method not in ("GET", "HEAD"):
        return "GET"
    if status in (301, 302) and method == "POST":
        return "GET"
    return method


def merge(paths):
    """Prints one scenario line per id with `observed` holding every engine's runs (in the order
    of `paths`, each a recording of the same scenarios, metadata folded in by add_metadata.py
    where recorded). Warm-up scenarios (ids `warm-*`, gen_cors4.py --recorded) are left out."""
    merged = {}
    order = []
    for path in paths:
        for line in open(path):
            if not line.strip():
                continue
            sc = json.loads(line)
            if sc.get("harness_error"):
                raise SystemExit("%s: %s has a harness error: %s" % (path, sc["id"],
                                                                     sc["harness_error"]))
            if sc["id"].startswith("warm-"):
                continue
            if sc["id"] not in merged:
                order.append(sc["id"])
                merged[sc["id"]] = dict(sc, observed={})
            merged[sc["id"]]["observed"].update(sc["observed"])
    for sid in order:
        print(json.dumps(merged[sid]))
