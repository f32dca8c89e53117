#!/usr/bin/env python3
"""Generate random CORS scenarios (`gcors-NNNN`) aimed at what the earlier CORS corpora reach least.

    python3 gen_cors4.py > scenarios.jsonl          # every batch of BATCHES
    python3 gen_cors4.py --seed S --count N --first K [--wide] > scenarios.jsonl   # one batch
    python3 gen_cors4.py --recorded > recorded.jsonl   # WARMERS, then batches 1-2, as recorded
    python3 gen_cors4.py --recorded --seed 5505 --count 500 --first 1001 --wide   # batch 3, as recorded
    python3 gen_cors4.py --merge chromium.jsonl firefox.jsonl webkit.jsonl > cors-generated4.jsonl

Each scenario, in the format of FORMAT.md on the four recorder origins (`shared/recorder`), first
draws a focus, then every dimension the focus leaves open:

- `chain`: modes `no-cors` and `same-origin` with POST/PUT/lower-case/extension methods, bodies and
  request-body headers (`Content-Type`, `Content-Language`) through 1-3 hops of
  301/302/303/307/308 among the four origins (the `Origin` header after each hop, method rewrites);
- `body`: mode `cors` with POST/PUT/lower-case methods and an unsafe `Content-Type` through 1-3
  hops whose first hop is same-origin, so a method rewrite that drops the request-body headers
  shows in whether a later cross-origin hop is preflighted;
- `cache`: `repeat` 2 or 3 with preflight caching across 0-2 hops: `Access-Control-Max-Age` 0,
  -1, absent, 600 or large per URL, every credentials mode, methods `patch`, `PATCH`, `Foo`,
  `put`, `DELETE`, ACAM/ACAH with `*`, case variants, duplicates, two lines, and preflight
  answers that differ per hop;
- `rmode`: mode `cors`, redirect `error` or `manual`, 1-2 hops, simple or preflighted;
- `status`: odd final statuses (204, 304, 205, 206, 203, 299, 400, 404, 500, 599), 0-1 hops, every
  mode;
- `expose`: `Access-Control-Expose-Headers` with `*` (alone, with names, case variants) under each
  credentials mode, 0-1 hops;
- `auth`: an `Authorization` request header with `Access-Control-Allow-Headers` `*`,
  `*, authorization`, `Authorization` or nothing, each credentials mode, repeat 1-2.

Hops and final responses carry the CORS headers Fetch would need most of the time (`null` after a
tainting redirect, `*` or the exact origin, `Access-Control-Allow-Credentials` with `include`) and
a wrong or missing value some of the time. Every URL has an `OPTIONS` route. With repeat > 1
every response carries `Cache-Control: no-store` (HTTP caching is not under test). Paths are
`/<id>/h1`, `/<id>/h2`, `/<id>/h3`, `/<id>/r`: unique per scenario. Notes list the drawn parameters
and predict nothing.

The recorder's warm-up (`shared/recorder/server.py`) makes preflighted requests from each origin to
every *other* origin, so the Firefox DNS-cache records it relies on are never created for a
(top-level site, host) pair whose site is the target's own host when no other recorder origin
shares it: (127.0.0.2, 127.0.0.2) and (127.0.0.3, 127.0.0.3). There Firefox's first two
preflight-cache checks after a launch miss (a preflight to the page's own origin happens after a
tainting redirect, `Policy::preflight_ignores_taint`), so which scenarios show it depends on their
position. `--recorded` puts WARMERS first: copies of `gcors-0704` and `gcors-0891` (pages B and C,
a preflight at the page's own origin after a tainting redirect) run three times each, under ids
`warm-*` that `--merge` leaves out.
"""
import argparse
import json
import random

from gen_common import is_simple_method, merge, normalize_method, redirect_method, weighted

ORIGINS = [
    "http://127.0.0.1:8801",  # A: the usual page
    "http://127.0.0.1:8804",  # A2: same site, other port
    "http://127.0.0.2:8802",  # B: other site
    "http://127.0.0.3:8803",  # C: other site
]
REDIRECT_STATUSES = [301, 302, 303, 307, 308]
FOCI = [("chain", 6), ("body", 3), ("cache", 6), ("rmode", 2), ("status", 2), ("expose", 2),
        ("auth", 2)]
