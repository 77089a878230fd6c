namespace LabelPipeline.TimeSeries;

/// <summary>How a series is named across the pipeline: by its file name, wherever Label Studio stores it.</summary>
public static class SeriesNames
{
    /// <summary>The file name at the end of a storage URL: <c>/data/local-files/?d=ds/v1/a.csv</c>, <c>s3://b/p/a.csv</c>.</summary>
    public static string FromUrl(string url)
    {
        var path = url.Contains("?d=", StringComparison.Ordinal) ? Uri.UnescapeDataString(url[(url.IndexOf("?d=", StringComparison.Ordinal) + 3)..]) : url;
        return path.Split('?')[0].TrimEnd('/').Split('/')[^1];
    }
}
