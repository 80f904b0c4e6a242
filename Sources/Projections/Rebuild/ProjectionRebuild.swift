import Database
import Events
import Foundation
import Kafka
import Logging
import PostgresNIO

/// Rebuilds a projection blue/green: replays its events from the archive (or its topics) into shadow
/// tables while the live tables keep serving, catches up with the live projection, then swaps the
/// tables in one transaction. Queries never see an empty or half-built table: until the swap they
/// read the old tables, after it the new ones.
///
/// With an `until` time the replay stops at that recorded time and the result is kept beside the live
/// tables as a point-in-time snapshot (`<table>__asof_<time>`) instead of being swapped in.
public struct ProjectionRebuild<P: Projection>: Sendable {
    public struct Progress: Sendable {
        public var phase: String
        public var done: Int
        public var total: Int
    }

    public struct Report: Sendable {
        /// Events replayed from the archive or topics, and then applied while catching up.
        public var replayed: Int
        public var caughtUp: Int
        public var elapsed: Duration
        /// Tables now serving (after a swap), or the snapshot tables written.
        public var tables: [String]
        public var switched: Bool
    }

    public enum Source: Sendable {
        case archive
        case topics
    }

    public let projection: P
    let client: PostgresClient
    let producer: KafkaProducer
    let kafka: KafkaClientConfiguration
    let deadLetterTopic: String
    let logger: Logger

    public init(
        projection: P, client: PostgresClient, producer: KafkaProducer, kafka: KafkaClientConfiguration, deadLetterTopic: String = Topics.deadLetters,
        logger: Logger
    ) {
        self.projection = projection
        self.client = client
        self.producer = producer
        self.kafka = kafka
        self.deadLetterTopic = deadLetterTopic
        self.logger = logger
    }

    private var shadowPositions: ProjectionPositions { ProjectionPositions(projection: projection.name + ProjectionTables.shadowSuffix) }
    private var livePositions: ProjectionPositions { ProjectionPositions(projection: projection.name) }

