#!/usr/bin/env bash
# Full-build benchmark of bulletin, optionally against Hugo on the same corpus (issue #6).
#
#   scripts/bench.sh [--vs-hugo] [--runs N] [--warmup N] [--no-install] [--no-hyperfine]
#                    [--no-incremental] [SIZE...]       (default sizes: 1000 10000)
#
# For each SIZE it generates a corpus of SIZE items with bench/gen_corpus.py (once: cached in
# target/bench-corpus/SIZE/, regenerated when the generator or its seed page change), builds
# bulletin in release mode and times full builds with hyperfine (a loop over /usr/bin/time
# when hyperfine is missing). Every timed run goes through /usr/bin/time, whose maximum
# resident set size (the `-v` "Maximum resident set size") gives the peak memory. It prints
# median wall time, CPU time (user+sys) and peak RSS per size against the goals of issue #6;
# with --vs-hugo it also builds the equivalent Hugo site in the same run and prints the
# Hugo/bulletin ratio. The Markdown table is saved in target/bench-results/.
#
# A first, checked build of each tool warms the caches and sets the defaults: 10 runs after
# 1 warm-up when a build takes under 5 s, 5 runs under 30 s, else 3 runs and no warm-up.
# Each timed run rebuilds over the previous output, as a user's repeated build does:
# bulletin renders every page and rewrites the files whose bytes changed, Hugo overwrites all.
# Then, for each size, benches/incremental.rs (`cargo bench --bench incremental`) times an
# edit to one item: the rebuild after a body, title or figure edit, and save-to-reload through
# `bulletin serve` (--no-incremental skips it).
# Missing hyperfine, time or hugo are installed with apt-get when run as root (or with
# passwordless sudo) unless --no-install; --no-hyperfine forces the /usr/bin/time loop.
set -euo pipefail

usage() {
    sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$ROOT/bench/gen_corpus.py"
SEED_PAGE="$ROOT/bench/seed/000_48f04b64fca4897a.txt"
CORPUS_ROOT="$ROOT/target/bench-corpus"
RESULTS_DIR="$ROOT/target/bench-results"
TIME=/usr/bin/time

vs_hugo=0
runs=""
warmup=""
install=1
use_hyperfine=1
incremental=1
sizes=()
while (($#)); do
    case "$1" in
        --vs-hugo) vs_hugo=1 ;;
        --runs) runs="${2:?--runs needs a number}"; shift ;;
        --warmup) warmup="${2:?--warmup needs a number}"; shift ;;
        --no-install) install=0 ;;
        --no-hyperfine) use_hyperfine=0 ;;
        --no-incremental) incremental=0 ;;
        -h | --help) usage 0 ;;
        -*) echo "bench: unknown option $1" >&2; usage 2 >&2 ;;
        *)
            [[ "$1" =~ ^[1-9][0-9]*$ ]] || { echo "bench: size must be a positive integer: $1" >&2; exit 2; }
            sizes+=("$1")
            ;;
    esac
    shift
