/// A trie over scalar (or syllable) sequences that grows by insertion: edges live in one hash map
/// keyed by (node, symbol), so a node costs nothing until it has children, and values are small
/// arrays per terminal node.
struct ScalarTrie<Value: Hashable & Sendable>: Sendable {
    private var edges: [UInt64: Int32] = [:]
    private var values: [Int32: [Value]] = [:]
    private var nodeCount: Int32 = 1

    static var root: Int32 { 0 }

    /// The node reached from `node` by `symbol`, if any.
    @inline(__always)
    func child(_ node: Int32, _ symbol: UInt32) -> Int32? {
        edges[UInt64(UInt32(bitPattern: node)) << 32 | UInt64(symbol)]
    }

    /// The values stored at a node.
    @inline(__always)
    func values(at node: Int32) -> [Value]? { values[node] }

    /// Adds a value under a key (no duplicates).
    mutating func insert<C: Collection>(_ key: C, _ value: Value, root: Int32 = 0) where C.Element == UInt32 {
        var node = root
        for symbol in key {
            let edge = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(symbol)
            if let next = edges[edge] {
                node = next
            } else {
                edges[edge] = nodeCount
                node = nodeCount
                nodeCount += 1
            }
        }
        if values[node]?.contains(value) != true { values[node, default: []].append(value) }
    }

    /// Removes a value from a key (the nodes stay; they are cheap).
    mutating func remove<C: Collection>(_ key: C, _ value: Value, root: Int32 = 0) where C.Element == UInt32 {
        var node = root
        for symbol in key {
            guard let next = child(node, symbol) else { return }
            node = next
        }
        values[node]?.removeAll { $0 == value }
        if values[node]?.isEmpty == true { values[node] = nil }
    }

    /// The node for a sub-root (e.g. one trie per township), created on first use.
    mutating func subRoot(_ id: UInt32) -> Int32 {
        let edge = UInt64(UInt32.max) << 32 | UInt64(id)
        if let node = edges[edge] { return node }
        edges[edge] = nodeCount
        nodeCount += 1
        return nodeCount - 1
    }

    /// The node for a sub-root, if it exists.
    func existingSubRoot(_ id: UInt32) -> Int32? { edges[UInt64(UInt32.max) << 32 | UInt64(id)] }

    /// Every match starting at `start`: (end index, values) for each key that is a prefix of `text[start...]`.
    func matches(in text: [UInt32], from start: Int, root: Int32 = 0, _ body: (Int, [Value]) -> Void) {
        var node = root
        var index = start
        while index < text.count, let next = child(node, text[index]) {
            node = next
            index += 1
            if let found = values[node] { body(index, found) }
        }
    }
}
