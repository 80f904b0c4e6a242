import ReadModel
import Testing

/// When a tile skips the density probe, without a database.
@Suite("Tile density hints")
struct TileDensityHintTests {
    static func kind(zoom: Int = 14, parameters: String = "") -> TileDensityHints.Kind {
        TileDensityHints.Kind(
            TileCache.Key(collection: "c", matrixSet: "WebMercatorQuad", zoom: zoom, column: 1, row: 2, parameters: parameters, principal: ""))
    }

    @Test("a streak of tiles under a quarter of the cap at level 0 skips the probe; one dense or thinned tile ends it")
    func streak() {
        let hints = TileDensityHints(streak: 3)
        let kind = Self.kind()
        for _ in 0..<2 { hints.record(kind, level: 0, count: 250, cap: 1_000) }
        #expect(!hints.expectsSparse(kind))
        hints.record(kind, level: 0, count: 0, cap: 1_000)
        #expect(hints.expectsSparse(kind))
        #expect(!hints.expectsSparse(Self.kind(zoom: 13)) && !hints.expectsSparse(Self.kind(parameters: "filter=x")), "per zoom and parameters")
        hints.record(kind, level: 0, count: 251, cap: 1_000)
        #expect(!hints.expectsSparse(kind), "over a quarter of the cap")
        let elsewhere = TileDensityHints.Kind(
            TileCache.Key(collection: "c", matrixSet: "WebMercatorQuad", zoom: 14, column: 9, row: 9, parameters: "", principal: ""))
        #expect(elsewhere == kind, "a kind is every tile of the zoom")
        for _ in 0..<3 { hints.record(kind, level: 0, count: 1, cap: 1_000) }
        hints.record(kind, level: 2, count: 10, cap: 1_000)
        #expect(!hints.expectsSparse(kind), "a thinned tile")
    }

    @Test("past its capacity of kinds it forgets them all and learns again")
    func capacity() {
        let hints = TileDensityHints(streak: 1, capacity: 2)
        for zoom in 0..<2 { hints.record(Self.kind(zoom: zoom), level: 0, count: 0, cap: 100) }
        #expect(hints.expectsSparse(Self.kind(zoom: 0)) && hints.expectsSparse(Self.kind(zoom: 1)))
        hints.record(Self.kind(zoom: 2), level: 0, count: 0, cap: 100)
        #expect(!hints.expectsSparse(Self.kind(zoom: 0)) && hints.expectsSparse(Self.kind(zoom: 2)))
    }
}
