extension Migrations {
    /// Migration 22: per-feature classification (issue 13). A collection may name the feature
    /// property that holds each feature's own level; every read hides features above the caller's
    /// clearance. `shikong_feature_hidden` is that rule in SQL, the one test every read path
    /// (`ReadPlan`, history, diff, replay) applies: whether the feature has a label (lower case,
    /// surrounding spaces ignored) that is not one of the `visible` labels. A missing or empty label
    /// hides nothing: the feature has its collection's level, which the caller has already passed.
    /// A label that names no level (a misspelling, a number) hides the feature from everyone below
    /// classified: an unreadable level must fail closed. No `property` (a caller who sees every
    /// level) hides nothing. A plain SQL function, so the planner inlines it.
    static let featureClassification: (version: Int, name: String, statements: [String]) = (
        22, "per-feature classification",
        [
            "ALTER TABLE collections ADD COLUMN IF NOT EXISTS classification_property text",
            """
            CREATE OR REPLACE FUNCTION shikong_feature_hidden(properties jsonb, property text, visible text[]) RETURNS boolean
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT property IS NOT NULL AND coalesce(nullif(lower(btrim(properties ->> property)), '') <> ALL(visible), false)
            $$
            """,
        ]
    )
}
