import ArgumentParser
import Events
import Foundation
import Kafka

/// Publishes crawl items (JSON lines) to `raw.items`, as `POST /items` does.
struct IngestItemsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-items", abstract: "Publish crawl items or thematic records (JSON lines) to raw.items, to be placed by the gazetteer.",
        discussion: """
            One JSON object per line: id, time (RFC 3339), address and/or text, source_url or task; optional title, labels \
            {domain, industry, theme} and attributes (schema: topics/raw.items.json). The item processor places each by its \
            address, or by the places its text names; see GET /items, and GET /dlq?stage=processors.items for those it could \
            not place. Event ids derive from each line and its time, so publishing a file again changes nothing.
            """)

    @Argument(help: "The JSON-lines file.")
    var file: String
    @Option(help: "The source recorded with each event, e.g. crawler://news.")
    var source: String?
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        _ = logging.bootstrap("shikong.ingest-items")
        let lines = RawItems.lines(try Data(contentsOf: URL(fileURLWithPath: file)))
        let configuration = try options.configuration()
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient))
        defer { producer.close() }
        let now = Date()
        let source = source ?? "file://\(URL(fileURLWithPath: file).lastPathComponent)"
        let bar = ProgressBar(total: lines.count, label: "publishing")
        var done = 0
        for chunk in stride(from: 0, to: lines.count, by: 1_000) {
            let records = lines[chunk..<min(lines.count, chunk + 1_000)].map {
                RawItems.record(line: $0.line, lineNumber: $0.number, source: source, receivedAt: now)
            }
            _ = try await producer.sendAll(records)
            done += records.count
            bar.update(done)
        }
        bar.finish()
        print("published \(lines.count) items from \(file) to \(Topics.rawItems)")
    }
}
