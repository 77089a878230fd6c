using CsCheck;
using LabelPipeline.Export;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// The review matches an annotation's regions to predicted ones by value through a key, not by scanning every predicted
/// region for each annotated one (quadratic in a task with hundreds of thousands of both). Whatever the regions (ids and
/// values colliding often), every match and outcome must be the scan's: the first predicted region not taken yet.
/// </summary>
public sealed class PredictionReviewMatchingTests
{
    private static readonly string[][] LabelSets = [["Anomaly"], ["Normal"], ["Anomaly", "Normal"], ["Normal", "Anomaly"]];

    private static LabeledRange Region(int annotation, int id, int start, int length, int labels) => new()
    {
        TaskId = 1, SeriesFile = "a.csv", RegionId = $"r{id}", AnnotationId = annotation, Start = RangeBound.At(start), End = RangeBound.At(start + length),
        StartRaw = $"{start}", EndRaw = $"{start + length}", Instant = length == 0, Labels = LabelSets[labels],
    };

    private static Gen<LabeledRange[]> Regions(int annotation) =>
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 3]).Array[0, 25]
            .Select(items => items.Select(i => Region(annotation, i.Item1, i.Item2, i.Item3, i.Item4)).ToArray());

    [Fact]
    public void Matches_are_the_first_untaken_predicted_region_as_a_scan_finds_them()
    {
        Gen.Select(Regions(7), Regions(30), Regions(31)).Sample((predicted, first, second) =>
        {
            var annotations = new[] { new ExportedAnnotation { Id = 30 }, new ExportedAnnotation { Id = 31 } };
            var annotated = first.Concat(second).ToArray();
            var task = new ExportedTask(1, "a.csv", false, annotations, [new ExportedPrediction(7, "v1", predicted, null)], _ => annotated);
            var (ranges, reviews, _) = PredictionReview.Review(task, annotated, null, AnnotationSelection.All);
            var (expectedRanges, expectedReviews) = Scan(predicted, annotated, annotations);

            string Which(LabeledRange? p) => p is null ? "-" : Array.FindIndex(predicted, q => ReferenceEquals(q, p)).ToString();
            Assert.Equal(expectedRanges, ranges.Select(r => (r.RegionId, r.AnnotationId, r.Review, r.PredictionRegionId)));
            Assert.Equal(
                expectedReviews.Select(r => (Which(r.Predicted), r.AnnotationId, r.Outcome, r.Annotated?.RegionId)),
                reviews.Select(r => (Which(r.Predicted), r.AnnotationId, r.Outcome, r.Annotated?.RegionId)));
        }, seed: "0000000000017", iter: 2_000, threads: 1);
    }

    // The matching as it was: by id, then a scan of every predicted region for the first untaken one of the same value.
    private static (List<(string, int, string?, string?)> Ranges, List<(LabeledRange Predicted, int AnnotationId, string Outcome, LabeledRange? Annotated)> Reviews) Scan(
        LabeledRange[] predicted, LabeledRange[] annotated, ExportedAnnotation[] annotations)
    {
        static bool Same(LabeledRange a, LabeledRange b) => a.Start.CompareTo(b.Start) == 0 && a.End.CompareTo(b.End) == 0 && a.Labels.Order().SequenceEqual(b.Labels.Order());
        var ranges = new List<(string, int, string?, string?)>();
        var reviews = new List<(LabeledRange, int, string, LabeledRange?)>();
        foreach (var annotation in annotations)
        {
            var mine = annotated.Where(r => r.AnnotationId == annotation.Id).ToList();
            var matchOf = new Dictionary<LabeledRange, LabeledRange>(ReferenceEqualityComparer.Instance);
            var taken = new HashSet<LabeledRange>(ReferenceEqualityComparer.Instance);
            foreach (var region in mine)
            {
                if (predicted.FirstOrDefault(p => p.RegionId == region.RegionId && !taken.Contains(p)) is { } byId)
                {
                    matchOf[region] = byId;
                    taken.Add(byId);
                }
            }

            foreach (var region in mine.Where(r => !matchOf.ContainsKey(r)))
            {
                if (predicted.FirstOrDefault(p => !taken.Contains(p) && Same(p, region)) is { } byValue)
                {
                    matchOf[region] = byValue;
                    taken.Add(byValue);
                }
            }

            foreach (var region in mine)
            {
                if (matchOf.TryGetValue(region, out var p))
                {
                    var outcome = Same(p, region) ? ReviewOutcome.Confirmed : ReviewOutcome.Adjusted;
                    ranges.Add((region.RegionId, region.AnnotationId, outcome, p.RegionId));
                    reviews.Add((p, annotation.Id, outcome, region));
                }
                else
                {
                    ranges.Add((region.RegionId, region.AnnotationId, ReviewOutcome.Added, null));
                }
            }

            reviews.AddRange(predicted.Where(p => !taken.Contains(p)).Select(p => (p, annotation.Id, ReviewOutcome.Rejected, (LabeledRange?)null)));
        }

        return (ranges, reviews);
    }
}
