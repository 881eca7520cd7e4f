import PortcullisModel
import PortcullisSupport

/// How many counters one caller may spend under a raw limit's counter key, in the order
/// of ``PortcullisModel/LimitKey/countersPerCaller``, with one step before it: a key
/// written out is one counter for every caller. `diff` reads a move later in the order as
/// a looser limit (audit V36: a shared key made `@(context.Request.IpAddress)` gave every
/// address a budget of its own, and the gate took it for "the raw policy changed").
public enum RawCounterKey {
    /// A key written out, the same for every request: one budget that every caller shares.
    public static let sharedByAll = -1

    /// The step of `key` (a counter key with named values put in), or nil when what it
    /// reads says nothing of whose requests it tells apart. A key of several parts is
    /// as fine as its finest.
    public static func countersPerCaller(_ key: String) -> Int? {
        let code = ExpressionFlow.normalized(key)
        guard code.hasPrefix("@") else { return sharedByAll }
        if SpoofableRateLimitKey.perTokenClaim(readBy: code) != nil { return LimitKey.pickedByTheCaller }
        if code.contains("Request.IpAddress") { return LimitKey.ip.countersPerCaller }
        let claims = Set(SpoofableRateLimitKey.claimsNamed(in: code))
        if !claims.isDisjoint(with: LimitKey.userClaims) || [").Subject", "context.User.Id", "context.User.Email"].contains(where: code.contains) {
            return LimitKey.user.countersPerCaller
        }
        if !claims.isDisjoint(with: LimitKey.applicationClaims) || code.contains("context.Subscription.") {
            return LimitKey.subscription.countersPerCaller
        }
        // Code that reads nothing of the request, the caller or the variables is a key
        // the policy writes: the API's or operation's name, the region (audit V42).
        let perCall = ["context.Api.", "context.Operation.", "context.Deployment."].reduce(code) { $0.replacing($1, with: "") }
        return perCall.contains("context.") || perCall.contains("AsJwt") ? nil : sharedByAll
    }

    /// How a message names what a key of `step` counts by; nil: a key whose step is not
    /// known here.
    public static func counting(_ step: Int?) -> String {
        switch step {
        case nil: "a counter for each value of what its expression reads"
        case sharedByAll: "one counter for every caller"
        case LimitKey.subscription.countersPerCaller: "a counter per application"
        case LimitKey.user.countersPerCaller: "a counter per user"
        case LimitKey.ip.countersPerCaller: "a counter per address a caller sends from"
        default: "a counter per token"
        }
    }
}
