import ArgumentParser

/// Benchmarks of the live layer, printing figures (run them with scripts/bench-live, which puts the
/// peers beside them): the aggregator's throughput over a topic, and fence matching at 1k–100k fences.
@main
struct LiveBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-bench", abstract: "Benchmarks of the live layer: windowed aggregation and geofence matching.",
        subcommands: [ProduceReadings.self, Aggregate.self, Fences.self])
}
