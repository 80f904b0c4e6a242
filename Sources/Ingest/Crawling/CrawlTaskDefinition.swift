import Crawler
import Events
import Foundation
import JSON

/// A `crawl` task's definition read from the task (`CrawlDefinition`, snake_case JSON) and checked
/// (`CrawlPlan`): unknown fields are refused, so a misspelt option is not silently ignored.
public enum CrawlTaskDefinition {
    public static let fields: Set<String> = [
        "seeds", "allowed_hosts", "include", "exclude", "max_depth", "max_pages", "page_types", "schedule", "min_delay_seconds",
        "timeout_seconds", "max_page_bytes", "max_redirects", "time_zone", "labels",
    ]

    /// The plan of a definition; the error says what to fix.
    public static func plan(_ json: JSONValue) throws(TaskDefinitionError) -> CrawlPlan {
        guard let members = json.members else { throw TaskDefinitionError("the definition must be a JSON object") }
        if let unknown = members.map(\.key).first(where: { !fields.contains($0) }) {
            throw TaskDefinitionError("unknown field \(unknown); a crawl has \(fields.sorted().joined(separator: ", "))")
        }
        let definition: CrawlDefinition = try TaskDefinitionJSON.decode(json)
        do {
            return try CrawlPlan(definition)
        } catch {
            throw TaskDefinitionError(error.description)
        }
    }

    /// Checks `crawl` definitions for the API: every pattern and extraction rule compiled.
    public struct Validator: TaskDefinitionValidator {
        public init() {}
        public var kind: TaskKind { .crawl }
        public func validate(_ definition: JSONValue) async throws(TaskDefinitionError) -> JSONValue {
            try TaskDefinitionJSON.encode(try CrawlTaskDefinition.plan(definition).definition)
        }
    }
}

/// A kind's definition between the task's JSON and its `Codable` type, with decoding errors in words.
enum TaskDefinitionJSON {
    static func decode<T: Decodable>(_ json: JSONValue) throws(TaskDefinitionError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.text.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw TaskDefinitionError("\(path(context.codingPath + [key])) is required")
        } catch let DecodingError.typeMismatch(type, context) {
            throw TaskDefinitionError("\(path(context.codingPath)) must be \(describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw TaskDefinitionError("\(path(context.codingPath)) must be \(describe(type)), not null")
        } catch let DecodingError.dataCorrupted(context) {
            throw TaskDefinitionError("\(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw TaskDefinitionError("the definition cannot be read: \(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws(TaskDefinitionError) -> JSONValue {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try JSONParser.parse(bytes: Array(try encoder.encode(value)))
        } catch {
            throw TaskDefinitionError("the definition cannot be stored: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the definition" : text)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: type == [String].self ? "a list of strings" : "\(type)"
        }
    }
}
