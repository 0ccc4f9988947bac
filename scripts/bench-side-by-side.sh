#!/usr/bin/env bash
# Cold index of webpack 5.97.1 `lib/`, side by side: madge, an earlier omnysys and this one,
# interleaved round by round so that both see the same machine (issue 13: "report before/after
# side by side"). Run on demand; NOT part of the test suite.
#
#   git worktree add ../before a7e2609 && (cd ../before && cargo build --release --workspace)
#   cargo build --release --workspace
#   bash scripts/bench-webpack.sh             # once: installs madge into target/bench-webpack/tools
#   bash scripts/bench-side-by-side.sh ../before/target/release/omnysys [ROUNDS]
#
# The earlier binary must sit in its own built workspace (omnysys finds its default tool set and
# plugins next to itself). Each round runs `madge --json lib`, then `omnysys graph --project lib`
# of each binary with `.omnysys` deleted first, from the extracted npm package (as
# bench-webpack.sh does: madge then also reads `../schemas`), under GNU time. Prints the median
# wall clock, CPU and peak RSS of each, and each omnysys's speed-up over madge's median.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
BEFORE="${1:?usage: bench-side-by-side.sh EARLIER_OMNYSYS_BINARY [ROUNDS]}"
ROUNDS="${2:-9}"
NOW="$REPO/target/release/omnysys"
MADGE="$REPO/target/bench-webpack/tools/node_modules/.bin/madge"
DIR="$REPO/target/bench-side-by-side"

die() {
    echo "bench-side-by-side: ERROR: $*" >&2
    exit 1
}
[[ -x "$BEFORE" ]] || die "$BEFORE is not an executable"
[[ -x "$NOW" ]] || die "$NOW is missing: run 'cargo build --release --workspace' first"
[[ -x "$MADGE" ]] || die "$MADGE is missing: run 'bash scripts/bench-webpack.sh' once first"
/usr/bin/time --version 2>&1 | grep -q GNU || die "/usr/bin/time is not GNU time (Debian package 'time')"

mkdir -p "$DIR"
if [[ ! -d "$DIR/package/lib" ]]; then
    (cd "$DIR" && npm pack --silent webpack@5.97.1 >/dev/null && tar -xzf webpack-5.97.1.tgz)
fi
cd "$DIR/package"
TIMES="$DIR/times.txt"
: >"$TIMES"
for ((i = 1; i <= ROUNDS; i++)); do
    echo "bench-side-by-side: round $i/$ROUNDS" >&2
    /usr/bin/time -o "$DIR/t" -f "madge %e %U %M" "$MADGE" --json lib >/dev/null 2>/dev/null
    cat "$DIR/t" >>"$TIMES"
    for who in before now; do
        bin="$BEFORE"
        [[ "$who" == now ]] && bin="$NOW"
        rm -rf lib/.omnysys
        /usr/bin/time -o "$DIR/t" -f "$who %e %U %M" "$bin" graph --project lib >/dev/null 2>/dev/null
        cat "$DIR/t" >>"$TIMES"
    done
done
python3 - "$TIMES" <<'EOF'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, wall, cpu, rss = line.split()
    runs[who].append((float(wall), float(cpu), int(rss)))
med = lambda who, i: statistics.median(r[i] for r in runs[who])
print("| | wall (median) | CPU (median) | peak RSS (median) | speed-up over madge |")
print("|---|---|---|---|---|")
for who in ("madge", "before", "now"):
    ratio = "" if who == "madge" else f"{med('madge', 0) / med(who, 0):.1f}×"
    print(f"| {who} | {med(who, 0):.3f} s | {med(who, 1):.2f} s | {med(who, 2) / 1024:.1f} MB | {ratio} |")
print(f"\n{len(runs['now'])} rounds; every wall clock: " + "; ".join(
    f"{who} " + " ".join(f"{r[0]:.2f}" for r in runs[who]) for who in ("madge", "before", "now")))
EOF
