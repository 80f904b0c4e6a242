extension Migrations {
    /// Migration 21: `sensor_readings` partitioned by observation time, so a year of readings is a
    /// set of tables that retention can drop whole rather than one table that only grows.
    ///
    /// Range partitions on `observed_at` (`sensor_readings_p<YYYYMMDD>`, by default one per calendar
    /// month in UTC) and a default partition that takes any reading outside them (a sensor with a
    /// broken clock, a backfill of an old year), so none is refused. The functions below create a
    /// partition on demand, moving the default partition's rows of its range into it; the platform's
    /// maintenance pass (`ReadingPartitionMaintenance`) calls them ahead of time and drops partitions
    /// past the retention horizon. A unique key of a partitioned table must hold the partition key:
    /// the primary key becomes (event_id, observed_at); (sensor_id, observed_at) stays unique, and the
    /// projection writer's `ON CONFLICT DO NOTHING` keeps both. Existing rows are moved in, indexes and
    /// the tile-change trigger are made again on the new table.
    static let readingPartitions: (version: Int, name: String, statements: [String]) = (
        21, "sensor readings partitioned by observation time",
        [
            // The range partitions of a table partitioned on a timestamptz, with their bounds (the
            // default partition has none and is left out).
            """
            CREATE OR REPLACE FUNCTION shikong_range_partitions(parent regclass)
            RETURNS TABLE (partition regclass, lower_bound timestamptz, upper_bound timestamptz)
            LANGUAGE sql STABLE AS $$
                SELECT c.oid::regclass, b[1]::timestamptz, b[2]::timestamptz
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
                    LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']*)''\\) TO \\(''([^'']*)''\\)') AS b
                WHERE i.inhparent = parent AND b IS NOT NULL
            $$
            """,
            """
            CREATE OR REPLACE FUNCTION shikong_default_partition(parent regclass) RETURNS regclass
            LANGUAGE sql STABLE AS $$
                SELECT nullif(partdefid, 0)::regclass FROM pg_partitioned_table WHERE partrelid = parent
            $$
            """,
            // Makes sure a partition of `parent` holds `at`: one `unit` (day, week, month) long in UTC,
            // shortened where partitions made with another unit already cover part of it. The rows of
            // its range waiting in the default partition move into it first (attaching it would fail
            // otherwise). Returns the new partition's name, or NULL when one existed.
            """
            CREATE OR REPLACE FUNCTION shikong_ensure_reading_partition(parent regclass, at timestamptz, unit text) RETURNS text
            LANGUAGE plpgsql AS $$
            DECLARE
                -- Calendar arithmetic in UTC, whatever the session's time zone.
                period timestamp := date_trunc(unit, at AT TIME ZONE 'UTC');
                lower_bound timestamptz := period AT TIME ZONE 'UTC';
                upper_bound timestamptz := (period + ('1 ' || unit)::interval) AT TIME ZONE 'UTC';
                schema_name text;
                parent_name text;
                partition_name text;
                fallback regclass := shikong_default_partition(parent);
            BEGIN
                IF EXISTS (SELECT 1 FROM shikong_range_partitions(parent) p WHERE p.lower_bound <= at AND at < p.upper_bound) THEN
                    RETURN NULL;
                END IF;
                lower_bound := greatest(lower_bound, (SELECT max(p.upper_bound) FROM shikong_range_partitions(parent) p WHERE p.upper_bound <= at));
                upper_bound := least(upper_bound, (SELECT min(p.lower_bound) FROM shikong_range_partitions(parent) p WHERE p.lower_bound > at));
                SELECT n.nspname, c.relname INTO schema_name, parent_name
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = parent;
                partition_name := parent_name || '_p' || to_char(lower_bound AT TIME ZONE 'UTC', 'YYYYMMDD');
                EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', schema_name, partition_name, parent);
                IF fallback IS NOT NULL THEN
                    EXECUTE format(
                        'WITH moved AS (DELETE FROM %s WHERE observed_at >= $1 AND observed_at < $2 RETURNING *) INSERT INTO %I.%I SELECT * FROM moved',
                        fallback, schema_name, partition_name)
                    USING lower_bound, upper_bound;
                END IF;
                EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                    parent, schema_name, partition_name, lower_bound, upper_bound);
                RETURN partition_name;
            END $$
            """,
            // Gives the readings the default partition holds from `not_before` (the retention horizon,
            // or NULL) to before `before` (the end of the partitions made ahead) partitions of their
            // own, earliest first. Later readings stay in the default partition: a far-future time
            // from a broken clock must not make partitions nobody needs. Returns the partitions made.
            """
            CREATE OR REPLACE FUNCTION shikong_split_reading_default(parent regclass, unit text, not_before timestamptz, before timestamptz)
            RETURNS SETOF text LANGUAGE plpgsql AS $$
            DECLARE
                fallback regclass := shikong_default_partition(parent);
                earliest timestamptz;
                made text;
            BEGIN
                IF fallback IS NULL THEN RETURN; END IF;
                LOOP
                    EXECUTE format('SELECT min(observed_at) FROM %s WHERE observed_at < $1 AND ($2::timestamptz IS NULL OR observed_at >= $2)', fallback)
                        INTO earliest USING before, not_before;
                    EXIT WHEN earliest IS NULL;
                    made := shikong_ensure_reading_partition(parent, earliest, unit);
                    -- A row of the default partition is never inside a partition; this only guards the loop.
                    EXIT WHEN made IS NULL;
                    RETURN NEXT made;
                END LOOP;
            END $$
            """,
            // The policy the maintenance pass last ran with, for rebuilds and `shikong readings`.
            """
            CREATE TABLE reading_partition_policy (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                unit text NOT NULL CHECK (unit IN ('day', 'week', 'month')),
                retention interval,
                ahead integer NOT NULL,
                updated_at timestamptz NOT NULL,
                updated_by text NOT NULL
            )
            """,
            "COMMENT ON TABLE reading_partition_policy IS '\(volatileTableMarker): the settings of the node that last maintained the partitions'",
            // Moving an unpartitioned table in: the old one steps aside with its index names.
            "ALTER TABLE sensor_readings RENAME TO sensor_readings_unpartitioned",
            "ALTER INDEX IF EXISTS sensor_readings_pkey RENAME TO sensor_readings_unpartitioned_pkey",
            "ALTER INDEX IF EXISTS sensor_readings_sensor_id_observed_at_key RENAME TO sensor_readings_unpartitioned_sensor_observed",
            "ALTER INDEX IF EXISTS sensor_readings_geom RENAME TO sensor_readings_unpartitioned_geom",
            "ALTER INDEX IF EXISTS sensor_readings_observed_at RENAME TO sensor_readings_unpartitioned_observed_at",
            """
            CREATE TABLE sensor_readings (
                event_id uuid NOT NULL,
                sensor_id text NOT NULL,
                observed_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL,
                projected_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                geom geometry(Point, 4490) NOT NULL,
                "values" jsonb NOT NULL,
                source text NOT NULL,
                CONSTRAINT sensor_readings_pkey PRIMARY KEY (event_id, observed_at),
                CONSTRAINT sensor_readings_sensor_id_observed_at_key UNIQUE (sensor_id, observed_at)
            ) PARTITION BY RANGE (observed_at)
            """,
            "CREATE TABLE sensor_readings_default PARTITION OF sensor_readings DEFAULT",
            // A partition for every month the old table has readings of (up to a year ahead; later
            // ones wait in the default partition), so the rows go straight to where they belong.
            """
            DO $$
            DECLARE period timestamptz;
            BEGIN
                FOR period IN
                    SELECT DISTINCT date_trunc('month', observed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM sensor_readings_unpartitioned
                    WHERE observed_at < now() + interval '1 year'
                    UNION SELECT now()
                LOOP
                    PERFORM shikong_ensure_reading_partition('sensor_readings', period, 'month');
                END LOOP;
            END $$
            """,
            """
            INSERT INTO sensor_readings (event_id, sensor_id, observed_at, recorded_at, projected_at, geom, "values", source)
            SELECT event_id, sensor_id, observed_at, recorded_at, projected_at, geom, "values", source FROM sensor_readings_unpartitioned
            """,
            "DROP TABLE sensor_readings_unpartitioned",
            // Built after the rows are in: once over the data costs less than row by row.
            "CREATE INDEX sensor_readings_geom ON sensor_readings USING gist (geom)",
            "CREATE INDEX sensor_readings_observed_at ON sensor_readings (observed_at)",
            """
            CREATE TRIGGER sensor_readings_inserted_tiles AFTER INSERT ON sensor_readings REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION shikong_readings_inserted()
            """,
            "ANALYZE sensor_readings",
        ]
    )
}
