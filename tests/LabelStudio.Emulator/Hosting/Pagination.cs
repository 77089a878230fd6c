using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace LabelStudio.Emulator.Hosting;

/// <summary>
/// DRF's PageNumberPagination over Django's Paginator: <c>page</c> and <c>page_size</c> query parameters, a bad or
/// out-of-range page is 404 "Invalid page." (page 1 of an empty list is fine), a bad page size falls back to the default.
/// </summary>
internal sealed record PageRequest(int Page, int PageSize)
{
    public static PageRequest From(HttpRequest request, int defaultPageSize)
    {
        var pageSize = int.TryParse(request.Query["page_size"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : defaultPageSize;
        var pageText = request.Query["page"].ToString();
        if (pageText.Length == 0)
        {
            return new PageRequest(1, pageSize);
        }

        if (!int.TryParse(pageText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var page) || page < 1)
        {
            throw ApiException.InvalidPage();
        }

        return new PageRequest(page, pageSize);
    }

    /// <summary>The page's items; throws 404 "Invalid page." past the last page.</summary>
    public IReadOnlyList<T> Slice<T>(IReadOnlyList<T> items)
    {
        var pageCount = Math.Max(1, (items.Count + PageSize - 1) / PageSize);
        if (Page > pageCount)
        {
            throw ApiException.InvalidPage();
        }

        return items.Skip((Page - 1) * PageSize).Take(PageSize).ToList();
    }

    public bool HasNext(int count) => (long)Page * PageSize < count;

    /// <summary>DRF's next/previous link: the request's absolute URL with <c>page</c> replaced (or removed for page 1), parameters sorted.</summary>
    public static string Link(HttpContext context, int? page)
    {
        var query = context.Request.Query
            .Where(q => q.Key != "page")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .ToList();
        if (page is { } p)
        {
            query.Add(new KeyValuePair<string, string?>("page", p.ToString(CultureInfo.InvariantCulture)));
        }

        var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{TrailingSlashMiddleware.OriginalPath(context)}";
        return QueryHelpers.AddQueryString(baseUrl, query.OrderBy(q => q.Key, StringComparer.Ordinal));
    }
}
