/// One MQTT feed: a topic filter and the coordinate system its publishers use.
public struct MQTTFeed: Sendable, Hashable, CustomStringConvertible {
    public var topicFilter: String
    /// e.g. `EPSG:4326` (the default) or a CGCS2000 Gauss-Krüger zone such as `EPSG:4547`.
    public var crs: String

    public init(topicFilter: String, crs: String = "EPSG:4326") {
        self.topicFilter = topicFilter
        self.crs = crs
    }

    /// Parses `filter` or `filter@CRS`, e.g. `city/+/air@EPSG:4326`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        guard let filter = parts.first, !filter.isEmpty else { return nil }
        self.init(topicFilter: filter, crs: parts.count > 1 ? parts[1] : "EPSG:4326")
    }

    public var description: String { "\(topicFilter)@\(crs)" }
}
