import Events
import Foundation
import GeoFormats
import Geodesy
import GeoVocabulary
import JSON
import Kafka
import Logging

/// Bulk import: reads a GIS file through GDAL/OGR and turns each feature into an `entity.upserted`
/// event on `raw.entities` (three-domain labels, geometry in EPSG:4490), skipping features equal to the
/// entity's current version, so a re-run of the same file changes nothing. The file is an edition of
/// its source (`EntityImport.sourceName`, by default the collection); in `full` mode entities the
/// source held before and this edition no longer holds become `entity.retired`, and entities of other
/// sources (another `--source`, API edits) are left alone. The completed job says what was compared
/// with what. Rows that cannot be read go to the
/// dead-letter topic with file, row and reason; the job's progress goes to `jobs`.
public struct EntityImporter: Sendable {
    public struct Report: Sendable {
        public var job: UUID
        public var counts: ImportCounts
        public var total: Int?
        public var sourceCRS: String
        /// What was compared with what (also the completed job's message).
        public var summary: String
    }

    let producer: KafkaProducer
    let baseline: any ImportBaseline
    /// Features outside it (EPSG:4490) are dead letters unless the plan allows them.
    let serviceArea: BoundingBox
    let logger: Logger

    public static let stage = "ingest.importer"

    public init(
        producer: KafkaProducer, baseline: any ImportBaseline, serviceArea: BoundingBox, logger: Logger
    ) {
        self.producer = producer
        self.baseline = baseline
        self.serviceArea = serviceArea
        self.logger = logger
    }

