using LabelStudio.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Auth;

/// <summary>The authenticated user of a request (request.user).</summary>
internal static class Caller
{
    private const string Key = "emulator.caller";

    public static void Set(HttpContext context, UserRecord user) => context.Items[Key] = user;

    public static UserRecord? Find(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as UserRecord : null;

    public static UserRecord Get(HttpContext context) =>
        Find(context) ?? throw new InvalidOperationException("The endpoint needs an authenticated caller but has no AuthMode.Required metadata.");
}
