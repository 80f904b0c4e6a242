import Foundation
import Kafka

/// Something the live layer is told to do, kept as data: an aggregation, a drawn geofence or an
/// alert rule. Definitions travel as events on their own topic (``DefinitionKind/topic``), are
/// created, changed and deleted through the API and the CLI, and every processor follows them.
public protocol LiveDefinition: Codable, Sendable, Equatable {
    /// Which kind of definition this type is.
    static var kind: DefinitionKind { get }
    /// Letters, digits, `_`, `-` and `.`, 1–64 characters.
    var id: String { get }
    /// Why the definition cannot be used, or `nil` when it can. The API answers 400 with it.
    func problem() -> String?
    /// The top-level fields of its JSON: others are refused, so a misspelt field is not silently ignored.
    static var fields: Set<String> { get }
}

/// The kinds of definitions, with the topic each travels on and the names of their events.
public enum DefinitionKind: String, Sendable, CaseIterable, Codable {
    case aggregation
    case geofence
    case rule

    /// The topic (see `topics/`).
    public var topic: String {
        switch self {
        case .aggregation: Topics.aggregations
        case .geofence: Topics.geofences
        case .rule: Topics.alertRules
        }
    }

    /// `aggregation.defined`, `geofence.defined`, `rule.defined`.
    public var definedType: String { "\(rawValue).defined" }
    /// `aggregation.deleted`, …
    public var deletedType: String { "\(rawValue).deleted" }

    /// The subject and Kafka key of a definition's events: `aggregation:<id>`, …
    public func subject(_ id: String) -> String { "\(rawValue):\(id)" }
}

/// Checks shared by every kind of definition.
public enum DefinitionID {
    /// Why `id` cannot name a definition, or `nil`.
    public static func problem(_ id: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
        guard (1...64).contains(id.count), id.allSatisfy(allowed.contains), let first = id.first, first.isLetter || first.isNumber else {
            return "an id has 1 to 64 letters, digits, '_', '-' and '.', and starts with a letter or digit: \"\(id)\" does not"
        }
        return nil
    }
}

/// Reads a definition from a request body or a file: a JSON object with only the kind's fields,
/// decoded and checked, with reasons a user can act on.
public enum DefinitionDecoding {
    /// `id`: the id the path names (filled in when the body has none, and must match when it has one).
    public static func decode<Definition: LiveDefinition>(_ data: Data, id: String? = nil, as _: Definition.Type = Definition.self)
        throws(EventDecodingError) -> Definition
    {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw EventDecodingError("the body must be a JSON object with any of: \(Definition.fields.sorted().joined(separator: ", "))")
        }
        let unknown = object.keys.filter { !Definition.fields.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw EventDecodingError(
                "unknown field(s) \(unknown.joined(separator: ", ")); a \(Definition.kind.rawValue) has \(Definition.fields.sorted().joined(separator: ", "))"
            )
        }
        if let id {
            if let named = object["id"] as? String, named != id {
                throw EventDecodingError("the body's id \(named) differs from \(id) in the path; ids cannot be changed")
            }
            object["id"] = id
        }
        let definition: Definition
        do {
            let normalised = try JSONSerialization.data(withJSONObject: object)
            definition = try EventJSON.decoder().decode(Definition.self, from: normalised)
        } catch {
            throw EventDecodingError("the body is not a \(Definition.kind.rawValue): \(reason(error))")
        }
        if let problem = definition.problem() { throw EventDecodingError(problem) }
        return definition
    }

    /// A decoding error as a sentence naming the field.
    public static func reason(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the body" : text
        }
        switch error {
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            return "\(path(context)) must be \(type)"
        case DecodingError.keyNotFound(let key, let context):
            return "\(context.codingPath.isEmpty ? "" : path(context) + ".")\(key.stringValue) is required"
        case DecodingError.dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
