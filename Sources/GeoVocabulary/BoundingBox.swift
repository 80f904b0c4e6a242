/// A longitude/latitude rectangle in EPSG:4490.
public struct GeoBounds: Sendable, Hashable, CustomStringConvertible {
    public var west: Double
    public var south: Double
    public var east: Double
    public var north: Double

    public init(west: Double, south: Double, east: Double, north: Double) {
        self.west = west
        self.south = south
        self.east = east
        self.north = north
    }

    /// Mainland China, Hainan and the South China Sea islands, with a margin.
    public static let china = GeoBounds(west: 73.0, south: 3.0, east: 136.0, north: 54.0)
    /// Every valid position.
    public static let world = GeoBounds(west: -180, south: -90, east: 180, north: 90)

    /// Parses `west,south,east,north`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts[0] < parts[2], parts[1] < parts[3] else { return nil }
        self.init(west: parts[0], south: parts[1], east: parts[2], north: parts[3])
    }

    public func contains(longitude: Double, latitude: Double) -> Bool {
        (west...east).contains(longitude) && (south...north).contains(latitude)
    }

    public var description: String { "\(west),\(south),\(east),\(north)" }
}

import Foundation
