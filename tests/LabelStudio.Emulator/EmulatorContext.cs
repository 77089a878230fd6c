using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Storages;

namespace LabelStudio.Emulator;

/// <summary>What every endpoint needs: the store, the options, the clock, the token minter and the storage types.</summary>
internal sealed class EmulatorContext(EmulatorOptions options, EmulatorStore store, JwtTokens jwt, IReadOnlyList<IImportStorageType> storageTypes)
{
    public EmulatorOptions Options { get; } = options;
    public EmulatorStore Store { get; } = store;
    public JwtTokens Jwt { get; } = jwt;
    public IReadOnlyList<IImportStorageType> StorageTypes { get; } = storageTypes;

    public DateTimeOffset Now => Options.Clock.GetUtcNow();
}
