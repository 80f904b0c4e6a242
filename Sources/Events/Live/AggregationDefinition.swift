import Foundation

/// A windowed aggregation over a spatialised stream, as data: which events (topic, type, area), the
/// windows (tumbling when `advance` equals `size`, hopping when it is shorter), what the results are
/// grouped by, which values and statistics, and how late data is treated.
///
/// ```json
/// {"id": "pm25-by-district", "window": {"size": "1m"}, "group_by": ["region"], "regions": "wuhan_districts",
///  "values": ["pm25"], "statistics": ["count", "avg", "max", "p95"], "allowed_lateness": "5s", "correction_horizon": "10m"}
/// ```
public struct AggregationDefinition: LiveDefinition {
    public static let kind = DefinitionKind.aggregation
    public static let fields: Set<String> = [
        "id", "title", "description", "input", "event_type", "window", "group_by", "regions", "region_level", "grid_size", "values", "statistics",
        "bbox", "subject_prefix", "allowed_lateness", "correction_horizon", "idle_timeout", "output",
    ]

    /// What results are grouped by; several make a compound key.
    public enum Grouping: String, Codable, Sendable, CaseIterable {
        /// The sensor (`data.sensor_id`, else the subject).
        case sensor
        /// The region the event lies in: a polygon of the `regions` entity collection, or a division of the gazetteer.
        case region
        /// A square cell of `grid_size` degrees (EPSG:4490).
        case grid
        /// The theme label (`attributes.theme`).
        case theme
        /// The observed property (each value name is its own group).
        case property
    }

    /// The statistics a window can report per value.
    public enum Statistic: String, Codable, Sendable, CaseIterable {
        case count, sum, avg, min, max, stddev, p50, p95
    }

    /// Window length and step.
    public struct Window: Codable, Sendable, Hashable {
        public var size: TimeSpan
        /// The step between window starts; `nil` or equal to `size`: tumbling windows.
        public var advance: TimeSpan?

        public init(size: TimeSpan, advance: TimeSpan? = nil) {
            self.size = size
            self.advance = advance
        }

        public var step: TimeSpan { advance ?? size }
        public var isTumbling: Bool { step == size }
    }

    public var id: String
    public var title: String?
    public var description: String?
    /// The spatialised topic read (default `spatial.events`).
    public var input: String
    /// The event type aggregated (default `sensor.reading`).
    public var eventType: String
    public var window: Window
    public var groupBy: [Grouping]
    /// For `region`: an entity collection of polygons (e.g. `wuhan_districts`), or `gazetteer` for
    /// the gazetteer's divisions at `region_level`.
    public var regions: String?
    /// For `regions: gazetteer`: `province`, `city` or `county` (default).
    public var regionLevel: String?
    /// For `grid`: the cell side in degrees (default 0.01).
    public var gridSize: Double?
    /// The value names aggregated; empty: every value an event carries.
    public var values: [String]
    public var statistics: [Statistic]
    /// Only events inside west, south, east, north (EPSG:4490).
    public var bbox: [Double]?
    /// Only events whose subject starts with this, e.g. `sensor:wh-`.
    public var subjectPrefix: String?
    /// How far behind the newest event time of a partition an event may be and still count as on time.
    public var allowedLateness: TimeSpan
    /// How long after a window was emitted a late event still corrects it (a new version); later
    /// events are dead letters.
    public var correctionHorizon: TimeSpan
    /// A partition without events for this long (processing time) no longer holds windows back.
    public var idleTimeout: TimeSpan
    /// The `agg.*` topic results go to (default `agg.readings`).
    public var output: String

    public init(
        id: String, title: String? = nil, description: String? = nil, input: String = Topics.spatialEvents, eventType: String = "sensor.reading",
        window: Window, groupBy: [Grouping] = [], regions: String? = nil, regionLevel: String? = nil, gridSize: Double? = nil,
        values: [String] = [], statistics: [Statistic] = Statistic.allCases, bbox: [Double]? = nil, subjectPrefix: String? = nil,
        allowedLateness: TimeSpan = .seconds(5), correctionHorizon: TimeSpan = .minutes(10), idleTimeout: TimeSpan = .seconds(30),
        output: String = Topics.aggregatesOfReadings
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.input = input
        self.eventType = eventType
        self.window = window
        self.groupBy = groupBy
        self.regions = regions
        self.regionLevel = regionLevel
        self.gridSize = gridSize
        self.values = values
        self.statistics = statistics
        self.bbox = bbox
        self.subjectPrefix = subjectPrefix
        self.allowedLateness = allowedLateness
        self.correctionHorizon = correctionHorizon
        self.idleTimeout = idleTimeout
        self.output = output
    }