# Batch 2 (`wide`) adds `sticky`: a preflighted first request redirected (301/302/303 rewrites,
# origin changes that strip `Authorization`) to requests that may need no preflight of their own,
# every preflight answered with the wider ACAM/ACAH pools, repeat 2-3.
FOCI_WIDE = FOCI + [("sticky", 8)]


SAFE_CT = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")


def unsafe_names(headers):
    names = []
    for n, v in headers:
        ln = n.lower()
        if ln in ("accept", "content-language"):
            continue
        if ln == "content-type" and v.split(";")[0].strip().lower() in SAFE_CT:
            continue
        names.append(ln)
    return sorted(set(names))


def origin_of(u):
    return "/".join(u.split("/")[:3])


def case_variant(rng, token):
    return rng.choice([token, token.upper(), token.lower(), token[:1].upper() + token[1:].lower()])


def acam_value(rng, method, wide):
    """An Access-Control-Allow-Methods answer for `method` (normalized) and its kind."""
    if not wide:
        return "exact", [method]
    kind = weighted(rng, [("exact", 4), ("star", 2), ("case", 2), ("dup", 1), ("two-lines", 1),
                          ("list", 1), ("missing", 1), ("other", 1)])
    if kind == "exact":
        return kind, [method]
    if kind == "star":
        return kind, [rng.choice(["*", "*", "%s, *" % method, "* "])]
    if kind == "case":
        v = case_variant(rng, method)
        return ("case" if v != method else "exact"), [v]
    if kind == "dup":
        return kind, ["%s, %s" % (method, method)]
    if kind == "two-lines":
        return kind, [rng.choice(["GET", "POST", "OPTIONS"]), method]
    if kind == "list":
        return kind, ["GET, %s, HEAD" % method]
    if kind == "missing":
        return kind, []
    return kind, [rng.choice(["PATCH", "PUT", "DELETE", "FOO"])]


def acah_value(rng, names, wide):
    if not names:
        if wide and rng.random() < 0.3:
            return "extra", [rng.choice(["*", "x-other", "X-Token"])]
        return "none", []
    if not wide:
        return "exact", [", ".join(names)]
    kind = weighted(rng, [("exact", 4), ("star", 2), ("case", 2), ("dup", 1), ("two-lines", 1),
                          ("missing", 1)])
    if kind == "exact":
        return kind, [", ".join(names)]
    if kind == "star":
        return kind, [rng.choice(["*", "*", "*, " + names[0], names[0] + ",*"])]
    if kind == "case":
        return kind, [", ".join(n.upper() if rng.random() < 0.5 else n.title() for n in names)]
    if kind == "dup":
        return kind, [", ".join(names + names)]
    if kind == "two-lines":
        return kind, [names[0], ", ".join(names)]
    return kind, []