done
((${#sizes[@]})) || sizes=(1000 10000)
[[ -z "$runs" || "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs takes a number ≥ 1" >&2; exit 2; }
[[ -z "$warmup" || "$warmup" =~ ^[0-9]+$ ]] || { echo "bench: --warmup takes a number" >&2; exit 2; }

say() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools

apt_updated=0
# apt_install PACKAGE: installs a Debian package when we may (root, or passwordless sudo).
apt_install() {
    local sudo=()
    ((install)) || return 1
    command -v apt-get >/dev/null || return 1
    if ((EUID != 0)); then
        sudo -n true 2>/dev/null || return 1
        sudo=(sudo -n)
    fi
    say "installing $1 (apt-get install -y $1)"
    if ((!apt_updated)); then
        "${sudo[@]}" apt-get update -qq >&2 || return 1
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$1" >&2
}

need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    apt_install "$2" && command -v "$1" >/dev/null && return 0
    echo "bench: $1 is missing; install it with: sudo apt-get install -y $2" >&2
    exit 1
}

command -v python3 >/dev/null || { echo "bench: python3 is needed for the corpus generator" >&2; exit 1; }
command -v cargo >/dev/null || { echo "bench: cargo is needed (https://rustup.rs)" >&2; exit 1; }
if [[ ! -x "$TIME" ]]; then
    apt_install time || true
    [[ -x "$TIME" ]] || { echo "bench: $TIME is missing; install it with: sudo apt-get install -y time" >&2; exit 1; }
fi
if ((use_hyperfine)) && ! command -v hyperfine >/dev/null; then
    if ! apt_install hyperfine; then
        echo "bench: hyperfine not found (install it with: sudo apt-get install -y hyperfine);" \
            "falling back to a loop of $TIME runs" >&2
    fi
    command -v hyperfine >/dev/null || use_hyperfine=0
fi
((vs_hugo)) && need hugo hugo

# ---------------------------------------------------------------- bulletin, release build

say "building bulletin (cargo build --release)"
(cd "$ROOT" && cargo build --release --bin bulletin >&2)
# Benchmark a copy, so that a rebuild in another terminal cannot swap the binary mid-run.
BIN="$ROOT/target/bench-bin/bulletin"
mkdir -p "$(dirname "$BIN")" "$RESULTS_DIR"
cp "$ROOT/target/release/bulletin" "$BIN"
git_rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$ROOT" diff --quiet HEAD -- src themes Cargo.toml Cargo.lock 2>/dev/null || git_rev="$git_rev+dirty"
hugo_version=""
((vs_hugo)) && hugo_version="$(hugo version 2>/dev/null | awk '{print $2}')"

# ---------------------------------------------------------------- corpus

stamp_of() { cat "$GEN" "$SEED_PAGE" | sha256sum | cut -c1-16; }
STAMP="$(stamp_of)"

# corpus SIZE: makes sure target/bench-corpus/SIZE/site (and hugo/ with --vs-hugo) are current.
corpus() {
    local n="$1" dir="$CORPUS_ROOT/$1"
    local site_ok=0 hugo_ok=1
    [[ -f "$dir/site.stamp" && "$(cat "$dir/site.stamp")" == "$STAMP" ]] && site_ok=1
    if ((vs_hugo)); then
        [[ -f "$dir/hugo.stamp" && "$(cat "$dir/hugo.stamp")" == "$STAMP" ]] || hugo_ok=0
    fi
    ((site_ok && hugo_ok)) && return 0
    say "generating the $n-item corpus in ${dir#"$ROOT"/}"
    mkdir -p "$dir"
    rm -f "$dir/site.stamp" "$dir/hugo.stamp"
    local args=(--articles "$n" --out "$dir/site")
    ((vs_hugo)) && args+=(--hugo "$dir/hugo")
    python3 "$GEN" "${args[@]}" >&2
    unique_urls "$dir/site"
    echo "$STAMP" >"$dir/site.stamp"
    if ((vs_hugo)); then echo "$STAMP" >"$dir/hugo.stamp"; fi
}

# unique_urls SITE: gen_corpus.py can give two items of one day the same headline and no
# `slug:` (8 pairs at 10,000 items), and bulletin refuses a duplicate URL by design. A first
# build finds them; the files it names get `slug: FILE-NAME` so that the corpus builds.
# Hugo and Zola take URLs from file paths, so their copies are left alone.
unique_urls() {
    local site="$1" out diags
    out="$(dirname "$site")/out-bulletin"
    # A file, not a variable: at 100,000 items the warnings outgrow an environment variable.
    diags="$(dirname "$site")/diagnostics.jsonl"
    "$BIN" --root "$site" --format json build --output "$out" 2>"$diags" >/dev/null && return 0
    python3 - "$site" "$diags" <<'EOF'
import json, os, sys
site, fixed, other = sys.argv[1], 0, []
for line in open(sys.argv[2], encoding="utf-8"):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("severity") != "error":
        continue
    if not d["message"].startswith("duplicate URL"):
        other.append(line.strip())
        continue
    path = os.path.join(site, d["path"])
    text = open(path, encoding="utf-8").read()
    stem = os.path.splitext(os.path.basename(path))[0]
    assert text.startswith("---\n") and "\nslug:" not in text.split("\n---\n", 1)[0], path
    open(path, "w", encoding="utf-8").write("---\nslug: %s\n" % stem + text[4:])
    fixed += 1
if other:
    sys.exit("bench: the corpus has errors besides duplicate URLs:\n" + "\n".join(other[:20]))
print("bench: note: gave %d items an explicit slug: (same date and headline as another item)" % fixed,
      file=sys.stderr)
EOF
    "$BIN" --root "$site" build --output "$out" >/dev/null ||
        { echo "bench: bulletin cannot build the corpus in $site" >&2; exit 1; }
}

# ---------------------------------------------------------------- measuring

# Goals from issue #6 (2-core machine): seconds and MiB per size.
goal_secs() { case "$1" in 1000) echo 0.25 ;; 10000) echo 2.5 ;; 30000) echo 7 ;; 100000) echo 25 ;; *) echo "" ;; esac; }
goal_mib() { case "$1" in 1000) echo 80 ;; 10000) echo 400 ;; 30000) echo 1024 ;; 100000) echo 2048 ;; *) echo "" ;; esac; }