    public func run(
        source: Source = .archive, until: Date? = nil, progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Report {
        guard !projection.tables.isEmpty else { throw RebuildError("the \(projection.name) projection has no tables to rebuild") }
        let started = ContinuousClock.now
        return try await client.withConnection { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_lock(4491, hashtext(\(projection.name)))", logger: logger)
                .decode(Bool.self).reduce(false) { $0 || $1 }
            guard locked else { throw RebuildError("another rebuild of \(projection.name) is running") }
            do {
                let report = try await rebuild(on: connection, source: source, until: until, started: started, progress: progress)
                try await connection.query("SELECT pg_advisory_unlock(4491, hashtext(\(projection.name)))", logger: logger)
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(4491, hashtext(\(projection.name)))", logger: logger)
                throw error
            }
        }
    }

    private func rebuild(
        on connection: PostgresConnection, source: Source, until: Date?, started: ContinuousClock.Instant,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws -> Report {
        let fold = source == .archive ? projection.makeFold() : nil
        var deferred = try await createShadows(deferringLookups: fold != nil, on: connection)
        let writer = ProjectionWriter(
            projection: projection, client: client, producer: producer, deadLetterTopic: deadLetterTopic, positions: shadowPositions,
            tables: .shadow, logger: logger)
        let replayed: Int
        switch source {
        case .archive:
            if let fold, let folded = try await replayArchive(folding: fold, until: until, writer: writer, progress: progress) {
                replayed = folded
            } else {
                if fold != nil {
                    // The database refused a row of the bulk write: replay record by record instead,
                    // which finds that row and makes it a dead letter. That needs the lookup indexes.
                    try await emptyShadows(on: connection)
                    for definition in deferred where definition.lookup {
                        try await connection.query(PostgresQuery(unsafeSQL: definition.sql), logger: logger)
                    }
                    deferred.removeAll { $0.lookup }
                }
                replayed = try await replayArchive(until: until, writer: writer, progress: progress)
            }
        case .topics: replayed = try await replayTopics(until: until, writer: writer, progress: progress)
        }
        try await projection.finishShadows(.shadow, client: client, logger: logger)
        // The shadows are private until the swap: their non-btree indexes are built once, now, instead
        // of row by row during the replay.
        try await buildIndexes(deferred.map(\.sql), progress: progress)
        if let until {
            let tables = try await keepSnapshot(at: until, on: connection)
            return Report(replayed: replayed, caughtUp: 0, elapsed: .now - started, tables: tables, switched: false)
        }
        var caughtUp = 0
        for _ in 0..<5 {
            let gap = try await catchUp(writer: writer, progress: progress)
            caughtUp += gap
            if gap < 2_000 { break }
        }
        // Fresh tables have no statistics yet; plan queries on them as on the ones they replace.
        for table in projection.tables {
            try await client.query(PostgresQuery(unsafeSQL: "ANALYZE \(ProjectionTables.shadow[table])"), logger: logger)
        }
        caughtUp += try await swap(writer: writer, progress: progress)
        return Report(replayed: replayed, caughtUp: caughtUp, elapsed: .now - started, tables: projection.tables, switched: true)
    }

    /// An index left out of a shadow during the replay, made once it is filled.
    struct DeferredIndex {
        var sql: String
        /// A B-tree the record-by-record replay looks rows up with (a fold needs none).
        var lookup: Bool
    }

    /// Creates the shadow tables like the live ones, without their non-btree (GiST, GIN…) indexes,
    /// whose definitions it returns: the replay needs only the btree ones (keys and lookups by event
    /// id), and building a spatial or range index once over a full table costs far less than keeping
    /// it up to date through a replay. A fold looks nothing up in the tables, so with
    /// `deferringLookups` the non-unique btree indexes wait too. A partitioned table's shadow is
    /// partitioned the same way, with the same partitions.
    private func createShadows(deferringLookups: Bool, on connection: PostgresConnection) async throws -> [DeferredIndex] {
        var deferred: [DeferredIndex] = []
        for table in projection.tables {
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(ProjectionTables.shadow[table])"), logger: logger)
            let partitionKey = try await connection.query(
                "SELECT pg_get_partkeydef(partrelid) FROM pg_partitioned_table WHERE partrelid = to_regclass(\(ProjectionTables.live.name(table)))",
                logger: logger
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }.first
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "CREATE TABLE \(ProjectionTables.shadow[table]) (LIKE \(ProjectionTables.live[table]) INCLUDING ALL)"
                        + (partitionKey.map { " PARTITION BY \($0)" } ?? "")),
                logger: logger)
            let rows = try await connection.query(
                """
                SELECT i.relname, pg_get_indexdef(i.oid), format('DROP INDEX %I', i.relname), a.amname = 'btree'
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam
                WHERE x.indrelid = \(ProjectionTables.shadow.name(table))::regclass
                  AND (a.amname <> 'btree' OR (\(deferringLookups) AND NOT x.indisunique))
                ORDER BY i.relname
                """, logger: logger)
            var drops: [String] = []
            for try await (_, definition, drop, btree) in rows.decode((String, String, String, Bool).self) {
                drops.append(drop)
                // An index of a partitioned table is defined `ON ONLY` it; made again, it must reach every partition.
                deferred.append(DeferredIndex(sql: definition.replacingOccurrences(of: " ON ONLY ", with: " ON "), lookup: btree))
            }
            for drop in drops { try await connection.query(PostgresQuery(unsafeSQL: drop), logger: logger) }
            if deferringLookups { deferred.insert(contentsOf: try await deferKeys(of: table, on: connection), at: 0) }
            if partitionKey != nil { try await mirrorPartitions(of: table, on: connection) }
        }
        try await connection.query("DELETE FROM projection_positions WHERE projection = \(shadowPositions.projection)", logger: logger)
        return deferred
    }