def scenario(rng, n, wide=False):
    sid = "gcors-%04d" % n
    focus = weighted(rng, FOCI_WIDE if wide else FOCI)
    page = weighted(rng, [(ORIGINS[0], 6), (ORIGINS[1], 1), (ORIGINS[2], 1), (ORIGINS[3], 1)])
    credentials = weighted(rng, [("same-origin", 4), ("include", 3), ("omit", 2)])
    redirect_mode = "follow"
    repeat = 1
    headers = []
    body = None
    hops = 0
    final_status = 200
    first_same_origin = False
    aceh = None
    wide_pf = False
    max_age_pool = [None]
    resp_extra = []
    if focus == "chain":
        mode = weighted(rng, [("no-cors", 3), ("same-origin", 2)])
        method = weighted(rng, [("POST", 4), ("post", 3), ("PUT", 1), ("put", 1), ("GET", 1),
                                ("HEAD", 1), ("patch", 1), ("Foo", 1)])
        hops = weighted(rng, [(1, 4), (2, 3), (3, 2)])
        headers = [list(h) for h in rng.choice([
            [], [["Content-Type", "text/plain"]], [["Content-Type", "application/json"]],
            [["Content-Language", "en"]], [["X-Token", "1"]],
            [["Content-Type", "text/plain"], ["Content-Language", "de"]]])]
        if method.upper() in ("POST", "PUT", "PATCH", "FOO") and rng.random() < 0.8:
            body = "x"
        redirect_mode = weighted(rng, [("follow", 8), ("manual", 1), ("error", 1)])
        repeat = weighted(rng, [(1, 8), (2, 2)])
    elif focus == "body":
        mode = "cors"
        method = weighted(rng, [("POST", 3), ("post", 3), ("PUT", 1), ("put", 1)])
        hops = weighted(rng, [(1, 4), (2, 3), (3, 2)])
        first_same_origin = True
        headers = [list(h) for h in rng.choice([
            [["Content-Type", "application/json"]], [["Content-Type", "application/json"]],
            [["Content-Type", "text/plain"]], [["Content-Language", "en"], ["Content-Type",
                                                                          "text/xml"]],
            [["Content-Type", "application/json"], ["X-Token", "1"]]])]
        body = "x"
        wide_pf = rng.random() < 0.3
    elif focus == "cache":
        mode = "cors"
        method = weighted(rng, [("patch", 3), ("PATCH", 2), ("Foo", 2), ("put", 2), ("PUT", 1),
                                ("DELETE", 1), ("POST", 2), ("GET", 1)])
        hops = weighted(rng, [(0, 4), (1, 3), (2, 2)])
        if is_simple_method(method) or rng.random() < 0.4:
            headers = [list(h) for h in rng.choice([
                [["X-Token", "1"]], [["X-Custom", "a"], ["X-Token", "2"]],
                [["Content-Type", "application/json"]], [["X-TOKEN", "3"]]])]
        if method.upper() in ("POST", "PUT", "PATCH") and rng.random() < 0.5:
            body = "x"
        repeat = weighted(rng, [(2, 3), (3, 2)])
        wide_pf = True
        max_age_pool = [None, "0", "-1", "600", "86400", "999999999", "5"]
    elif focus == "rmode":
        mode = "cors"
        redirect_mode = rng.choice(["error", "manual"])
        hops = weighted(rng, [(1, 3), (2, 1)])
        method = weighted(rng, [("GET", 3), ("POST", 1), ("PUT", 1), ("patch", 1)])
        if rng.random() < 0.3:
            headers = [["X-Token", "1"]]
        if method.upper() in ("POST", "PUT", "PATCH") and rng.random() < 0.5:
            body = "x"
    elif focus == "status":
        mode = weighted(rng, [("cors", 5), ("no-cors", 2), ("same-origin", 1)])
        hops = weighted(rng, [(0, 3), (1, 1)])
        method = weighted(rng, [("GET", 4), ("HEAD", 1), ("POST", 1), ("PUT", 1)])
        if mode == "cors" and rng.random() < 0.2:
            headers = [["X-Token", "1"]]
        if method in ("POST", "PUT"):
            body = "x"
        final_status = rng.choice([204, 304, 205, 206, 203, 299, 400, 404, 500, 599])
    elif focus == "expose":
        mode = weighted(rng, [("cors", 6), ("no-cors", 1)])
        hops = weighted(rng, [(0, 3), (1, 1)])
        method = "GET"
        credentials = weighted(rng, [("include", 4), ("same-origin", 2), ("omit", 2)])
        aceh = rng.choice([["*"], ["*"], ["*, x-extra"], ["x-extra, *"], ["X-EXTRA"], ["*", "x-a"],
                           ["* "], ["x-a,*,x-extra"], ["authorization, *"], ["set-cookie, *"]])
        resp_extra = [["X-Extra", "1"], ["X-A", "2"]]
        if rng.random() < 0.5:
            resp_extra.append(["Authorization", "b"])
        if rng.random() < 0.3:
            resp_extra.append(["Set-Cookie", "k=v"])
    elif focus == "sticky":
        mode = "cors"
        method, headers = rng.choice([
            ("DELETE", []), ("PUT", []), ("patch", []), ("put", [["X-Token", "1"]]),
            ("POST", [["Authorization", "Bearer t"]]), ("GET", [["Authorization", "Bearer t"]]),
            ("GET", [["X-Token", "1"]]), ("POST", [["Content-Type", "application/json"]]),
            ("post", [["Content-Type", "application/json"], ["Authorization", "a"]])])
        headers = [list(h) for h in headers]
        if method.upper() in ("POST", "PUT", "PATCH") and rng.random() < 0.6:
            body = "x"
        hops = weighted(rng, [(1, 4), (2, 3), (3, 1)])
        repeat = weighted(rng, [(2, 3), (3, 1)])
        wide_pf = True
        max_age_pool = [None, None, "0", "-1", "600", "86400"]
    else:  # auth
        mode = "cors"
        hops = weighted(rng, [(0, 3), (1, 2)])
        method = weighted(rng, [("GET", 3), ("PUT", 1), ("POST", 1)])
        headers = [["Authorization", "Bearer t"]]
        if rng.random() < 0.3:
            headers.append(["X-Token", "1"])
        if method in ("POST", "PUT"):
            body = "x"
        repeat = weighted(rng, [(1, 3), (2, 2)])
        max_age_pool = [None, "600"]
    # URL chain.
    hosts = [weighted(rng, [(o, 1) for o in ORIGINS]) for _ in range(hops + 1)]
    if first_same_origin:
        hosts[0] = page
        if hops >= 1 and all(h == page for h in hosts[1:]):
            hosts[-1] = rng.choice([o for o in ORIGINS if o != page])
    if focus == "chain" and mode == "same-origin" and rng.random() < 0.5:
        hosts = [page if rng.random() < 0.8 else h for h in hosts]
    urls = ["%s/%s/h%d" % (h, sid, i + 1) for i, h in enumerate(hosts[:-1])]
    urls.append("%s/%s/r" % (hosts[-1], sid))
    if focus == "sticky":
        statuses = [rng.choice([301, 302, 303, 303, 307]) for _ in range(hops)]
    elif focus in ("chain", "body"):
        statuses = [rng.choice(REDIRECT_STATUSES) for _ in range(hops)]
    else:
        statuses = [rng.choice([301, 302, 302, 303, 307, 307, 308]) for _ in range(hops)]
    no_store = [["Cache-Control", "no-store"]] if repeat > 1 else []
    # Walk the chain as Fetch would, to give each URL the CORS headers that let it pass.
    tainted = False
    cur_method = method
    cur_headers = headers
    routes = []
    wrong = []
    pf_kinds = []
    for i, url in enumerate(urls):
        tag = "r" if i == hops else "h%d" % (i + 1)
        o = origin_of(url)
        acao = "null" if tainted else page
        if credentials != "include" and rng.random() < 0.3:
            acao = "*"
        if rng.random() < 0.08:
            alt = rng.choice(["missing", "other", "star", "page", "null"])
            wrong.append("%s:%s" % (tag, alt))
            acao = {"missing": None, "other": "http://127.0.0.9:8809", "star": "*",
                    "page": page, "null": "null"}[alt]
        cors_h = []
        if mode == "cors" or rng.random() < 0.3:
            if acao is not None:
                cors_h.append(["Access-Control-Allow-Origin", acao])
            if credentials == "include":
                cors_h.append(["Access-Control-Allow-Credentials", "true"])
        # Preflight answer at this URL.
        pf = list(cors_h)
        nm = normalize_method(cur_method)
        names = unsafe_names(cur_headers)
        if not is_simple_method(cur_method):
            kind, vals = acam_value(rng, nm, wide_pf)
            pf += [["Access-Control-Allow-Methods", v] for v in vals]
            if kind != "exact":
                pf_kinds.append("%s:acam-%s%s" % (tag, kind, vals))
        elif wide_pf and rng.random() < 0.3:
            vals = [rng.choice(["*", "GET", "PUT"])]
            pf += [["Access-Control-Allow-Methods", v] for v in vals]
            pf_kinds.append("%s:acam-extra%s" % (tag, vals))
        if focus == "auth":
            kind, vals = rng.choice([("star", ["*"]), ("star-auth", ["*, authorization"]),
                                     ("auth", ["Authorization"]), ("none", []),
                                     ("star-names", ["*, " + ", ".join(names)])])
            pf_kinds.append("%s:acah-%s%s" % (tag, kind, vals))
        else:
            kind, vals = acah_value(rng, names, wide_pf)
            if kind not in ("exact", "none"):
                pf_kinds.append("%s:acah-%s%s" % (tag, kind, vals))
            if names and not wide_pf and rng.random() < 0.07:
                vals = []
                wrong.append("%s:no-acah" % tag)
        pf += [["Access-Control-Allow-Headers", v] for v in vals]
        ma = rng.choice(max_age_pool)
        if ma is not None:
            pf.append(["Access-Control-Max-Age", ma])
            pf_kinds.append("%s:max-age %s" % (tag, ma))
        pf_status = 204 if rng.random() < 0.9 else rng.choice([200, 299])
        routes.append({"method": "OPTIONS", "url": url, "status": pf_status,
                       "headers": pf + no_store})
        if i < hops:
            nxt = urls[i + 1]
            h = [["Location", nxt]] + cors_h
            routes.append({"method": "*", "url": url, "status": statuses[i],
                           "headers": h + no_store})
            if origin_of(nxt) != o and page != o:
                tainted = True
            new_method = redirect_method(statuses[i], cur_method)
            if new_method != normalize_method(cur_method) and new_method == "GET":
                cur_headers = [hh for hh in cur_headers if hh[0].lower() not in (
                    "content-type", "content-language", "content-encoding", "content-location")]
            cur_method = new_method
        else:
            h = list(cors_h) + [["Content-Type", "text/plain"]]
            if aceh is not None:
                h += [["Access-Control-Expose-Headers", v] for v in aceh]
            elif rng.random() < 0.15:
                h.append(["Access-Control-Expose-Headers", "x-extra"])
                h.append(["X-Extra", "1"])
            h += resp_extra
            route = {"method": "*", "url": url, "status": final_status, "headers": h + no_store}
            if final_status not in (204, 205, 304):
                route["body"] = "ok"
            routes.append(route)

    def rel(o):
        if o == page:
            return "same-origin"
        if o.split(":")[1] == page.split(":")[1]:
            return "same-site"
        return "cross-site"

    chain = " -> ".join("%s%s" % (rel(origin_of(u)), "" if i == hops else "(%d)" % statuses[i])
                        for i, u in enumerate(urls))
    note = ("focus %s; page %s; %s %s mode %s credentials %s redirect %s; headers %s; chain %s; "
            "final %d; repeat %d" % (focus, page, method, "with body" if body else "no body", mode,
                                     credentials, redirect_mode,
                                     [h[0] for h in headers] or "none", chain, final_status,
                                     repeat))
    if pf_kinds:
        note += "; preflight %s" % ", ".join(pf_kinds)
    if aceh is not None:
        note += "; ACEH %s" % aceh
    if wrong:
        note += "; off: %s" % ", ".join(wrong)
    return {
        "id": sid,
        "note": note,
        "document": page,
        "fetch": {"url": urls[0], "method": method, "headers": headers, "mode": mode,
                  "credentials": credentials, "redirect": redirect_mode, "body": body},
        "repeat": repeat,
        "routes": routes,
    }


