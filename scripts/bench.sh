#!/usr/bin/env bash
# Benchmarks of bulletin on generated corpora, optionally against Hugo in the same run (#6, #18).
#
#   scripts/bench.sh [--vs-hugo] [--runs N] [--warmup N] [--settle SECS] [--edits N]
#                    [--port N] [--bin PATH] [--no-install] [--no-serve] [--no-incremental]
#                    [SIZE...]                 (default sizes: 1000 10000)
#
# For each SIZE: generates a corpus of SIZE items with bench/gen_corpus.py (once: cached in
# target/bench-corpus/SIZE/, regenerated when the generator or its seed page change), builds
# bulletin in release mode (or takes the binary at --bin PATH), then times full builds in two
# ways:
#   over previous  each run builds over the output of the run before (a repeated build:
#                  bulletin rewrites only the files whose bytes changed, Hugo overwrites all);
#   empty folder   each run builds into a new folder never used before (the deploy case).
# A first, checked build of each tool warms the caches and sets the defaults: 10 runs after
# 1 warm-up when a build takes under 5 s, 5 runs under 30 s, else 3 runs and no warm-up; the
# empty-folder runs have no warm-up and are fewer when their outputs would not fit on the disk.
# Runs alternate between the tools (bulletin, Hugo, Hugo, bulletin, ...), so that a change in
# the machine's load hits both. Every run goes through /usr/bin/time (user and system time,
# peak RSS); the wall time is taken around it. Deleting a large tree makes creating files slow
# for about 30 s on ext4, so the empty-folder outputs are deleted only after all runs of a size
# and the next size is measured --settle SECS (default 60) after a `sync` that follows the
# deletion. Then `bulletin serve` on the corpus: scripts/serve-latency.py saves --edits N
# (default 5) items across the archive and polls each one's page until the change shows,
# from outside the process (body edits; title and figure edits too when serve-latency.py
# has MODE=); and `cargo bench --bench incremental` (library-level rebuild times;
# --no-incremental skips it). Prints medians against the goals of issue #18, with --vs-hugo
# the bulletin ÷ Hugo ratios; the tables and every run's numbers go to target/bench-results/.
# Missing time or hugo are installed with apt-get when run as root (or with passwordless
# sudo) unless --no-install.
set -euo pipefail

usage() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$ROOT/bench/gen_corpus.py"
SEED_PAGE="$ROOT/bench/seed/000_48f04b64fca4897a.txt"
LATENCY="$ROOT/scripts/serve-latency.py"
CORPUS_ROOT="$ROOT/target/bench-corpus"
RESULTS_DIR="$ROOT/target/bench-results"
TIME=/usr/bin/time

vs_hugo=0
runs=""
warmup=""
settle_secs=60
edits=5
port=17818
given_bin=""
install=1
serve=1
incremental=1
sizes=()
number() { # number OPTION VALUE MIN: VALUE, checked to be a whole number ≥ MIN
    if ! [[ "$2" =~ ^[0-9]+$ ]] || (($2 < $3)); then
        echo "bench: $1 takes a number ≥ $3" >&2
        exit 2
    fi
    echo "$2"
}
while (($#)); do
    case "$1" in
        --vs-hugo) vs_hugo=1 ;;
        --runs) runs="$(number "$1" "${2:-}" 1)"; shift ;;
        --warmup) warmup="$(number "$1" "${2:-}" 0)"; shift ;;
        --settle) settle_secs="$(number "$1" "${2:-}" 0)"; shift ;;
        --edits) edits="$(number "$1" "${2:-}" 2)"; shift ;;
        --port) port="$(number "$1" "${2:-}" 1)"; shift ;;
        --bin) given_bin="${2:?--bin needs the path of a bulletin binary}"; shift ;;
        --no-install) install=0 ;;
        --no-serve) serve=0 ;;
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

say() { printf '\n== %s  [%(%H:%M:%S)T]\n' "$*" -1 >&2; }
now() { local t="$EPOCHREALTIME"; echo "${t/,/.}"; } # seconds, microseconds after a point

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

command -v python3 >/dev/null || { echo "bench: python3 is needed for the corpus generator" >&2; exit 1; }
command -v cargo >/dev/null || { echo "bench: cargo is needed (https://rustup.rs)" >&2; exit 1; }
if [[ ! -x "$TIME" ]]; then
    apt_install time || true
    [[ -x "$TIME" ]] || { echo "bench: $TIME is missing; install it with: sudo apt-get install -y time" >&2; exit 1; }
