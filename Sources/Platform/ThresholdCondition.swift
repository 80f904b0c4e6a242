import CQL2
import Events
import JSON
import Processors

/// A threshold rule's CQL2 condition, evaluated in memory by ``CQL2Filter`` against one reading or
/// one aggregate window, with the queryables the `readings` or `aggregates` collection gives the
/// same names: a condition means in a rule what it means as a `filter` on that collection.
///
/// Any other name is a number (a reading value such as `pm25`, a window statistic such as
/// `avg_pm25`): the collections' value queryables are discovered from the data, a rule's are not
/// known before its first event.
struct ThresholdCondition: AlertCondition {
    private let filter: CQL2Filter
    private let types: [String: Queryable.ValueType]

    /// Throws a message fit for a 400 or a log line when the text does not parse or does not type-check.
    init(_ text: String, source: AlertRule.Source) throws(CQL2Error) {
        let expression = try CQL2.parse(text)
        var entries = source == .readings ? Self.readings : Self.aggregates
        for name in expression.propertyNames where !entries.contains(where: { $0.name == name }) {
            entries.append((name, .number(name)))
        }
        filter = try CQL2Filter(expression, queryables: Queryables(entries))
        types = Dictionary(entries.map { ($0.name, $0.queryable.type) }, uniquingKeysWith: { first, _ in first })
    }

    func matches(_ input: ConditionInput) -> Bool {
        filter.evaluate(InputFeature(input: input, types: types))
    }

    /// What a reading carries besides its values (as the readings collection names them).
    private static let readings: [(name: String, queryable: Queryable)] = [
        ("geometry", .geometry("geometry", type: .point, nullable: false)), ("sensor_id", .string("sensor_id")),
        ("subject", .string("subject", nullable: false)), ("theme", .string("theme")),
        ("observed_at", .timestamp("observed_at", nullable: false)),
    ]

    /// What an aggregate window carries besides its statistics (as the aggregates collection names them).
    private static let aggregates: [(name: String, queryable: Queryable)] =
        [
            ("geometry", .geometry("geometry")), ("aggregation", .string("aggregation", nullable: false)),
            ("key", .string("key", nullable: false)), ("window_start", .timestamp("window_start", nullable: false)),
            ("window_end", .timestamp("window_end", nullable: false)), ("version", .integer("version", nullable: false)),
            ("late_events", .integer("late_events", nullable: false)), ("region_name", .string("region_name")),
        ] + AggregationDefinition.Grouping.allCases.map { ($0.rawValue, Queryable.string($0.rawValue)) }
}

/// A condition's input read as the queryables' types read it: the position as a point geometry.
private struct InputFeature: CQL2Feature {
    let input: ConditionInput
    let types: [String: Queryable.ValueType]

    func value(of name: String) -> CQL2Value? {
        guard let type = types[name] else { return nil }
        if type == .geometry {
            guard name == "geometry", let longitude = input.longitude, let latitude = input.latitude else { return nil }
            return .geometry(.point([longitude, latitude]))
        }
        return input.properties[name].flatMap { CQL2Value(json: $0, as: type) }
    }
}
