import Synchronization

/// Reads one layer of a file on a dedicated thread and hands the rows to async code in batches:
/// the way to read from a Swift concurrency task without blocking the cooperative pool.
///
/// ```swift
/// let stream = try await FeatureStream.open(path: "roads.shp.zip", options: options)
/// print(stream.layer.featureCount ?? "unknown", "features in", stream.sourceCRS)
/// for await batch in stream {
///     for result in batch { … }   // .feature(Feature) or .failure(RowFailure)
/// }
/// ```
///
/// The thread reads ahead up to `prefetch` batches and then waits for the consumer, so memory stays
/// bounded. Iteration is single-pass. The file is closed and the thread ends when the layer is
/// exhausted or the stream and its iterators are gone; a cancelled consumer gets `nil` from its
/// next call.
public struct FeatureStream: AsyncSequence, Sendable {
    public typealias Element = [ReadResult]

    /// The path as given.
    public let path: String
    /// GDAL's driver short name.
    public let driver: String
    /// The layer being read, with its cheap feature count for progress.
    public let layer: LayerInfo
    /// The CRS the coordinates are read in (override, declared or assumed).
    public let sourceCRS: CRS
    /// Whether `sourceCRS` is `ReadOptions.assumedCRS` because the file declares none.
    public let sourceCRSIsAssumed: Bool
    /// The CRS of the geometries handed out.
    public let targetCRS: CRS
    /// For CSV: the columns the locations come from.
    public let csvColumns: CSVLocationColumns?

    let pump: Pump

    /// Opens `path` on a new thread and prepares the layer (the named one, or the only one).
    public static func open(
        path: String, layer: String? = nil, options: ReadOptions = ReadOptions(), batchSize: Int = 1_000, prefetch: Int = 4
    ) async throws(GeoFormatsError) -> FeatureStream {
        let worker = WorkerThread(name: "gdal-read")
        let box = ThreadConfined<FeatureCursor>()
        do throws(GeoFormatsError) {
            let stream = try await worker.run { () throws(GeoFormatsError) -> FeatureStream in
                let reader = try FeatureReader(path: path, options: options)
                let cursor = try reader.cursor(layer: layer)
                box.value = cursor
                return FeatureStream(
                    path: path, driver: reader.driver, layer: cursor.layer, sourceCRS: cursor.sourceCRS,
                    sourceCRSIsAssumed: cursor.sourceCRSIsAssumed, targetCRS: cursor.targetCRS, csvColumns: cursor.csvColumns,
                    pump: Pump(worker: worker, cursor: box, batchSize: Swift.max(1, batchSize), prefetch: Swift.max(1, prefetch)))
            }
            return stream
        } catch {
            worker.stop()
            throw error
        }
    }

    /// The driver and layers of a file, read on a short-lived thread (for choosing a layer).
    public static func inspect(path: String, options: ReadOptions = ReadOptions()) async throws(GeoFormatsError) -> (
        driver: String, layers: [LayerInfo]
    ) {
        let worker = WorkerThread(name: "gdal-inspect")
        defer { worker.stop() }
        return try await worker.run { () throws(GeoFormatsError) -> (driver: String, layers: [LayerInfo]) in
            let reader = try FeatureReader(path: path, options: options)
            return (reader.driver, reader.layers)
        }
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(pump: pump)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let pump: Pump

        /// The next batch (never empty), or `nil` at the end of the layer or when the task is cancelled.
        public mutating func next() async -> [ReadResult]? {
            guard !Task.isCancelled else { return nil }
            return await pump.next()
        }
    }
}

/// Runs the cursor on the worker thread, keeping up to `prefetch` batches ready.
final class Pump: Sendable {
    private struct State {
        var buffer: [[ReadResult]] = []
        var waiting: CheckedContinuation<[ReadResult]?, Never>?
        var reading = false
        var finished = false
    }

    private let worker: WorkerThread
    private let cursor: ThreadConfined<FeatureCursor>
    private let batchSize: Int
    private let prefetch: Int
    private let state = Mutex(State())

    init(worker: WorkerThread, cursor: ThreadConfined<FeatureCursor>, batchSize: Int, prefetch: Int) {
        self.worker = worker
        self.cursor = cursor
        self.batchSize = batchSize
        self.prefetch = prefetch
    }

    deinit {
        let cursor = cursor
        worker.submit { cursor.value = nil }
        worker.stop()
    }

    func next() async -> [ReadResult]? {
        await withCheckedContinuation { continuation in
            let (ready, schedule): ([ReadResult]??, Bool) = state.withLock { state in
                if !state.buffer.isEmpty {
                    let batch = state.buffer.removeFirst()
                    return (.some(batch), Self.claimRead(&state, prefetch: prefetch))
                }
                if state.finished { return (.some(nil), false) }
                state.waiting = continuation
                return (nil, Self.claimRead(&state, prefetch: prefetch))
            }
            if schedule { read() }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Marks a read as in flight when one is due.
    private static func claimRead(_ state: inout State, prefetch: Int) -> Bool {
        guard !state.reading, !state.finished, state.buffer.count < prefetch else { return false }
        state.reading = true
        return true
    }

    private func read() {
        worker.submit { [self] in
            var batch: [ReadResult] = []
            var atEnd = false
            if let active = cursor.value {
                do throws(GeoFormatsError) {
                    batch = try active.next(batch: batchSize)
                    atEnd = batch.count < batchSize
                } catch {
                    // Cannot happen on the worker thread, but never end a layer silently.
                    batch = [.failure(RowFailure(file: active.path, layer: active.layer.name, row: 0, fid: nil, reason: error.message))]
                    atEnd = true
                }
            } else {
                atEnd = true
            }
            if atEnd { cursor.value = nil }  // closes the file now rather than when the stream goes
            let (waiter, schedule) = state.withLock { state -> (CheckedContinuation<[ReadResult]?, Never>?, Bool) in
                state.reading = false
                state.finished = atEnd
                if !batch.isEmpty { state.buffer.append(batch) }
                guard let waiter = state.waiting else { return (nil, Self.claimRead(&state, prefetch: prefetch)) }
                state.waiting = nil
                return (waiter, Self.claimRead(&state, prefetch: prefetch))
            }
            if let waiter {
                // The waiter came while the buffer was empty, so the batch just added is the first.
                let handed = state.withLock { state in state.buffer.isEmpty ? nil : state.buffer.removeFirst() }
                waiter.resume(returning: handed)
            }
            if schedule { read() }
        }
    }
}
