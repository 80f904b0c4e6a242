/// The gazetteer: divisions at five levels with their names over time, boundaries, the address/POI
/// layer and aliases, together with the in-memory indexes that geocoding uses. It changes only
/// through ``apply(_:)``, one ``GazetteerChange`` at a time, so it can be projected from events.
public struct Gazetteer: Sendable {
    /// Every division ever applied, by internal id (an index into this array; ids are stable).
    public internal(set) var divisions: [Division] = []
    /// Boundaries by division code, EPSG:4490.
    public internal(set) var boundaries: [String: Boundary] = [:]
    /// The address/POI layer, by internal id.
    public internal(set) var addressPoints: [AddressPoint] = []
    /// Aliases, keyed by kind, scope and normalised text.
    public internal(set) var aliases: [AliasKey: Alias] = [:]
    /// Character data for fault tolerance.
    public let characters: CharacterTables

    var idByCode: [String: Int32] = [:]
    var parentID: [Int32] = []
    var childIDs: [[Int32]] = []
    var orphans: [String: [Int32]] = [:]
    var names = ScalarTrie<NameEntry>()
    var pinyinNames = ScalarTrie<NameEntry>()
    var villageNames = ScalarTrie<Int32>()
    /// The current names of each division as matching needs them, by internal id.
    var forms: [NameForms] = []
    var addressIDByKey: [String: Int32] = [:]
    var addressesByRoad: [RoadKey: [Int32]] = [:]
    var addressesByNumber: [NumberKey: [Int32]] = [:]
    var aliasTrie = ScalarTrie<AliasKey>()
    var spatial = BoundaryIndex()
    var pointGrid = PointGrid()

    let normalizer: TextNormalizer

    /// An empty gazetteer that uses these character tables for fault-tolerant matching.
    public init(characters: CharacterTables = .empty) {
        self.characters = characters
        self.normalizer = TextNormalizer(tables: characters)
    }

    /// A gazetteer with these changes applied in order.
    public init(characters: CharacterTables = .empty, changes: some Sequence<GazetteerChange>) {
        self.init(characters: characters)
        for change in changes { apply(change) }
    }

    /// The division with this code.
    public func division(code: String) -> Division? {
        idByCode[code].map { divisions[Int($0)] }
    }

    /// The chain of divisions from the province down to this one.
    public func lineage(code: String) -> [Division] {
        guard let id = idByCode[code] else { return [] }
        return lineage(id).map { divisions[Int($0)] }
    }

    /// Counts per level, for reports.
    public var counts: [AdminLevel: Int] {
        var result: [AdminLevel: Int] = [:]
        for division in divisions { result[division.level, default: 0] += 1 }
        return result
    }

    // MARK: - Internal helpers

    func lineage(_ id: Int32) -> [Int32] {
        var chain: [Int32] = [id]
        var current = parentID[Int(id)]
        while current >= 0, chain.count < 8 {
            chain.append(current)
            current = parentID[Int(current)]
        }
        return chain.reversed()
    }

    /// Whether `ancestor` is a strict ancestor of `id`.
    @inline(__always)
    func isAncestor(_ ancestor: Int32, of id: Int32) -> Bool {
        var current = parentID[Int(id)]
        var steps = 0
        while current >= 0, steps < 8 {
            if current == ancestor { return true }
            current = parentID[Int(current)]
            steps += 1
        }
        return false
    }

    /// Whether `id` lies within a division (itself or a descendant).
    func isWithin(_ id: Int32, _ scope: Int32) -> Bool { id == scope || isAncestor(scope, of: id) }
}

/// A division's current names, normalised, kept beside the division so that matching does no string
/// work: its full and short names, and the official level word its name ends with (区 of 洪山区).
struct NameForms: Sendable {
    var level: AdminLevel
    var full: [UInt32]
    var short: [UInt32]?
    var officialWord: [UInt32]?
}

/// Where a name in the trie comes from.
struct NameEntry: Hashable, Sendable {
    var division: Int32
    /// Index into the division's `names`.
    var nameIndex: UInt8
    var isShort: Bool
}

/// The identity of an alias: kind, scope and normalised text.
public struct AliasKey: Hashable, Sendable, Codable {
    public var kind: Alias.Kind
    public var scopeCode: String?
    public var text: String
}

struct RoadKey: Hashable, Sendable {
    var county: Int32
    var road: String
}

struct NumberKey: Hashable, Sendable {
    var county: Int32
    var road: String
    var number: String
}