fi
if ((vs_hugo)) && ! command -v hugo >/dev/null; then
    apt_install hugo || true
    command -v hugo >/dev/null || { echo "bench: hugo is missing; install it with: sudo apt-get install -y hugo" >&2; exit 1; }
fi

# ---------------------------------------------------------------- bulletin, release build

BIN="$ROOT/target/bench-bin/bulletin"
mkdir -p "$(dirname "$BIN")" "$RESULTS_DIR"
if [[ -n "$given_bin" ]]; then
    [[ -x "$given_bin" ]] || { echo "bench: --bin $given_bin is not an executable file" >&2; exit 2; }
    cp "$given_bin" "$BIN"
    git_rev="binary $given_bin"
else
    say "building bulletin (cargo build --release)"
    (cd "$ROOT" && cargo build --release --bin bulletin >&2)
    # Benchmark a copy, so that a rebuild in another terminal cannot swap the binary mid-run.
    cp "$ROOT/target/release/bulletin" "$BIN"
    git_rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    git -C "$ROOT" diff --quiet HEAD -- src themes Cargo.toml Cargo.lock 2>/dev/null || git_rev="$git_rev+dirty"
fi
hugo_version=""
((vs_hugo)) && hugo_version="$(hugo version 2>/dev/null | awk '{print $2}')"

# The edits serve-latency.py can make: body only, unless its usage names MODE=body|title|...
serve_modes=(body)
mode_env=0
if modes="$(grep -o -m1 'MODE=body[a-z|]*' "$LATENCY")"; then
    IFS='|' read -r -a serve_modes <<<"${modes#MODE=}"
    mode_env=1
fi

# ---------------------------------------------------------------- deleting, and waiting after

# On ext4, creating files is slow for about 30 s after many were deleted (the inode allocator
# skips recently deleted inodes): 17 s of system time instead of 1.7 s for a 10,000-item
# build. Every deletion here goes through remove, and measuring starts with settle.
last_delete=0
remove() {
    [[ -e "$1" ]] || return 0
    rm -rf "$1"
    last_delete="$EPOCHSECONDS"
}
settle() {
    ((last_delete)) || return 0
    sync
    local left=$((last_delete + settle_secs - EPOCHSECONDS))
    if ((left > 0)); then
        say "waiting $left s: files were deleted (creating files is slow for a while after)"
        sleep "$left"
    fi
    last_delete=0
}

# ---------------------------------------------------------------- corpus

stamp_of() { cat "$GEN" "$SEED_PAGE" | sha256sum | cut -c1-16; }
STAMP="$(stamp_of)"

# corpus SIZE: makes sure target/bench-corpus/SIZE/site (and hugo/ with --vs-hugo) are current.
# The generator gives no two items the same URL (it writes a `slug:` where titles would
# clash); a corpus that bulletin refuses fails the checked build below, with its errors.
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
    [[ -e "$dir/site" || -e "$dir/hugo" ]] && last_delete="$EPOCHSECONDS" # the generator replaces them
    local args=(--articles "$n" --out "$dir/site")
    ((vs_hugo)) && args+=(--hugo "$dir/hugo")
    python3 "$GEN" "${args[@]}" >&2
    [[ -e "$dir/site" ]] && last_delete="$EPOCHSECONDS"
    echo "$STAMP" >"$dir/site.stamp"
    if ((vs_hugo)); then echo "$STAMP" >"$dir/hugo.stamp"; fi
}

# ---------------------------------------------------------------- measuring

stamp_now="$(date -u +%Y%m%dT%H%M%SZ)"
RUNS_TSV="$RESULTS_DIR/runs-$stamp_now.tsv"    # size, build, tool, run, wall, user, sys, KiB
OUTS_TSV="$RESULTS_DIR/outputs-$stamp_now.tsv" # size, tool, files, KiB
SERVE_TSV="$RESULTS_DIR/serve-$stamp_now.tsv"  # size, edit, median, min, max ms, edits, first s
: >"$RUNS_TSV"
: >"$OUTS_TSV"
: >"$SERVE_TSV"
LOG="$RESULTS_DIR/last-run.log" # a failed build's messages

