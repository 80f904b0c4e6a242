import ArgumentParser

@main
struct Shikong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shikong",
        abstract: "Shikong 时空: a spatiotemporal big-data platform for smart cities.",
        discussion: """
            `shikong up --demo` runs everything on this machine: PostgreSQL/PostGIS, Mosquitto and a Kafka-protocol \
            broker on loopback ports, every stage in one process, and a demo air-quality feed.
            The stage commands run one stage each against external Kafka, MQTT and PostgreSQL.
            """,
        subcommands: [
            Up.self, IngestCommand.self, ProcessCommand.self, ProjectCommand.self, ServeCommand.self, TopicsCommand.self, DemoCommand.self,
            ImportCommand.self, ExportCommand.self, DiffCommand.self, ReplayCommand.self, StatusCommand.self, BenchCommand.self,
            GazetteerCommand.self, GeocodeCommand.self, IngestItemsCommand.self, AggregationsCommand.self, GeofencesCommand.self,
            AlertRulesCommand.self, BackupCommand.self, RestoreCommand.self, TasksCommand.self, SensorsCommand.self, UsersCommand.self,
            AuditCommand.self, DevicesCommand.self, ReadingsCommand.self,
        ]
    )
}
