/// A static R-tree over bounding boxes, packed with Sort-Tile-Recursive (Leutenegger et al., 1997):
/// boxes are sorted into vertical slices by their centre's x, each slice by y, and grouped into nodes
/// of `nodeSize`; the nodes are packed the same way until one root is left. Nodes of a level are kept
/// in flat arrays with their children contiguous below them, so a query is a loop over arrays.
public struct PackedRTree: Sendable {
    public static let nodeSize = 16

    /// Level 0 holds the items (in packed order); each higher level holds the nodes above it.
    private var levels: [Level] = []
    /// Item index (as given to `init`) of each level-0 slot.
    private var items: [Int32] = []

    struct Level: Sendable {
        var minX: [Double] = []
        var minY: [Double] = []
        var maxX: [Double] = []
        var maxY: [Double] = []
        /// For levels above 0: where each node's children start in the level below, and how many.
        var childStart: [Int32] = []
        var childCount: [Int32] = []
    }

    public var count: Int { items.count }

    /// Packs the boxes (west, south, east, north); item `i` is reported as `i`.
    public init(boxes: [(Double, Double, Double, Double)]) {
        guard !boxes.isEmpty else { return }
        items = Array(0..<Int32(boxes.count))
        var leaves = Level()
        for box in boxes {
            leaves.minX.append(box.0)
            leaves.minY.append(box.1)
            leaves.maxX.append(box.2)
            leaves.maxY.append(box.3)
        }
        levels = [leaves]
        while levels[levels.count - 1].minX.count > 1 {
            let below = levels[levels.count - 1]
            // Group the level below into nodes; reorder it by tiles first so groups are contiguous.
            let nodeOrder = Self.tile(Array(0..<Int32(below.minX.count))) {
                (below.minX[Int($0)], below.minY[Int($0)], below.maxX[Int($0)], below.maxY[Int($0)])
            }
            let reordered = Self.reorder(below, nodeOrder, levelIndex: levels.count - 1)
            levels[levels.count - 1] = reordered
            if levels.count == 1 { items = nodeOrder.map { items[Int($0)] } }
            var parent = Level()
            var start = 0
            while start < reordered.minX.count {
                let end = min(start + Self.nodeSize, reordered.minX.count)
                var box = (Double.infinity, Double.infinity, -Double.infinity, -Double.infinity)
                for child in start..<end {
                    box.0 = min(box.0, reordered.minX[child])
                    box.1 = min(box.1, reordered.minY[child])
                    box.2 = max(box.2, reordered.maxX[child])
                    box.3 = max(box.3, reordered.maxY[child])
                }
                parent.minX.append(box.0)
                parent.minY.append(box.1)
                parent.maxX.append(box.2)
                parent.maxY.append(box.3)
                parent.childStart.append(Int32(start))
                parent.childCount.append(Int32(end - start))
                start = end
            }
            levels.append(parent)
        }
    }

    /// Calls `body` with every item whose box contains the point.
    @inlinable
    public func forEach(containing longitude: Double, _ latitude: Double, _ body: (Int32) -> Void) {
        search(longitude, latitude, body)
    }

    @usableFromInline
    func search(_ x: Double, _ y: Double, _ body: (Int32) -> Void) {
        guard let top = levels.last, !top.minX.isEmpty else { return }
        // (level, start, count) ranges still to look at.
        var stack: [(Int, Int32, Int32)] = [(levels.count - 1, 0, Int32(top.minX.count))]
        stack.reserveCapacity(32)
        while let entry = stack.popLast() {
            let (levelIndex, start, count) = entry
            let level = levels[levelIndex]
            for slot in Int(start)..<Int(start + count) {
                guard level.minX[slot] <= x, x <= level.maxX[slot], level.minY[slot] <= y, y <= level.maxY[slot] else { continue }
                if levelIndex == 0 {
                    body(items[slot])
                } else {
                    stack.append((levelIndex - 1, level.childStart[slot], level.childCount[slot]))
                }
            }
        }
    }

    /// The STR order of entries: slices by centre x, each sorted by centre y.
    private static func tile(_ entries: [Int32], box: (Int32) -> (Double, Double, Double, Double)) -> [Int32] {
        let nodes = (entries.count + nodeSize - 1) / nodeSize
        let slices = max(1, Int(Double(nodes).squareRoot().rounded(.up)))
        let perSlice = slices * nodeSize
        let centres = entries.map { entry -> (Int32, Double, Double) in
            let b = box(entry)
            return (entry, (b.0 + b.2) / 2, (b.1 + b.3) / 2)
        }
        let byX = centres.sorted { $0.1 < $1.1 }
        var result: [Int32] = []
        result.reserveCapacity(entries.count)
        var start = 0
        while start < byX.count {
            let end = min(start + perSlice, byX.count)
            result.append(contentsOf: byX[start..<end].sorted { $0.2 < $1.2 }.map(\.0))
            start = end
        }
        return result
    }

    private static func reorder(_ level: Level, _ order: [Int32], levelIndex: Int) -> Level {
        var reordered = Level()
        for index in order.map(Int.init) {
            reordered.minX.append(level.minX[index])
            reordered.minY.append(level.minY[index])
            reordered.maxX.append(level.maxX[index])
            reordered.maxY.append(level.maxY[index])
            if levelIndex > 0 {
                reordered.childStart.append(level.childStart[index])
                reordered.childCount.append(level.childCount[index])
            }
        }
        return reordered
    }
}
