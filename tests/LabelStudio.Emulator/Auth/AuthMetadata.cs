namespace LabelStudio.Emulator.Auth;

/// <summary>How an endpoint authenticates, as endpoint metadata read by <see cref="AuthenticationMiddleware"/>.</summary>
internal enum AuthMode
{
    /// <summary>A DRF API view (the default for /api): Token, X-Api-Key or Bearer required, else 401.</summary>
    Required,

    /// <summary>A DRF view with AllowAny: credentials are optional, but bad ones still fail with 401.</summary>
    Optional,

    /// <summary>A plain Django view or a view without authentication classes (health, version, token refresh).</summary>
    None,

    /// <summary>A plain Django view that checks <c>request.user.is_authenticated</c> itself (local-files serving).</summary>
    Inspect,
}

internal sealed record AuthMetadata(AuthMode Mode);
