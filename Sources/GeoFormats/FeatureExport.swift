/// Writes an export on a dedicated thread, for async code (an HTTP handler reading rows from PostgreSQL).
///
/// ```swift
/// let export = try await FeatureExport.start(format: .geoPackage, options: options)
/// for try await rows in pages {                                     // e.g. 1,000 rows at a time
///     let rejected = try await export.write(rows.map(makeFeature))  // per-feature rejections
/// }
/// let file = try await export.finish()   // stream file.url, then try file.remove()
/// ```
///
/// Calls are queued to the thread in order. If the export is dropped unfinished, the partial file is
/// deleted.
public final class FeatureExport: Sendable {
    /// Declared field names the format changed (a shapefile's 10-byte limit).
    public let renamedFields: [FieldRename]
    private let worker: WorkerThread
    private let writer: ThreadConfined<FeatureWriter>

    private init(worker: WorkerThread, writer: ThreadConfined<FeatureWriter>, renamedFields: [FieldRename]) {
        self.worker = worker
        self.writer = writer
        self.renamedFields = renamedFields
    }

    /// Creates the file and its layer on a new thread.
    public static func start(format: ExportFormat, options: WriteOptions) async throws(GeoFormatsError) -> FeatureExport {
        let worker = WorkerThread(name: "gdal-write")
        let box = ThreadConfined<FeatureWriter>()
        do throws(GeoFormatsError) {
            let renamed = try await worker.run { () throws(GeoFormatsError) -> [FieldRename] in
                let writer = try FeatureWriter(format: format, options: options)
                box.value = writer
                return writer.renamedFields
            }
            return FeatureExport(worker: worker, writer: box, renamedFields: renamed)
        } catch {
            worker.stop()
            throw error
        }
    }

    deinit {
        let writer = writer
        worker.submit { writer.value = nil }
        worker.stop()
    }

    /// Writes a batch. Features the format cannot take are returned with their position in the batch;
    /// a failure of the output itself is thrown.
    public func write(_ features: [Feature]) async throws(GeoFormatsError) -> [WriteRejection] {
        let writer = writer
        return try await worker.run { () throws(GeoFormatsError) -> [WriteRejection] in
            guard let active = writer.value else { throw GeoFormatsError(.closed, "the export is finished") }
            var rejected: [WriteRejection] = []
            for (index, feature) in features.enumerated() {
                do throws(GeoFormatsError) {
                    try active.write(feature)
                } catch {
                    guard error.code == .featureRejected else { throw error }
                    rejected.append(WriteRejection(index: index, row: feature.row, error: error))
                }
            }
            return rejected
        }
    }

    /// Closes the file and describes it.
    public func finish() async throws(GeoFormatsError) -> ExportedFile {
        let writer = writer
        return try await worker.run { () throws(GeoFormatsError) -> ExportedFile in
            guard let active = writer.value else { throw GeoFormatsError(.closed, "the export is finished") }
            let file = try active.finish()
            writer.value = nil
            return file
        }
    }
}

/// A feature the format refused.
public struct WriteRejection: Sendable, Hashable {
    /// Its position in the batch passed to `write`.
    public var index: Int
    /// Its `Feature.row`, when it came from a reader.
    public var row: Int
    public var error: GeoFormatsError
}