# checked_run NAME CMD: one build that must succeed; prints its wall time in seconds.
checked_run() {
    local name="$1" cmd="$2" t0 t1 log
    log="$(mktemp)"
    t0="$(date +%s.%N)"
    if ! bash -c "$cmd" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "bench: $name failed on the $n-item corpus" >&2
        exit 1
    fi
    t1="$(date +%s.%N)"
    [[ "$name" == bulletin ]] && printf '  %s\n' "$(grep '^built ' "$log" | tail -n1)" >&2
    rm -f "$log"
    python3 -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1"
}

# timed_loop CMD RUNS WARMUP: the fallback without hyperfine; prints "wall cpu kib" (median
# wall, median user+sys, largest max RSS).
timed_loop() {
    local cmd="$1" n="$2" w="$3" i out
    for ((i = 0; i < w; i++)); do bash -c "$cmd" >/dev/null 2>&1; done
    out="$(mktemp)"
    for ((i = 0; i < n; i++)); do
        "$TIME" -f '%e %U %S %M' -a -o "$out" bash -c "$cmd" >/dev/null 2>&1 ||
            { echo "bench: a timed run failed: $cmd" >&2; exit 1; }
    done
    python3 - "$out" <<'EOF'
import statistics, sys
rows = [[float(x) for x in l.split()] for l in open(sys.argv[1]) if l[:1].isdigit()]
print("%.4f %.4f %d" % (statistics.median(r[0] for r in rows),
                        statistics.median(r[1] + r[2] for r in rows), max(r[3] for r in rows)))
EOF
    rm -f "$out"
}

# ---------------------------------------------------------------- run

stamp_now="$(date -u +%Y%m%dT%H%M%SZ)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
report="$RESULTS_DIR/bench-$stamp_now.md"
rows=()
ratios=()
incr=()
for n in "${sizes[@]}"; do
    corpus "$n"
    dir="$CORPUS_ROOT/$n"
    names=(bulletin)
    cmds=("'$BIN' --root '$dir/site' build --output '$dir/out-bulletin'")
    outs=("$dir/out-bulletin")
    if ((vs_hugo)); then
        names+=(hugo)
        cmds+=("hugo --quiet --source '$dir/hugo' --destination '$dir/out-hugo'")
        outs+=("$dir/out-hugo")
    fi

    # One checked run of each: it must succeed, it warms the caches, and it leaves the output
    # that the timed runs rebuild over. Its time picks the number of runs.
    say "$n items: one checked build of each"
    slowest=0
    for i in "${!names[@]}"; do
        t="$(checked_run "${names[$i]}" "${cmds[$i]}")"
        printf '  %s: %s s\n' "${names[$i]}" "$t" >&2
        slowest="$(python3 -c 'import sys; print(max(map(float, sys.argv[1:])))' "$slowest" "$t")"
    done
    built="$(find "$dir/out-bulletin/news" -name index.html | wc -l)"
    [[ "$built" == "$n" ]] ||
        echo "bench: warning: bulletin published $built of $n items (dates after today are left out)" >&2
    r="$runs"
    w="$warmup"
    if [[ -z "$r" ]]; then
        r="$(python3 -c 'import sys; t = float(sys.argv[1]); print(10 if t < 5 else 5 if t < 30 else 3)' "$slowest")"
    fi
    if [[ -z "$w" ]]; then
        w="$(python3 -c 'import sys; print(1 if float(sys.argv[1]) < 30 else 0)' "$slowest")"
    fi

    declare -A wall=() cpu=() rss=() files=() size=()
    if ((use_hyperfine)); then
        say "$n items: hyperfine, $w warm-up + $r runs each (max RSS by $TIME -f %M)"
        json="$RESULTS_DIR/hyperfine-$n-$stamp_now.json"
        hf=(hyperfine --warmup "$w" --runs "$r" --export-json "$json" --style basic)
        for i in "${!names[@]}"; do
            : >"$dir/rss-${names[$i]}.log"
            hf+=(--command-name "${names[$i]}"
                "'$TIME' -f %M -a -o '$dir/rss-${names[$i]}.log' ${cmds[$i]} >/dev/null")
        done
        "${hf[@]}" >&2
        while read -r name wt c; do
            wall[$name]="$wt"
            cpu[$name]="$c"
            rss[$name]="$(grep -E '^[0-9]+$' "$dir/rss-$name.log" | sort -n | tail -n1)"
        done < <(python3 - "$json" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], "%.4f" % r["median"], "%.4f" % (r["user"] + r["system"]))
