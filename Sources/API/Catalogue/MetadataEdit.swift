import Events
import Foundation

/// The body of `PATCH /collections/{c}` and `PUT /collections/{c}` (edit metadata) and of
/// `POST /collections` (register a collection): a JSON object with any of the catalogue's fields.
/// Unknown members are refused, so a misspelt field is not silently dropped.
enum MetadataEdit {
    static let fields: Set<String> = [
        "id", "title", "description", "keywords", "domain", "industry", "theme", "classification", "classification_property", "source",
        "update_frequency", "allow_outside_service_area", "properties", "indexed",
    ]

    /// The metadata in `body` for the collection `id` (`nil`: the body must name it).
    static func decode(_ body: Data, id: String?) throws -> CollectionMetadata {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw Problem.badRequest("the body must be a JSON object with any of: \(fields.sorted().joined(separator: ", "))")
        }
        let unknown = object.keys.filter { !fields.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw Problem.badRequest(
                "unknown field(s) \(unknown.joined(separator: ", ")); the catalogue has \(fields.sorted().joined(separator: ", "))")
        }
        var metadata: CollectionMetadata
        do {
            metadata = try JSONDecoder().decode(Body.self, from: body).metadata(id: id ?? "")
        } catch {
            throw Problem.badRequest("the body does not fit the catalogue's fields: \(Self.reason(error))")
        }
        if let id, let named = object["id"] as? String, named != id {
            throw Problem.badRequest("the body's id \(named) differs from the collection \(id) in the path; ids cannot be changed")
        }
        if id == nil {
            guard let named = object["id"] as? String else { throw Problem.badRequest("a new collection needs an id") }
            metadata.id = named
        }
        if let problem = CollectionMetadata.problem(withID: metadata.id) { throw Problem.badRequest(problem) }
        if let classification = metadata.classification, !CollectionMetadata.classifications.contains(classification) {
            throw Problem.badRequest(
                "classification must be one of \(CollectionMetadata.classifications.joined(separator: ", ")), not \(classification)")
        }
        if let property = metadata.properties?.first(where: { !CollectionProperty.types.contains($0.type) }) {
            throw Problem.badRequest(
                "property \(property.name) has type \(property.type); types are \(CollectionProperty.types.joined(separator: ", "))")
        }
        if let title = metadata.title, title.trimmingCharacters(in: .whitespaces).isEmpty { throw Problem.badRequest("title must not be empty") }
        if let property = metadata.classificationProperty, property.count > 200 {
            throw Problem.badRequest("classification_property names a feature property: at most 200 characters (an empty string removes it)")
        }
        return metadata
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")) must be \(type)"
        default: "\(error)"
        }
    }

    struct Body: Decodable {
        var title: String?
        var description: String?
        var keywords: [String]?
        var domain: String?
        var industry: String?
        var theme: String?
        var classification: String?
        var classificationProperty: String?
        var source: String?
        var updateFrequency: String?
        var allowOutsideServiceArea: Bool?
        var properties: [CollectionProperty]?
        var indexed: [String]?

        enum CodingKeys: String, CodingKey {
            case title, description, keywords, domain, industry, theme, classification, source, properties, indexed
            case updateFrequency = "update_frequency"
            case allowOutsideServiceArea = "allow_outside_service_area"
            case classificationProperty = "classification_property"
        }

        func metadata(id: String) -> CollectionMetadata {
            CollectionMetadata(
                id: id, title: title, description: description, keywords: keywords, domain: domain, industry: industry, theme: theme,
                classification: classification, classificationProperty: classificationProperty, source: source, updateFrequency: updateFrequency,
                allowOutsideServiceArea: allowOutsideServiceArea, properties: properties, indexed: indexed)
        }
    }
}
