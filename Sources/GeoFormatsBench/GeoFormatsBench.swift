import ArgumentParser
import Foundation
import GeoFormats

/// Makes large test files and measures how fast GeoFormats reads them.
@main
struct GeoFormatsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geoformats-bench",
        abstract: "Generate a large point file over Wuhan and measure GeoFormats' read rate.",
        discussion: """
            geoformats-bench generate --points 1000000 --crs EPSG:4547 .shikong/bench/wuhan-points.gpkg
            geoformats-bench read .shikong/bench/wuhan-points.gpkg
            Build it in release for figures: swift build -c release --product geoformats-bench
            """,
        subcommands: [Generate.self, Read.self])
}

/// A small deterministic generator (SplitMix64), so every run writes the same file.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

func formatRate(_ count: Int, _ seconds: Double) -> String {
    String(format: "%d features in %.2f s = %.0f features/s", count, seconds, Double(count) / seconds)
}