EOF
        )
    else
        for i in "${!names[@]}"; do
            say "$n items: ${names[$i]}, $w warm-up + $r runs with $TIME"
            read -r wt c k < <(timed_loop "${cmds[$i]}" "$r" "$w")
            wall[${names[$i]}]="$wt"
            cpu[${names[$i]}]="$c"
            rss[${names[$i]}]="$k"
        done
    fi
    for i in "${!names[@]}"; do
        files[${names[$i]}]="$(find "${outs[$i]}" -type f | wc -l)"
        size[${names[$i]}]="$(du -sk "${outs[$i]}" | cut -f1)"
    done

    gs="$(goal_secs "$n")"
    gm="$(goal_mib "$n")"
    for name in "${names[@]}"; do
        rows+=("$(python3 - "$n" "$name" "${wall[$name]}" "${cpu[$name]}" "${rss[$name]}" \
            "${files[$name]}" "${size[$name]}" "$r" "$gs" "$gm" <<'EOF'
import sys
n, name, wall, cpu, kib, files, size, runs, gs, gm = sys.argv[1:]
wall, cpu, mib = float(wall), float(cpu), int(kib) / 1024
goal, verdict = "", ""
if name == "bulletin" and gs:
    goal = "≤ %s s, ≤ %s MiB" % (gs, gm)
    verdict = "yes" if wall <= float(gs) and mib <= float(gm) else "**no**"
print("| %s | %s | %.3f s | %.3f s | %.0f MiB | %s | %.1f MiB | %s | %s | %s |"
      % (n, name, wall, cpu, mib, files, int(size) / 1024, runs, goal, verdict))
EOF
        )")
    done
    if ((vs_hugo)); then
        ratios+=("$(python3 -c 'import sys; n, b, h, bc, hc = sys.argv[1:]; r = float(h) / float(b); print("| %s | %.2f× | %s | %.2f× |" % (n, r, "yes" if r >= 2 else "**no**", float(hc) / float(bc)))' \
            "$n" "${wall[bulletin]}" "${wall[hugo]}" "${cpu[bulletin]}" "${cpu[hugo]}")")
    fi
    unset wall cpu rss files size
    if ((incremental)); then
        say "$n items: incremental rebuilds (cargo bench --bench incremental)"
        lines="$(cd "$ROOT" && BULLETIN_BENCH_SITE="$dir/site" cargo bench --quiet \
            --bench incremental 2>/dev/null |
            grep -E '^(first build|body edit|title edit|figure edit|serve|  last)' || true)"
        [[ -n "$lines" ]] || { echo "bench: the incremental benchmark failed" >&2; exit 1; }
        printf '%s\n' "$lines" >&2
        incr+=("**$n items**" "" '```' "$lines" '```' "")
    fi
done

{
    echo "bulletin $git_rev${hugo_version:+, hugo $hugo_version}; $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1); $(date -u '+%Y-%m-%d %H:%M UTC')"
    # Other work on the machine inflates wall times; CPU time (user+sys) is less affected.
    echo "load average (1, 5, 15 min) at the start: $load_before; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| items | tool | median wall | CPU (user+sys) | peak RSS | files | output | runs | goal | met |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---|---|"
    printf '%s\n' "${rows[@]}"
    if ((vs_hugo)); then
        echo
        echo "| items | Hugo ÷ bulletin, median wall | ≥ 2× | Hugo ÷ bulletin, CPU |"
        echo "|---:|---:|---|---:|"
        printf '%s\n' "${ratios[@]}"
    fi
    if ((${#incr[@]})); then
        echo
        echo "Incremental rebuilds (an edit to one item; goal: < 100 ms rebuild, < 200 ms save to reload):"
        echo
        printf '%s\n' "${incr[@]}"
    fi
} | tee "$report"
echo >&2
echo "bench: table saved to ${report#"$ROOT"/}" >&2
