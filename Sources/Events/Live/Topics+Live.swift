extension Topics {
    /// Aggregation definitions (`aggregation.defined`, `aggregation.deleted`).
    public static let aggregations = "aggregations"
    /// Drawn geofences (`geofence.defined`, `geofence.deleted`).
    public static let geofences = "geofences"
    /// Alert rules (`rule.defined`, `rule.deleted`).
    public static let alertRules = "alert.rules"
    /// Windowed aggregates of readings (`aggregate.window`), the default output of aggregations.
    public static let aggregatesOfReadings = "agg.readings"
    /// Alerts raised, acknowledged and cleared.
    public static let alerts = "alerts"
    /// Checkpoints of the stateful processors (aggregator, alerting): positions and state.
    public static let checkpoints = "processors.checkpoints"
}

extension CollectionRegistration {
    /// The live layer's built-in collections: every aggregation's windows, and the alerts.
    static var liveBuiltIns: [CollectionMetadata] {
        [
            CollectionMetadata(
                id: "aggregates", kind: .aggregates, title: "Windowed aggregates",
                description:
                    "Every window of every aggregation (count, sum, avg, min, max, stddev, p50, p95 per value), bitemporal: as_of shows what a window said before a late event corrected it.",
                keywords: ["aggregates", "windows", "time series", "real time"], domain: "iot", industry: "environment", theme: "air-quality",
                classification: "public", source: "the aggregator (agg.* topics)", updateFrequency: "continual"),
            CollectionMetadata(
                id: "alerts", kind: .alerts, title: "Alerts",
                description:
                    "Alerts raised by geofence and threshold rules, with their subject, fence, evidence and status (raised, acknowledged, cleared).",
                keywords: ["alerts", "geofences", "early warning"], domain: "iot", industry: "environment", theme: "early-warning",
                classification: "public", source: "the alerting processor (alerts topic)", updateFrequency: "continual"),
        ]
    }
}
