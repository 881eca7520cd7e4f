import PortcullisModel

/// The shape every policy document has: four sections, `<base />` first in each below
/// global scope, so policies of broader scopes always run.
enum PolicyDocument {
    enum Scope {
        case global
        case product
        case api
        case operation
    }

    static func make(
        _ scope: Scope, inbound: [PolicyElement] = [], backend: [PolicyElement] = [],
        outbound: [PolicyElement] = [], onError: [PolicyElement] = []
    ) -> PolicyElement {
        let base = scope == .global ? [] : [PolicyElement("base")]
        return PolicyElement(
            "policies", [],
            [
                PolicyElement("inbound", [], base + inbound),
                PolicyElement("backend", [], base + backend),
                PolicyElement("outbound", [], base + outbound),
                PolicyElement("on-error", [], base + onError),
            ])
    }
}

extension PolicyValue {
    static func number(_ value: Int) -> PolicyValue { .literal(String(value)) }
    static func code(_ code: String) -> PolicyValue { .expression(PolicyExpression(code)) }
}

/// Names of the variables and headers generated policies use among themselves.
enum PolicyNames {
    static let token = "portcullis-token"
    static let bearer = "portcullis-bearer"
    static let introspection = "portcullis-introspection"
    static let introspectionResponse = "portcullis-introspection-response"
    static let clientId = "portcullis-client-id"
    static let clientSecret = "portcullis-client-secret"
    static let cacheCallerHeader = "X-Portcullis-Cache-Subject"
    /// Variables `portcullis-caller-1`, `-2`, …: the callers a token names.
    static let callerPrefix = "portcullis-caller-"
}
