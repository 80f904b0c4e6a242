import Foundation

/// Processing time for idle detection: monotonic milliseconds (never jumps with the wall clock).
public enum ProcessingTime {
    public static func now() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }
}
