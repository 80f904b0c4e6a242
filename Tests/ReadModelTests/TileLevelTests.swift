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

    @Test("levels 7, 5, 3, 1 counted through their indexes: estimated from the sparsest count at the threshold")
    func estimated() {
        // The threshold is 156: level 1 under it, so about 4 × 140 features in all, every one kept.
        #expect(TileStatement.level(counts: [nil, 140, nil, 9, nil, 1, nil, 0], limits: Self.limits) == 0)
        // 3,000,000 features: level 7 holds about 183 → 183 × 4^7 ≈ 3.0M → level 5 holds ≈ 2,930.
        #expect(TileStatement.level(counts: [nil, nil, nil, nil, nil, nil, nil, 183], limits: Self.limits) == 5)
        // 35,000 features: level 3 holds about 547 → level 1 ≈ 8,750.
        #expect(TileStatement.level(counts: [nil, nil, nil, 547, nil, 34, nil, 2], limits: Self.limits) == 1)
        // Just within the cap by the estimate (156 × 64 = 9,984): every feature; one more: the next level.
        #expect(TileStatement.level(counts: [nil, nil, nil, 156, nil, 10, nil, 1], limits: Self.limits) == 0)
        #expect(TileStatement.level(counts: [nil, nil, nil, 157, nil, 10, nil, 1], limits: Self.limits) == 1)
    }
}
