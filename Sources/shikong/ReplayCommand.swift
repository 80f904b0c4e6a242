import ArgumentParser
import Events
import Foundation
import Gazetteer
import Kafka
import Logging
import Platform
import PostgresNIO
import Processors
import Projections
import Synchronization

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a projection from the log (blue/green), keep a point-in-time snapshot, or re-apply events since a time.",
        discussion: """
            shikong replay --projection sensors
                rebuilds sensor_readings and sensors_latest into shadow tables from the event archive while the live
                ones keep serving, catches up with the live projection, and swaps the tables in one transaction.
                sensor_readings is rebuilt in time partitions like the live table, keeping the retention the projection
                stage last recorded (see `shikong readings`): run the platform with a longer --readings-retention first
                to bring back readings it dropped.
            shikong replay --projection sensors --until 2026-11-25T08:00:00+08:00
                replays only what was recorded until then and keeps the result as <table>__asof_<time> tables.
            shikong replay --projection sensors --from 2026-11-25T08:00:00+08:00
                re-applies to the live tables the archived events recorded since then (a repair; applied events stay as they are).
            shikong replay --projection items
                re-geocodes every located item with the gazetteer as it is now (the snapshot under --data-dir plus the
                edits on gazetteer.changes) into a shadow located_items and swaps it in: run it after a gazetteer fix.
                Items that no longer place become dead letters with the reason.
            Projections: \(ProjectionName.allCases.map(\.rawValue).joined(separator: ", ")). Times are RFC 3339 (recorded time, not event time).
            """)

    enum ProjectionName: String, CaseIterable, ExpressibleByArgument {
        case sensors
        case deadLetters = "dead_letters"
        case entities
        case importJobs = "import_jobs"
        case items
        case gazetteer
    }

    enum Source: String, CaseIterable, ExpressibleByArgument {
        case archive, topics
    }

    @Option(help: "The projection: \(ProjectionName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var projection: ProjectionName
    @Option(help: "Replay only events recorded until this time, and keep the result as a snapshot beside the live tables.")
    var until: String?
    @Option(help: "Re-apply to the live tables the events recorded since this time (instead of rebuilding).")
    var from: String?
    @Option(help: "Where a rebuild reads: archive (PostgreSQL, default) or topics (the broker's log).")
    var source: Source = .archive
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let until, Timestamp.parse(until) == nil { throw ValidationError("--until must be an RFC 3339 date-time, not \(until)") }
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from must be an RFC 3339 date-time, not \(from)") }
        if from != nil && source == .topics { throw ValidationError("--from reads the archive; it cannot be combined with --source topics") }
    }

    func run() async throws {
        let logger = logging.bootstrap("shikong.replay")
        let configuration = try options.configuration()
        switch projection {
        case .sensors: try await replay(SensorProjection(), configuration: configuration, logger: logger)
        case .deadLetters: try await replay(DeadLetterProjection(), configuration: configuration, logger: logger)
        case .entities: try await replay(EntityProjection(), configuration: configuration, logger: logger)
        case .importJobs: try await replay(ImportJobProjection(), configuration: configuration, logger: logger)
        case .gazetteer: try await replay(GazetteerChangeProjection(), configuration: configuration, logger: logger)
        case .items:
            let dataDirectory = configuration.dataDirectory ?? URL(fileURLWithPath: ".shikong")
            let engine = GazetteerEngine(try GazetteerStore.load(dataDirectory: dataDirectory))
            let edits = try await GazetteerFollower(engine: engine, kafka: configuration.kafkaClient, logger: logger).catchUp()
            print(
                "gazetteer: snapshot from \(GazetteerStore.snapshotURL(dataDirectory: dataDirectory).path), \(edits) changes applied from \(Topics.gazetteer)"
            )
            let locator = ItemLocator(geocoder: GazetteerGeocoder(engine: engine))
            let projection = ItemProjection { event in
                do throws(EventDecodingError) {
                    return .success(try locator.relocate(event))
                } catch {
                    return .failure(error)
                }
            }
            try await replay(projection, configuration: configuration, logger: logger)
        }
    }

    private func replay<P: Projection>(_ projection: P, configuration: PlatformConfiguration, logger: Logger) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient), logger: logger)
        defer { producer.close() }
        try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            if let from = from.flatMap(Timestamp.parse) {
                let bar = ProgressBar(total: 0, label: "re-applying \(projection.name)")
                let count = try await ProjectionReplay(projection: projection, client: client, producer: producer, logger: logger).run(
                    from: from, until: until.flatMap(Timestamp.parse)
                ) { done, total in bar.update(done, total: total) }
                bar.finish()
                print("re-applied \(count) archived events recorded since \(Timestamp.format(from)) to \(projection.name)")
                return
            }
            let bars = PhaseBars(label: projection.name)
            let report = try await ProjectionRebuild(
                projection: projection, client: client, producer: producer, kafka: configuration.kafkaClient, logger: logger
            )
            .run(source: source == .archive ? .archive : .topics, until: until.flatMap(Timestamp.parse)) { progress in
                bars.update(progress.phase, done: progress.done, total: progress.total)
            }
            bars.finish()
            let seconds = Double(report.elapsed.components.seconds) + Double(report.elapsed.components.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(report.replayed + report.caughtUp) / seconds : 0
            print(
                "\(projection.name): replayed \(report.replayed) events and caught up \(report.caughtUp) in \(String(format: "%.1f", seconds)) s "
                    + "(\(Int(rate)) events/s); " + (report.switched ? "swapped in: " : "snapshot kept as: ") + report.tables.joined(separator: ", "))
        }
    }
}

/// One progress bar per phase of a rebuild.
final class PhaseBars: Sendable {
    private let label: String
    private let current = Mutex<(phase: String?, bar: ProgressBar?)>((nil, nil))

    init(label: String) {
        self.label = label
    }

    func update(_ phase: String, done: Int, total: Int) {
        current.withLock { current in
            if phase != current.phase {
                current.bar?.finish()
                current.bar = ProgressBar(total: total, label: "\(label) \(phase)")
                current.phase = phase
            }
            current.bar?.update(done, total: total)
        }
    }

    func finish() {
        current.withLock { $0.bar?.finish() }
    }
}
