import CGDAL

/// One message GDAL raised through `CPLError`.
struct CPLMessage: Sendable, Hashable, CustomStringConvertible {
    var isFailure: Bool
    var number: Int32
    var text: String

    var description: String { text }
}

/// Collects the messages GDAL raises on this thread while `body` runs, instead of printing them.
///
/// GDAL's error handler stack is thread-local, so this only sees the calls `body` makes on the
/// current thread, which is exactly what a thread-confined reader or writer does.
final class CPLCapture {
    private(set) var messages: [CPLMessage] = []

    func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        GDALLibrary.ensureRegistered()
        messages.removeAll(keepingCapacity: true)
        CPLErrorReset()
        CPLPushErrorHandlerEx(cplCaptureHandler, Unmanaged.passUnretained(self).toOpaque())
        defer { CPLPopErrorHandler() }
        return try body()
    }

    fileprivate func append(_ kind: CPLErr, _ number: CPLErrorNum, _ text: UnsafePointer<CChar>?) {
        guard kind == CE_Warning || kind == CE_Failure || kind == CE_Fatal else { return }
        let message = text.map { String(cString: $0) } ?? "GDAL error \(number)"
        messages.append(CPLMessage(isFailure: kind != CE_Warning, number: number, text: message))
    }

    /// The failures, joined, or the warnings when there was no failure.
    var summary: String? {
        let failures = messages.filter(\.isFailure)
        let chosen = failures.isEmpty ? messages : failures
        return chosen.isEmpty ? nil : chosen.map(\.text).joined(separator: "; ")
    }

    /// The failures only, joined.
    var failureSummary: String? {
        let failures = messages.filter(\.isFailure)
        return failures.isEmpty ? nil : failures.map(\.text).joined(separator: "; ")
    }
}

private let cplCaptureHandler: CPLErrorHandler = { kind, number, text in
    guard let context = CPLGetErrorHandlerUserData() else { return }
    Unmanaged<CPLCapture>.fromOpaque(context).takeUnretainedValue().append(kind, number, text)
}
