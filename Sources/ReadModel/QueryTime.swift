import Events
import Foundation

/// A `datetime` or `as_of` value: an instant, or an interval whose ends may be open.
public struct QueryTime: Sendable, Hashable {
    public var start: Date?
    public var end: Date?
    /// An instant: `start == end`, both set.
    public var isInstant: Bool

    /// An RFC 3339 date-time or date (midnight UTC), or an interval `start/end` with `..` or
    /// nothing for an open end.
    public init(parsing text: String, parameter: String, allowInterval: Bool = true) throws(FeatureStoreError) {
        func instant(_ part: Substring) throws(FeatureStoreError) -> Date? {
            if part.isEmpty || part == ".." { return nil }
            let value = String(part)
            if let date = Timestamp.parse(value) ?? (value.count == 10 ? Timestamp.parse(value + "T00:00:00Z") : nil) { return date }
            throw FeatureStoreError(
                .badRequest,
                "\(parameter) \(text) is not an RFC 3339 date-time\(allowInterval ? " or interval (start/end, '..' for an open end)" : ""), e.g. 2026-11-25T06:00:00Z"
            )
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let date = try instant(parts[0]) else { throw FeatureStoreError(.badRequest, "\(parameter) must not be empty") }
            (start, end, isInstant) = (date, date, true)
        case 2 where allowInterval:
            let (first, last) = (try instant(parts[0]), try instant(parts[1]))
            if let first, let last, first > last {
                throw FeatureStoreError(.badRequest, "\(parameter) interval \(text) ends before it starts")
            }
            if first == nil && last == nil { throw FeatureStoreError(.badRequest, "\(parameter) \(text) is open at both ends; leave it out instead") }
            (start, end, isInstant) = (first, last, false)
        default:
            throw FeatureStoreError(.badRequest, "\(parameter) \(text) must be one instant\(allowInterval ? " or one interval start/end" : "")")
        }
    }

    /// Bind-ready RFC 3339 text of the ends (exact to the millisecond).
    var startText: String? { start.map(Timestamp.format) }
    var endText: String? { end.map(Timestamp.format) }
}
