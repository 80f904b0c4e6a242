import CLibXML2

/// libxml2's process-wide set-up, done once before any document is parsed.
enum LibXML2 {
    /// `xmlInitParser` must run once before threads use the library; the default error handlers
    /// print every recovered HTML mistake to stderr, so each thread gets silent ones.
    private static let initialised: Bool = {
        xmlInitParser()
        shikong_xml_silence_defaults()
        return true
    }()

    /// Makes the library ready on the calling thread: one-time initialisation, then silent error
    /// handlers for this thread (libxml2 keeps them per thread).
    static func prepareThread() {
        _ = initialised
        shikong_xml_silence_thread()
    }
}
