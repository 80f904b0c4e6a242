import CQL2

/// The queryables of a table like the integration test's.
let testQueryables = Queryables([
    ("name", .string("name", title: "Name")),
    ("kind", .string("kind", nullable: false)),
    ("pm25", .number("pm25", description: "PM2.5 in µg/m³")),
    ("count", .integer("count")),
    ("active", .boolean("active")),
    ("day", .date("day")),
    ("observed_at", .timestamp("observed_at")),
    ("valid", .interval(start: "valid_from", end: "valid_to")),
    ("period", .interval(range: "period")),
    ("geometry", .geometry("geom", type: .point, nullable: false)),
    ("area", .geometry("area", type: .polygon)),
])
