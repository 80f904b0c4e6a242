/// The queryables document of OGC API Features Part 3 (`GET /collections/{c}/queryables`,
/// `application/schema+json`): a JSON Schema (2020-12) object with one property per queryable.
extension Queryables {
    public static let jsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

    /// The schema as a JSON object (give it to `JSONSerialization`); `id` is the document's own URL.
    public func jsonSchema(id: String, title: String? = nil, description: String? = nil) -> [String: any Sendable] {
        var properties: [String: any Sendable] = [:]
        for (name, queryable) in entries {
            var property: [String: any Sendable] = [:]
            switch queryable.type {
            case .string: property["type"] = "string"
            case .number: property["type"] = "number"
            case .integer: property["type"] = "integer"
            case .boolean: property["type"] = "boolean"
            case .date: property = ["type": "string", "format": "date"]
            case .timestamp: property = ["type": "string", "format": "date-time"]
            case .interval:
                property = [
                    "type": "array", "minItems": 2, "maxItems": 2,
                    "items": ["type": "string", "format": "date-time"] as [String: any Sendable],
                ]
            case .geometry:
                property["format"] = (queryable.geometryType ?? .any).rawValue
            }
            if let title = queryable.title { property["title"] = title }
            if let description = queryable.description { property["description"] = description }
            properties[name] = property
        }
        var schema: [String: any Sendable] = [
            "$schema": Self.jsonSchemaDialect, "$id": id, "type": "object", "properties": properties, "additionalProperties": false,
        ]
        if let title { schema["title"] = title }
        if let description { schema["description"] = description }
        return schema
    }
}
