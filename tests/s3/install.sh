#!/usr/bin/env bash
# Installs s3rver (pinned in package-lock.json) for the S3 tests. Needs node + npm, not root; safe to re-run.
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")"
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/s3/install.sh: npm is missing; the S3 tests will skip (or fail with LABELPIPELINE_REQUIRE_S3=1). Install nodejs and npm." >&2
  exit 0
fi
if grep -q '"version": "3.7.1"' node_modules/s3rver/package.json 2>/dev/null; then
  exit 0 # already installed
fi
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "tests/s3/install.sh: npm ci failed; the S3 tests will skip (or fail with LABELPIPELINE_REQUIRE_S3=1)." >&2
fi
