#!/usr/bin/env bash
# Runs the LabelPipeline Cake host: ./build.sh --target=Export [--dataset=synthetic --dataset-version=v1 ...]
set -euo pipefail
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)
cd "$SCRIPT_DIR"
exec dotnet run --project ./build/Build.csproj --verbosity quiet -- "$@"
