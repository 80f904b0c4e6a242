/// Size limits of the query API, all configurable (`shikong serve --help`: --max-page-size, …).
public struct QueryLimits: Sendable, Hashable {
    /// Features per page when `limit` is not given.
    public var defaultLimit = 10
    /// Largest `limit`; larger values are refused with a 400 that names this limit.
    public var maximumLimit = 10_000
    /// Most features one export (`f=gpkg|shp|csv|geojson`, `shikong export`) writes.
    public var maximumExportFeatures = 1_000_000
    /// Longest `filter`, in bytes.
    public var maximumFilterLength = 65_536
    /// Largest request body (items, catalogue and gazetteer edits, measurement geometries, redrives), in bytes.
    public var maximumRequestBody = 16 * 1_048_576
    /// Largest request header section (request line excluded), in bytes.
    public var maximumHeaderBytes = 32 * 1_024
    /// Most rows a statistics request returns.
    public var maximumStatisticsRows = 10_000

    public init() {}
}