# command_of TOOL OUT: the build command of TOOL into OUT, as the words of the array `cmd`.
command_of() {
    case "$1" in
        bulletin) cmd=("$BIN" --root "$dir/site" build --output "$2") ;;
        hugo) cmd=(hugo --quiet --source "$dir/hugo" --destination "$2") ;;
    esac
}

# build SIZE BUILD TOOL RUN OUT: one build, which must succeed. With RUN > 0 it is timed: a
# row for runs.tsv. Prints the wall time in seconds.
build() {
    local n="$1" mode="$2" tool="$3" run="$4" out="$5" t0 t1 wall u s k tf
    local cmd=()
    command_of "$tool" "$out"
    tf="$(mktemp)"
    t0="$(now)"
    if ! "$TIME" -f '%U %S %M' -o "$tf" "${cmd[@]}" >"$LOG" 2>&1; then
        tail -n 40 "$LOG" >&2
        rm -f "$tf"
        echo "bench: $tool failed on the $n-item corpus: ${cmd[*]}" >&2
        exit 1
    fi
    t1="$(now)"
    wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')"
    if ((run > 0)); then
        read -r u s k < <(tail -n1 "$tf")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$mode" "$tool" "$run" "$wall" "$u" "$s" "$k" >>"$RUNS_TSV"
    fi
    rm -f "$tf"
    echo "$wall"
}

# round SIZE BUILD RUN ROUND OUT...: one build of each tool, in turn, into the OUTs (one per
# tool, in the order of `tools`); every other round in the reverse order.
round() {
    local n="$1" mode="$2" run="$3" k="$4" i t
    shift 4
    local outs=("$@") order=()
    for i in "${!tools[@]}"; do
        if ((k % 2)); then order+=("$i"); else order=("$i" "${order[@]}"); fi
    done
    for i in "${order[@]}"; do
        t="$(build "$n" "$mode" "${tools[$i]}" "$run" "${outs[$i]}")"
        if ((run > 0)); then printf '  %-8s %-6s run %2d: %s s\n' "${tools[$i]}" "$mode" "$run" "$t" >&2; fi
    done
}

tools=(bulletin)
((vs_hugo)) && tools+=(hugo)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
incr=()
for n in "${sizes[@]}"; do
    dir="$CORPUS_ROOT/$n"
    corpus "$n"
    remove "$dir/empty" # left by an interrupted run
    settle

    # One checked build of each: it must succeed, it warms the caches, and it leaves the output
    # that the over-previous runs rebuild over. Its time picks the number of runs.
    say "$n items: one checked build of each"
    slowest=0
    over=()
    for tool in "${tools[@]}"; do
        over+=("$dir/out-$tool")
        t="$(build "$n" checked "$tool" 0 "$dir/out-$tool")"
        printf '  %s: %s s\n' "$tool" "$t" >&2
        slowest="$(awk -v a="$slowest" -v b="$t" 'BEGIN { print (a > b ? a : b) }')"
    done
    built="$(find "$dir/out-bulletin/news" -name index.html | wc -l)"
    [[ "$built" == "$n" ]] ||
        echo "bench: warning: bulletin published $built of $n items (dates after today are left out)" >&2
    r="${runs:-$(awk -v t="$slowest" 'BEGIN { print (t < 5 ? 10 : t < 30 ? 5 : 3) }')}"
    w="${warmup:-$(awk -v t="$slowest" 'BEGIN { print (t < 30 ? 1 : 0) }')}"
    pair=0 # KiB that one empty-folder run of each tool writes
    for tool in "${tools[@]}"; do
        files="$(find "$dir/out-$tool" -type f | wc -l)"
        kib="$(du -sk "$dir/out-$tool" | cut -f1)"
        printf '%s\t%s\t%s\t%s\n' "$n" "$tool" "$files" "$kib" >>"$OUTS_TSV"
        pair=$((pair + kib))
    done

    say "$n items: over the previous output, $w warm-up + $r runs of each, alternating"
    for ((k = 1; k <= w; k++)); do round "$n" over 0 "$k" "${over[@]}"; done
    for ((k = 1; k <= r; k++)); do round "$n" over "$k" "$k" "${over[@]}"; done

    # Every empty-folder run writes a whole new output, kept until the size is done.
    free="$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')"
    fit=$(((free - 1048576 - free / 10) / (pair + 1)))
    re="$r"
    if ((fit < re)); then
        re="$fit"
        ((re >= 1)) || { echo "bench: no room on the disk for an empty-folder build of $n items" >&2; exit 1; }
        echo "bench: warning: room on the disk for only $re empty-folder runs of $n items" >&2
    fi
    say "$n items: into an empty folder, $re runs of each, alternating (outputs in ${dir#"$ROOT"/}/empty/)"
    mkdir -p "$dir/empty"
    for ((k = 1; k <= re; k++)); do
        fresh=()
        for tool in "${tools[@]}"; do fresh+=("$dir/empty/$tool.$k"); done
        round "$n" empty "$k" "$k" "${fresh[@]}"
    done
    for tool in "${tools[@]}"; do # an empty-folder build writes what the checked one did
        got="$(find "$dir/empty/$tool.1" -type f | wc -l)"
        want="$(awk -F'\t' -v n="$n" -v t="$tool" '$1 == n && $2 == t { print $3 }' "$OUTS_TSV")"
        [[ "$got" == "$want" ]] ||
            echo "bench: warning: $tool wrote $got files into an empty folder, $want over the previous output" >&2
    done

    if ((serve)); then
        gap="${GAP:-$(((n >= 50000) ? 8 : 3))}"
        for mode in "${serve_modes[@]}"; do
            say "$n items: serve, $mode edits: save -> page from outside, $edits edits $gap s apart"
            log="$RESULTS_DIR/serve-$n-$mode-$stamp_now.log"
            env_args=(GAP="$gap")
            ((mode_env)) && env_args+=(MODE="$mode")
            if ! env "${env_args[@]}" python3 "$LATENCY" "$BIN" "$dir/site" "$port" "$edits" 2>&1 |
                tee "$log" >&2; then
                echo "bench: serve-latency.py failed ($mode edits, $n items); see ${log#"$ROOT"/}" >&2
                exit 1
            fi
            python3 - "$n" "$mode" "$log" >>"$SERVE_TSV" <<'EOF'
