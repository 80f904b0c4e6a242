import CGDAL

/// Process-wide GDAL set-up, done once: every driver registered, and GDAL's default error handler
/// (which prints to stderr) replaced by a quiet one. Messages are collected per call with `CPLCapture`.
enum GDALLibrary {
    private static let registration: Void = {
        CPLSetErrorHandler(CPLQuietErrorHandler)
        // Never reach out to the network for grids or CRS definitions while reading user files.
        CPLSetConfigOption("PROJ_NETWORK", "OFF")
        // Zip entry names without the UTF-8 flag are read, and written, as GBK (CP936), as Chinese Windows
        // does; GDAL also writes the UTF-8 name in an Info-ZIP Unicode Path field, which other tools use.
        CPLSetConfigOption("CPL_ZIP_ENCODING", "CP936")
        GDALAllRegister()
    }()

    /// Registers the drivers on first use; later calls cost one check.
    static func ensureRegistered() {
        _ = registration
    }

    /// The GDAL release, e.g. `3.6.2`.
    static var version: String {
        ensureRegistered()
        return String(cString: GDALVersionInfo("RELEASE_NAME"))
    }
}

/// The GDAL release this process runs with, e.g. `3.6.2`.
public var gdalVersion: String { GDALLibrary.version }
