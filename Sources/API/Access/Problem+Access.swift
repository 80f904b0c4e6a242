import Access
import Hummingbird

extension Problem {
    static func unauthorized(_ detail: String, invalidToken: Bool = false) -> Problem {
        let challenge = invalidToken ? #"Bearer realm="shikong", error="invalid_token""# : #"Bearer realm="shikong""#
        return Problem(.unauthorized, detail: detail, headers: [.wwwAuthenticate: challenge])
    }

    static func denied(_ caller: Caller, _ needed: String) -> Problem {
        if caller.isAnonymous { return unauthorized("sign in first: this needs \(needed)") }
        return Problem(.forbidden, detail: "\(caller.name ?? "you") may not do this: it needs \(needed)")
    }

    static func reason(_ refusal: AccessStore.Refusal) -> String {
        switch refusal {
        case .unknownToken: "the bearer token is not valid"
        case .expired: "the bearer token has expired; sign in again"
        case .revoked: "the bearer token was revoked; sign in again"
        case .disabled: "the account is disabled"
        case .wrongPassword: "wrong user name or password"
        }
    }
}
