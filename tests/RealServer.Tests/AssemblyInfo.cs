// One real server at a time (each costs a migrate of ~30-60 s and a good part of two cores): the collections run in turn.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
