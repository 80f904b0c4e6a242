import CGDAL

/// A NULL-terminated `char **` list (GDAL's options and driver lists) that lives as long as the call.
struct CStringList {
    private var strings: [String]

    init(_ strings: [String]) {
        self.strings = strings
    }

    /// Calls `body` with the list as `const char *const *`, or with NULL when it is empty.
    func withPointer<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws -> T) rethrows -> T {
        try withMutablePointer { list in
            guard let list else { return try body(nil) }
            return try list.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: strings.count + 1) { try body($0) }
        }
    }

    /// Calls `body` with the list as `char **`, for the GDAL functions that declare it so without changing it.
    func withMutablePointer<T>(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> T) rethrows -> T {
        guard !strings.isEmpty else { return try body(nil) }
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return try pointers.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
    }
}