    enum CodingKeys: String, CodingKey {
        case id, title, description, input, window, regions, values, statistics, bbox, output
        case eventType = "event_type"
        case groupBy = "group_by"
        case regionLevel = "region_level"
        case gridSize = "grid_size"
        case subjectPrefix = "subject_prefix"
        case allowedLateness = "allowed_lateness"
        case correctionHorizon = "correction_horizon"
        case idleTimeout = "idle_timeout"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AggregationDefinition(id: "", window: Window(size: .minutes(1)))
        id = try container.decode(String.self, forKey: .id)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        input = try container.decodeIfPresent(String.self, forKey: .input) ?? defaults.input
        eventType = try container.decodeIfPresent(String.self, forKey: .eventType) ?? defaults.eventType
        window = try container.decode(Window.self, forKey: .window)
        groupBy = try container.decodeIfPresent([Grouping].self, forKey: .groupBy) ?? []
        regions = try container.decodeIfPresent(String.self, forKey: .regions)
        regionLevel = try container.decodeIfPresent(String.self, forKey: .regionLevel)
        gridSize = try container.decodeIfPresent(Double.self, forKey: .gridSize)
        values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
        statistics = try container.decodeIfPresent([Statistic].self, forKey: .statistics) ?? defaults.statistics
        bbox = try container.decodeIfPresent([Double].self, forKey: .bbox)
        subjectPrefix = try container.decodeIfPresent(String.self, forKey: .subjectPrefix)
        allowedLateness = try container.decodeIfPresent(TimeSpan.self, forKey: .allowedLateness) ?? defaults.allowedLateness
        correctionHorizon = try container.decodeIfPresent(TimeSpan.self, forKey: .correctionHorizon) ?? defaults.correctionHorizon
        idleTimeout = try container.decodeIfPresent(TimeSpan.self, forKey: .idleTimeout) ?? defaults.idleTimeout
        output = try container.decodeIfPresent(String.self, forKey: .output) ?? defaults.output
    }

    /// Region levels of the gazetteer a definition may group by.
    public static let regionLevels = ["province", "city", "county"]

    public func problem() -> String? {
        if let problem = DefinitionID.problem(id) { return problem }
        if window.size.milliseconds < 100 { return "window.size must be at least 100ms, not \(window.size)" }
        if window.step.milliseconds < 100 || window.step > window.size {
            return "window.advance must be between 100ms and window.size (\(window.size)), not \(window.step)"
        }
        if window.size.milliseconds % window.step.milliseconds != 0 {
            return "window.size (\(window.size)) must be a whole multiple of window.advance (\(window.step))"
        }
        if window.size.milliseconds / window.step.milliseconds > 60 {
            return
                "a hopping window may overlap at most 60 others: window.size / window.advance is \(window.size.milliseconds / window.step.milliseconds)"
        }
        if Set(groupBy).count != groupBy.count { return "group_by names a grouping twice: \(groupBy.map(\.rawValue))" }
        if groupBy.contains(.region) {
            guard let regions, !regions.isEmpty else {
                return "group_by region needs regions: an entity collection of polygons (e.g. wuhan_districts) or gazetteer"
            }
            if regions == "gazetteer" {
                if let level = regionLevel, !Self.regionLevels.contains(level) {
                    return "region_level must be one of \(Self.regionLevels.joined(separator: ", ")), not \(level)"
                }
            } else if let problem = CollectionMetadata.problem(withID: regions) {
                return "regions: \(problem)"
            }
        }
        if let gridSize, !(gridSize >= 0.0001 && gridSize <= 10) { return "grid_size must be between 0.0001 and 10 degrees, not \(gridSize)" }
        if values.contains(where: \.isEmpty) { return "values must not contain an empty name" }
        if statistics.isEmpty { return "statistics must name at least one of \(Statistic.allCases.map(\.rawValue).joined(separator: ", "))" }
        if let bbox {
            guard bbox.count == 4, bbox.allSatisfy(\.isFinite), bbox[0] < bbox[2], bbox[1] < bbox[3] else {
                return "bbox must be [west, south, east, north] with west < east and south < north"
            }
        }
        if correctionHorizon < allowedLateness {
            return "correction_horizon (\(correctionHorizon)) must not be shorter than allowed_lateness (\(allowedLateness))"
        }
        if idleTimeout.milliseconds < 100 { return "idle_timeout must be at least 100ms" }
        guard output.hasPrefix("agg.") else { return "output must be an agg.* topic, not \(output)" }
        return nil
    }

    /// The statistics as the results name them for a value, e.g. `avg_pm25`.
    public func propertyNames(value: String) -> [String] {
        statistics.map { "\($0.rawValue)_\(value)" }
    }
}
