import Events
import Foundation
import Hummingbird

/// The query parameters of `GET /items` (crawl items), validated. (Collections use `ItemRequest` of
/// the feature store.)
struct FeatureQuery: Sendable {
    static let defaultLimit = 10
    static let maximumLimit = 10_000

    /// west, south, east, north in EPSG:4490.
    var bbox: (west: Double, south: Double, east: Double, north: Double)?
    var limit: Int
    var offset: Int
    /// Valid-time interval; either end may be open.
    var start: Date?
    var end: Date?
    var sensorID: String?

    init(_ parameters: Parameters) throws {
        if let text = parameters.get("bbox") {
            let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.count == 4, let west = numbers[0], let south = numbers[1], let east = numbers[2], let north = numbers[3] else {
                throw Problem.badRequest("bbox must be four numbers: west,south,east,north (EPSG:4490 longitude/latitude)")
            }
            guard west <= east, south <= north, (-180...180).contains(west), (-180...180).contains(east),
                (-90...90).contains(south), (-90...90).contains(north)
            else {
                throw Problem.badRequest("bbox \(text) is not a valid longitude/latitude rectangle (west<=east, south<=north)")
            }
            bbox = (west, south, east, north)
        }
        limit = try Self.integer(parameters, "limit", default: Self.defaultLimit, range: 1...Self.maximumLimit)
        offset = try Self.integer(parameters, "offset", default: 0, range: 0...Int(Int32.max))
        if let text = parameters.get("datetime") {
            (start, end) = try Self.interval(text)
        }
        sensorID = parameters.get("sensor_id")
    }

    private static func integer(_ parameters: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = parameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return number
    }

    /// An RFC 3339 instant, or an interval `start/end` where either end may be `..` or empty.
    private static func interval(_ text: String) throws -> (Date?, Date?) {
        func instant(_ part: Substring) throws -> Date? {
            if part.isEmpty || part == ".." { return nil }
            guard let date = Timestamp.parse(String(part)) else {
                throw Problem.badRequest("datetime \(text) is not an RFC 3339 instant or interval (start/end, '..' for open)")
            }
            return date
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            let date = try instant(parts[0])
            guard date != nil else { throw Problem.badRequest("datetime must not be empty") }
            return (date, date)
        case 2:
            let (start, end) = (try instant(parts[0]), try instant(parts[1]))
            if let start, let end, start > end { throw Problem.badRequest("datetime interval \(text) ends before it starts") }
            return (start, end)
        default:
            throw Problem.badRequest("datetime \(text) has more than one '/'")
        }
    }

    var queryItemsForNext: String {
        var items = ["limit=\(limit)", "offset=\(offset + limit)"]
        if let bbox { items.append("bbox=\(bbox.west),\(bbox.south),\(bbox.east),\(bbox.north)") }
        if let sensorID { items.append("sensor_id=\(sensorID.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? sensorID)") }
        return items.joined(separator: "&")
    }
}