    /// Drops the primary key and unique constraints of a shadow a fold fills, and returns them to be
    /// added back after it: a fold writes every row once, and building a key's index from the full
    /// table (one sort) costs far less than keeping it up through the inserts (a fifth of the
    /// database's work while the rows went in). Their names stay those `LIKE` gave them; adding one
    /// back checks it as inserting did, so a fold that wrote a key twice fails the rebuild.
    private func deferKeys(of table: String, on connection: PostgresConnection) async throws -> [DeferredIndex] {
        let shadow = ProjectionTables.shadow[table]
        let rows = try await connection.query(
            """
            SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', \(shadow), conname),
                   format('ALTER TABLE %s ADD CONSTRAINT %I ', \(shadow), conname) || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = \(ProjectionTables.shadow.name(table))::regclass AND contype IN ('p', 'u')
            ORDER BY conname
            """, logger: logger)
        var keys: [(drop: String, add: String)] = []
        for try await key in rows.decode((String, String).self) { keys.append(key) }
        for key in keys { try await connection.query(PostgresQuery(unsafeSQL: key.drop), logger: logger) }
        return keys.map { DeferredIndex(sql: $0.add, lookup: true) }
    }

    /// Builds the deferred indexes two at a time (a GiST build uses one core).
    private func buildIndexes(_ definitions: [String], progress: @escaping @Sendable (Progress) -> Void) async throws {
        progress(Progress(phase: "indexes", done: 0, total: definitions.count))
        var done = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            var waiting = definitions[...]
            func start() {
                guard let definition = waiting.popFirst() else { return }
                group.addTask { try await client.query(PostgresQuery(unsafeSQL: definition), logger: logger) }
            }
            start()
            start()
            while try await group.next() != nil {
                done += 1
                progress(Progress(phase: "indexes", done: done, total: definitions.count))
                start()
            }
        }
    }

    /// Empties the shadows and forgets their positions (before a replay starts over).
    private func emptyShadows(on connection: PostgresConnection) async throws {
        for table in projection.tables {
            try await connection.query(PostgresQuery(unsafeSQL: "TRUNCATE \(ProjectionTables.shadow[table])"), logger: logger)
        }
        try await connection.query("DELETE FROM projection_positions WHERE projection = \(shadowPositions.projection)", logger: logger)
    }

    /// Replays the archive through the projection's fold: pages in log order per partition (the
    /// next page read while one is folded), settled rows written as the fold goes, the rest and the
    /// positions at the end. Returns `nil` when the database refuses a row (nothing is kept then).
    private func replayArchive(
        folding start: any ProjectionFold, until: Date?, writer: ProjectionWriter<P>, progress: @Sendable (Progress) -> Void
    ) async throws -> Int? {
        var fold = start
        let reader = ArchiveReader(client: client, logger: logger)
        let range = ArchiveReader.TimeRange(until: until)
        let partitions = try await reader.partitions(of: projection.topics, in: range)
        let total = partitions.reduce(0) { $0 + $1.count }
        let pageSize = 20_000
        var done = 0
        var next: [TopicPartition: Int64] = [:]
        progress(Progress(phase: "replay", done: 0, total: total))
        do {
            for (partition, _, end) in partitions {
                var pending: Task<[KafkaMessage], any Error>? = Task { try await reader.page(partition, after: -1, limit: pageSize, in: range) }
                while let current = pending {
                    let read = try await current.value
                    // Up to the end seen when the replay started; what came later is caught up from the log.
                    let page = read.filter { $0.offset < end }
                    guard let last = page.last else { break }
                    pending =
                        read.count == pageSize && page.count == read.count
                        ? Task { try await reader.page(partition, after: last.offset, limit: pageSize, in: range) } : nil
                    try await writer.deadLetter(await fold.apply(page).map { ($0.message, $0.reason) })
                    try await fold.writeSettled(client: client, tables: .shadow, logger: logger)
                    next[partition] = last.offset + 1
                    done += page.count
                    progress(Progress(phase: "replay", done: done, total: total))
                }
            }
            progress(Progress(phase: "write", done: 0, total: 1))
            try await fold.writeRest(client: client, tables: .shadow, logger: logger)
            try await client.withConnection { try await shadowPositions.save(next, on: $0, logger: logger) }
            progress(Progress(phase: "write", done: 1, total: 1))
        } catch {
            guard case .data(let reason) = DatabaseFailure(error) else { throw error }
            logger.warning("the bulk replay was refused a row; replaying record by record", metadata: ["reason": "\(reason)"])
            return nil
        }
        return done
    }

    private func replayArchive(until: Date?, writer: ProjectionWriter<P>, progress: @Sendable (Progress) -> Void) async throws -> Int {
        let reader = ArchiveReader(client: client, logger: logger)
        let range = ArchiveReader.TimeRange(until: until)
        let partitions = try await reader.partitions(of: projection.topics, in: range)
        let total = partitions.reduce(0) { $0 + $1.count }
        var done = 0
        progress(Progress(phase: "replay", done: 0, total: total))
        for (partition, _, end) in partitions {
            var after: Int64 = -1
            while true {
                // Up to the end seen when the replay started; what came later is caught up from the log.
                let page = try await reader.page(partition, after: after, limit: 5_000, in: range).filter { $0.offset < end }
                guard let last = page.last else { break }
                try await writer.apply(page)
                after = last.offset
                done += page.count
                progress(Progress(phase: "replay", done: done, total: total))
            }
        }
        return done
    }

    private func replayTopics(until: Date?, writer: ProjectionWriter<P>, progress: @Sendable (Progress) -> Void) async throws -> Int {
        let ends = try await highWatermarks()
        let total = Int(ends.values.reduce(0, +))
        var done = 0
        progress(Progress(phase: "replay", done: 0, total: total))
        try await read(from: ends.mapValues { _ in Int64(0) }, to: ends) { batch in
            let wanted = until.map { limit in batch.filter { ($0.timestampMilliseconds ?? 0) <= Timestamp.epochMilliseconds(limit) } } ?? batch
            try await writer.apply(wanted)
            done += batch.count
            progress(Progress(phase: "replay", done: done, total: total))
        }
        return done
    }

    /// Applies to the shadows what the live projection applied since; returns how many records.
    private func catchUp(writer: ProjectionWriter<P>, progress: @escaping @Sendable (Progress) -> Void) async throws -> Int {
        let live = try await livePositions.all(client: client, logger: logger)
        let shadow = try await shadowPositions.all(client: client, logger: logger)
        var from: [TopicPartition: Int64] = [:]
        var to: [TopicPartition: Int64] = [:]
        for (partition, end) in live where end > (shadow[partition] ?? 0) {
            from[partition] = shadow[partition] ?? 0
            to[partition] = end
        }
        guard !to.isEmpty else { return 0 }
        let total = Int(to.map { $0.value - from[$0.key]! }.reduce(0, +))
        var done = 0
        try await read(from: from, to: to) { batch in
            try await writer.apply(batch)
            done += batch.count
            progress(Progress(phase: "catch-up", done: done, total: total))
        }
        return done
    }

    /// Blocks live writes, applies the last gap, swaps the tables and keeps the live positions.
    private func swap(writer: ProjectionWriter<P>, progress: @escaping @Sendable (Progress) -> Void) async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4490, hashtext(\(projection.name)))", logger: logger)
            let gap = try await catchUp(writer: writer, progress: progress)
            for table in projection.tables {
                let old = ProjectionTables(suffix: "__old")
                let liveIndexes = try await indexes(of: ProjectionTables.live.name(table), on: connection)
                let liveTriggers = try await triggers(of: ProjectionTables.live.name(table), on: connection)
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(old[table])"), logger: logger)
                try await connection.query(
                    PostgresQuery(unsafeSQL: "ALTER TABLE \(ProjectionTables.live[table]) RENAME TO \(old[table])"), logger: logger)
                try await connection.query(
                    PostgresQuery(unsafeSQL: "ALTER TABLE \(ProjectionTables.shadow[table]) RENAME TO \(ProjectionTables.live[table])"),
                    logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(old[table])"), logger: logger)
                try await renamePartitions(of: table, from: ProjectionTables.shadow.name(table), to: table, on: connection)
                try await renameIndexes(of: table, like: liveIndexes, on: connection)
                for definition in liveTriggers { try await connection.query(PostgresQuery(unsafeSQL: definition), logger: logger) }
            }
            // Everything the tables held may differ: caches over them (vector tiles) start over.
            try await connection.query(#"SELECT pg_notify('shikong_tile_changes', '{"all":true}')"#, logger: logger)
            try await connection.query("DELETE FROM projection_positions WHERE projection = \(shadowPositions.projection)", logger: logger)
            return gap
        }
    }

    /// Gives the shadow of a partitioned table the live table's partitions, same bounds, named after the
    /// shadow (`sensor_readings_p20261201` → `sensor_readings__rebuild_p20261201`).
    private func mirrorPartitions(of table: String, on connection: PostgresConnection) async throws {
        let live = ProjectionTables.live.name(table)
        let shadow = ProjectionTables.shadow.name(table)
        let statements = try await connection.query(
            """
            SELECT format('CREATE TABLE %I PARTITION OF %I %s',
                CASE WHEN left(c.relname, length(\(live))) = \(live) THEN \(shadow) || substr(c.relname, length(\(live)) + 1)
                    ELSE \(shadow) || '_' || c.relname END,
                \(shadow), pg_get_expr(c.relpartbound, c.oid))
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(\(live))
            """, logger: logger
        ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
        for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
    }

    /// Renames the partitions of `table`, and their indexes, whose names start with `old` to start with
    /// `new` instead: a swapped-in or kept shadow's partitions take the names that go with its own.
    private func renamePartitions(of table: String, from old: String, to new: String, on connection: PostgresConnection) async throws {
        let statements = try await connection.query(
            """
            SELECT format('ALTER TABLE %I RENAME TO %I', c.relname, \(new) || substr(c.relname, length(\(old)) + 1))
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(\(table)) AND left(c.relname, length(\(old))) = \(old)
            UNION ALL
            SELECT format('ALTER INDEX %I RENAME TO %I', ic.relname, \(new) || substr(ic.relname, length(\(old)) + 1))
            FROM pg_inherits i JOIN pg_index x ON x.indrelid = i.inhrelid JOIN pg_class ic ON ic.oid = x.indexrelid
            WHERE i.inhparent = to_regclass(\(table)) AND left(ic.relname, length(\(old))) = \(old)
                AND length(\(new) || substr(ic.relname, length(\(old)) + 1)) < 64
            """, logger: logger
        ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
        for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
    }

    /// The definitions of a table's own triggers (the tile change notices of migration 11), to put
    /// back on the table that takes its name: a shadow made with LIKE has none.
    private func triggers(of table: String, on connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = to_regclass(\(table)) AND NOT tgisinternal ORDER BY tgname",
            logger: logger)
        var found: [String] = []
        for try await definition in rows.decode(String.self) { found.append(definition) }
        return found
    }

    /// The indexes of a table: name → definition with the index and table names taken out.
    private func indexes(of table: String, on connection: PostgresConnection) async throws -> [String: String] {
        let rows = try await connection.query(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = \(table)", logger: logger)
        var found: [String: String] = [:]
        for try await (name, definition) in rows.decode((String, String).self) {
            found[name] = definition.replacingOccurrences(of: "INDEX \(name) ON", with: "INDEX ON")
                .replacingOccurrences(of: "INDEX \"\(name)\" ON", with: "INDEX ON").replacingOccurrences(of: "\"\(table)\"", with: "TABLE")
                .replacingOccurrences(of: " \(table) ", with: " TABLE ").replacingOccurrences(of: ".\(table) ", with: ".TABLE ")
        }
        return found
    }

    /// Gives the swapped-in table's indexes the names of the ones they replace: the same definition
    /// gets the same name (a shadow made with LIKE names its indexes after their columns).
    private func renameIndexes(of table: String, like replaced: [String: String], on connection: PostgresConnection) async throws {
        let current = try await indexes(of: table, on: connection)
        var byDefinition: [String: String] = [:]
        for (name, definition) in replaced { byDefinition[definition] = name }
        for (name, definition) in current.sorted(by: { $0.key < $1.key }) {
            guard let wanted = byDefinition.removeValue(forKey: definition) else {
                // Copied from the live table when the shadow was made, and dropped from it since (an
                // indexed queryable taken out during the rebuild): not wanted any more.
                if name.hasPrefix(ProjectionTables.shadow.name(table)) {
                    try await connection.query(PostgresQuery(unsafeSQL: "DROP INDEX IF EXISTS \"\(name)\""), logger: logger)
                }
                continue
            }
            guard wanted != name, current[wanted] == nil else { continue }
            try await connection.query(PostgresQuery(unsafeSQL: "ALTER INDEX \"\(name)\" RENAME TO \"\(wanted)\""), logger: logger)
        }
    }

    /// Renames the shadows to `<table>__asof_<time>`, replacing an earlier snapshot of the same time.
    private func keepSnapshot(at until: Date, on connection: PostgresConnection) async throws -> [String] {
        let stamp = Timestamp.format(until).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: ".", with: "").lowercased()
        let snapshot = ProjectionTables(suffix: "__asof_\(stamp)")
        for table in projection.tables {
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(snapshot[table])"), logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "ALTER TABLE \(ProjectionTables.shadow[table]) RENAME TO \(snapshot[table])"), logger: logger)
            try await renamePartitions(of: snapshot.name(table), from: ProjectionTables.shadow.name(table), to: snapshot.name(table), on: connection)
        }
        try await connection.query("DELETE FROM projection_positions WHERE projection = \(shadowPositions.projection)", logger: logger)
        return projection.tables.map { snapshot.name($0) }
    }

    private func highWatermarks() async throws -> [TopicPartition: Int64] {
        let admin = try KafkaProducer(configuration: KafkaProducerConfiguration(client: kafka))
        defer { admin.close() }
        let counts = try admin.admin.partitionCounts()
        var ends: [TopicPartition: Int64] = [:]
        for topic in projection.topics {
            for partition in 0..<Int32(counts[topic] ?? 0) {
                let tp = TopicPartition(topic: topic, partition: partition)
                ends[tp] = try await admin.admin.fetchWatermarks(tp).high
            }
        }
        return ends.filter { $0.value > 0 }
    }

    /// Reads each partition from `from` up to (not including) `to`, in batches.
    private func read(
        from: [TopicPartition: Int64], to: [TopicPartition: Int64], _ body: ([KafkaMessage]) async throws -> Void
    ) async throws {
        var remaining = to.filter { $0.value > (from[$0.key] ?? 0) }
        guard !remaining.isEmpty else { return }
        var configuration = KafkaConsumerConfiguration(client: kafka, groupID: "\(kafka.clientID).rebuild.\(projection.name)")
        configuration.autoOffsetReset = "earliest"
        let consumer = try KafkaConsumer(
            configuration: configuration, subscription: .partitions(remaining.mapValues { _ in 0 }.merging(from) { _, start in start }),
            logger: logger)
        defer { consumer.close() }
        var lastProgress = ContinuousClock.now
        while !remaining.isEmpty {
            let batch = try await consumer.poll(maxMessages: 5_000, timeout: .milliseconds(200))
            let wanted = batch.filter { message in remaining[message.topicPartition].map { message.offset < $0 } ?? false }
            if !wanted.isEmpty {
                try await body(wanted)
                lastProgress = .now
            }
            for message in batch where (remaining[message.topicPartition].map { message.offset + 1 >= $0 } ?? false) {
                remaining[message.topicPartition] = nil
            }
            if ContinuousClock.now - lastProgress > .seconds(30) {
                throw RebuildError("no records arrived for 30 s while reading \(remaining.keys.map(\.description).sorted())")
            }
        }
    }
}

/// Why a rebuild cannot go on.
public struct RebuildError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
