#!/usr/bin/env bash
# Takes Label Studio's editor (LSF) out of the npm registry's tarball of @heartexlabs/label-studio@1.4.0 into lsf/
# (git-ignored): only build/static/js/main.js, build/static/css/main.css and LICENSE (Apache-2.0), after checking the
# tarball against the sha512 integrity recorded in ../shared/label-studio/EDITOR.md. Never 1.8.0: it has no build/.
# Idempotent: does nothing when lsf/ already holds the three files from this version.
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")"

VERSION=1.4.0
PACKAGE="@heartexlabs/label-studio@$VERSION"
INTEGRITY="sha512-NczF2gDF/Whq7+xI3tYZLrAk8Pq6hacXhYEDmWfHAQIZ0eiieyrMxxHz4KIU7wnagComaGv+QJ2Zc6SBcBmuCg=="
TARBALL="heartexlabs-label-studio-$VERSION.tgz"
DEST=lsf
STAMP="$DEST/VERSION"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PACKAGE $INTEGRITY" ] \
   && [ -s "$DEST/main.js" ] && [ -s "$DEST/main.css" ] && [ -s "$DEST/LICENSE" ]; then
  echo "fetch-lsf: $PACKAGE already in tests/editor/$DEST"
  exit 0
fi

WORK=.lsf-download
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

ok=
for attempt in 1 2 3; do
  if (cd "$WORK" && npm pack "$PACKAGE" --silent --no-audit --no-fund >/dev/null); then ok=1; break; fi
  echo "fetch-lsf: npm pack failed (attempt $attempt), retrying" >&2
  sleep 3
done
[ -n "$ok" ] || { echo "fetch-lsf: could not download $PACKAGE from the npm registry" >&2; exit 1; }
[ -f "$WORK/$TARBALL" ] || { echo "fetch-lsf: npm pack did not produce $TARBALL" >&2; exit 1; }

actual="sha512-$(openssl dgst -sha512 -binary "$WORK/$TARBALL" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "fetch-lsf: integrity mismatch for $TARBALL" >&2
  echo "  expected $INTEGRITY" >&2
  echo "  actual   $actual" >&2
  exit 1
fi

mkdir -p "$WORK/x"
tar xzf "$WORK/$TARBALL" -C "$WORK/x" --strip-components=1 \
  package/build/static/js/main.js package/build/static/css/main.css package/LICENSE
rm -rf "$DEST"
mkdir -p "$DEST"
mv "$WORK/x/build/static/js/main.js" "$DEST/main.js"
mv "$WORK/x/build/static/css/main.css" "$DEST/main.css"
mv "$WORK/x/LICENSE" "$DEST/LICENSE"
echo "$PACKAGE $INTEGRITY" > "$STAMP"
echo "fetch-lsf: $PACKAGE verified ($INTEGRITY) and extracted to tests/editor/$DEST (main.js, main.css, LICENSE)"
