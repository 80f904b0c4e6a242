import ArgumentParser
import Foundation
import GeoFormats

struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every feature of a file (transformed to EPSG:4490, checked against China's bounds) and print the rate.")

    @Argument(help: "The file to read.")
    var file: String

    @Option(help: "Layer name, when the file has several.")
    var layer: String?

    @Option(help: "Override the file's CRS, e.g. EPSG:4547.")
    var crs: String?

    @Option(help: "Rows per batch handed from the reading thread.")
    var batch = 2_000

    @Flag(help: "Also produce GeoJSON text for each geometry.")
    var geojson = false

    @Flag(help: "Read on this thread with FeatureCursor instead of through FeatureStream.")
    var direct = false

    func run() async throws {
        var options = ReadOptions()
        options.boundsCheck = .china
        options.includeGeoJSON = geojson
        if let crs {
            guard let parsed = CRS(parsing: crs) else { throw ValidationError("unknown CRS \(crs)") }
            options.sourceCRS = parsed
        }
        let start = Date()
        var features = 0
        var failures = 0
        var bytes = 0
        var firstFailure: RowFailure?
        func count(_ result: ReadResult) {
            switch result {
            case .feature(let feature):
                features += 1
                bytes += feature.geometry?.wkb.count ?? 0
            case .failure(let failure):
                failures += 1
                if firstFailure == nil { firstFailure = failure }
            }
        }
        let description: String
        if direct {
            let reader = try FeatureReader(path: file, options: options)
            let cursor = try reader.cursor(layer: layer)
            description = "\(reader.driver), \(cursor.sourceCRS) → \(cursor.targetCRS), direct"
            while let result = try cursor.next() { count(result) }
        } else {
            let stream = try await FeatureStream.open(path: file, layer: layer, options: options, batchSize: batch)
            description = "\(stream.driver), \(stream.sourceCRS) → \(stream.targetCRS), FeatureStream batches of \(batch)"
            for await results in stream {
                for result in results { count(result) }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("read \(file) (\(description)): \(formatRate(features + failures, seconds))")
        print("  \(features) features, \(failures) row failures, \(bytes / 1_048_576) MiB of WKB")
        if let firstFailure { print("  first failure: \(firstFailure)") }
    }
}
