import PortcullisDiagnostics

/// One rule: what it reports, why it matters, how to fix it, examples, and its check.
///
/// A rule is a type, so the registry can list rules without running them, and each rule
/// lives in one file with its examples, which are documentation and test cases at once.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    /// Adds this rule's findings for the project; they carry the code's default severity,
    /// which the configuration may change afterwards.
    static func check(_ context: CheckContext, into findings: inout DiagnosticCollector)
}

/// The documentation of a rule, shown by `portcullis explain`.
public struct RuleDescription: Sendable {
    public let code: DiagnosticCode
    /// Why the rule matters, in two or three sentences a reviewer can act on.
    public let rationale: String
    /// How to make the finding go away for the right reason.
    public let fix: String
    /// Inputs that must produce findings exactly where they are marked.
    public let triggering: [RuleExample]
    /// Inputs that must produce no finding of this rule.
    public let nonTriggering: [RuleExample]

    public init(
        _ code: DiagnosticCode, rationale: String, fix: String, triggering: [RuleExample],
        nonTriggering: [RuleExample]
    ) {
        self.code = code
        self.rationale = rationale
        self.fix = fix
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }
}

/// YAML documents illustrating a rule. `↓` marks where a finding is expected to start;
/// the markers are removed before the example is linted. Unless an example has its own
/// Gateway document or stands alone, it is linted together with ``RuleExample/baseGateway``.
public struct RuleExample: Sendable {
    public static let marker: Character = "↓"

    public let yaml: String
    /// Linted without the base gateway even though it has none of its own.
    public let standalone: Bool
    /// Other files beside the example that it names, such as an OpenAPI document, by
    /// path relative to it; they are side files of the run, not definitions.
    public let besides: [(path: String, text: String)]
    /// Where the example is written, so a failing example test points at it.
    public let file: StaticString
    public let line: UInt

    public init(
        _ yaml: String, standalone: Bool = false, besides: [(path: String, text: String)] = [], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        self.yaml = yaml
        self.standalone = standalone
        self.besides = besides
        self.file = file
        self.line = line
    }

    /// The example as a user would write it.
    public var text: String { Self.unmarked(yaml) }

    /// The files beside it as a user would write them: their markers say where findings
    /// in them start.
    public var besidesAsWritten: [(path: String, text: String)] { besides.map { ($0.path, Self.unmarked($0.text)) } }

    /// The 1-based line and column of each marker, in the text without markers.
    public var markedPositions: [SourcePosition] { Self.markedPositions(in: yaml) }

    private static func unmarked(_ text: String) -> String { text.filter { $0 != marker } }

    /// The 1-based line and column of each marker of `text`, in the text without markers.
    public static func markedPositions(in text: String) -> [SourcePosition] {
        var positions: [SourcePosition] = []
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            if Character(scalar) == marker {
                positions.append(SourcePosition(line: line, column: column))
                continue
            }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return positions
    }

    /// Whether the example is linted together with ``baseGateway``.
    public var usesBaseGateway: Bool { !standalone && !yaml.contains("kind: Gateway") }

    /// How every example gateway starts: its name and the JWT provider `entra`.
    static let gatewayHead = """
        apiVersion: portcullis/v1
        kind: Gateway
        name: example
        identityProviders:
          entra:
            type: jwt
            issuer: https://login.example.com/v2.0
            openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration
            audiences: [api://example]

        """

    /// How example gateways end: default auth and rate limit.
    static let gatewayDefaults = """
        defaults:
          auth: entra
          rateLimit: {calls: 100, per: 60s}

        """

    /// The introspection provider `partner` of ``baseGateway``, under `identityProviders`;
    /// its client secret is `partner-secret`.
    static let partnerProvider = """
          partner:
            type: introspection
            endpoint: https://idp.example.com/introspect
            clientId: example-gateway
            clientSecret: {secret: partner-secret}

        """

    /// The gateway examples share: a JWT provider `entra`, an introspection provider
    /// `partner`, read, write and admin scopes, Redis and default auth and rate limit.
    public static let baseGateway = gatewayHead + partnerProvider + """
        scopes:
          orders.read: {access: read}
          orders.write: {access: write}
          orders.admin: {access: admin}
        secrets:
          partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}
          redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
        redis:
          connection: {secret: redis-connection}

        """ + gatewayDefaults
}

extension RuleExample {
    /// An API named `name`, published at path `name` with backend `https://NAME.example.com`,
    /// with API-level `fields` and the given `routes:` entries; tests build projects from it.
    public static func api(
        _ name: String = "orders", fields: String = "", routes: String, standalone: Bool = false,
        besides: [(path: String, text: String)] = [], file: StaticString = #filePath, line: UInt = #line
    ) -> RuleExample {
        let fieldLines = fields.isEmpty || fields.hasSuffix("\n") ? fields : fields + "\n"
        return RuleExample(
            """
            apiVersion: portcullis/v1
            kind: API
            name: \(name)
            path: \(name)
            backend: https://\(name).example.com
            \(fieldLines)routes:
            \(routes)
            """, standalone: standalone, besides: besides, file: file, line: line)
    }

    /// ``api(_:fields:routes:standalone:besides:file:line:)`` whose own raw policy runs
    /// `statements` (one or more lines of XML) in `inbound`, after `<base />`.
    public static func api(
        _ name: String = "orders", fields: String = "", rawInbound statements: String, routes: String,
        file: StaticString = #filePath, line: UInt = #line
    ) -> RuleExample {
        let fieldLines = fields.isEmpty || fields.hasSuffix("\n") ? fields : fields + "\n"
        let inbound = statements.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        let policy = "policy: |\n  <policies>\n    <inbound>\n      <base />\n\(inbound)\n    </inbound>\n  </policies>\n"
        return api(name, fields: fieldLines + policy, routes: routes, file: file, line: line)
    }

    /// The sections of an example gateway that declares `cors`, for ``gateway(_:routes:file:line:)``.
    static let corsSections = """
        scopes:
          orders.read: {access: read}
        cors:
          allowedOrigins: [https://shop.example.com]
          allowedHeaders: [Authorization]
        """

    /// A gateway with the JWT provider `entra` and default auth and rate limit, with
    /// `sections` between them; with `routes`, followed by an API `orders` with those routes.
    static func gateway(
        _ sections: String, routes: String? = nil, file: StaticString = #filePath, line: UInt = #line
    ) -> RuleExample {
        let sectionLines = sections.hasSuffix("\n") ? sections : sections + "\n"
        var text = gatewayHead + sectionLines + gatewayDefaults
        if let routes { text += "---\n" + api(routes: routes).yaml }
        return RuleExample(text, file: file, line: line)
    }
}
