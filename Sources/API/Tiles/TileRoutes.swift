import Foundation
import Hummingbird
import ReadModel

/// OGC API Tiles over every collection, as Mapbox vector tiles: `/tileMatrixSets`,
/// `/collections/{c}/tiles[/{tms}[/{z}/{x}/{y}]]` (with `datetime`, `as_of`, `filter` and property
/// filters, as items take them), and the dataset tiles `/tiles[/{tms}[/{z}/{x}/{y}]]`: the basemap
/// drawn from the gazetteer's boundaries.
struct TileRoutes: Sendable {
    let tiles: TileStore

    static let mediaType = "application/vnd.mapbox-vector-tile"

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/tileMatrixSets") { request, _ in
            try json(["tileMatrixSets": TileMatrixSet.all.map { TileMatrixSetDocument.summary($0, base: request.baseURL) }])
        }
        router.get("/tileMatrixSets/:tileMatrixSet") { request, context in
            let set = try TileMatrixSet.named(try context.parameters.require("tileMatrixSet"))
            return try json(TileMatrixSetDocument.make(set, base: request.baseURL))
        }
        router.get("/collections/:collection/tiles") { request, context in
            let collection = try await tiles.features.registry.collection(try context.parameters.require("collection"))
            let url = request.url("/collections/\(collection.id)/tiles")
            return try json([
                "links": [
                    ["href": url, "rel": "self", "type": "application/json", "title": "Tilesets of \(collection.title)"] as [String: any Sendable]
                ],
                "tilesets": TileMatrixSet.all.map { tileset(collection, set: $0, url: url, request: request) },
            ])
        }
        router.get("/collections/:collection/tiles/:tileMatrixSet") { request, context in
            let collection = try await tiles.features.registry.collection(try context.parameters.require("collection"))
            let set = try TileMatrixSet.named(try context.parameters.require("tileMatrixSet"))
            return try json(tileset(collection, set: set, url: request.url("/collections/\(collection.id)/tiles"), request: request))
        }
        router.get("/collections/:collection/tiles/:tileMatrixSet/:z/:x/:y") { request, context in
            let collection = try await tiles.features.registry.collection(try context.parameters.require("collection"))
            let address = try Self.address(context)
            let tileRequest = try TileRequest(QueryString.parameters(request), collection: collection, limits: tiles.features.limits)
            // Security (issue 13) will key the cache by the caller's clearance here.
            return Self.response(try await tiles.tile(collection, tileRequest, at: address))
        }
        router.get("/tiles") { request, _ in
            let url = request.url("/tiles")
            return try json([
                "links": [["href": url, "rel": "self", "type": "application/json", "title": "Tilesets of the dataset"] as [String: any Sendable]],
                "tilesets": TileMatrixSet.all.map { basemap($0, url: url, request: request) },
            ])
        }
        router.get("/tiles/:tileMatrixSet") { request, context in
            let set = try TileMatrixSet.named(try context.parameters.require("tileMatrixSet"))
            return try json(basemap(set, url: request.url("/tiles"), request: request))
        }
        router.get("/tiles/:tileMatrixSet/:z/:x/:y") { _, context in
            Self.response(try await tiles.basemap(at: try Self.address(context)))
        }
    }

    static func address(_ context: some RequestContext) throws -> TileAddress {
        let set = try TileMatrixSet.named(try context.parameters.require("tileMatrixSet"))
        func number(_ name: String) throws -> Int {
            let text = try context.parameters.require(name)
            guard let value = Int(text), value >= 0 else { throw Problem.notFound("\(name) must be a whole number, not \(text)") }
            return value
        }
        return try TileAddress(set, zoom: try number("z"), column: try number("x"), row: try number("y"))
    }

    static func response(_ tile: TileStore.Tile) -> Response {
        var headers: HTTPFields = [.contentType: mediaType, .cacheControl: "no-cache"]
        headers[HTTPFields.Element.Name("Shikong-Tile-Cache")!] = tile.cached ? "hit" : "miss"
        if tile.thinned {
            headers[HTTPFields.Element.Name("Shikong-Tile-Thinned")!] = "true"
            headers[HTTPFields.Element.Name("Shikong-Tile-Level")!] = "\(tile.level)"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: tile.data))
    }

    func tileset(_ collection: ServedCollection, set: TileMatrixSet, url: String, request: Request) -> [String: any Sendable] {
        let query = request.uri.query ?? ""
        let layer: [String: any Sendable] = [
            "id": collection.id, "title": collection.title, "dataType": "vector",
            "propertiesSchema": [
                "type": "object",
                "properties": Dictionary(
                    [("id", ["type": "string", "title": "Feature id (as /items/{id})"] as [String: any Sendable])]
                        + collection.fields.filter { $0.name != "id" }.map { ($0.name, ["type": $0.type] as [String: any Sendable]) },
                    uniquingKeysWith: { first, _ in first }),
            ] as [String: any Sendable],
        ]
        return TileMatrixSetDocument.tileset(
            title: "\(collection.title) (\(set.id))", tilesURL: url, set: set, base: request.baseURL, layers: [layer], query: query,
            description:
                "One layer named after the collection. Parameters: datetime, as_of, filter, filter-lang, filter-crs, properties, property=value. Below zoom \(tiles.limits.fullDetailZoom) lines and polygons are simplified to half a pixel; a tile over \(tiles.limits.maximumFeatures) features holds a uniform sample, the same features at every zoom (Shikong-Tile-Thinned: true, Shikong-Tile-Level: k, one feature in 4^k)."
        )
    }

    func basemap(_ set: TileMatrixSet, url: String, request: Request) -> [String: any Sendable] {
        let attributes: [String: any Sendable] = [
            "type": "object",
            "properties": [
                "code": ["type": "string"] as [String: any Sendable], "name": ["type": "string"] as [String: any Sendable],
                "level": ["type": "integer", "description": "1 province, 2 city, 3 county"] as [String: any Sendable],
            ] as [String: any Sendable],
        ]
        return TileMatrixSetDocument.tileset(
            title: "Basemap: province, city and county boundaries (\(set.id))", tilesURL: url, set: set, base: request.baseURL,
            layers: [
                ["id": "boundaries", "dataType": "vector", "geometryDimension": 2, "propertiesSchema": attributes] as [String: any Sendable],
                ["id": "labels", "dataType": "vector", "geometryDimension": 0, "propertiesSchema": attributes] as [String: any Sendable],
            ],
            description:
                "Drawn from the gazetteer's boundaries (CGCS2000): provinces at every zoom, cities from zoom 5, counties from zoom 7; simplified to 0.01° below zoom 7 and 0.001° below zoom 10."
        )
    }
}
