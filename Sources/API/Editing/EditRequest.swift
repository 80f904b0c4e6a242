import Foundation
import HTTPTypes
import Hummingbird
import JSON

/// What every write route reads the same way: who is editing, the JSON body, and the `If-Match`
/// precondition against a version.
enum EditRequest {
    /// Names the editor until access control names the user: recorded as the source of every event a
    /// write makes (`user:<editor>`), so histories say who changed what.
    static let editorHeader = HTTPField.Name("Shikong-Editor")!
    static let anonymous = "anonymous"

    /// The editor of a request: its `Shikong-Editor` header, else `anonymous`.
    static func editor(_ request: Request) throws -> String {
        guard let name = request.headers[editorHeader]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return anonymous }
        guard name.count <= 100, name.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw Problem.badRequest("Shikong-Editor names the editor in at most 100 printable characters")
        }
        return name
    }

    /// How long a write waits for its event to be applied before answering 202: `Prefer: wait=N`
    /// (RFC 7240, seconds, at most 300), else `standard`.
    static func wait(_ request: Request, standard: Duration) -> Duration {
        guard let header = request.headers[preferHeader] else { return standard }
        for preference in header.split(separator: ",") {
            let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "wait", let seconds = Int(parts[1]), seconds >= 0 {
                return .seconds(min(seconds, 300))
            }
        }
        return standard
    }
    static let preferHeader = HTTPField.Name("Prefer")!

    /// The body as one JSON object, at most `limit` bytes.
    static func object(_ request: Request, limit: Int, example: String) async throws -> JSONValue {
        let body = try await request.body.collect(upTo: limit)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: Array(buffer: body))
        } catch {
            throw Problem.badRequest("the body is not JSON (\(error.description)); send e.g. \(example)")
        }
        guard value.members != nil else { throw Problem.badRequest("the body must be a JSON object, e.g. \(example)") }
        return value
    }

    /// Refuses members other than `allowed`, so a misspelt field is not silently dropped.
    static func refuseUnknown(_ object: JSONValue, allowed: Set<String>) throws {
        let unknown = (object.members ?? []).map(\.key).filter { !allowed.contains($0) }
        guard unknown.isEmpty else {
            throw Problem.badRequest("unknown field(s) \(unknown.joined(separator: ", ")); allowed: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    /// The entity tag of a version.
    static func entityTag(_ version: Int) -> String { "\"\(version)\"" }

    /// Checks `If-Match` against the current version: `nil` when the request has none; throws 412
    /// when it names another version. `*` matches any existing resource.
    static func checkIfMatch(_ request: Request, version: Int, what: String) throws -> Bool? {
        guard let header = request.headers[.ifMatch] else { return nil }
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let current = entityTag(version)
        guard tags.contains(where: { $0 == "*" || $0 == current || $0 == "W/" + current }) else {
            throw Problem(
                .preconditionFailed,
                detail: "\(what) is at version \(current), not \(header): it changed since you read it; read it again (its ETag) and redo your change"
            )
        }
        return true
    }

    /// Like `checkIfMatch`, but a request without `If-Match` is refused (428).
    static func requireIfMatch(_ request: Request, version: Int, what: String) throws {
        guard try checkIfMatch(request, version: version, what: what) != nil else {
            throw Problem(
                .preconditionRequired,
                detail:
                    "changing \(what) needs If-Match with its ETag (now \(entityTag(version))), so a change made since you read it is not overwritten"
            )
        }
    }

    /// RFC 7396 JSON merge patch: members of `patch` replace those of `target`, `null` removes one,
    /// objects merge recursively.
    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard let changes = patch.members else { return patch }
        var members = target.members ?? []
        for (key, value) in changes {
            let index = members.firstIndex { $0.key == key }
            if value.isNull {
                if let index { members.remove(at: index) }
            } else if let index {
                members[index].value = mergePatch(members[index].value, value)
            } else {
                members.append((key, mergePatch(.null, value)))
            }
        }
        return .object(members)
    }
}
