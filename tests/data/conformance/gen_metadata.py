#!/usr/bin/env python3
"""Generate random Fetch Metadata (`gmeta-NNNN`) and CORP (`gcorp-NNNN`) scenarios.

    python3 gen_metadata.py > scenarios.jsonl      # every batch of BATCHES
    python3 gen_metadata.py --seed S --meta N --corp M > scenarios.jsonl   # one batch
    python3 gen_metadata.py --merge chromium.meta.jsonl firefox.meta.jsonl webkit.meta.jsonl \
        > metadata-generated.jsonl

Each scenario draws every dimension at once, in the format of FORMAT.md, on the four recorder
origins (`shared/recorder`): page and target origin, mode, credentials, method (simple or
preflighted, with custom headers), 0-3 redirect hops (301/302/303/307/308) through same-origin,
same-site and cross-site hosts, redirect mode, repeat 1-2; the `gcorp` family adds
`Cross-Origin-Resource-Policy` values (valid, case variants, whitespace, lists, two lines,
invalid) on the final response and on redirect hops. Hops and final responses in mode `cors`
carry the CORS headers Fetch would need to pass most of the time (`null` after a tainting
redirect, `*` or the exact origin, `Access-Control-Allow-Credentials` with `include`), and a
wrong or missing value some of the time. Every URL has an `OPTIONS` route answering a preflight.
With repeat 2 every response carries `Cache-Control: no-store` (HTTP caching of redirects is not
under test). Paths are `/<id>/h1`, `/<id>/h2`, `/<id>/h3`, `/<id>/r`: unique per scenario.

Batch 3 (`wide`) widens the pools: lower-case methods (`get`, `post`, `put`, `patch`, ...) and
`OPTIONS`, CORP on 80 % of the hops, and more CORP spellings (parameters, quotes, `_`, one space,
an empty line before or after a value, a trailing comma, two equal lines). Batch 4
(`edge_scenarios`, no randomness) enumerates what the random batches do not reach: CORP on final
statuses 204/404/500, on a redirect hop in each redirect mode, on a 302 without `Location`, on
HEAD, and four-hop chains. Batch 5 is one more draw with the wider pools.

Notes list the drawn parameters and predict nothing. The recordings (what each engine did) are
folded in by `shared/recorder` (`run_engine.py --debug`, `add_metadata.py`) and merged into
`metadata-generated.jsonl` (PROVENANCE.md).
"""
import argparse
import json
import random

from gen_common import is_simple_method, merge, normalize_method, redirect_method, weighted

PAGE = "http://127.0.0.1:8801"
ORIGINS = [
    "http://127.0.0.1:8801",  # A: the usual page
    "http://127.0.0.1:8804",  # A2: same site, other port
    "http://127.0.0.2:8802",  # B: other site
    "http://127.0.0.3:8803",  # C: other site
]
SIMPLE_METHODS = ["GET", "GET", "GET", "HEAD", "POST"]
PREFLIGHT_METHODS = ["PUT", "DELETE", "PATCH", "POST", "GET"]
CUSTOM_HEADERS = [
    [["X-Token", "1"]],
    [["X-Custom", "abc"], ["X-Token", "2"]],
    [["Content-Type", "application/json"]],
    [["X-Requested-With", "XMLHttpRequest"]],
]
SAFE_HEADERS = [
    [],
    [],
    [["Accept", "text/plain"]],
    [["Content-Language", "en"]],
    [["Sec-Fetch-Site", "same-origin"]],      # forbidden: dropped
    [["Sec-Fetch-Mode", "navigate"], ["Sec-Fetch-Dest", "document"]],  # forbidden: dropped
]
REDIRECT_STATUSES = [301, 302, 303, 307, 308]

# Cross-Origin-Resource-Policy values: a value is a list of header lines.
CORP_VALID = [["same-origin"], ["same-site"], ["cross-origin"]]
CORP_CASE = [["Same-Origin"], ["SAME-SITE"], ["Cross-Origin"], ["same-Site"]]
CORP_SPACES = [[" same-origin "], [" same-site"], ["cross-origin "], ["\tsame-site"],
               ["same-origin\t"]]
