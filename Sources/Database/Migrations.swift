import Logging
import PostgresNIO

/// The schema, as an ordered list of migrations. Applied once each, in order, under an advisory lock,
/// so any number of processes may start at once. Never edit a released migration: add one.
public enum Migrations {
    static let all: [(version: Int, name: String, statements: [String])] = [
        (
            1, "sensor readings and positions",
            [
                "CREATE EXTENSION IF NOT EXISTS postgis",
                """
                CREATE TABLE projection_positions (
                    projection text NOT NULL,
                    topic text NOT NULL,
                    partition integer NOT NULL,
                    next_offset bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (projection, topic, partition)
                )
                """,
                """
                CREATE TABLE sensor_readings (
                    event_id uuid PRIMARY KEY,
                    sensor_id text NOT NULL,
                    observed_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    projected_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    geom geometry(Point, 4490) NOT NULL,
                    "values" jsonb NOT NULL,
                    source text NOT NULL,
                    UNIQUE (sensor_id, observed_at)
                )
                """,
                "CREATE INDEX sensor_readings_geom ON sensor_readings USING gist (geom)",
                "CREATE INDEX sensor_readings_observed_at ON sensor_readings (observed_at)",
                """
                CREATE TABLE sensors_latest (
                    sensor_id text PRIMARY KEY,
                    event_id uuid NOT NULL,
                    observed_at timestamptz NOT NULL,
                    geom geometry(Point, 4490) NOT NULL,
                    "values" jsonb NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX sensors_latest_geom ON sensors_latest USING gist (geom)",
            ]
        ),
        (
            2, "event archive and dead letters",
            [
                """
                CREATE TABLE event_archive (
                    event_id uuid NOT NULL,
                    topic text NOT NULL,
                    partition integer NOT NULL,
                    "offset" bigint NOT NULL,
                    type text,
                    subject text,
                    source text,
                    occurred_at timestamptz,
                    recorded_at timestamptz NOT NULL,
                    key bytea,
                    headers jsonb NOT NULL,
                    value bytea NOT NULL,
                    geom geometry(Geometry, 4490),
                    archived_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    PRIMARY KEY (event_id, topic)
                ) PARTITION BY RANGE (event_id)
                """,
                "CREATE TABLE event_archive_default PARTITION OF event_archive DEFAULT",
                #"CREATE INDEX event_archive_position ON event_archive (topic, partition, "offset")"#,
                "CREATE INDEX event_archive_subject ON event_archive (subject, recorded_at)",
                "CREATE INDEX event_archive_recorded_at ON event_archive (recorded_at)",
                "CREATE INDEX event_archive_geom ON event_archive USING gist (geom)",
                """
                CREATE TABLE dead_letters (
                    id uuid PRIMARY KEY,
                    event_id uuid,
                    stage text NOT NULL,
                    reason text NOT NULL,
                    failed_at timestamptz NOT NULL,
                    topic text NOT NULL,
                    partition integer NOT NULL,
                    "offset" bigint NOT NULL,
                    key bytea,
                    headers jsonb NOT NULL,
                    original bytea NOT NULL,
                    status text NOT NULL DEFAULT 'open',
                    redriven_at timestamptz,
                    redriven_as uuid,
                    redrive_count integer NOT NULL DEFAULT 0
                )
                """,
                "CREATE INDEX dead_letters_failed_at ON dead_letters (failed_at DESC, id)",
                "CREATE INDEX dead_letters_stage ON dead_letters (stage, failed_at DESC)",
                "CREATE INDEX dead_letters_event_id ON dead_letters (event_id)",
            ]
        ),
        (
            3, "collections, entity versions and import jobs",
            [
                // The catalogue: every collection with its metadata (R-ENG-1, R-DM-8), from `catalogue` events.
                """
                CREATE TABLE collections (
                    id text PRIMARY KEY,
                    kind text NOT NULL CHECK (kind IN ('entities', 'sensors', 'readings')),
                    title text NOT NULL,
                    description text NOT NULL DEFAULT '',
                    keywords text[] NOT NULL DEFAULT '{}',
                    domain text,
                    industry text,
                    theme text,
                    classification text NOT NULL DEFAULT 'public',
                    source text,
                    update_frequency text,
                    allow_outside_service_area boolean NOT NULL DEFAULT false,
                    properties jsonb NOT NULL DEFAULT '[]',
                    registered_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    event_id uuid NOT NULL
                )
                """,
                // Every version of every entity, bitemporal: valid time (true in the world) and system
                // time (known to the platform). A change at system time S closes the system range of
                // the versions it supersedes at S and adds versions that start at S. A retirement
                // adds a version with `retired` set, so every event leaves exactly one row.
                """
                CREATE TABLE entity_versions (
                    collection text NOT NULL,
                    entity_id text NOT NULL,
                    version integer NOT NULL,
                    event_id uuid NOT NULL,
                    valid tstzrange NOT NULL,
                    system tstzrange NOT NULL,
                    retired boolean NOT NULL DEFAULT false,
                    geom geometry(Geometry, 4490),
                    properties jsonb NOT NULL DEFAULT '{}',
                    content_hash text,
                    source text,
                    PRIMARY KEY (collection, entity_id, version)
                )
                """,
                "CREATE INDEX entity_versions_event ON entity_versions (event_id)",
                "CREATE INDEX entity_versions_geom ON entity_versions USING gist (geom)",
                "CREATE INDEX entity_versions_valid ON entity_versions USING gist (valid)",
                "CREATE INDEX entity_versions_system ON entity_versions USING gist (system)",
                "CREATE INDEX entity_versions_collection_system ON entity_versions (collection, upper(system))",
                // What is known now and valid now: the versions whose system range is open and whose
                // valid range holds now, not retired. Kept by the entity projection beside the history.
                """
                CREATE TABLE entity_current (
                    collection text NOT NULL,
                    entity_id text NOT NULL,
                    version integer NOT NULL,
                    event_id uuid NOT NULL,
                    valid_from timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    geom geometry(Geometry, 4490),
                    properties jsonb NOT NULL DEFAULT '{}',
                    content_hash text,
                    PRIMARY KEY (collection, entity_id)
                )
                """,
                "CREATE INDEX entity_current_geom ON entity_current USING gist (geom)",
                "CREATE INDEX entity_current_collection ON entity_current (collection, entity_id)",
                // Import jobs and their counts, from `jobs` events.
                """
                CREATE TABLE import_jobs (
                    id uuid PRIMARY KEY,
                    collection text NOT NULL,
                    file text NOT NULL,
                    status text NOT NULL,
                    total integer,
                    read integer NOT NULL DEFAULT 0,
                    upserted integer NOT NULL DEFAULT 0,
                    unchanged integer NOT NULL DEFAULT 0,
                    retired integer NOT NULL DEFAULT 0,
                    failed integer NOT NULL DEFAULT 0,
                    message text,
                    started_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL
                )
                """,
            ]
        ),
        (
            4, "entity sources and time-travel indexes",
            [
                "ALTER TABLE entity_current ADD COLUMN IF NOT EXISTS source text",
                // Scenario replay selects archived events by event time.
                "CREATE INDEX IF NOT EXISTS event_archive_occurred_at ON event_archive (occurred_at)",
                // A diff between two times looks only at entities with a version boundary between them.
                "CREATE INDEX IF NOT EXISTS entity_versions_collection_known_from ON entity_versions (collection, lower(system))",
                "CREATE INDEX IF NOT EXISTS entity_versions_collection_valid_from ON entity_versions (collection, lower(valid))",
                "CREATE INDEX IF NOT EXISTS entity_versions_collection_valid_to ON entity_versions (collection, upper(valid))",
                // The primary key already is (collection, entity_id).
                "DROP INDEX IF EXISTS entity_current_collection",
            ]
        ),
        (
            5, "located items and gazetteer changes",
            [
                // Crawl items and thematic records placed by the item processor: the latest placement
                // of each item, with what it was placed from and how well (R-SP-3).
                """
                CREATE TABLE located_items (
                    item_id text PRIMARY KEY,
                    event_id uuid NOT NULL,
                    source text NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    projected_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    geom geometry(Point, 4490) NOT NULL,
                    method text NOT NULL,
                    standard_address text NOT NULL,
                    admin_code text,
                    admin_codes text[] NOT NULL,
                    precision text NOT NULL,
                    score double precision NOT NULL,
                    labels jsonb NOT NULL,
                    data jsonb NOT NULL
                )
                """,
                "CREATE INDEX located_items_geom ON located_items USING gist (geom)",
                "CREATE INDEX located_items_admin_code ON located_items (admin_code text_pattern_ops)",
                "CREATE INDEX located_items_occurred_at ON located_items (occurred_at)",
                // Every gazetteer change published on `gazetteer.changes` (operator edits of aliases,
                // renames, …), in the order the engines apply them.
                """
                CREATE TABLE gazetteer_changes (
                    event_id uuid PRIMARY KEY,
                    type text NOT NULL,
                    subject text NOT NULL,
                    source text NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    partition integer NOT NULL,
                    "offset" bigint NOT NULL,
                    change jsonb NOT NULL
                )
                """,
                "CREATE INDEX gazetteer_changes_subject ON gazetteer_changes (subject, recorded_at)",
                #"CREATE INDEX gazetteer_changes_position ON gazetteer_changes (partition, "offset")"#,
            ]
        ),
        (
            6, "original bytes of dead letters the dead-letter topic cannot hold",
            [
                // A message the MQTT bridge could not append (larger than its payload limit, or
                // refused by the broker) is a dead letter whose original bytes are kept here, not in
                // the event; the dead-letter projection takes them from here by dead-letter id. Not a
                // projection table: a rebuild of dead_letters reads it again.
                """
                CREATE TABLE dead_letter_payloads (
                    id uuid PRIMARY KEY,
                    original bytea NOT NULL,
                    stored_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        (
            7, "indexed queryables",
            [
                // Queryables a collection's metadata marks as `indexed` get a GiST index on (value,
                // geometry) for that collection (`QueryableIndexes`): btree_gist lets one index take
                // the equality and the bbox together.
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                "ALTER TABLE collections ADD COLUMN IF NOT EXISTS indexed text[] NOT NULL DEFAULT '{}'",
            ]
        ),
        (
            9, "live layer: aggregate windows, alerts, definitions",
            [
                // Collections of any kind a source serves (aggregates, alerts, …): the read model ignores kinds it does not serve.
                "ALTER TABLE collections DROP CONSTRAINT IF EXISTS collections_kind_check",
                // Every version of every window of every aggregation, bitemporal: the system range of
                // a version ends when the next version (a correction) was recorded.
                """
                CREATE TABLE aggregate_windows (
                    event_id uuid PRIMARY KEY,
                    feature_id text NOT NULL,
                    aggregation text NOT NULL,
                    revision uuid NOT NULL,
                    key text NOT NULL,
                    window_start timestamptz NOT NULL,
                    window_end timestamptz NOT NULL,
                    version integer NOT NULL,
                    system tstzrange NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    geom geometry(Geometry, 4490),
                    properties jsonb NOT NULL
                )
                """,
                "CREATE INDEX aggregate_windows_feature ON aggregate_windows (feature_id, recorded_at)",
                "CREATE INDEX aggregate_windows_current ON aggregate_windows (feature_id) WHERE upper_inf(system)",
                "CREATE INDEX aggregate_windows_system ON aggregate_windows USING gist (system)",
                "CREATE INDEX aggregate_windows_start ON aggregate_windows (window_start)",
                "CREATE INDEX aggregate_windows_key ON aggregate_windows (aggregation, key, window_start)",
                "CREATE INDEX aggregate_windows_geom ON aggregate_windows USING gist (geom)",
                // Each alert as it stands (raised, acknowledged, cleared) and every event of it.
                """
                CREATE TABLE alerts (
                    alert_id uuid PRIMARY KEY,
                    rule text NOT NULL,
                    kind text NOT NULL,
                    subject text NOT NULL,
                    fence text,
                    severity text NOT NULL,
                    status text NOT NULL,
                    message text NOT NULL,
                    raised_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    acknowledged_at timestamptz,
                    acknowledged_by text,
                    note text,
                    cleared_at timestamptz,
                    geom geometry(Geometry, 4490),
                    evidence jsonb NOT NULL,
                    clear_evidence jsonb,
                    updated_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX alerts_raised_at ON alerts (raised_at)",
                "CREATE INDEX alerts_rule ON alerts (rule, subject)",
                "CREATE INDEX alerts_geom ON alerts USING gist (geom)",
                """
                CREATE TABLE alert_events (
                    event_id uuid PRIMARY KEY,
                    alert_id uuid NOT NULL,
                    type text NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    data jsonb NOT NULL
                )
                """,
                "CREATE INDEX alert_events_alert ON alert_events (alert_id, recorded_at)",
                // Aggregation definitions, drawn geofences and alert rules as they stand; a deletion
                // leaves a tombstone so an older event replayed later does not bring one back.
                """
                CREATE TABLE live_definitions (
                    kind text NOT NULL,
                    id text NOT NULL,
                    event_id uuid NOT NULL,
                    definition jsonb,
                    deleted boolean NOT NULL DEFAULT false,
                    source text NOT NULL,
                    updated_at timestamptz NOT NULL,
                    PRIMARY KEY (kind, id)
                )
                """,
            ]
        ),
    ]

    /// Applies every migration not applied yet.
    public static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(4490)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied: Set<Int> = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            for migration
                in (all + [
                    tiles, access, tasks, taskRuns, operations, nodes, audit, volatileAccess, readingPartitions, featureClassification, tileThinning,
                    readOnlyRole,
                ])
                .sorted(by: {
                    $0.version < $1.version
                })
            where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }
}
