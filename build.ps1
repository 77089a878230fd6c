# Runs the LabelPipeline Cake host: ./build.ps1 --target=Export [--dataset=synthetic --dataset-version=v1 ...]
# The host is built only when a source is newer than the last build (build/**, Directory.*.props, global.json,
# NuGet.config; a deleted or renamed file changes its folder's time): then the built program runs directly, without
# `dotnet run`'s MSBuild pass (about 4 s). LABELPIPELINE_REBUILD=1 builds regardless. Same logic as build.sh.
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot
$program = 'build/bin/Release/net10.0/Build.dll'
$stamp = 'build/bin/.built-from-sources'
function Test-Stale {
    if ($env:LABELPIPELINE_REBUILD -eq '1' -or -not (Test-Path $program) -or -not (Test-Path $stamp)) { return $true }
    $built = (Get-Item $stamp).LastWriteTimeUtc
    $sources = @(Get-Item 'build') + @(Get-ChildItem -Path 'build' -Recurse -Force | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)([\\/]|$)' }) +
        @(Get-ChildItem -Path . -Filter 'Directory.*.props') + @(Get-ChildItem -Path . -Filter 'global.json') + @(Get-ChildItem -Path . -Filter 'NuGet.config')
    return [bool]($sources | Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1)
}
if (Test-Stale) {
    # The build creates bin/ and obj/ beside each project, which moves the project folder's time: create them first.
    Get-ChildItem -Path 'build' -Recurse -Filter '*.csproj' | Where-Object { $_.FullName -notmatch '[\/](bin|obj)[\/]' } |
        ForEach-Object { New-Item -ItemType Directory -Force -Path (Join-Path $_.DirectoryName 'bin'), (Join-Path $_.DirectoryName 'obj') | Out-Null }
    Set-Content -Path "$stamp.next" -Value '' # taken before the build: a file saved while it runs is newer, so the next call builds again
    Write-Host 'build.ps1: building the pipeline (its sources changed since the last build) ...'
    $log = dotnet build ./build/Build.csproj --configuration Release --verbosity quiet --nologo 2>&1
    if ($LASTEXITCODE -ne 0) { $log | Write-Host; exit $LASTEXITCODE }
    Move-Item -Force "$stamp.next" $stamp
}
# The runtime sizes its first GC generation from the CPU cache (tens of MB on large-L3 servers); 16 MB keeps the
# pipeline's peak memory about 50 MB lower for a few % more CPU. Only settable from the environment.
if (-not $env:DOTNET_GCgen0size) { $env:DOTNET_GCgen0size = '0x1000000' }
dotnet $program $args
exit $LASTEXITCODE