CORP_LISTS = [["same-origin, same-origin"], ["same-site, cross-origin"], ["same-origin,same-site"],
              ["same-site,"], [",same-origin"]]
CORP_TWO_LINES = [["same-origin", "same-origin"], ["same-site", "cross-origin"],
                  ["cross-origin", "same-origin"], ["same-origin", ""], ["same-site", "same-site"]]
CORP_INVALID = [["same-host"], [""], ["same-origin;x"], ['"same-origin"'], ["cross-site"],
                ["none"], ["same-origin same-site"], ["require-corp"], ["*"]]
# Batch 3 ("wide") draws from these too.
WIDE_SIMPLE_METHODS = ["get", "post", "head", "GET", "POST"]
WIDE_PREFLIGHT_METHODS = ["put", "patch", "delete", "OPTIONS", "PUT", "PATCH"]
CORP_WIDE = [["same-origin;x=1"], ["Same-site"], ["cross-origin", "cross-origin"], [" "],
             ["same-site\t"], ['"same-site"'], ["same-origin", "same-site"], ["", "same-site"],
             ["cross-origin", ""], ["same-origin, "], ["same-site,same-site"], ["same_origin"],
             ["sameorigin"], ["cross-origin, same-origin"]]
CORP_POOLS = [
    ("valid", CORP_VALID, 8),
    ("case", CORP_CASE, 2),
    ("spaces", CORP_SPACES, 2),
    ("list", CORP_LISTS, 2),
    ("two-lines", CORP_TWO_LINES, 2),
    ("invalid", CORP_INVALID, 2),
]


def draw_corp(rng, wide=False):
    pools = CORP_POOLS + [("wide", CORP_WIDE, 6)] if wide else CORP_POOLS
    kind, pool, _ = weighted(rng, [((k, p, w), w) for k, p, w in pools])
    return kind, list(rng.choice(pool))


def unsafe_names(headers):
    names = []
    for n, v in headers:
        ln = n.lower()
        if ln.startswith("sec-"):
            continue
        if ln in ("accept", "content-language"):
            continue
        if ln == "content-type" and v in ("text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data"):
            continue
        names.append(ln)
    return sorted(set(names))


