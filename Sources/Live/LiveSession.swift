import Foundation
import Kafka
import Logging
import ReadModel

/// One subscriber's connection, whatever the transport: it registers with the hub (buffering the
/// live tail from the hub's positions P), replays from the archive what came between its start
/// and P, then sends the buffer (skipping what the replay sent) and the live tail. No gap (the
/// buffer starts exactly at P; the archive is waited for until it holds everything below P) and
/// no duplicate (positions below the cursor are never sent twice). Its start is the cursor or time
/// it was given, or else where the collection's projection has reached (what `/items` shows), so a
/// client's snapshot taken after the first frame leaves no gap either.
///
/// When the buffer overflows during the replay, the replay goes on to new positions instead;
/// when it overflows live, the subscriber gets a `gap` frame with what it missed and where to
/// resume, and the session ends.
public struct LiveSession: Sendable {
    public let hub: LiveHub
    public let subscription: LiveSubscription
    /// Archive events read per query.
    static let pageSize = 500
    /// How long to wait for the archive to reach the live tail's positions.
    static let archiveWait: Duration = .seconds(60)
    /// How far behind the live tail (per partition) a subscription that starts now may begin.
    static let maximumCatchUp: Int64 = 10_000

    public init(hub: LiveHub, subscription: LiveSubscription) {
        self.hub = hub
        self.subscription = subscription
    }

    /// Runs until the client goes (`send` throws), the subscriber falls behind (after a `gap`
    /// frame) or the process stops.
    public func run(_ send: (LiveFrame) async throws -> Void) async throws {
        let (subscriber, handover) = try await hub.register(subscription)
        defer { hub.unregister(subscriber) }
        var cursor: LiveCursor
        var target = handover
        switch subscription.start {
        case .now:
            cursor = await projectionStart(handover)
        case .cursor(let given):
            cursor = handover
            for (partition, offset) in given.positions { cursor[partition] = offset }
        case .since(let time):
            try await waitForArchive(target)
            cursor = handover
            for partition in handover.positions.keys {
                let end = handover[partition] ?? 0
                cursor[partition] = min(try await hub.archive.firstOffset(partition, recordedSince: time) ?? end, end)
            }
        }
        while true {
            let behind = Self.behind(cursor, target)
            if !behind.positions.isEmpty {
                try await waitForArchive(behind)
                try await replay(from: &cursor, to: target, send)
            }
            if subscriber.goLive() { break }
            target = hub.rebuffer(subscriber)
        }
        try await send(.live(cursor: cursor))
        while true {
            switch await subscriber.next() {
            case .message(let message):
                guard message.offset >= cursor[message.partition] ?? 0 else { continue }
                cursor[message.partition] = message.offset + 1
                try await send(.feature(body: message.body, cursor: cursor))
            case .heartbeat:
                // The hub's positions are the subscriber's own when nothing waits for it.
                let positions = hub.positions(subscription.source.liveTopics)
                if subscriber.isLiveAndIdle {
                    for (partition, offset) in positions.positions where offset > cursor[partition] ?? 0 { cursor[partition] = offset }
                    try await send(.heartbeat(cursor: cursor))
                } else {
                    try await send(.heartbeat(cursor: nil))
                }
            case .gap(let missed):
                try await send(.gap(missed: missed, resume: cursor))
                return
            case .closed:
                return
            }
        }
    }

    /// Sends the archived events from `cursor` up to `target`, merging partitions by recorded
    /// time (each in offset order), and leaves `cursor` at `target`.
    private func replay(from cursor: inout LiveCursor, to target: LiveCursor, _ send: (LiveFrame) async throws -> Void) async throws {
        let box = subscription.box.map { (west: $0.west, south: $0.south, east: $0.east, north: $0.north) }
        var pages: [TopicPartition: ArraySlice<LiveEvent>] = [:]
        func refill(_ partition: TopicPartition, from offset: Int64) async throws {
            let end = target[partition] ?? 0
            guard offset < end else { return }
            let events = try await hub.archive.events(partition, from: offset, to: end, box: box, limit: Self.pageSize)
            if !events.isEmpty { pages[partition] = events[...] }
        }
        for partition in target.positions.keys { try await refill(partition, from: cursor[partition] ?? 0) }
        // A replay that finds little to send still tells the client it is alive, and where it is.
        var quietSince = ContinuousClock.now
        while true {
            if ContinuousClock.now - quietSince > hub.configuration.heartbeat {
                try await send(.heartbeat(cursor: cursor))
                quietSince = ContinuousClock.now
            }
            let heads = pages.compactMap { partition, page in page.first.map { (partition, $0) } }
            guard let (partition, event) = heads.min(by: { ($0.1.recordedAt, $0.0.partition) < ($1.1.recordedAt, $1.0.partition) }) else { break }
            pages[partition]?.removeFirst()
            cursor[partition] = event.offset + 1
            if pages[partition]?.isEmpty == true {
                pages[partition] = nil
                try await refill(partition, from: event.offset + 1)
            }
            guard let feature = subscription.source.liveFeature(event, in: subscription.collection), subscription.matches(feature),
                hub.access.allows(feature, to: subscription)
            else { continue }
            try await send(.feature(body: LiveMessageBody.render(event, feature, selection: subscription.selection), cursor: cursor))
            quietSince = ContinuousClock.now
        }
        for (partition, offset) in target.positions where offset > cursor[partition] ?? 0 { cursor[partition] = offset }
    }

    /// Where a subscription that starts now begins: in each partition where the collection's
    /// projection is behind the live tail, at the projection's position (at most
    /// ``maximumCatchUp`` back), so the events `/items` does not show yet come first on the stream
    /// and a snapshot taken after the first frame misses nothing. The archive must hold those
    /// events; when it does not within ``archiveWait``, the subscription starts at the tail.
    private func projectionStart(_ handover: LiveCursor) async -> LiveCursor {
        let projected: [TopicPartition: Int64]
        do {
            projected = try await hub.archive.projected(subscription.source.liveProjection)
        } catch {
            hub.logger.warning("live subscription starts at the tail: projection positions unreadable", metadata: ["error": "\(error)"])
            return handover
        }
        var cursor = handover
        for (partition, end) in handover.positions {
            let reached = projected[partition] ?? 0
            if reached < end { cursor[partition] = max(reached, end - Self.maximumCatchUp) }
        }
        guard cursor != handover else { return handover }
        do {
            try await waitForArchive(Self.behind(cursor, handover))
            return cursor
        } catch {
            hub.logger.warning(
                "live subscription starts at the tail: the archive is behind", metadata: ["collection": "\(subscription.collection.id)"])
            return handover
        }
    }

    /// `target`'s positions in the partitions where `cursor` is below them: the only ones a replay
    /// reads, so the only ones the archive must have reached.
    static func behind(_ cursor: LiveCursor, _ target: LiveCursor) -> LiveCursor {
        LiveCursor(target.positions.filter { (cursor[$0.key] ?? 0) < $0.value })
    }

    /// Waits until the archive holds every event below `target`.
    private func waitForArchive(_ target: LiveCursor) async throws {
        let deadline = ContinuousClock.now + Self.archiveWait
        while true {
            let archived = try await hub.archive.archived()
            if target.positions.allSatisfy({ archived[$0.key] ?? 0 >= $0.value }) { return }
            guard ContinuousClock.now < deadline else {
                throw LiveError("the event archive has not reached the live tail after \(Self.archiveWait); is the archive projection running?")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
