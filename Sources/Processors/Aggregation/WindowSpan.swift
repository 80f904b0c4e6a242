import Events

/// The windows an event time falls in: tumbling windows `[k·size, (k+1)·size)`, or hopping windows
/// `[k·advance, k·advance + size)`, aligned to the epoch (so every process agrees).
struct WindowSpan: Sendable {
    let size: Int64
    let step: Int64

    init(_ window: AggregationDefinition.Window) {
        size = window.size.milliseconds
        step = window.step.milliseconds
    }

    /// Window starts containing `time`, earliest first.
    func starts(containing time: Int64) -> StrideThrough<Int64> {
        let last = Self.floor(time, step) * step
        let first = Self.floor(time - size, step) * step + step
        return stride(from: first, through: last, by: Int(step))
    }

    static func floor(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
