import XCTest

@testable import PortcullisPolicyXML

/// The catalogue against APIM's XML schema: every statement, child element and attribute
/// the catalogue knows is in the schema with the same required-ness, except where
/// Microsoft's reference pages say otherwise (they win; each exception says why).
final class CatalogueSchemaTests: XCTestCase {
    /// Schema elements the catalogue has no statement for, and why.
    static let schemaPoliciesLeftOut: [String: String] = [
        "policies": "the document's root, which the structure check handles itself",
        "set-url": "a child of 'send-request' only; the reference lists no 'set-url' statement",
        "authentication-token": "a child of 'send-request' in the schema only; the reference does not have it",
        "authentication-token-store": "a child of 'send-request' in the schema only; the reference does not have it",
        "block": "in the schema only; the reference does not have it",
        "invoke-request": "in the schema only; the reference does not have it",
        "set-request-metric-dimension-value": "in the schema only; the reference does not have it",
        "http-data-source": "the root of a GraphQL resolver's policy, not a statement of a policy document",
        "sql-data-source": "the root of a GraphQL resolver's policy, not a statement of a policy document",
        "cosmosdb-data-source": "the root of a GraphQL resolver's policy, not a statement of a policy document",
        "graphql-data-source": "the root of a GraphQL resolver's policy, not a statement of a policy document",
        "publish-event": "a statement of GraphQL resolvers' responses only, not of a policy document",
    ]

    /// Catalogue statements the schema does not have, and why the catalogue keeps them.
    static let statementsNotInSchema: [String: String] = [
        "xsl-transform": "the reference lists it (inbound and outbound), the schema does not",
        "send-service-bus-message": "a preview policy its page lists (inbound, outbound, on-error), the schema does not",
    ]

    /// Catalogue attributes the schema does not have, keyed 'element@attribute'.
    static let attributesNotInSchema: [String: String] = [
        "api@renewal-period": "the 'quota' page lists it for 'api' (and says required, though its own example leaves it out: optional here)",
        "operation@renewal-period": "the 'quota' page lists it for 'operation' (as for 'api')",
        "invoke-dapr-binding@content-type": "its page lists it",
        "llm-emit-token-metric@value": "its page lists it",
        "azure-openai-emit-token-metric@value": "its page lists it",
        "llm-semantic-cache-store@cache-response": "its newer page lists it (to cache responses of any status), the schema does not",
    ]

    /// Attributes whose required-ness the reference pages give otherwise than the schema,
    /// keyed 'element@attribute'; the pages win.
    static let requiredDisagreements: [String: String] = [
        "authentication-managed-identity@resource": "the page makes it required; the schema leaves it optional",
        "check-header@failed-check-error-message": "the page makes it required; the schema leaves it optional",
        "check-header@ignore-case": "the page makes it required; the schema leaves it optional",
        "ip-filter@action": "the page makes it required; the schema leaves it optional",
        "quota@renewal-period": "the page makes it required; the schema leaves it optional",
        "quota-by-key@renewal-period": "the page makes it required; the schema leaves it optional",
        "rate-limit@calls": "the page makes it required; the schema leaves it optional",
        "rate-limit@renewal-period": "the page makes it required; the schema leaves it optional",
        "api@calls": "the 'rate-limit' page makes it required on 'api'; the schema leaves it optional",
        "api@renewal-period": "the 'rate-limit' page makes it required on 'api'; the schema leaves it optional",
        "operation@calls": "the 'rate-limit' page makes it required on 'operation'; the schema leaves it optional",
        "operation@renewal-period": "the 'rate-limit' page makes it required on 'operation'; the schema leaves it optional",
        "claim@name": "the 'validate-jwt' and 'validate-azure-ad-token' pages make it required; the schema leaves it optional",
        "wait@for": "the page makes it optional (default 'all'); the schema requires it",
        "validate-graphql-request@max-size": "the page makes it required; the schema leaves it optional",
    ]

    /// Attributes whose value the reference pages give otherwise than the schema, keyed
    /// 'element@attribute'; the pages win.
    static let valueDisagreements: [String: String] = [
        "rewrite-uri@copy-unmatched-params": "the page allows expressions; the schema takes a boolean only",
        "send-one-way-request@timeout": "the page allows expressions; the schema takes a number only",
        "rule@action": "the 'validate-graphql-request' page adds 'ignore' to the schema's words",
        "azure-openai-token-limit@token-quota-period": "the 'llm-token-limit' page's newer text allows expressions; taken for both, so no policy APIM may take is refused",
        "llm-token-limit@token-quota-period": "the page's newer text allows expressions; the schema's words only",
        "cache-lookup-value@variable-name": "the page allows no expressions",
        "include-fragment@fragment-id": "the page allows no expressions",
        "quota-by-key@first-period-start": "the page allows no expressions",
        "quota-by-key@renewal-period": "the page gives seconds, without expressions; the schema, any text",
        "quota@renewal-period": "the page gives seconds, 0 for a quota that never renews; the schema, any whole number",
        "rate-limit@renewal-period": "a window of 0 seconds or less counts nothing (audit V78); the schema takes any whole number",
        "api@renewal-period": "a rate limit's 'api' window: 0 seconds or less counts nothing (audit V78); the schema takes any whole number",
        "operation@renewal-period": "a rate limit's 'operation' window: 0 seconds or less counts nothing (audit V78); the schema takes any whole number",
        "rate-limit-by-key@renewal-period": "a window of 0 seconds or less counts nothing (audit V78); the schema takes any whole number",
        "rate-limit@remaining-calls-header-name": "the page allows no expressions",
        "rate-limit@remaining-calls-variable-name": "the page allows no expressions",
        "rate-limit@retry-after-header-name": "the page allows no expressions",
        "rate-limit@retry-after-variable-name": "the page allows no expressions",
        "rate-limit@total-calls-header-name": "the page allows no expressions",
        "rate-limit-by-key@remaining-calls-header-name": "the page allows no expressions",
        "rate-limit-by-key@remaining-calls-variable-name": "the page allows no expressions",
        "rate-limit-by-key@retry-after-header-name": "the page allows no expressions",
        "rate-limit-by-key@retry-after-variable-name": "the page allows no expressions",
        "rate-limit-by-key@total-calls-header-name": "the page allows no expressions",
        "validate-jwt@output-token-variable-name": "the page allows no expressions",
        "validate-jwt@clock-skew": "the page calls it a time span and gives it in seconds: taken as any text, so neither form is refused",
        "key@e": "the 'validate-jwt' page allows no expressions",
        "key@n": "the 'validate-jwt' page allows no expressions",
    ]

