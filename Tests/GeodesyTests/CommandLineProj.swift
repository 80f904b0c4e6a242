import Foundation

/// PROJ's command-line tools, as an independent reference for the library calls.
enum CommandLineProj {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Path of `cs2cs` on the PATH, if installed.
    static let cs2cs: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/cs2cs" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// Runs `cs2cs -d 12 <from> <to>` on one position given in the CRSs' authority axis order.
    static func cs2cs(from source: String, to target: String, _ first: Double, _ second: Double) throws
        -> (Double, Double)
    {
        guard let executable = cs2cs else { throw Failure(description: "cs2cs is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-d", "12", source, target]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("\(first) \(second)\n".utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let fields = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard process.terminationStatus == 0, fields.count >= 2 else {
            throw Failure(description: "cs2cs \(source) \(target) printed \(text)")
        }
        return (fields[0], fields[1])
    }
}
