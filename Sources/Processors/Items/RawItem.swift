import Events
import Foundation
import JSON

/// A crawl item or thematic record as it arrives on `raw.items` (schema `shikong/item.raw/1`, see
/// `topics/`). Reading is strict about what placing it needs and says exactly what is wrong.
struct RawItem {
    var id: String
    var time: Date
    var sourceURL: String?
    var task: String?
    var address: String?
    var text: String?
    var title: String?
    var labels: [String: String]
    var attributes: JSONValue?

    init(json: JSONValue) throws(EventDecodingError) {
        guard let members = json.members else { throw EventDecodingError("payload is not a JSON object") }
        func member(_ name: String) -> JSONValue? { members.first { $0.key == name }?.value }
        func text(_ name: String) throws(EventDecodingError) -> String? {
            guard let value = member(name), value != .null else { return nil }
            guard let text = value.string else { throw EventDecodingError("field \(name) must be a string") }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let id = try text("id") else { throw EventDecodingError("missing field id") }
        self.id = id
        guard let timeText = try text("time") else { throw EventDecodingError("missing field time") }
        guard let time = Timestamp.parse(timeText) else { throw EventDecodingError("time \"\(timeText)\" is not an RFC 3339 date-time") }
        self.time = time
        sourceURL = try text("source_url")
        task = try text("task")
        address = try text("address")
        self.text = try text("text")
        title = try text("title")
        guard address != nil || self.text != nil else { throw EventDecodingError("no address and no text: nothing to place the item by") }
        var labels: [String: String] = [:]
        if let object = member("labels") {
            guard let entries = object.members else { throw EventDecodingError("labels must be an object of strings") }
            for (name, value) in entries {
                guard let label = value.string else { throw EventDecodingError("labels.\(name) must be a string") }
                labels[name] = label
            }
        }
        self.labels = labels
        attributes = member("attributes")
    }
}