    /// Elements whose schema leaves out the optional 'id': the newer AI policies' schemas do,
    /// where every other policy's has it; the catalogue gives it to all alike, so a statement
    /// written with an 'id' is not refused.
    static let elementsWithoutIDInSchema: [String: String] = [
        "azure-openai-semantic-cache-lookup": "newer AI policy", "azure-openai-semantic-cache-store": "newer AI policy",
        "llm-semantic-cache-lookup": "newer AI policy", "llm-semantic-cache-store": "newer AI policy",
        "llm-content-safety": "newer AI policy",
    ]

    private func schema() throws -> APIMSchema {
        guard let schema = try APIMSchema() else {
            throw XCTSkip("\(APIMSchema.folder.path) is not available; the schema comparison runs where ../shared is")
        }
        return schema
    }

    func testEveryStatementElementAndAttributeIsInTheSchema() throws {
        let schema = try schema()
        var problems: [String] = []
        var used: Set<String> = []
        for statement in PolicyCatalogue.statements {
            guard let declaration = schema.elements[statement.name] else {
                if Self.statementsNotInSchema[statement.name] != nil { used.insert(statement.name) } else {
                    problems.append("\(statement.name): not in the schema")
                }
                continue
            }
            compare(statement.element, declaration, path: statement.name, schema: schema, problems: &problems, used: &used)
        }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
        let listed = Set(Self.statementsNotInSchema.keys).union(Self.requiredDisagreements.keys)
            .union(Self.elementsWithoutIDInSchema.keys).union(Self.attributesNotInSchema.keys).union(Self.valueDisagreements.keys)
        XCTAssertEqual(listed.subtracting(used).sorted(), [], "allow-list entries that no longer apply")
    }

    func testEverySchemaPolicyIsInTheCatalogueOrListedWithAReason() throws {
        let schema = try schema()
        let missing = Set(schema.elements.keys).subtracting(PolicyCatalogue.statementNames)
        XCTAssertEqual(missing.sorted(), Self.schemaPoliciesLeftOut.keys.sorted())
    }

    private func compare(
        _ spec: ElementSpec, _ node: PolicyXMLElement, path: String, schema: APIMSchema, problems: inout [String], used: inout Set<String>
    ) {
        let declaration = schema.declaration(of: node)
        /// Whether `list` excuses `key`, noting that the entry is still needed.
        func excused(_ key: String, by list: [String: String]) -> Bool {
            guard list[key] != nil else { return false }
            used.insert(key)
            return true
        }
        for attribute in spec.attributes {
            let key = "\(spec.name)@\(attribute.name)"
            guard let required = declaration.attributes[attribute.name] else {
                let isExcused =
                    attribute.name == "id"
                    ? excused(spec.name, by: Self.elementsWithoutIDInSchema) : excused(key, by: Self.attributesNotInSchema)
                if !isExcused { problems.append("\(path)@\(attribute.name): not in the schema") }
                continue
            }
            if required != attribute.isRequired, !excused(key, by: Self.requiredDisagreements) {
                problems.append("\(path)@\(attribute.name): the schema says \(required ? "required" : "optional")")
            }
            if let value = declaration.values[attribute.name], value != attribute.value, !excused(key, by: Self.valueDisagreements) {
                problems.append("\(path)@\(attribute.name): the schema says \(value.expected)\(value.takesExpressions ? " or an expression" : "") (\(value))")
            }
        }
        for (name, required) in declaration.attributes where required && spec.attribute(name) == nil {
            if !excused("\(spec.name)@\(name)", by: Self.requiredDisagreements) {
                problems.append("\(path)@\(name): required by the schema, unknown to the catalogue")
            }
        }
        guard case .elements(let children) = spec.content else { return }
        for child in children {
            if let childNode = declaration.children[child.name] {
                compare(child, childNode, path: "\(path)/\(child.name)", schema: schema, problems: &problems, used: &used)
            } else if !declaration.acceptsAnyElement {
                problems.append("\(path)/\(child.name): not in the schema")
            }
        }
    }
}
