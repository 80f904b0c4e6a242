extension Migrations {
    /// Migration 11: what vector tiles need. The projection tables announce what they changed on the
    /// channel `shikong_tile_changes` when their transaction commits (statement triggers over the
    /// transition tables: per collection, the extent of the rows written before and after, and the
    /// earliest system time affected), so API processes drop exactly the cached tiles that may show
    /// it. A rebuild that swaps tables in carries these triggers over and announces `{"all": true}`.
    /// And the basemap: the gazetteer's province, city and county boundaries, with two simplified
    /// copies for small scales, copied from the serving process's gazetteer snapshot.
    static let tiles: (version: Int, name: String, statements: [String]) = (
        11, "tile change notices and the basemap",
        [
            """
            CREATE OR REPLACE FUNCTION shikong_tile_notice(kind text, collection text, area box2d, since timestamptz) RETURNS void
            LANGUAGE sql AS $$
                SELECT pg_notify('shikong_tile_changes', json_build_object(
                    'kind', kind, 'collection', collection,
                    'bbox', CASE WHEN area IS NULL THEN NULL ELSE json_build_array(ST_XMin(area), ST_YMin(area), ST_XMax(area), ST_YMax(area)) END,
                    'since', extract(epoch FROM since))::text)
            $$
            """,
            // Inserted versions carry new geometries from their system start; updated ones are
            // superseded versions (their old geometry) closed at the end of their system range.
            """
            CREATE OR REPLACE FUNCTION shikong_entity_versions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM shikong_tile_notice('entities', collection, ST_Extent(geom)::box2d,
                    min(CASE WHEN upper_inf(system) THEN lower(system) ELSE upper(system) END))
                FROM changed WHERE geom IS NOT NULL GROUP BY collection;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER entity_versions_inserted_tiles AFTER INSERT ON entity_versions REFERENCING NEW TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION shikong_entity_versions_changed()
            """,
            """
            CREATE TRIGGER entity_versions_updated_tiles AFTER UPDATE ON entity_versions REFERENCING NEW TABLE AS changed
            FOR EACH STATEMENT EXECUTE FUNCTION shikong_entity_versions_changed()
            """,
            """
            CREATE OR REPLACE FUNCTION shikong_sensors_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM shikong_tile_notice('sensors', NULL, ST_Extent(geom)::box2d, NULL) FROM added HAVING count(*) > 0;
                RETURN NULL;
            END $$
            """,
            """
            CREATE OR REPLACE FUNCTION shikong_sensors_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM shikong_tile_notice('sensors', NULL, ST_Extent(geom)::box2d, NULL)
                FROM (SELECT geom FROM old_rows UNION ALL SELECT geom FROM new_rows) AS changed HAVING count(*) > 0;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER sensors_latest_inserted_tiles AFTER INSERT ON sensors_latest REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION shikong_sensors_inserted()
            """,
            """
            CREATE TRIGGER sensors_latest_updated_tiles AFTER UPDATE ON sensors_latest REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION shikong_sensors_moved()
            """,
            """
            CREATE OR REPLACE FUNCTION shikong_readings_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM shikong_tile_notice('readings', NULL, ST_Extent(geom)::box2d, min(recorded_at)) FROM added HAVING count(*) > 0;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER sensor_readings_inserted_tiles AFTER INSERT ON sensor_readings REFERENCING NEW TABLE AS added
            FOR EACH STATEMENT EXECUTE FUNCTION shikong_readings_inserted()
            """,
            // The basemap: level 1 provinces, 2 cities, 3 counties; `coarse` (0.01°, about 1 km) for
            // zooms below 7, `medium` (0.001°) below 10, `geom` itself deeper; `label` a point inside.
            """
            CREATE TABLE basemap_boundaries (
                code text PRIMARY KEY,
                level smallint NOT NULL,
                name text NOT NULL,
                parent text,
                geom geometry(Geometry, 4490) NOT NULL,
                coarse geometry(Geometry, 4490),
                medium geometry(Geometry, 4490),
                label geometry(Point, 4490)
            )
            """,
            "CREATE INDEX basemap_boundaries_geom ON basemap_boundaries USING gist (geom)",
            "CREATE TABLE basemap_source (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), fingerprint text NOT NULL, loaded_at timestamptz NOT NULL)",
        ]
    )
}
