import Foundation
import GeoFormats

/// Small Wuhan fixtures, written as GeoJSON text here and turned into the other formats by `ogr2ogr`
/// (so GDAL's own writers, not ours, make what the reader is tested on).
enum Fixtures {
    /// Six features of every geometry kind (a 3D line among them) with typed, Chinese and null attributes,
    /// in WGS 84 (RFC 7946).
    static let mixedGeoJSON = """
        {"type":"FeatureCollection","name":"wuhan","features":[
        {"type":"Feature","properties":{"名称":"江汉路步行街","kind":"point","floors":3,"height":12.5,"open":true,"opened":"2004-09-28","updated":"2024-03-01T12:34:56+08:00","note":null},
         "geometry":{"type":"Point","coordinates":[114.2853,30.5826]}},
        {"type":"Feature","properties":{"名称":"东湖","kind":"polygon","floors":0,"height":0.25,"open":false,"opened":"1950-01-01","updated":"2024-03-02T00:00:00Z","note":"有洞的面"},
         "geometry":{"type":"Polygon","coordinates":[[[114.36,30.53],[114.44,30.53],[114.44,30.60],[114.36,30.60],[114.36,30.53]],[[114.39,30.55],[114.40,30.55],[114.40,30.56],[114.39,30.55]]]}},
        {"type":"Feature","properties":{"名称":"两江四岸","kind":"multipolygon","floors":2,"height":100.125,"open":true,"opened":"2010-10-10","updated":null,"note":"多面"},
         "geometry":{"type":"MultiPolygon","coordinates":[[[[114.27,30.55],[114.29,30.55],[114.29,30.57],[114.27,30.55]]],[[[114.30,30.56],[114.32,30.56],[114.32,30.58],[114.30,30.56]]]]}},
        {"type":"Feature","properties":{"名称":"长江大桥","kind":"line3d","floors":1,"height":80.0,"open":true,"opened":"1957-10-15","updated":"2023-12-31T23:59:59+08:00","note":null},
         "geometry":{"type":"LineString","coordinates":[[114.2833,30.5497,35.0],[114.2931,30.5568,36.5]]}},
        {"type":"Feature","properties":{"名称":"地铁2号线","kind":"multiline","floors":-2,"height":-15.75,"open":true,"opened":"2012-12-28","updated":"2024-01-01T08:00:00+08:00","note":"linestrings"},
         "geometry":{"type":"MultiLineString","coordinates":[[[114.26,30.62],[114.28,30.60]],[[114.30,30.58],[114.33,30.54]]]}},
        {"type":"Feature","properties":{"名称":"监测站","kind":"multipoint","floors":5,"height":3.5,"open":false,"opened":"2020-02-02","updated":"2024-05-05T05:05:05+08:00","note":"测站"},
         "geometry":{"type":"MultiPoint","coordinates":[[114.30,30.60],[114.31,30.61]]}}
        ]}
        """

    /// The expected positions of each feature of `mixedGeoJSON`, in order (x, y[, z]).
    static let mixedPositions: [[[Double]]] = [
        [[114.2853, 30.5826]],
        [
            [114.36, 30.53], [114.44, 30.53], [114.44, 30.60], [114.36, 30.60], [114.36, 30.53], [114.39, 30.55], [114.40, 30.55], [114.40, 30.56],
            [114.39, 30.55],
        ],
        [
            [114.27, 30.55], [114.29, 30.55], [114.29, 30.57], [114.27, 30.55], [114.30, 30.56], [114.32, 30.56], [114.32, 30.58], [114.30, 30.56],
        ],
        [[114.2833, 30.5497, 35.0], [114.2931, 30.5568, 36.5]],
        [[114.26, 30.62], [114.28, 30.60], [114.30, 30.58], [114.33, 30.54]],
        [[114.30, 30.60], [114.31, 30.61]],
    ]

    static let mixedNames = ["江汉路步行街", "东湖", "两江四岸", "长江大桥", "地铁2号线", "监测站"]

    /// A grid of polygons (and their corner points) in CGCS2000 / 3-degree Gauss-Kruger CM 114E
    /// (EPSG:4547), covering central Wuhan: eastings 520–540 km, northings 3,375–3,395 km.
    static func gaussKrugerGeoJSON() -> (text: String, corners: [[Double]]) {
        var features: [String] = []
        var corners: [[Double]] = []
        for row in 0..<4 {
            for column in 0..<4 {
                let x = 520_000.0 + Double(column) * 5_000 + 0.125
                let y = 3_375_000.0 + Double(row) * 5_000 + 0.375
                let ring = [[x, y], [x + 4_000, y], [x + 4_000, y + 3_000], [x, y + 3_000], [x, y]]
                corners.append(contentsOf: ring)
                let coordinates = ring.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",")
                features.append(
                    #"{"type":"Feature","properties":{"编号":\#(row * 4 + column),"名称":"格\#(row)-\#(column)"},"geometry":{"type":"Polygon","coordinates":[[\#(coordinates)]]}}"#
                )
            }
        }
        let text =
            #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}},"features":["#
            + features.joined(separator: ",\n") + "]}"
        return (text, corners)
    }
}