import re, sys
n, mode, text = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
first = re.search(r"serving after ([\d.]+) s", text)
m = re.search(r"median (\d+) ms, min (\d+), max (\d+) ms over (\d+) edits", text)
if not m:
    sys.exit("bench: no median in the output of serve-latency.py")
print("\t".join([n, mode, *m.groups(), first.group(1) if first else ""]))
EOF
        done
    fi

    if ((incremental)); then
        say "$n items: incremental rebuilds (cargo bench --bench incremental)"
        lines="$(cd "$ROOT" || exit 1
            BULLETIN_BENCH_SITE="$dir/site" cargo bench --quiet --bench incremental 2>/dev/null |
            grep -E '^(first build|body edit|title edit|figure edit|serve|  last)' || true)"
        [[ -n "$lines" ]] || { echo "bench: the incremental benchmark failed" >&2; exit 1; }
        printf '%s\n' "$lines" >&2
        incr+=("**$n items**" "" '```' "$lines" '```' "")
    fi

    say "$n items: deleting the empty-folder outputs"
    remove "$dir/empty"
done

# ---------------------------------------------------------------- report

report="$RESULTS_DIR/bench-$stamp_now.md"
{
    echo "bulletin $git_rev${hugo_version:+, hugo $hugo_version}; $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1); $(date -u '+%Y-%m-%d %H:%M UTC')"
    # Other work on the machine inflates wall times; CPU time (user+sys) is less affected.
    echo "load average (1, 5, 15 min) at the start: $load_before; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    python3 - "$RUNS_TSV" "$OUTS_TSV" "$SERVE_TSV" "$vs_hugo" <<'EOF'
import collections, statistics, sys

runs_tsv, outs_tsv, serve_tsv, vs_hugo = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
MODES = {"empty": "empty folder", "over": "over previous"}
# Issue #18's goals, on this machine: bulletin's wall seconds and peak MiB, per size and build;
# bulletin ÷ Hugo (wall, peak RSS); serve's save -> page in ms, per size and edit.
GOAL_WALL = {(1000, "empty"): 0.15, (1000, "over"): 0.15, (100000, "empty"): 10, (100000, "over"): 8}
GOAL_MIB = {(10000, "empty"): 200, (10000, "over"): 200, (100000, "empty"): 1024, (100000, "over"): 1024}
GOAL_RATIO = {(10000, "empty"): (0.30, 0.25)}
GOAL_SERVE = {(100000, "body"): 250, (100000, "title"): 400, (100000, "figure"): 400}


def rows(path):
    return [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]


def met(ok):
    return "yes" if ok else "**no**"


runs = collections.defaultdict(list)
for n, mode, tool, _, wall, user, sys_, kib in rows(runs_tsv):
    runs[int(n), mode, tool].append((float(wall), float(user) + float(sys_), int(kib)))
outs = {(int(n), tool): (int(files), int(kib)) for n, tool, files, kib in rows(outs_tsv)}
summary = {}
for key, rs in runs.items():
    walls = [r[0] for r in rs]
    summary[key] = (statistics.median(walls), min(walls), max(walls),
                    statistics.median(r[1] for r in rs), max(r[2] for r in rs) / 1024, len(rs))

print("Full builds: median wall time (min–max), median CPU time (user+sys), largest peak RSS of")
print("the runs. *Empty folder*: each run builds into a new folder (the deploy case); *over")
print("previous*: each run builds over the output of the run before. Runs alternate between tools.")
print()
print("| items | build | tool | wall (min–max) | CPU | peak RSS | files | output | runs | goal | met |")
print("|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|")
for (n, mode, tool), (wall, lo, hi, cpu, mib, count) in sorted(
        summary.items(), key=lambda kv: (kv[0][0], kv[0][1] != "empty", kv[0][2] != "bulletin")):
    files, kib = outs.get((n, tool), (0, 0))
    goal, verdict = [], ""
    if tool == "bulletin":
        ok = True
        if (n, mode) in GOAL_WALL:
            goal.append("≤ %g s" % GOAL_WALL[n, mode])
            ok &= wall <= GOAL_WALL[n, mode]
        if (n, mode) in GOAL_MIB:
            goal.append("≤ %d MiB" % GOAL_MIB[n, mode])
            ok &= mib <= GOAL_MIB[n, mode]
        verdict = met(ok) if goal else ""
    print("| %d | %s | %s | %.3f s (%.3f–%.3f) | %.3f s | %.0f MiB | %d | %.1f MiB | %d | %s | %s |"
          % (n, MODES[mode], tool, wall, lo, hi, cpu, mib, files, kib / 1024, count,
             ", ".join(goal), verdict))

if vs_hugo:
    print()
    print("| items | build | bulletin ÷ Hugo: wall | CPU | peak RSS | goal (wall, RSS) | met |")
    print("|---:|---|---:|---:|---:|---|---|")
    for (n, mode, tool), b in sorted(summary.items(), key=lambda kv: (kv[0][0], kv[0][1] != "empty")):
        h = summary.get((n, mode, "hugo"))
        if tool != "bulletin" or not h:
            continue
        wall, cpu, mem = b[0] / h[0], b[3] / h[3], b[4] / h[4]
        goal = GOAL_RATIO.get((n, mode))
        print("| %d | %s | %.2f | %.2f | %.2f | %s | %s |"
              % (n, MODES[mode], wall, cpu, mem, "≤ %.2f, ≤ %.2f" % goal if goal else "",
                 met(wall <= goal[0] and mem <= goal[1]) if goal else ""))

serve = rows(serve_tsv)
if serve:
    print()
    print("`bulletin serve`: save an item (a new file renamed over it) → its page shows the change,")
    print("polled from outside every 5 ms (scripts/serve-latency.py; the watcher's debounce included).")
    print()
    print("| items | edit | save → page: median (min–max) | edits | serve's first build | goal | met |")
    print("|---:|---|---:|---:|---:|---|---|")
    for n, mode, median, lo, hi, count, first in serve:
        goal = GOAL_SERVE.get((int(n), mode))
        print("| %s | %s | %s ms (%s–%s) | %s | %s | %s | %s |"
              % (n, mode, median, lo, hi, count, first + " s" if first else "",
                 "≤ %d ms" % goal if goal else "", met(int(median) <= goal) if goal else ""))
EOF
    if ((${#incr[@]})); then
        echo
        echo "Incremental rebuilds through the library (cargo bench --bench incremental):"
        echo
        printf '%s\n' "${incr[@]}"
    fi
} | tee "$report"
echo >&2
echo "bench: tables saved to ${report#"$ROOT"/}, every run's numbers to ${RUNS_TSV#"$ROOT"/}" >&2
