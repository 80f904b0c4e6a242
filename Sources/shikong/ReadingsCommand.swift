import ArgumentParser
import Events
import Foundation
import Logging
import Platform
import Projections

struct ReadingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readings",
        abstract: "The time partitions of sensor_readings: list them, and run the maintenance and retention pass.",
        subcommands: [ReadingPartitionsCommand.self, ReadingMaintainCommand.self])
}

struct ReadingPartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions",
        abstract: "List the partitions of sensor_readings: range (UTC), rows and bytes on disk (table, indexes, TOAST).",
        discussion: """
            Rows are the planner's estimate unless --exact counts them. The default partition holds readings outside every \
            partition (far-future times; periods the maintenance pass has not split off yet). Also shows the policy the \
            projection stage last maintained the partitions with.
            """)
    @Flag(help: "Count the rows of each partition (a scan of each) instead of estimating.")
    var exact = false
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.readings")
        let configuration = try options.configuration()
        try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            let partitions = ReadingPartitions(client: client, logger: logger)
            let list = try await partitions.list(exactCounts: exact)
            var table = [["partition", "from", "to", "rows", "bytes"]]
            for partition in list {
                table.append([
                    partition.name, partition.lower.map(Timestamp.format) ?? (partition.isDefault ? "(default)" : "-"),
                    partition.upper.map(Timestamp.format) ?? "-", partition.rows.map(String.init) ?? "?", String(partition.bytes),
                ])
            }
            let rows = list.compactMap(\.rows).reduce(0, +)
            let bytes = list.map(\.bytes).reduce(0, +)
            table.append(["total", "", "", String(rows), String(bytes)])
            print(render(table))
            if let recorded = try await partitions.recorded() {
                print(
                    "\npolicy: \(recorded.policy.unit.rawValue) partitions, \(recorded.policy.ahead) ahead, retention "
                        + "\(ReadingPartitionPolicy.describe(recorded.policy.retention)) (recorded \(Timestamp.format(recorded.at)) by \(recorded.by))"
                )
            }
        }
    }
}

struct ReadingMaintainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintain",
        abstract: "Run the pass the projection stage runs every hour, now.",
        discussion: """
            Makes the current partition and the next ones, moves readings waiting in the default partition into partitions \
            of their own, and with a retention (--readings-retention) detaches and drops the partitions wholly older than the \
            horizon and deletes older readings from the default partition. The event archive keeps every reading: \
            `shikong replay --projection sensors` rebuilds the table from it. With --dry-run nothing changes and the \
            partitions that would be dropped are listed. Safe beside running nodes: one pass at a time takes the lock.
            """)
    @Flag(help: "Change nothing; list what would be dropped.")
    var dryRun = false
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.readings")
        let configuration = try options.configuration()
        try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            let policy = configuration.readingPartitions
            let report = try await ReadingPartitions(client: client, logger: logger).maintain(policy, dryRun: dryRun)
            if report.skipped {
                print("another node is maintaining the partitions now; nothing done")
                return
            }
            for name in report.created { print("made \(name)") }
            let verb = dryRun ? "would drop" : "dropped"
            for partition in report.dropped {
                print("\(verb) \(partition.name) (\(partition.rows.map(String.init) ?? "?") rows, \(partition.bytes) bytes)")
            }
            if let horizon = report.horizon {
                print(
                    "retention \(ReadingPartitionPolicy.describe(policy.retention)): horizon \(Timestamp.format(horizon)); "
                        + "\(report.dropped.count) partitions \(verb), \(report.deletedFromDefault) readings of the default partition "
                        + (dryRun ? "would be deleted" : "deleted"))
            } else {
                print("retention off: nothing dropped")
            }
        }
    }
}
