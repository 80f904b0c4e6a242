import Crawler

/// What an API-poll task does (R-AGG-1), as its definition (JSON, snake_case) is written:
///
/// ```json
/// {"url": "https://api.example.cn/aqi/stations", "format": "json", "records": "data.stations",
///  "produces": "readings",
///  "mapping": {"sensor_id": "code", "time": "updated_at", "lon": "location.lng", "lat": "location.lat",
///              "values": {"pm25": "iaqi.pm25", "aqi": "aqi"}},
///  "schedule": {"every_seconds": 300}}
/// ```
public struct APIPollDefinition: Codable, Sendable, Equatable {
    public enum Format: String, Codable, Sendable, CaseIterable {
        case json, geojson, csv
    }

    public enum Target: String, Codable, Sendable, CaseIterable {
        /// `raw.sensor.readings`, as an MQTT feed would publish them.
        case readings
        /// `raw.items`, placed by the gazetteer like crawled pages.
        case items
        /// `raw.entities` upserts into `collection`.
        case entities
    }

    /// The endpoint (http or https), fetched with GET.
    public var url: String
    public var format: Format
    /// Request headers to send (an API key, `Accept`).
    public var headers: [String: String]?
    /// Where the records are: a path to an array (`data.stations`); default: the document itself
    /// when it is an array, `features` for GeoJSON, the rows for CSV.
    public var records: String?
    public var produces: Target
    public var mapping: FieldMapping
    /// The entity collection (`produces: entities`).
    public var collection: String?
    /// CRS of the coordinates: for readings any CRS the spatialiser knows (default EPSG:4326); for
    /// entities EPSG:4326 or EPSG:4490.
    public var crs: String?
    public var schedule: Schedule?
    public var timeoutSeconds: Double?
    /// Largest response read. Default 16 MiB.
    public var maxBytes: Int?
    /// Attribute-domain labels (`domain`, `industry`, `theme`) for items and entities.
    public var labels: [String: String]?

    public init(url: String, format: Format, produces: Target, mapping: FieldMapping) {
        self.url = url
        self.format = format
        self.produces = produces
        self.mapping = mapping
    }

    enum CodingKeys: String, CodingKey {
        case url, format, headers, records, produces, mapping, collection, crs, schedule, labels
        case timeoutSeconds = "timeout_seconds"
        case maxBytes = "max_bytes"
    }
}

/// Which field of a record (a path: `a.b`, `list[0].v`; for CSV a column name) gives each of ours.
public struct FieldMapping: Codable, Sendable, Equatable {
    /// readings: the sensor; items and entities: the id.
    public var id: String?
    public var sensorID: String?
    /// Observation or publication time: RFC 3339, a date-time as Chinese sites write it, or epoch
    /// seconds / milliseconds. Items and entities without it take the poll's time.
    public var time: String?
    public var lon: String?
    public var lat: String?
    /// A GeoJSON geometry (entities; GeoJSON records have `geometry` by default).
    public var geometry: String?
    public var address: String?
    public var text: String?
    public var title: String?
    /// readings: value name → path of a number.
    public var values: [String: String]?
    /// items and entities: attribute name → path.
    public var attributes: [String: String]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case id, time, lon, lat, geometry, address, text, title, values, attributes
        case sensorID = "sensor_id"
    }
}
