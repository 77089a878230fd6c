#!/usr/bin/env bash
# Runs the LabelPipeline Cake host: ./build.sh --target=Export [--dataset=synthetic --dataset-version=v1 ...]
# The host is built only when a source is newer than the last build (build/**, Directory.*.props, global.json,
# NuGet.config; a deleted or renamed file changes its folder's time): then the built program runs directly, without
# `dotnet run`'s MSBuild pass (about 4 s). Release: optimised code (Prepare takes about 20 % less CPU than with Debug).
# ReadyToRun (precompiled, framework-dependent) on Linux and macOS x64/arm64: the JIT no longer compiles some 10,000
# methods of the host, Cake and Spectre.Console on every call (start 0.19 -> 0.11 s CPU, a 3 M-row export about 20 %
# less; benchmarks/README.md). When its compiler package cannot be restored, the build goes on without it and says so.
# LABELPIPELINE_REBUILD=1 builds regardless; LABELPIPELINE_READYTORUN=0 builds without ReadyToRun.
set -euo pipefail
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" &>/dev/null && pwd)
cd "$SCRIPT_DIR"
program=build/bin/publish/Build.dll
stamp=build/bin/.built-from-sources
sources=(build Directory.*.props global.json)
[ -e NuGet.config ] && sources+=(NuGet.config)
if [ "${LABELPIPELINE_REBUILD:-0}" = 1 ] || [ ! -e "$program" ] || [ ! -e "$stamp" ] ||
   [ -n "$(find "${sources[@]}" \( -path build/bin -o -path build/obj -o -path '*/bin' -o -path '*/obj' \) -prune -o -newer "$stamp" -print -quit)" ]; then
  # The build creates bin/ and obj/ beside each project, which moves the project folder's time: create them first.
  find build -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | while read -r project; do mkdir -p "$(dirname "$project")/bin" "$(dirname "$project")/obj"; done
  touch "$stamp.next" # taken before the build: a file saved while it runs is newer, so the next call builds again
  echo "build.sh: building the pipeline (its sources changed since the last build) ..." >&2
  rid=
  if [ "${LABELPIPELINE_READYTORUN:-1}" = 1 ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) rid=linux-x64 ;; Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
      Darwin-x86_64) rid=osx-x64 ;; Darwin-arm64) rid=osx-arm64 ;;
    esac
  fi
  publish() { rm -rf build/bin/publish && dotnet publish ./build/Build.csproj --configuration Release --verbosity quiet --nologo --output build/bin/publish "$@" 2>&1; }
  if [ -n "$rid" ] && log=$(publish --runtime "$rid" --self-contained false -p:PublishReadyToRun=true); then
    :
  elif [ -n "$rid" ] && grep -q "error CS" <<<"$log"; then
    echo "$log" >&2 # the sources do not compile: nothing to fall back to
    exit 1
  else
    [ -n "$rid" ] && echo "build.sh: building without ReadyToRun (about 20 % more CPU per run): $(grep -m1 -o 'error .*' <<<"$log" || echo 'its publish failed')" >&2
    if ! log=$(publish); then
      echo "$log" >&2
      exit 1
    fi
  fi
  mv "$stamp.next" "$stamp"
fi
# The runtime sizes its first GC generation from the CPU cache (tens of MB on large-L3 servers); 16 MB keeps the
# pipeline's peak memory about 50 MB lower for a few % more CPU. Only settable from the environment.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x1000000}"
exec dotnet "$program" "$@"
