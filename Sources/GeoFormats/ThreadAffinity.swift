import Foundation

/// The OS thread that created a GDAL-backed object. GDAL datasets, and the PROJ objects inside
/// spatial references and transformations, belong to one thread at a time; the readers and writers
/// here insist on the thread that created them.
struct ThreadAffinity {
    private let owner = pthread_self()

    func check(_ what: String) throws(GeoFormatsError) {
        guard pthread_equal(owner, pthread_self()) != 0 else {
            throw GeoFormatsError(
                .wrongThread,
                "\(what) was used from a thread other than the one that created it; "
                    + "run it on one thread (FeatureStream and FeatureExport do that for async code)")
        }
    }
}
