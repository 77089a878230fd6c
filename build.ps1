# Runs the LabelPipeline Cake host: ./build.ps1 --target=Export [--dataset=synthetic --dataset-version=v1 ...]
# The host is built only when a source is newer than the last build (build/**, Directory.*.props, global.json,
# NuGet.config; a deleted or renamed file changes its folder's time): then the built program runs directly, without
# `dotnet run`'s MSBuild pass (about 4 s). ReadyToRun (precompiled) on x64 and arm64, without it when its compiler
# package cannot be restored. LABELPIPELINE_REBUILD=1 builds regardless, LABELPIPELINE_READYTORUN=0 builds without
# ReadyToRun. Same logic as build.sh.
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot
$program = 'build/bin/publish/Build.dll'
$stamp = 'build/bin/.built-from-sources'
function Test-Stale {
    if ($env:LABELPIPELINE_REBUILD -eq '1' -or -not (Test-Path $program) -or -not (Test-Path $stamp)) { return $true }
    $built = (Get-Item -Force $stamp).LastWriteTimeUtc # -Force: a dot file is hidden to pwsh on Linux and macOS
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
    function Publish([string[]]$extra) {
        if (Test-Path 'build/bin/publish') { Remove-Item -Recurse -Force 'build/bin/publish' }
        $log = dotnet publish ./build/Build.csproj --configuration Release --verbosity quiet --nologo --output build/bin/publish @extra 2>&1
        return @{ Ok = ($LASTEXITCODE -eq 0); Log = $log }
    }
    $rid = $null
    if ($env:LABELPIPELINE_READYTORUN -ne '0') {
        $os = if ($IsLinux) { 'linux' } elseif ($IsMacOS) { 'osx' } else { 'win' } # Windows PowerShell 5.1 has neither variable
        switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture) { 'X64' { $rid = "$os-x64" } 'Arm64' { $rid = "$os-arm64" } }
    }
    $result = @{ Ok = $false; Log = @() }
    if ($rid) { $result = Publish @('--runtime', $rid, '--self-contained', 'false', '-p:PublishReadyToRun=true') }
    if ($rid -and -not $result.Ok -and ($result.Log -match 'error CS')) { $result.Log | Write-Host; exit 1 } # does not compile
    if (-not $result.Ok) {
        if ($rid) { Write-Host "build.ps1: building without ReadyToRun (about 20 % more CPU per run): $($result.Log -match 'error ' | Select-Object -First 1)" }
        $result = Publish @()
        if (-not $result.Ok) { $result.Log | Write-Host; exit 1 }
    }
    Move-Item -Force "$stamp.next" $stamp
}
# The runtime sizes its first GC generation from the CPU cache (tens of MB on large-L3 servers); 16 MB keeps the
# pipeline's peak memory about 50 MB lower for a few % more CPU. Only settable from the environment.
if (-not $env:DOTNET_GCgen0size) { $env:DOTNET_GCgen0size = '0x1000000' }
dotnet $program $args
exit $LASTEXITCODE