def scenario(rng, family, n, wide=False):
    sid = "%s-%04d" % (family, n)
    corp = family == "gcorp"
    # Page origin: mostly the usual page.
    page = weighted(rng, [(ORIGINS[0], 6), (ORIGINS[1], 2), (ORIGINS[2], 2), (ORIGINS[3], 1)])
    if corp:
        mode = weighted(rng, [("no-cors", 7), ("cors", 2), ("same-origin", 1)])
    else:
        mode = weighted(rng, [("cors", 5), ("no-cors", 3), ("same-origin", 2)])
    credentials = weighted(rng, [("same-origin", 4), ("include", 3), ("omit", 2)])
    redirect_mode = weighted(rng, [("follow", 8), ("manual", 1), ("error", 1)])
    hops = weighted(rng, [(0, 3), (1, 3), (2, 3), (3, 2)]) if not corp else \
        weighted(rng, [(0, 4), (1, 3), (2, 2), (3, 1)])
    # Methods and headers.
    preflighted = (not corp and mode == "cors" and rng.random() < 0.55) or \
        (corp and mode == "cors" and rng.random() < 0.2)
    if preflighted:
        method = rng.choice(WIDE_PREFLIGHT_METHODS if wide else PREFLIGHT_METHODS)
        headers = [list(h) for h in rng.choice(CUSTOM_HEADERS)] if is_simple_method(method) \
            or rng.random() < 0.5 else []
    else:
        method = rng.choice(WIDE_SIMPLE_METHODS if wide else SIMPLE_METHODS)
        headers = [list(h) for h in rng.choice(SAFE_HEADERS)]
        if mode != "cors" and rng.random() < 0.12:
            # a no-cors / same-origin request with a custom header (dropped, or a preflight
            # in same-origin mode) or a non-simple method (a TypeError in no-cors)
            if rng.random() < 0.5:
                headers = headers + [["X-Token", "1"]]
            else:
                method = rng.choice(["PUT", "DELETE"])
    body = "x" if method.upper() in ("POST", "PUT", "PATCH") and rng.random() < 0.7 else None
    repeat = 2 if rng.random() < 0.2 else 1
    # URL chain: hop hosts and the final host.
    hosts = [weighted(rng, [(o, 1) for o in ORIGINS]) for _ in range(hops + 1)]
    urls = ["%s/%s/h%d" % (h, sid, i + 1) for i, h in enumerate(hosts[:-1])]
    urls.append("%s/%s/r" % (hosts[-1], sid))
    statuses = [rng.choice(REDIRECT_STATUSES) for _ in range(hops)]
    # CORP values on hops and final (gcorp; a few gmeta finals too).
    hop_corp = [None] * hops
    final_corp = None
    corp_kinds = []
    if corp:
        if hops == 0 or rng.random() < 0.75:
            kind, final_corp = draw_corp(rng, wide)
            corp_kinds.append("final:%s" % kind)
        for i in range(hops):
            if rng.random() < (0.8 if wide else 0.45):
                kind, hop_corp[i] = draw_corp(rng, wide)
                corp_kinds.append("h%d:%s" % (i + 1, kind))
        if not corp_kinds:
            kind, final_corp = draw_corp(rng, wide)
            corp_kinds.append("final:%s" % kind)
    elif rng.random() < 0.1:
        kind, final_corp = draw_corp(rng, wide)
        corp_kinds.append("final:%s" % kind)
    max_age = rng.choice([None, "600", "0"]) if repeat == 2 else None
    # Walk the chain as Fetch would, to give each URL the CORS headers that let it pass.
    def origin_of(u):
        return "/".join(u.split("/")[:3])

    tainted = False
    cors_tainting = False
    cur_method = method
    routes = []
    wrong = []
    for i, url in enumerate(urls):
        o = origin_of(url)
        if o != page:
            cors_tainting = True
        acao_ok = "null" if tainted else page
        acao = acao_ok
        if credentials != "include" and rng.random() < 0.3:
            acao = "*"
        if rng.random() < 0.1:
            alt = rng.choice(["missing", "other", "star", "page", "null"])
            wrong.append("%s:%s" % ("r" if i == hops else "h%d" % (i + 1), alt))
            acao = {"missing": None, "other": "http://127.0.0.9:8809", "star": "*",
                    "page": page, "null": "null"}[alt]
        cors_h = []
        if mode == "cors" or rng.random() < 0.3:
            if acao is not None:
                cors_h.append(["Access-Control-Allow-Origin", acao])
            if credentials == "include":
                cors_h.append(["Access-Control-Allow-Credentials", "true"])
        no_store = [["Cache-Control", "no-store"]] if repeat == 2 else []
        # Preflight answer at every URL (only asked for in cors mode with an unsafe request).
        pf = list(cors_h)
        pf_methods = normalize_method(cur_method) if not is_simple_method(cur_method) else None
        pf_headers = ", ".join(unsafe_names(headers))
        if pf_methods:
            pf.append(["Access-Control-Allow-Methods", pf_methods])
        if pf_headers:
            if rng.random() < 0.93:
                pf.append(["Access-Control-Allow-Headers", pf_headers])
            else:
                wrong.append("%s:no-acah" % ("r" if i == hops else "h%d" % (i + 1)))
        if max_age is not None:
            pf.append(["Access-Control-Max-Age", max_age])
        routes.append({"method": "OPTIONS", "url": url, "status": 204, "headers": pf + no_store})
        if i < hops:
            nxt = urls[i + 1]
            h = [["Location", nxt]] + cors_h
            for v in hop_corp[i] or []:
                h.append(["Cross-Origin-Resource-Policy", v])
            routes.append({"method": "*", "url": url, "status": statuses[i],
                           "headers": h + no_store})
            # Fetch HTTP-redirect fetch: taint when the hop changes origin away from a URL that
            # is not the request's origin.
            if origin_of(nxt) != o and page != o:
                tainted = True
            cur_method = redirect_method(statuses[i], cur_method)
        else:
            h = list(cors_h) + [["Content-Type", "text/plain"]]
            for v in final_corp or []:
                h.append(["Cross-Origin-Resource-Policy", v])
            if rng.random() < 0.2:
                h.append(["Access-Control-Expose-Headers", "x-extra"])
                h.append(["X-Extra", "1"])
            routes.append({"method": "*", "url": url, "status": 200, "headers": h + no_store,
                           "body": "ok"})

    def rel(o):
        if o == page:
            return "same-origin"
        if o.split(":")[1] == page.split(":")[1]:
            return "same-site"
        return "cross-site"

    chain = " -> ".join("%s%s" % (rel(origin_of(u)), "" if i == hops else "(%d)" % statuses[i])
                        for i, u in enumerate(urls))
    note = ("page %s; %s %s mode %s credentials %s redirect %s; headers %s; chain %s; "
            "repeat %d" % (page, method, "with body" if body else "no body", mode, credentials,
                           redirect_mode, [h[0] for h in headers] or "none", chain, repeat))
    if corp_kinds:
        note += "; CORP %s" % ", ".join(corp_kinds)
    if wrong:
        note += "; off: %s" % ", ".join(wrong)
    if max_age is not None:
        note += "; preflight Max-Age %s" % max_age
    return {
        "id": sid,
        "note": note,
        "document": page,
        "fetch": {"url": urls[0], "method": method, "headers": headers, "mode": mode,
                  "credentials": credentials, "redirect": redirect_mode, "body": body},
        "repeat": repeat,
        "routes": routes,
    }


