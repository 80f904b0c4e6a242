import Foundation

/// Where the engine snapshot lives under the platform's data directory, and loading it.
public enum GazetteerStore {
    /// `<data dir>/gazetteer/engine.snapshot`.
    public static func snapshotURL(dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("gazetteer").appendingPathComponent("engine.snapshot")
    }

    /// Loads the snapshot, or explains how to make one.
    public static func load(dataDirectory: URL) throws(GazetteerLoadError) -> Gazetteer {
        let url = snapshotURL(dataDirectory: dataDirectory)
        guard let data = try? Data(contentsOf: url) else {
            throw GazetteerLoadError("no gazetteer snapshot at \(url.path): run `shikong gazetteer load` first")
        }
        return try GazetteerSnapshot.decode(data)
    }

    /// Writes the snapshot atomically.
    public static func save(_ gazetteer: Gazetteer, dataDirectory: URL) throws {
        let url = snapshotURL(dataDirectory: dataDirectory)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try GazetteerSnapshot.encode(gazetteer).write(to: url, options: .atomic)
    }
}
