using Amazon.S3.Model;
using LabelPipeline.Aws;

namespace S3.Tests;

/// <summary>The pure merge: foreign rules stay in order, ours is upserted by ID, a re-run is a no-op.</summary>
public sealed class CorsRulesTests
{
    private static CORSRule Foreign(string id, string origin = "https://other.example.com") =>
        new() { Id = id, AllowedOrigins = [origin], AllowedMethods = ["PUT"], AllowedHeaders = ["*"], MaxAgeSeconds = 60 };

    [Fact]
    public void Ours_is_appended_after_foreign_rules_which_keep_their_order()
    {
        var ours = LabelStudioCorsRule.Create("lp", ["https://ls.example.com"]);
        var (rules, change) = CorsRules.Upsert([Foreign("a"), Foreign("b"), Foreign("c")], ours);
        Assert.Equal(CorsChange.Added, change);
        Assert.Equal(["a", "b", "c", "lp"], rules.Select(r => r.Id));
    }

    [Fact]
    public void The_same_rule_again_changes_nothing_even_with_lists_in_another_order()
    {
        var ours = LabelStudioCorsRule.Create("lp", ["https://ls.example.com", "http://localhost:8080"]);
        var stored = LabelStudioCorsRule.Create("lp", ["http://localhost:8080", "https://ls.example.com"]);
        stored.AllowedMethods = ["HEAD", "GET"];
        var (rules, change) = CorsRules.Upsert([Foreign("a"), stored, Foreign("c")], ours);
        Assert.Equal(CorsChange.Unchanged, change);
        Assert.Equal(["a", "lp", "c"], rules.Select(r => r.Id));
    }

    [Fact]
    public void A_changed_origin_replaces_our_rule_in_place()
    {
        var old = LabelStudioCorsRule.Create("lp", ["https://old.example.com"]);
        var ours = LabelStudioCorsRule.Create("lp", ["https://new.example.com"]);
        var (rules, change) = CorsRules.Upsert([Foreign("a"), old, Foreign("c")], ours);
        Assert.Equal(CorsChange.Updated, change);
        Assert.Equal(["a", "lp", "c"], rules.Select(r => r.Id));
        Assert.Equal(["https://new.example.com"], rules[1].AllowedOrigins);
    }

    [Fact]
    public void Remove_takes_out_only_our_rule()
    {
        var rules = CorsRules.Remove([Foreign("a"), LabelStudioCorsRule.Create("lp", ["https://x.example.com"]), Foreign("c")], "lp");
        Assert.Equal(["a", "c"], rules.Select(r => r.Id));
    }

    [Theory]
    [InlineData("*", "https://a.example.com", true)]
    [InlineData("https://*.notebook.us-east-1.sagemaker.aws", "https://nb.notebook.us-east-1.sagemaker.aws", true)]
    [InlineData("https://*.notebook.us-east-1.sagemaker.aws", "https://nb.notebook.eu-west-1.sagemaker.aws", false)]
    [InlineData("https://a.example.com", "https://A.example.com", true)]
    [InlineData("https://a.example.com", "https://a.example.com:8443", false)]
    public void Origins_match_as_S3_matches_them(string pattern, string origin, bool matches) =>
        Assert.Equal(matches, CorsRules.OriginMatches(pattern, origin));

    [Theory]
    [InlineData("https://Labels.Example.com/", "https://labels.example.com")]
    [InlineData("https://labels.example.com:443/proxy/8080/", "https://labels.example.com")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("  http://localhost:8080/x?y=1  ", "http://localhost:8080")]
    [InlineData("https://nb.notebook.us-east-1.sagemaker.aws/proxy/8080/", "https://nb.notebook.us-east-1.sagemaker.aws")]
    public void Origins_are_scheme_host_and_port_only(string text, string origin) =>
        Assert.Equal(origin, Origins.Normalize(text, out _));

    [Theory]
    [InlineData("labels.example.com")]
    [InlineData("not a url")]
    [InlineData("ftp://labels.example.com")]
    [InlineData("/proxy/8080")]
    public void Anything_else_is_not_an_origin(string text)
    {
        Assert.Null(Origins.Normalize(text, out var error));
        Assert.Contains("http(s) URL", error);
    }
}
