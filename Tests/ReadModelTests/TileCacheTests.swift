import Foundation
import GeoVocabulary
import PostgresNIO
import ReadModel
import Testing

/// The tile cache's invalidation rules, without a database.
@Suite("Tile cache")
struct TileCacheTests {
    static func key(_ collection: String, zoom: Int = 10, parameters: String = "") -> TileCache.Key {
        TileCache.Key(collection: collection, matrixSet: "WebMercatorQuad", zoom: zoom, column: 1, row: 2, parameters: parameters, principal: "")
    }

    static func entry(area: BoundingBox, asOf: Date? = nil, kind: SourceKind = .entities) -> TileCache.Entry {
        TileCache.Entry(tile: ByteBuffer(string: "tile"), kind: kind, area: area, asOf: asOf)
    }

    let wuhan = BoundingBox(west: 114.2, south: 30.5, east: 114.4, north: 30.7)

    @Test("nothing is kept while change notices are not followed")
    func notFollowing() {
        let cache = TileCache(capacity: 1 << 20)
        cache.insert(Self.key("a"), Self.entry(area: wuhan), renderedFrom: cache.generation)
        #expect(cache.tile(Self.key("a")) == nil)
        cache.following(true)
        cache.insert(Self.key("a"), Self.entry(area: wuhan), renderedFrom: cache.generation)
        #expect(cache.tile(Self.key("a")) != nil)
        cache.following(false)
        #expect(cache.tile(Self.key("a")) == nil, "losing the notices drops every tile")
    }

    @Test("a change drops the tiles of its collection it overlaps, and keeps tiles as of an earlier time")
    func invalidation() {
        let cache = TileCache(capacity: 1 << 20)
        cache.following(true)
        let now = Date()
        cache.insert(Self.key("a"), Self.entry(area: wuhan), renderedFrom: cache.generation)
        cache.insert(
            Self.key("a", parameters: "as_of=past"), Self.entry(area: wuhan, asOf: now.addingTimeInterval(-60)), renderedFrom: cache.generation)
        cache.insert(
            Self.key("a", zoom: 11), Self.entry(area: BoundingBox(west: 120, south: 30, east: 121, north: 31)), renderedFrom: cache.generation)
        cache.insert(Self.key("b"), Self.entry(area: wuhan), renderedFrom: cache.generation)
        let change = TileChange(
            payload: #"{"kind":"entities","collection":"a","bbox":[114.3,30.6,114.31,30.61],"since":\#(now.timeIntervalSince1970)}"#)
        #expect(cache.apply(change) == 1)
        #expect(cache.tile(Self.key("a")) == nil)
        #expect(cache.tile(Self.key("a", parameters: "as_of=past")) != nil)
        #expect(cache.tile(Self.key("a", zoom: 11)) != nil)
        #expect(cache.tile(Self.key("b")) != nil)
        // Every collection of a kind, and everything.
        cache.insert(Self.key("s"), Self.entry(area: wuhan, kind: .sensors), renderedFrom: cache.generation)
        #expect(cache.apply(TileChange(payload: #"{"kind":"sensors","bbox":[114.3,30.6,114.3,30.6]}"#)) == 1)
        #expect(cache.apply(TileChange(payload: #"{"all":true}"#)) == 3)
        #expect(cache.apply(TileChange(payload: "not json")) == 0)
    }

    @Test("a tile rendered while an overlapping change arrived is not kept; one elsewhere is")
    func renderRace() {
        let cache = TileCache(capacity: 1 << 20)
        cache.following(true)
        let started = cache.generation
        cache.apply(TileChange(payload: #"{"kind":"entities","collection":"a","bbox":[114.3,30.6,114.31,30.61]}"#))
        cache.insert(Self.key("a"), Self.entry(area: wuhan), renderedFrom: started)
        #expect(cache.tile(Self.key("a")) == nil)
        cache.insert(Self.key("b"), Self.entry(area: wuhan), renderedFrom: started)
        #expect(cache.tile(Self.key("b")) != nil)
    }

    @Test("the least recently used tiles leave first when the cache is full")
    func eviction() {
        let cache = TileCache(capacity: 4_000)
        cache.following(true)
        for index in 0..<20 { cache.insert(Self.key("c\(index)"), Self.entry(area: wuhan), renderedFrom: cache.generation) }
        #expect(cache.statistics.bytes <= 4_000)
        #expect(cache.tile(Self.key("c19")) != nil)
        #expect(cache.tile(Self.key("c0")) == nil)
    }

    @Test("tile matrix sets: Web Mercator and CGCS2000 tile bounds")
    func matrixSets() throws {
        let box = TileMatrixSet.webMercatorQuad.degrees(zoom: 1, column: 1, row: 0)
        #expect(box.west == 0 && box.east == 180 && abs(box.north - 85.051_128_78) < 1e-6 && abs(box.south) < 1e-9)
        let geographic = TileMatrixSet.cgcs2000Quad.degrees(zoom: 0, column: 1, row: 0)
        #expect(geographic == BoundingBox(west: 0, south: -90, east: 180, north: 90))
        #expect(throws: FeatureStoreError.self) { try TileAddress(.webMercatorQuad, zoom: 2, column: 4, row: 0) }
        #expect(throws: FeatureStoreError.self) { try TileAddress(.cgcs2000Quad, zoom: 23, column: 0, row: 0) }
        #expect((try? TileAddress(.cgcs2000Quad, zoom: 2, column: 7, row: 3)) != nil)
    }
}
