import Events
import Foundation
import JSON

/// The checks every processor makes on a JSON payload, with the reasons its dead letters carry.
enum JSONPayload {
    /// The payload parsed, when it is one JSON object.
    static func object(_ payload: Data) throws -> JSONValue {
        guard let first = payload.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw EventDecodingError("payload is empty")
        }
        guard first == UInt8(ascii: "{") else { throw EventDecodingError("payload is not a JSON object") }
        do {
            return try JSONParser.parse(bytes: Array(payload))
        } catch {
            throw EventDecodingError("payload is not valid JSON: \(error.description)")
        }
    }

    /// Throws the first way `json` breaks the topic's `schema` (named `schemaID` in the reason).
    static func validate(_ json: JSONValue, against schema: JSONSchema?, schemaID: String) throws {
        if let schema, let violation = schema.validate(json, limit: 1).first {
            throw EventDecodingError("payload does not match schema \(schemaID): \(violation)")
        }
    }
}
