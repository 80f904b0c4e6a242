extension Migrations {
    /// The deepest thinning level (``tileThinning``): a feature is at level `k` or above with probability 4^-k.
    public static let deepestThinLevel = 7

    /// Migration 23: precomputed point thinning for vector tiles. `shikong_thin_level(id)` gives every
    /// feature a level from a hash of its id: level ≥ k with probability 4^-k (k = 0 … 7), the same
    /// feature at the same level always (so a tile at level k holds every feature a tile at level k + 1
    /// holds: tiles nest across zooms and do not flicker). A quarter of the area per zoom and a quarter
    /// of the features per level keep a tile's density constant as it zooms out (tippecanoe's drop
    /// rate of 4, made deterministic). Partial GiST indexes per level on the entity tables let a
    /// thinned tile read only the features of its level, and the sparsest ones let it count cheaply
    /// how dense its area is; expression statistics tell the planner how selective a level is.
    /// `hashtext` is immutable; the body is one expression, so the planner inlines it and matches a
    /// query's `shikong_thin_level(entity_id) >= k` with an index's predicate.
    static let tileThinning: (version: Int, name: String, statements: [String]) = (
        23, "thinning levels of features for vector tiles",
        [
            // The low 14 bits of the hash, uniform in 0 ..< 4^7: level 7 − (thresholds 4^i ≤ u).
            """
            CREATE OR REPLACE FUNCTION shikong_thin_level(id text) RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT 7 - width_bucket(hashtext(id) & 16383, '{1,4,16,64,256,1024,4096}'::integer[])
            $$
            """
        ]
            + ["entity_current", "entity_versions"].flatMap { table in
                (1...deepestThinLevel).map { level in
                    "CREATE INDEX IF NOT EXISTS \(table)_geom_level\(level) ON \(table) USING gist (geom) WHERE shikong_thin_level(entity_id) >= \(level)"
                } + ["CREATE STATISTICS IF NOT EXISTS \(table)_thin_level ON (shikong_thin_level(entity_id)) FROM \(table)"]
            }
    )
}