# (seed, gmeta count, gcorp count) per batch; ids number on across batches. Batch 1 was recorded
# first and replayed; batch 2 (seed 777, first drawn as an exploration round with the same
# generator) was recorded after it to look further.
BATCHES = [(20261205, 100, 60, False), (777, 250, 150, False), (20261207, 120, 120, True)]
# Batch 5, after the enumerated batch 4 (seed 9002, wider pools; first drawn as an exploration
# round).
LATE_BATCHES = [(9002, 250, 150, True)]

A, A2, B = ORIGINS[0], ORIGINS[1], ORIGINS[2]


def edge_scenarios(next_meta, next_corp):
    """Batch 4: enumerated cases the random batches do not reach: CORP on final statuses other
    than 200, on a hop answered in redirect modes `manual` and `error`, on a 302 without
    `Location`, on HEAD; four-hop chains (page A; A2 same site; B other site)."""
    out = []

    def add(family, note, mode, hosts, statuses, final_status, final_corp, hop_corp=None,
            redirect="follow", method="GET", hop_location=True):
        nonlocal next_meta, next_corp
        if family == "gcorp":
            sid = "gcorp-%04d" % next_corp
            next_corp += 1
        else:
            sid = "gmeta-%04d" % next_meta
            next_meta += 1
        hops = len(hosts) - 1
        urls = ["%s/%s/h%d" % (h, sid, i + 1) for i, h in enumerate(hosts[:-1])]
        urls.append("%s/%s/r" % (hosts[-1], sid))
        routes = []
        for i, url in enumerate(urls):
            acao = [["Access-Control-Allow-Origin", "*"]]
            if i < hops:
                h = ([["Location", urls[i + 1]]] if hop_location else []) + acao
                for v in (hop_corp or {}).get(i, []):
                    h.append(["Cross-Origin-Resource-Policy", v])
                routes.append({"method": "*", "url": url, "status": statuses[i], "headers": h})
            else:
                h = acao + [["Content-Type", "text/plain"]]
                for v in final_corp or []:
                    h.append(["Cross-Origin-Resource-Policy", v])
                routes.append({"method": "*", "url": url, "status": final_status, "headers": h,
                               "body": "ok"})
        out.append({
            "id": sid, "note": "edge: " + note, "document": A,
            "fetch": {"url": urls[0], "method": method, "headers": [], "mode": mode,
                      "credentials": "same-origin", "redirect": redirect, "body": None},
            "repeat": 1, "routes": routes})

    # CORP on final statuses other than 200 (a no-cors response is checked whatever its status).
    for status in (204, 404, 500):
        for target, tname in ((B, "cross-site"), (A2, "same-site")):
            for corp in ("same-origin", "same-site"):
                add("gcorp", "no-cors GET to a %s target answering %d with CORP `%s`"
                    % (tname, status, corp), "no-cors", [target], [], status, [corp])
    # CORP on a redirect hop, each redirect mode.
    for redirect in ("follow", "manual", "error"):
        for hop, hname in ((B, "cross-site"), (A2, "same-site")):
            for corp in ("same-origin", "same-site", "cross-origin"):
                add("gcorp", "no-cors, redirect %s: 302 from a %s hop with CORP `%s`, to the page's"
                    " origin" % (redirect, hname, corp), "no-cors", [hop, A], [302], 200, None,
                    {0: [corp]}, redirect=redirect)
    # A 302 without Location (the response itself) with and without CORP.
    for corp in (None, ["same-origin"]):
        add("gcorp", "no-cors GET to a cross-site target answering 302 without Location, CORP %s"
            % ("`same-origin`" if corp else "absent"), "no-cors", [B, A], [302], 200, None,
            {0: corp} if corp else None, hop_location=False)
    # HEAD.
    for target, tname in ((B, "cross-site"), (A2, "same-site")):
        add("gcorp", "no-cors HEAD to a %s target with CORP `same-origin`" % tname, "no-cors",
            [target], [], 200, ["same-origin"], method="HEAD")
    # Four hops.
    for mode in ("cors", "no-cors"):
        for chain, cname in (([A, A2, B, A2, A], "A A2 B A2 A"), ([A, A, A2, A2, A], "A A A2 A2 A"),
                             ([A2, A, A2, A, A2], "A2 A A2 A A2"), ([B, A, A2, B, A], "B A A2 B A")):
            add("gmeta", "%s GET through four 302 hops: %s" % (mode, cname), mode, chain,
                [302] * 4, 200, None)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, help="one batch with this seed (default: BATCHES)")
    ap.add_argument("--meta", type=int, default=100)
    ap.add_argument("--corp", type=int, default=60)
    ap.add_argument("--wide", action="store_true", help="with --seed: the wider pools of batch 3")
    ap.add_argument("--merge", nargs="+", metavar="RECORDING",
                    help="instead: merge recordings of the same scenarios (one per engine)")
    args = ap.parse_args()
    if args.merge:
        merge(args.merge)
        return
    batches = [(args.seed, args.meta, args.corp, args.wide)] if args.seed is not None \
        else BATCHES
    out = []
    next_meta = next_corp = 1

    def random_batch(seed, n_meta, n_corp, wide):
        nonlocal next_meta, next_corp
        rng = random.Random(seed)
        for n in range(next_meta, next_meta + n_meta):
            out.append(scenario(rng, "gmeta", n, wide))
        for n in range(next_corp, next_corp + n_corp):
            out.append(scenario(rng, "gcorp", n, wide))
        next_meta += n_meta
        next_corp += n_corp

    for batch in batches:
        random_batch(*batch)
    if args.seed is None:
        edges = edge_scenarios(next_meta, next_corp)
        out.extend(edges)
        next_meta += sum(1 for sc in edges if sc["id"].startswith("gmeta"))
        next_corp += sum(1 for sc in edges if sc["id"].startswith("gcorp"))
        for batch in LATE_BATCHES:
            random_batch(*batch)
    for sc in out:
        print(json.dumps(sc))


if __name__ == "__main__":
    main()
