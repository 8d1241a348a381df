#!/usr/bin/env bash
# What an app pays for webrnn: packs this repository as npm would publish it, installs the tarball into two fresh
# Vite apps outside the repository (train.ts: LSTM(50)+Dense(1), compile and fit; predict.ts: predict only),
# builds each, and prints the bundle sizes; a second build (SPLIT=1, vite.config.mjs) puts webrnn in a chunk of
# its own and attributes its bytes to dist/ folders and modules.
#   bash bench/app-size/run.sh [WORKDIR]        (default: a fresh temporary folder; needs the npm registry)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
tgz=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -1)
for app in train predict; do
  d="$work/$app"
  rm -rf "$d"; mkdir -p "$d"
  echo '{ "name": "app", "private": true, "type": "module" }' > "$d/package.json"
  echo '<!doctype html><html><head><meta charset="utf-8" /></head><body><script type="module" src="./main.ts"></script></body></html>' > "$d/index.html"
  cp "$here/vite.config.mjs" "$here/tsconfig.json" "$d/"
  cp "$here/$app.ts" "$d/main.ts"
  (cd "$d" && npm install --no-audit --no-fund --silent "$work/$tgz" vite@8.3.8 > /dev/null)
  echo "=== $app: the app's bundle (vite build)"
  (cd "$d" && npx vite build 2>&1 | grep -E "assets/|warn|\(!\)")
  echo "=== $app: webrnn in a chunk of its own"
  (cd "$d" && SPLIT=1 npx vite build --outDir dist-split 2>&1 | grep -E "assets/|^\[group\]|warn|\(!\)")
done
