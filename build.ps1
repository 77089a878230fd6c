# Runs the LabelPipeline Cake host: ./build.ps1 --target=Export [--dataset=synthetic --dataset-version=v1 ...]
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot
dotnet run --project ./build/Build.csproj --verbosity quiet -- $args
exit $LASTEXITCODE
