import Access
import ArgumentParser
import Foundation
import Logging
import Platform
import PostgresNIO

/// `shikong users add|grant|revoke|token|list`: accounts, grants and tokens, straight in the
/// platform's database (the operator's machine holds its credentials).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage users, groups, role grants and API tokens.",
        discussion: """
            Roles: viewer (read), analyst (+ replay, batch geocoding), editor (+ imports, catalogue and gazetteer edits), \
            operator (read + dead letters, metrics, live-layer definitions), auditor (read + the audit trail), admin (everything). \
            A grant's scope is * (every collection), a collection id, or a group of collections by prefix (traffic_*). \
            Clearance (public < government < classified) decides which collections a user sees at all.
            """,
        subcommands: [Add.self, Grant.self, Revoke.self, Token.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints a generated password unless --password is given.")
        @Argument(help: "The user name (letters, digits, '.', '_', '-').") var name: String
        @Option(help: "public, government or classified.") var clearance = "public"
        @Option(help: "person or machine (a machine signs in with API tokens).") var kind = "person"
        @Option(help: "Its password (default: generated and printed once).") var password: String?
        @Option(name: .customLong("group"), help: "A group to join (repeatable).") var groups: [String] = []
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            guard let level = Clearance(name: clearance) else { throw ValidationError("--clearance must be public, government or classified") }
            let (name, kind, password, groups) = (name, kind, password, groups)
            let secret = try await UsersCommand.withStore(options, logging) { store in
                try await store.addUser(name, password: password, clearance: level, kind: kind, groups: groups)
            }
            print("user \(name) created (clearance \(level))")
            if password == nil { print("password (shown once): \(secret)") }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant a role on a scope to a user or to group:<name>.")
        @Argument(help: "A user name, or group:<name>.") var principal: String
        @Argument(help: "viewer, analyst, editor, operator, auditor or admin.") var role: String
        @Option(help: "*, a collection id, or a prefix group (traffic_*).") var scope = "*"
        @Option(help: "Also add the user to this group.") var group: String?
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(self.role)") }
            let (principal, scope) = (principal, scope)
            try await UsersCommand.withStore(options, logging) { store in try await store.grant(role, on: scope, to: principal) }
            print("granted \(role.rawValue) on \(scope) to \(principal)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a role grant, or (--tokens) every token of a user.")
        @Argument(help: "A user name, or group:<name>.") var principal: String
        @Argument(help: "The role to withdraw (not with --tokens).") var role: String?
        @Option(help: "The scope of the grant.") var scope = "*"
        @Flag(help: "Revoke every token of the user instead.") var tokens = false
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let (principal, scope) = (principal, scope)
            if tokens {
                let count = try await UsersCommand.withStore(options, logging) { store in try await store.revokeTokens(of: principal) }
                print("revoked \(count) tokens of \(principal)")
                return
            }
            guard let name = role, let role = Role(rawValue: name) else { throw ValidationError("give a role to withdraw, or --tokens") }
            let removed = try await UsersCommand.withStore(options, logging) { store in try await store.revoke(role, on: scope, from: principal) }
            print(removed ? "withdrew \(role.rawValue) on \(scope) from \(principal)" : "\(principal) held no \(role.rawValue) grant on \(scope)")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue an API token for a user (printed once).")
        @Argument(help: "The user name.") var name: String
        @Option(help: "Lifetime in hours (default: until revoked).") var hours: Int?
        @Option(help: "What the token is for.") var label = ""
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let (name, label, lifetime) = (name, label, hours.map { Duration.seconds($0 * 3_600) })
            let issued = try await UsersCommand.withStore(options, logging) { store in
                try await store.issueToken(for: name, label: label, lifetime: lifetime)
            }
            print(issued.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users with clearance, groups and grants.")
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let users = try await UsersCommand.withStore(options, logging) { store in try await store.users() }
            for user in users {
                let grants = user.grants.map { "\($0.role.rawValue)@\($0.scope)" }.joined(separator: ",")
                print("\(user.name)\t\(user.kind)\t\(user.clearance)\tgroups=\(user.groups.joined(separator: ","))\tgrants=\(grants)")
            }
        }
    }

    static func withStore<T: Sendable>(
        _ options: ExternalServiceOptions, _ logging: LoggingOptions, _ body: @Sendable (AccessStore) async throws -> T
    ) async throws -> T {
        try await withAccessDatabase(options, logging, label: "shikong.users") { client, logger in
            try await body(AccessStore(client: client, logger: logger))
        }
    }
}

/// Runs `body` on the platform's database (migrated first), an ``AccessError`` becoming the
/// command's validation error: what `users` and `devices` share.
func withAccessDatabase<T: Sendable>(
    _ options: ExternalServiceOptions, _ logging: LoggingOptions, label: String, _ body: @Sendable (PostgresClient, Logger) async throws -> T
) async throws -> T {
    let logger = logging.bootstrap(label)
    let configuration = try options.configuration()
    try await Pipeline.prepareDatabase(configuration.database, logger: logger)
    return try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
        do {
            return try await body(client, logger)
        } catch let error as AccessError {
            throw ValidationError(error.description)
        }
    }
}
