import Logging
import ServiceLifecycle

extension ServiceGroupConfiguration {
    /// How a platform process runs its services: SIGTERM and SIGINT start a graceful shutdown (each
    /// stage drains what it has read); a service still running 30 s later is cancelled, and the
    /// process stops waiting for it 10 s after that, well inside systemd's 90 s stop timeout.
    public static func platform(services: [ServiceConfiguration], logger: Logger) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(30)
        configuration.maximumCancellationDuration = .seconds(10)
        return configuration
    }
}