# (seed, count, wide) per batch; ids number on across batches.
BATCHES = [(20261205, 600, False), (4404, 400, True), (5505, 500, True)]
# Recorder warm-up scenarios (see the module docstring): (new id, scenario copied).
WARMERS = [("warm-bb-1", "gcors-0704"), ("warm-bb-2", "gcors-0704"), ("warm-cc-1", "gcors-0891"),
           ("warm-cc-2", "gcors-0891")]


def warmer(sc, new_id):
    sc = json.loads(json.dumps(sc).replace(sc["id"], new_id))
    sc["repeat"] = 3
    sc["note"] = "warm-up for the recorder: " + sc["note"]
    return sc


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, help="one batch with this seed (default: BATCHES)")
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--first", type=int, default=1, help="with --seed: the first id's number")
    ap.add_argument("--wide", action="store_true", help="with --seed: the pools of batch 2")
    ap.add_argument("--recorded", action="store_true",
                    help="WARMERS first, then the batches (with --seed: that batch; the files recorded)")
    ap.add_argument("--merge", nargs="+", metavar="RECORDING",
                    help="instead: merge recordings of the same scenarios (one per engine)")
    args = ap.parse_args()
    if args.merge:
        merge(args.merge)
        return
    batches = [(args.seed, args.count, args.wide)] if args.seed is not None else BATCHES
    first = args.first if args.seed is not None else 1
    out = generate(batches, first)
    if args.recorded:
        by_id = {sc["id"]: sc for sc in generate(BATCHES[:2], 1)}
        out = [warmer(by_id[src], new_id) for new_id, src in WARMERS] + out
    for sc in out:
        print(json.dumps(sc))


def generate(batches, n):
    out = []
    for seed, count, wide in batches:
        rng = random.Random(seed)
        for k in range(n, n + count):
            out.append(scenario(rng, k, wide))
        n += count
    return out


if __name__ == "__main__":
    main()
