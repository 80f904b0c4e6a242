import Crawler
import Foundation
import JSON

/// One poll of an endpoint: fetch, parse the whole response, map every record. Nothing is
/// published here: the caller publishes `records` only when the poll succeeded, in one batch.
public struct APIPoll: Sendable {
    public let plan: APIPollPlan
    public let fetcher: any PageFetching

    public init(plan: APIPollPlan, fetcher: any PageFetching) {
        self.plan = plan
        self.fetcher = fetcher
    }

    /// What a poll gave, or why it gave nothing.
    public enum Outcome: Sendable {
        case mapped(MappedResponse, httpStatus: Int, bytes: Int)
        case failed(String, httpStatus: Int?)
    }

    public func poll(taskID: String, at date: Date = Date()) async -> Outcome {
        var options = FetchOptions(accept: Self.accept(plan.definition.format), timeout: plan.timeout, maximumBytes: plan.maxBytes)
        options.headers = plan.definition.headers ?? [:]
        let response: FetchResult
        do {
            response = try await fetcher.fetch(plan.url, options: options)
        } catch {
            return .failed(error.description, httpStatus: nil)
        }
        guard (200..<300).contains(response.status) else {
            return .failed("the endpoint answered HTTP \(response.status)", httpStatus: response.status)
        }
        do {
            return .mapped(try plan.map(response.body, taskID: taskID, polledAt: date), httpStatus: response.status, bytes: response.body.count)
        } catch {
            return .failed(error.description, httpStatus: response.status)
        }
    }

    static func accept(_ format: APIPollDefinition.Format) -> String {
        switch format {
        case .json: "application/json, */*;q=0.1"
        case .geojson: "application/geo+json, application/json;q=0.9, */*;q=0.1"
        case .csv: "text/csv, */*;q=0.1"
        }
    }

    /// A dry run's answer: what one poll would publish (the first `sample` records as JSON), what
    /// it would refuse and why, and whether the definition may be saved (at least one valid record).
    public static func preview(_ outcome: Outcome, sample: Int = 5) -> JSONValue {
        switch outcome {
        case .failed(let reason, let status):
            var members: [(String, JSONValue)] = [("valid", .bool(false)), ("error", .string(reason))]
            if let status { members.append(("http_status", .number(Double(status)))) }
            return .object(members)
        case .mapped(let response, let status, let bytes):
            let refused: [JSONValue] = response.refused.prefix(sample).map {
                .object([("index", .number(Double($0.index))), ("reason", .string($0.reason)), ("record", $0.record)])
            }
            var members: [(String, JSONValue)] = [
                ("valid", .bool(!response.records.isEmpty)), ("http_status", .number(Double(status))), ("bytes", .number(Double(bytes))),
                ("records", .number(Double(response.total))), ("would_publish", .number(Double(response.records.count))),
                ("refused", .number(Double(response.refused.count))),
                ("topic", .string(response.records.first?.record.topic ?? "")),
                ("sample", .array(response.records.prefix(sample).map(\.preview))), ("refusals", .array(refused)),
            ]
            if response.records.isEmpty {
                members.append(("error", .string("the response gave no valid record: nothing would be published")))
            }
            return .object(members)
        }
    }
}
