import PortcullisModel

/// C# that reads who is calling, for counter and cache keys.
///
/// Callers a token names are read once, right after the token and scope checks, into a
/// variable each; an absent or empty claim (an empty array or object too) reads as the
/// empty string, which names no
/// caller: such a request is refused by a limit and bypasses a per-caller cache, so no
/// two unnamed callers ever share a counter or a cache entry.
enum Identity {
    /// The token-named callers of a plan, in the order their variables are set.
    static func tokenCallers(_ plan: EnforcementPlan) -> [Caller] {
        var callers: [Caller] = []
        for limit in plan.limitsAfterToken where !callers.contains(limit.caller) { callers.append(limit.caller) }
        if case .perCaller(let caller)? = plan.cache?.sharing, caller.needsToken, !callers.contains(caller) { callers.append(caller) }
        return callers
    }

    /// The variable that holds a token-named caller.
    static func variable(_ caller: Caller, in callers: [Caller]) -> String {
        "\(PolicyNames.callerPrefix)\(callers.firstIndex(of: caller)! + 1)"
    }

    /// `set-variable` statements that read each token-named caller. A route without a token
    /// check names none (RL006 switched off let such a limit through): each is empty, so
    /// its limits refuse every request, as `gateway.json` says, where reading a variable
    /// never set failed every request (audit V38). (The plan keeps no per-user cache on
    /// such a route.)
    static func readCallers(_ callers: [Caller], token: TokenCheck?, into writer: inout PolicyWriter) {
        for caller in callers {
            guard case .claim(let names) = caller else { continue }
            guard let token else {
                writer.element("set-variable", [("name", .literal(variable(caller, in: callers))), ("value", .literal(""))])
                continue
            }
            let list = "new[] { " + names.map(PolicyExpression.csharpString).joined(separator: ", ") + " }"
            let read: String
            switch token.method {
            case .jwt:
                read =
                    "var token = (Jwt)context.Variables[\"\(PolicyNames.token)\"]; foreach (var name in \(list)) { var value = token.Claims.GetValueOrDefault(name, \"\"); if (!string.IsNullOrEmpty(value)) { return value; } } return \"\";"
            case .introspection:
                read =
                    "var result = JObject.Parse((string)context.Variables[\"\(PolicyNames.introspection)\"]); foreach (var name in \(list)) { var value = result[name]; if (value == null || value.Type == JTokenType.Null || ((value.Type == JTokenType.Array || value.Type == JTokenType.Object) && !value.HasValues)) { continue; } var text = value.Type == JTokenType.String ? (string)value : value.ToString(Newtonsoft.Json.Formatting.None); if (text != \"\") { return text; } } return \"\";"
            }
            writer.element("set-variable", [("name", .literal(variable(caller, in: callers))), ("value", .code("@{ \(read) }"))])
        }
    }

    /// The caller's value as a C# string expression; empty when the request names none.
    static func value(of caller: Caller, callers: [Caller]) -> String {
        switch caller {
        case .subscription: return "(context.Subscription?.Id ?? \"\")"
        case .ipAddress: return "context.Request.IpAddress"
        case .header(let name): return "context.Request.Headers.GetValueOrDefault(\(PolicyExpression.csharpString(name)), \"\")"
        case .claim: return "((string)context.Variables[\"\(variable(caller, in: callers))\"])"
        }
    }

    /// A key part that is safe to join with `:`: the value hashed, so no value can reach
    /// into another counter's namespace and no value's length matters.
    static func hashed(_ value: String) -> String {
        "Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\(value))))"
    }
}
