import ReadModel
import Testing

/// How a tile's thinning level follows from the counts of its area (``TileStatement/level(counts:limits:)``).
@Suite("Tile thinning level")
struct TileLevelTests {
    static var limits: TileLimits {
        var limits = TileLimits()
        limits.maximumFeatures = 10_000
        return limits
    }

    @Test("exact counts of every level: the smallest level within the cap, the deepest when none is")
    func exact() {
        #expect(TileStatement.level(counts: [9_000, 2_300, 560, 140, 35, 9, 2, 0], limits: Self.limits) == 0)
        #expect(TileStatement.level(counts: [10_000, 2_300, 560, 140, 35, 9, 2, 0], limits: Self.limits) == 0)
        #expect(TileStatement.level(counts: [10_001, 2_600, 650, 160, 40, 10, 3, 1], limits: Self.limits) == 1)
        #expect(TileStatement.level(counts: [900_000, 225_000, 56_000, 14_000, 3_500, 900, 220, 55], limits: Self.limits) == 4)
        #expect(TileStatement.level(counts: [Int](repeating: 20_000, count: 8), limits: Self.limits) == 7)
    }

    @Test("sparse levels counted through their indexes: estimated from the sparsest count at the threshold")
    func estimated() {
        // Nothing reached the threshold (312): under 4 × 312 features, all of them.
        #expect(TileStatement.level(counts: [nil, 300, 75, 18, 5, 1, 0, 0], limits: Self.limits) == 0)
        // 3,000,000 features: level 6 holds about 732 → 732 × 4^6 ≈ 3.0M → level 5 holds ≈ 2,900.
        #expect(TileStatement.level(counts: [nil, nil, nil, nil, nil, nil, 732, 183], limits: Self.limits) == 5)
        // 35,000 features: level 3 holds about 547 → level 1 ≈ 8,750.
        #expect(TileStatement.level(counts: [nil, nil, nil, 547, 137, 34, 8, 2], limits: Self.limits) == 1)
        // Exactly the cap by the estimate: every feature; one more: the next level.
        #expect(TileStatement.level(counts: [nil, nil, 625, 156, 39, 10, 2, 1], limits: Self.limits) == 0)
        #expect(TileStatement.level(counts: [nil, nil, 626, 156, 39, 10, 2, 1], limits: Self.limits) == 1)
    }
}
