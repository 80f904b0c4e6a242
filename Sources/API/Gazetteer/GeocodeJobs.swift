import Access
import Dispatch
import Foundation
import Gazetteer
import Synchronization

/// Output writers for batch results by `f=` name. CSV and GeoJSON are built in; the GDAL module
/// adds GeoPackage by registering a writer here (`writers.register("gpkg", …)`).
public struct GeocodeResultWriters: Sendable {
    public typealias Writer = @Sendable (GeocodeTable, [GeocodeResult]) throws -> Data

    var writers: [String: (contentType: String, fileExtension: String, write: Writer)] = [:]

    public static var standard: GeocodeResultWriters {
        var writers = GeocodeResultWriters()
        writers.register("csv", contentType: GeocodeOutput.Format.csv.contentType, fileExtension: "csv") {
            GeocodeOutput.write($0, $1, as: .csv)
        }
        writers.register("geojson", contentType: GeocodeOutput.Format.geoJSON.contentType, fileExtension: "geojson") {
            GeocodeOutput.write($0, $1, as: .geoJSON)
        }
        return writers
    }

    /// Adds or replaces the writer for `f=<name>`.
    public mutating func register(_ name: String, contentType: String, fileExtension: String, _ write: @escaping Writer) {
        writers[name] = (contentType, fileExtension, write)
    }

    var names: [String] { writers.keys.sorted() }
}

/// Batch geocoding jobs, run off the request threads; results are kept in memory (the most recent
/// 50 jobs).
final class GeocodeJobs: Sendable {
    struct Job: Sendable {
        var table: GeocodeTable
        var total: Int
        var done: Int = 0
        var results: [GeocodeResult]?
        var created = Date()
        /// Who started it: only they (and administrators) see it.
        var owner: String?
    }

    enum Results {
        case unknownJob
        case unknownFormat([String])
        case notFinished(done: Int, total: Int)
        case ready(Data, contentType: String, fileExtension: String)
    }

    static let kept = 50
    private let jobs = Mutex<[String: Job]>([:])
    let writers: GeocodeResultWriters

    init(writers: GeocodeResultWriters) {
        self.writers = writers
    }

    func start(table: GeocodeTable, addresses: [String], gazetteer: Gazetteer, options: GeocodeOptions) -> String {
        let id = UUID().uuidString.lowercased()
        jobs.withLock { jobs in
            if jobs.count >= Self.kept, let oldest = jobs.min(by: { $0.value.created < $1.value.created })?.key { jobs[oldest] = nil }
            jobs[id] = Job(table: table, total: addresses.count, owner: Caller.current.name)
        }
        DispatchQueue.global(qos: .utility).async { [self] in
            let results = BatchGeocoder.geocode(addresses, with: gazetteer, options: options) { done in
                self.jobs.withLock { $0[id]?.done = done }
            }
            self.jobs.withLock { jobs in
                jobs[id]?.results = results
                jobs[id]?.done = results.count
            }
        }
        return id
    }

    /// The job `id` when the current caller owns it (or administers the platform): another
    /// caller's job answers as unknown, so its addresses and results stay its owner's.
    private func job(_ id: String) -> Job? {
        guard let job = jobs.withLock({ $0[id] }) else { return nil }
        let caller = Caller.current
        return job.owner == caller.name || caller.mayEverywhere(.administer) ? job : nil
    }

    func describe(_ id: String, base: String) -> [String: String]? {
        guard let job = job(id) else { return nil }
        var description = [
            "id": id, "status": job.results == nil ? "running" : "finished", "total": String(job.total), "done": String(job.done),
            "self": "\(base)/geocode/batch/\(id)",
        ]
        if let results = job.results {
            description["failed"] = String(results.filter { !$0.isSuccess }.count)
            for name in writers.names { description["results_\(name)"] = "\(base)/geocode/batch/\(id)/results?f=\(name)" }
        }
        return description
    }

    func results(_ id: String, format: String) -> Results {
        guard let job = job(id) else { return .unknownJob }
        guard let writer = writers.writers[format.lowercased()] else { return .unknownFormat(writers.names) }
        guard let results = job.results else { return .notFinished(done: job.done, total: job.total) }
        guard let data = try? writer.write(job.table, results) else { return .unknownFormat(writers.names) }
        return .ready(data, contentType: writer.contentType, fileExtension: writer.fileExtension)
    }
}
