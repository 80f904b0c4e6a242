import Foundation

/// Subscribers by the box they watch (EPSG:4490 degrees), so that an event is tested only against
/// the subscribers whose box can contain it: 1,000 subscribers with small boxes cost a handful of
/// filter evaluations per event, not 1,000.
///
/// A grid per level, cells of 360/2^level degrees (level 0 … 24, down to ~2 cm); each box goes to
/// the finest level whose cells are at least its size, so it occupies at most 2×2 cells there.
/// Subscribers without a box are tested against every event.
struct SubscriberIndex: Sendable {
    static let levels = 25

    private struct Cell: Hashable {
        var x: Int64
        var y: Int64
    }

    /// Per level, the subscribers of each occupied cell.
    private var grids: [[Cell: [UInt64]]] = Array(repeating: [:], count: levels)
    private var placements: [UInt64: (level: Int, cells: [Cell])] = [:]
    private(set) var unbounded: Set<UInt64> = []

    var isEmpty: Bool { placements.isEmpty && unbounded.isEmpty }

    mutating func insert(_ id: UInt64, box: BoxBounds?) {
        guard let box else {
            unbounded.insert(id)
            return
        }
        let extent = max(box.east - box.west, box.north - box.south, 1e-9)
        let level = max(0, min(Self.levels - 1, Int(floor(log2(360 / extent)))))
        let cells = Self.cells(box, level: level)
        for cell in cells { grids[level][cell, default: []].append(id) }
        placements[id] = (level, cells)
    }

    mutating func remove(_ id: UInt64) {
        if unbounded.remove(id) != nil { return }
        guard let placement = placements.removeValue(forKey: id) else { return }
        for cell in placement.cells {
            grids[placement.level][cell]?.removeAll { $0 == id }
            if grids[placement.level][cell]?.isEmpty == true { grids[placement.level][cell] = nil }
        }
    }

    /// The subscribers whose box may meet `box` (a superset: their exact test comes after), and those without a box.
    func candidates(_ box: BoxBounds?) -> Set<UInt64> {
        var found = unbounded
        guard let box else {
            // Without a geometry only unbounded subscribers can match a spatial test; the exact
            // test decides, so every bounded one is a candidate too.
            for grid in grids { for ids in grid.values { found.formUnion(ids) } }
            return found
        }
        for level in 0..<Self.levels where !grids[level].isEmpty {
            let grid = grids[level]
            let size = Self.cellSize(level)
            let (x0, x1) = (Self.index(box.west + 180, size), Self.index(box.east + 180, size))
            let (y0, y1) = (Self.index(box.south + 90, size), Self.index(box.north + 90, size))
            if (x1 - x0 + 1) * (y1 - y0 + 1) <= Int64(grid.count) {
                for x in x0...x1 { for y in y0...y1 { if let ids = grid[Cell(x: x, y: y)] { found.formUnion(ids) } } }
            } else {
                for (cell, ids) in grid where (x0...x1).contains(cell.x) && (y0...y1).contains(cell.y) { found.formUnion(ids) }
            }
        }
        return found
    }

    private static func cellSize(_ level: Int) -> Double { 360 / Double(1 << level) }

    private static func index(_ value: Double, _ size: Double) -> Int64 { Int64(floor(value / size)) }

    private static func cells(_ box: BoxBounds, level: Int) -> [Cell] {
        let size = cellSize(level)
        var cells: [Cell] = []
        for x in index(box.west + 180, size)...index(box.east + 180, size) {
            for y in index(box.south + 90, size)...index(box.north + 90, size) { cells.append(Cell(x: x, y: y)) }
        }
        return cells
    }
}

/// West, south, east, north in EPSG:4490 degrees.
public struct BoxBounds: Sendable, Hashable {
    public var west: Double
    public var south: Double
    public var east: Double
    public var north: Double

    public init(west: Double, south: Double, east: Double, north: Double) {
        (self.west, self.south, self.east, self.north) = (west, south, east, north)
    }
}
