import Foundation

/// Turns the records of a page into `raw.items` lines: `id` (the record's `id` field, else the URL,
/// with `#n` when the page holds several records), `time` (the `time` field read by `PageTime`,
/// else the page's `Last-Modified`, else when it was fetched), `source_url`, `task`, `title`,
/// `address` (else `place`), `text`, the task's labels, and every other field as an attribute.
/// A record with neither an address, a place nor a text cannot be placed and gives no item.
public enum PageItems {
    /// Longest text kept per item: a news article fits, a whole site's page does not blow up an event.
    public static let maximumTextCharacters = 20_000

    public struct Context: Sendable {
        public var url: URL
        public var taskID: String
        public var pageType: String
        public var fetchedAt: Date
        public var lastModified: String?
        public var offsetSeconds: Int
        public var labels: [String: String]
    }

    public static func lines(_ records: [[String: String]], context: Context) -> (lines: [Data], unplaceable: Int) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines: [Data] = []
        var unplaceable = 0
        for (index, record) in records.enumerated() {
            let address = record["address"] ?? record["place"]
            let text = record["text"].map { String($0.prefix(maximumTextCharacters)) }
            guard address != nil || text != nil else {
                unplaceable += 1
                continue
            }
            var attributes = record.filter { !["id", "time", "title", "address", "text"].contains($0.key) }
            if record["address"] == nil { attributes["place"] = nil }
            attributes["page_type"] = context.pageType
            let time: Date
            if let written = record["time"], let parsed = PageTime.parse(written, offsetSeconds: context.offsetSeconds) {
                time = parsed
            } else {
                if let written = record["time"] { attributes["time_text"] = written }
                time = context.lastModified.flatMap(httpDate) ?? context.fetchedAt
            }
            let id = record["id"] ?? (records.count == 1 ? context.url.absoluteString : "\(context.url.absoluteString)#\(index + 1)")
            let item = RawItemLine(
                id: id, time: rfc3339(time, offsetSeconds: context.offsetSeconds), sourceURL: context.url.absoluteString, task: context.taskID,
                title: record["title"], address: address, text: text, labels: context.labels.isEmpty ? nil : context.labels,
                attributes: attributes)
            if let line = try? encoder.encode(item) { lines.append(line) }
        }
        return (lines, unplaceable)
    }

    /// The time with the task's offset, as the page would have written it.
    static func rfc3339(_ date: Date, offsetSeconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: offsetSeconds)
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// An HTTP date (`Wed, 20 Nov 2026 01:30:00 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// One `raw.items` line (see `topics/raw.items.json`).
struct RawItemLine: Encodable {
    var id: String
    var time: String
    var sourceURL: String
    var task: String
    var title: String?
    var address: String?
    var text: String?
    var labels: [String: String]?
    var attributes: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, time, task, title, address, text, labels, attributes
        case sourceURL = "source_url"
    }
}
