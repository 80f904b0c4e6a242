/// The one error type of the GeoFormats module: what went wrong, with GDAL's own message where GDAL said something.
public struct GeoFormatsError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The file could not be opened, or no allowed driver recognised it.
        case open
        /// The named layer does not exist, or a layer must be named because the source has several.
        case layer
        /// A coordinate reference system is unknown or not accepted, or no transformation exists.
        case crs
        /// A CSV has neither coordinate (lon/lat or WKT) nor address columns.
        case noLocationColumns
        /// The output file or one of its layers or fields could not be created.
        case create
        /// One feature could not be written; the writer stays usable.
        case featureRejected
        /// Writing or closing the output failed; the output is unusable.
        case write
        /// A reader or writer was used from a thread other than the one that created it.
        case wrongThread
        /// The reader or writer was already closed or finished.
        case closed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "GeoFormatsError(\(code)): \(message)" }
}
