import Foundation

/// GDAL's and PROJ's command-line tools (Debian gdal-bin, proj-bin), as independent writers of
/// fixtures and readers of our output. They are required: scripts/setup installs them.
enum GDALTools {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func locate(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let found = path.split(separator: ":").map({ "\($0)/\(name)" }).first(where: FileManager.default.isExecutableFile)
        else { throw Failure(description: "\(name) is not installed (scripts/setup installs gdal-bin and proj-bin)") }
        return found
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(tool))
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes before waiting, so a chatty tool cannot block on a full pipe.
        let errorText = PipeReader(errors.fileHandleForReading)
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrText = String(decoding: errorText.wait(), as: UTF8.self)
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: stderrText)
    }

    /// Runs a tool and fails unless it exits 0.
    @discardableResult
    static func check(_ tool: String, _ arguments: [String], input: String? = nil) throws -> Output {
        let output = try run(tool, arguments, input: input)
        guard output.status == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
        return output
    }

    /// `ogr2ogr` with the given output format.
    static func ogr2ogr(_ format: String, _ destination: URL, _ source: URL, _ extra: [String] = []) throws {
        try check("ogr2ogr", ["-f", format] + extra + [destination.path, source.path])
    }

    /// `cs2cs -d 12` of one position given in the CRSs' authority axis order.
    static func cs2cs(from source: String, to target: String, _ first: Double, _ second: Double) throws -> (Double, Double) {
        let output = try check("cs2cs", ["-d", "12", source, target], input: "\(first) \(second)\n")
        let fields = output.stdout.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard fields.count >= 2 else { throw Failure(description: "cs2cs printed \(output.stdout)") }
        return (fields[0], fields[1])
    }
}

/// Drains a pipe on a background thread.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A fresh directory under the system's temporary directory, deleted with `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("geoformats-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func write(_ name: String, _ text: String) throws -> URL {
        let file = file(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