    /// Runs the import; `progress` is called after every batch with the counts so far.
    public func run(
        _ plan: EntityImport, job: UUID = EventIDGenerator.shared.next(), progress: @escaping @Sendable (ImportCounts, Int?) -> Void = { _, _ in }
    ) async throws -> Report {
        var counts = ImportCounts()
        let started = Date()
        let (options, offset) = try readOptions(plan)
        let stream: FeatureStream
        do {
            stream = try await FeatureStream.open(path: plan.file.path, layer: plan.layer, options: options)
        } catch {
            try await jobEvent(job, .failed, plan, total: nil, counts: counts, message: error.description)
            throw error
        }
        let total = stream.layer.featureCount
        try await jobEvent(job, .started, plan, total: total, counts: counts)
        try await producer.send(try registration(plan, fields: stream.layer.fields, job: job, at: started).record())
        let entities = FeatureEntities(plan: plan, offset: offset)
        let current = try await baseline.current(collection: plan.collection)
        let comparedWith = current.values.filter { $0.source == plan.sourceName }.count
        let fileDate = (try? plan.file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? started
        var seen = Set<String>()
        var lastReport = ContinuousClock.now
        do {
            for try await batch in stream {
                // A stopping process interrupts the job between batches; its owner reports it.
                try Task.checkCancellation()
                var records: [OutgoingRecord] = []
                for result in batch {
                    counts.read += 1
                    switch result {
                    case .failure(let failure):
                        counts.failed += 1
                        records.append(try deadLetter(plan, row: failure.row, reason: failure.reason, properties: failure.properties, at: fileDate))
                    case .feature(let feature):
                        switch try change(for: feature, plan: plan, entities: entities, job: job, current: current, seen: &seen, now: started) {
                        case .send(let record):
                            counts.upserted += 1
                            records.append(record)
                        case .unchanged:
                            counts.unchanged += 1
                        case .failed(let reason):
                            counts.failed += 1
                            records.append(try deadLetter(plan, row: feature.row, reason: reason, properties: feature.properties, at: fileDate))
                        }
                    }
                }
                try await producer.sendAll(records)
                progress(counts, total)
                if ContinuousClock.now - lastReport > .seconds(2) {
                    lastReport = .now
                    try await jobEvent(job, .progress, plan, total: total, counts: counts)
                }
            }
            // The stream also ends early when the task is cancelled: never take that for the end of the file.
            try Task.checkCancellation()
            if plan.mode == .full {
                let retirements = try current.filter { $0.value.source == plan.sourceName && !seen.contains($0.key) }.keys.sorted().map { id in
                    try retirement(of: id, plan: plan, job: job, at: started)
                }
                try await producer.sendAll(retirements)
                counts.retired = retirements.count
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            try? await jobEvent(job, .failed, plan, total: total, counts: counts, message: "\(error)")
            throw error
        }
        progress(counts, total)
        let summary = Self.summary(plan, counts: counts, comparedWith: comparedWith, current: current)
        try await jobEvent(job, .completed, plan, total: total, counts: counts, message: summary)
        return Report(job: job, counts: counts, total: total, sourceCRS: offset?.description ?? stream.sourceCRS.description, summary: summary)
    }

    /// What was compared with what: the edition, its source, the entities of the source before, and
    /// those of other sources left alone.
    static func summary(_ plan: EntityImport, counts: ImportCounts, comparedWith: Int, current: [String: (hash: String?, source: String?)]) -> String
    {
        var others: [String: Int] = [:]
        for (_, entity) in current where entity.source != plan.sourceName { others[entity.source ?? "unknown", default: 0] += 1 }
        let source = plan.sourceName == plan.collection ? "source \(plan.sourceName) (the collection)" : "source \(plan.sourceName)"
        var text = "compared \(plan.fileName) with the \(comparedWith) entities of \(source) in collection \(plan.collection): "
        text += "\(counts.upserted) new or changed, \(counts.unchanged) unchanged, "
        text +=
            plan.mode == .full
            ? "\(counts.retired) retired (held before, not in this edition)" : "none retired (mode append)"
        if !others.isEmpty {
            let names = others.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            text += "; \(others.values.reduce(0, +)) entities of other sources left as they are (\(names)\(others.count > 3 ? ", …" : ""))"
        }
        return text
    }

    /// The `collection.registered` event of the import's collection, with the file's fields as its
    /// properties schema (the catalogue keeps metadata people edited; the field list is the file's).
    func registration(_ plan: EntityImport, fields: [FieldDefinition], job: UUID, at date: Date) -> CatalogueEvent {
        let metadata = CollectionMetadata(
            id: plan.collection, kind: .entities, title: plan.collection, domain: plan.labels.domain, industry: plan.labels.industry,
            theme: plan.labels.theme, source: plan.sourceName == plan.collection ? plan.fileName : plan.sourceName, updateFrequency: "irregular",
            allowOutsideServiceArea: plan.allowOutsideServiceArea,
            properties: fields.map { CollectionProperty(name: $0.name, type: $0.type.rawValue) })
        return CollectionRegistration.event(metadata, source: "import://\(job.uuidString.lowercased())/\(plan.fileName)", at: date)
    }

    private enum Change {
        case send(OutgoingRecord)
        case unchanged
        case failed(String)
    }

    private func change(
        for feature: Feature, plan: EntityImport, entities: FeatureEntities, job: UUID, current: [String: (hash: String?, source: String?)],
        seen: inout Set<String>, now: Date
    ) throws -> Change {
        guard let id = entities.entityID(of: feature), !id.isEmpty else {
            return .failed("no entity id: \(plan.idField.map { "the attribute \($0) is empty" } ?? "no feature id")")
        }
        guard seen.insert(id).inserted else { return .failed("entity id \(id) appears more than once in \(plan.fileName)") }
        let validFrom: Date
        switch entities.validFrom(of: feature, default: now) {
        case .success(let date): validFrom = date
        case .failure(let error): return .failed(error.message)
        }
        let geometry: JSONValue?
        do {
            geometry = try entities.geometry(of: feature)
        } catch {
            return .failed(error.message)
        }
        guard geometry != nil || feature.address != nil else { return .failed("no geometry and no address") }
        if let geometry, entities.offset != nil, !plan.allowOutsideServiceArea, let reason = outside(geometry) { return .failed(reason) }
        let properties = FeatureEntities.properties(feature.properties)
        let hash = FeatureEntities.hash(geometry: geometry, properties: properties)
        let previous = current[id]?.hash
        if previous == hash { return .unchanged }
        let event = EntityEvent(
            id: EventIDGenerator.contentID(at: now, content: Array("\(plan.collection)|\(id)|\(hash)|\(previous ?? "")".utf8)),
            type: EntityEvent.upserted, source: "import://\(job.uuidString.lowercased())/\(plan.fileName)#\(feature.row)", recordedAt: now,
            space: EntitySpace(geometry: geometry, sourceCRS: plan.crs, address: feature.address),
            attributes: plan.labels,
            data: EntityData(
                collection: plan.collection, entityID: id, validFrom: validFrom, properties: properties, contentHash: hash,
                origin: ImportOrigin(job: job, file: plan.sourceName, layer: plan.layer, row: feature.row),
                outsideServiceAreaAllowed: plan.allowOutsideServiceArea ? true : nil))
        return .send(try event.record(topic: Topics.rawEntities))
    }

    private func retirement(of id: String, plan: EntityImport, job: UUID, at now: Date) throws -> OutgoingRecord {
        let event = EntityEvent(
            id: EventIDGenerator.contentID(at: now, content: Array("\(plan.collection)|\(id)|retired|\(job)".utf8)),
            type: EntityEvent.retired, source: "import://\(job.uuidString.lowercased())/\(plan.fileName)", recordedAt: now,
            space: EntitySpace(geometry: nil), attributes: plan.labels,
            data: EntityData(
                collection: plan.collection, entityID: id, validFrom: plan.validFrom ?? now,
                origin: ImportOrigin(job: job, file: plan.sourceName, layer: plan.layer, row: 0),
                reason: "missing from \(plan.fileName), a full import of source \(plan.sourceName)"))
        return try event.record(topic: Topics.rawEntities)
    }

    /// A row that could not become an entity change, kept whole for the dead-letter queue.
    private func deadLetter(_ plan: EntityImport, row: Int, reason: String, properties: Properties, at fileDate: Date) throws -> OutgoingRecord {
        let value = JSONValue.object([
            ("file", .string(plan.fileName)), ("layer", plan.layer.map(JSONValue.string) ?? .null), ("row", .number(Double(row))),
            ("collection", .string(plan.collection)), ("properties", FeatureEntities.properties(properties)),
        ])
        let failedID = EventIDGenerator.contentID(at: fileDate, content: Array("\(plan.collection)|\(plan.fileName)|\(row)|\(reason)".utf8))
        let subject = "import:\(plan.collection)/\(plan.fileName)#\(row)"
        let message = KafkaMessage(
            topic: Topics.rawEntities, partition: 0, offset: Int64(row), key: Data(subject.utf8), value: Data(value.text.utf8),
            headers: [
                KafkaHeader(key: "ce_subject", string: subject), KafkaHeader(key: "ce_type", string: "import.row"),
                KafkaHeader(key: "ce_id", string: failedID.uuidString.lowercased()),
            ],
            timestampMilliseconds: Timestamp.epochMilliseconds(fileDate))
        return try DeadLetter(failed: message, stage: Self.stage, reason: "\(plan.fileName) row \(row): \(reason)", eventID: failedID)
            .record(topic: Topics.deadLetters)
    }

    func jobEvent(
        _ job: UUID, _ status: ImportJobEvent.Status, _ plan: EntityImport, total: Int?, counts: ImportCounts, message: String? = nil
    )
        async throws
    {
        let event = ImportJobEvent(
            job: job, status: status, collection: plan.collection, file: plan.fileName, total: total, counts: counts, message: message)
        try await producer.send(try event.record(topic: Topics.jobs))
    }

    private func readOptions(_ plan: EntityImport) throws -> (ReadOptions, CoordinateReferenceSystem?) {
        var options = ReadOptions()
        options.includeGeoJSON = true
        options.allowMissingGeometry = true
        if let columns = plan.addressColumns { options.csv.addressColumns = columns }
        var offset: CoordinateReferenceSystem?
        if let text = plan.crs {
            if let parsed = CoordinateReferenceSystem(parsing: text), parsed.offset != nil {
                // GDAL cannot undo an internet-map offset: read the coordinates as they are, remove it here.
                offset = parsed
                options.sourceCRS = .wgs84
                options.targetCRS = .wgs84
            } else {
                guard let crs = CRS(parsing: text) else {
                    throw ImportError("--crs \(text) is not a CRS GDAL knows (e.g. EPSG:4547) or GCJ-02/BD-09")
                }
                options.sourceCRS = crs
            }
        }
        if !plan.allowOutsideServiceArea && offset == nil {
            let area = serviceArea
            options.boundsCheck = .within(Envelope(minX: area.west, minY: area.south, maxX: area.east, maxY: area.north), name: "the service area")
        }
        return (options, offset)
    }

    /// For offset sources, where GDAL could not check: whether the geometry leaves the service area.
    private func outside(_ geometry: JSONValue) -> String? {
        var outside: (Double, Double)?
        func visit(_ value: JSONValue) {
            guard outside == nil else { return }
            if case .array(let items) = value, items.count >= 2, case .number(let x) = items[0], case .number(let y) = items[1] {
                if x < serviceArea.west || x > serviceArea.east || y < serviceArea.south || y > serviceArea.north { outside = (x, y) }
                return
            }
            for item in value.array ?? [] { visit(item) }
        }
        visit(geometry["coordinates"] ?? .null)
        for part in geometry["geometries"]?.array ?? [] { visit(part["coordinates"] ?? .null) }
        return outside.map { "position (\($0.0), \($0.1)) in EPSG:4490 lies outside the service area" }
    }
}

/// An import that cannot start, in words the user can act on.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
