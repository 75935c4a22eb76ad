#!/usr/bin/env python3
"""Save -> page latency of `bulletin serve`, measured from outside.

usage: scripts/serve-latency.py BIN SITE PORT [RUNS]     (GAP=SECONDS between edits, default 3;
                                                         MODE=body|title|figure, default body)
Gives RUNS items spread over the archive an explicit `slug:` (to know their URLs), starts BIN
serve on SITE, waits for the first build, then for each of them: appends a sentence to the
body (written to a temp file renamed over the item, as editors save), polls the item's page
every 5 ms until it shows the sentence, and prints the time from the rename to the page.
MODE=title appends a marker to the item's `title:` instead (the page's heading, its cards,
feeds); MODE=figure edits the value of one of its counted figures (`metric:`, a whole
number written as is in the body: 600 -> 6007530, in the figure and in the body alike) and polls
the page for the new number (the statistics pages change in the same rebuild).
Restores the items afterwards. serve runs with BULLETIN_TIMINGS=1; its output (each
rebuild's phases) goes to serve-PORT.log in the system's temporary folder. Issue #18's goal:
a median under 250 ms at 100,000 items. Let the deferred files (search index, open data) of one
edit finish before the next (GAP): an edit saved while they are made waits for them.
"""
import os, re, statistics, subprocess, sys, tempfile, time, urllib.request

bin_, site, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
GAP = float(os.environ.get("GAP", "3"))
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
files = []
for d, _, fs in os.walk(os.path.join(site, "content")):
    files += [os.path.join(d, f) for f in fs if f.endswith(".md")]
files.sort()
MODE = os.environ.get("MODE", "body")
FIGURE = re.compile(r'^(  - metric: *\S+\n(?:    (?!value).*\n)*    value: *"?)(\D*)(\d+)(\D*?)("?)$', re.M)


def figure_edit(text, k):
    """The text with its first counted figure written as is in the body changed, and the
    new number; None when it has none."""
    front, body = text.split("\n---\n", 1)
    for m in FIGURE.finditer(front):
        old = m.group(2) + m.group(3) + m.group(4)
        if not m.group(3) or old not in body:
            continue
        new = m.group(2) + m.group(3) + "753" + str(k) + m.group(4)
        front = front[: m.start(2)] + new + front[m.end(4):]
        return front + "\n---\n" + body.replace(old, new, 1), m.group(3) + "753" + str(k)
    return None


def spread(candidates):
    return [candidates[(len(candidates) - 1) * k // (runs - 1)] for k in range(runs)]


if MODE == "figure":
    picked = spread([f for f in files if figure_edit(open(f, encoding="utf-8").read(), 0)])
else:
    picked = spread(files)
originals = {p: open(p, encoding="utf-8").read() for p in picked}
urls = {}
for k, p in enumerate(picked):
    text = originals[p]
    front = text.split("\n---\n", 1)[0]
    date = re.search(r"^date: *(\d{4})-(\d\d)-(\d\d)", front, re.M).groups()
    slug = re.search(r"^slug: *(\S+)", front, re.M)
    if slug:
        s = slug.group(1)
    else:
        s = f"perf-probe-{k}"
        open(p, "w", encoding="utf-8").write("---\nslug: %s\n" % s + text[4:])
    urls[p] = "news/%s/%s/%s/%s/" % (date + (s,))

env = dict(os.environ, BULLETIN_TIMINGS="1")
log = open(os.path.join(tempfile.gettempdir(), f"serve-{port}.log"), "w")
t0 = time.time()
proc = subprocess.Popen([bin_, "--root", site, "serve", "--port", str(port)], stdout=log, stderr=log, env=env)
base = f"http://127.0.0.1:{port}"


def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return None


try:
    while get("/") is None:
        if proc.poll() is not None:
            sys.exit("serve exited")
        time.sleep(0.2)
    print(f"first build, serving after {time.time() - t0:.1f} s", flush=True)
    m = re.search(r'href="(/[^"]*?)news/', get("/"))
    prefix = m.group(1) if m else "/"
    time.sleep(5)  # the deferred files of the first build
    times = []
    for k, p in enumerate(picked):
        page = prefix + urls[p]
        assert get(page) is not None, page
        text = open(p, encoding="utf-8").read()
        marker = f"外部测量第{k}次修改"
        if MODE == "title":
            text = re.sub(r"^title: *(.*)$", lambda m: f"title: {m.group(1)}{marker}", text, count=1, flags=re.M)
        elif MODE == "figure":
            text, marker = figure_edit(text, k)
        else:
            text = text + f"\n{marker}。\n"
        tmp = p + ".tmp~"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        t = time.time()
        os.rename(tmp, p)
        while True:
            body = get(page)
            if body and marker in body:
                break
            if time.time() - t > 120:
                sys.exit(f"timeout on {page}")
            time.sleep(0.005)
        d = time.time() - t
        times.append(d)
        print(f"  {os.path.relpath(p, site)}: {d * 1000:.0f} ms", flush=True)
        time.sleep(GAP)  # deferred files (search index, open data)
    print(f"save -> page: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f} ms over {len(times)} edits")
finally:
    proc.terminate()
    proc.wait()
    for p, text in originals.items():
        open(p, "w", encoding="utf-8").write(text)
