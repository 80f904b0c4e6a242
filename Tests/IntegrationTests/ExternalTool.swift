import Foundation
import ShikongTesting

/// Runs a command-line tool (GDAL's ogrinfo/ogr2ogr, the project's Python) and returns its status
/// and output; stderr is folded into the output so a failure explains itself.
func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> (
    status: Int32, output: String
) {
    let process = Process()
    if let directory { process.currentDirectoryURL = directory }
    if executable.hasPrefix("/") {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
    }
    var merged = ProcessInfo.processInfo.environment
    for (name, value) in environment { merged[name] = value }
    process.environment = merged
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Runs blocking work (a child process) on a GCD thread, so it does not hold one of the few
/// threads of Swift's cooperative pool — the API under test runs in this process and needs them.
func detached<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// ``runTool(_:_:environment:)`` off the cooperative pool.
func runToolDetached(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) async throws
    -> (status: Int32, output: String)
{
    try await detached { try runTool(executable, arguments, environment: environment, directory: directory) }
}
