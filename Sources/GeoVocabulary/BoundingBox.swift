import Foundation

/// A rectangle: west, south, east, north. Longitude/latitude degrees in a geographic CRS (EPSG:4490
/// unless said otherwise), easting/northing in a projected one; whatever the CRS's axis order, the
/// fields mean the same.
public struct BoundingBox: Sendable, Hashable, CustomStringConvertible {
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

    /// Mainland China, Hainan and the South China Sea islands, with a margin (EPSG:4490).
    public static let china = BoundingBox(west: 73.0, south: 3.0, east: 136.0, north: 54.0)
    /// Every valid position (EPSG:4490).
    public static let world = BoundingBox(west: -180, south: -90, east: 180, north: 90)

    /// How bbox text lists its numbers: in the axis order of its CRS (OGC API Features Part 2), and
    /// whether they are degrees (then they must lie within ±180°, ±90°).
    public struct Axes: Sendable, Hashable {
        /// y first: latitude or northing.
        public var swapped: Bool
        public var geographic: Bool
        /// The CRS, as error messages name it.
        public var crsName: String

        public init(swapped: Bool, geographic: Bool, crsName: String) {
            self.swapped = swapped
            self.geographic = geographic
            self.crsName = crsName
        }

        /// Longitude, latitude in EPSG:4490: the platform's own bbox parameters.
        public static let lonLat = Axes(swapped: false, geographic: true, crsName: "EPSG:4490 longitude/latitude")

        /// The order of the four numbers, in words.
        public var order: String {
            swapped
                ? (geographic ? "south,west,north,east" : "lower northing,lower easting,upper northing,upper easting")
                : (geographic ? "west,south,east,north" : "min x,min y,max x,max y")
        }
    }

    /// The one bbox parser every route and command uses: four numbers (or six, with heights, which
    /// are dropped) in the order `axes` gives, lower corner first, within ±180°/±90° when geographic.
    public init(parsing text: String, parameter: String = "bbox", axes: Axes = .lonLat) throws(ParameterError) {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4 || numbers.count == 6, numbers.allSatisfy({ $0?.isFinite ?? false }) else {
            throw ParameterError("\(parameter) must be four numbers, \(axes.order) in \(axes.crsName) (six with heights), not \(text)")
        }
        let values = numbers.compactMap { $0 }
        let corners = values.count == 6 ? [values[0], values[1], values[3], values[4]] : values
        guard corners[0] <= corners[2], corners[1] <= corners[3] else {
            throw ParameterError("\(parameter) \(text) is not a box: its corners are \(axes.order) in \(axes.crsName)")
        }
        let (x0, y0, x1, y1) = axes.swapped ? (corners[1], corners[0], corners[3], corners[2]) : (corners[0], corners[1], corners[2], corners[3])
        if axes.geographic {
            guard [x0, x1].allSatisfy({ abs($0) <= 180 }), [y0, y1].allSatisfy({ abs($0) <= 90 }) else {
                throw ParameterError(
                    "\(parameter) \(text) is outside ±180° longitude, ±90° latitude; in \(axes.crsName) it is \(axes.order)")
            }
        }
        self.init(west: x0, south: y0, east: x1, north: y1)
    }

    /// The four numbers in the order `axes` lists them (what a CQL2 `BBOX` literal in that CRS holds).
    public func corners(_ axes: Axes) -> [Double] {
        axes.swapped ? [south, west, north, east] : [west, south, east, north]
    }

    public func contains(longitude: Double, latitude: Double) -> Bool {
        (west...east).contains(longitude) && (south...north).contains(latitude)
    }

    /// Whether the two rectangles share at least a point.
    public func intersects(_ other: BoundingBox) -> Bool {
        west <= other.east && other.west <= east && south <= other.north && other.south <= north
    }

    /// `west,south,east,north`, as the parser reads it back.
    public var description: String { "\(west),\(south),\(east),\(north)" }
}
