extension Migrations {
    /// Migration 22: per-feature classification (issue 13). A collection may name the feature
    /// property that holds each feature's own level; every read hides features above the caller's
    /// clearance. `shikong_feature_hidden` is that rule in SQL, the one test every read path
    /// (`ReadPlan`, history, diff, replay) applies: whether the feature's label is one of the
    /// `hidden` labels (lower case, surrounding spaces ignored). A missing or unknown label hides
    /// nothing: the feature has its collection's level, which the caller has already passed.
    /// A plain SQL function, so the planner inlines it.
    static let featureClassification: (version: Int, name: String, statements: [String]) = (
        22, "per-feature classification",
        [
            "ALTER TABLE collections ADD COLUMN IF NOT EXISTS classification_property text",
            """
            CREATE OR REPLACE FUNCTION shikong_feature_hidden(properties jsonb, property text, hidden text[]) RETURNS boolean
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT coalesce(lower(btrim(properties ->> property)) = ANY(hidden), false)
            $$
            """,
        ]
    )
}
