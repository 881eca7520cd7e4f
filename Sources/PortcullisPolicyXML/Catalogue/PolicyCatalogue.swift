/// APIM's policy statements as data: the one place the structure check, and any later rule
/// that reads raw XML, learns which elements, attributes and children APIM has and where a
/// statement may stand.
///
/// Sources, in order of authority: Microsoft's policy reference pages
/// (learn.microsoft.com/azure/api-management/<statement>-policy, the "Usage" block of each for
/// sections and scopes), then APIM's XML schema (as published with the VS Code extension) for
/// attributes the pages do not list. Where the two disagree the pages win, and the statement's
/// entry says so. Statements the pages do not list (internal or resolver-only elements of the
/// schema) are left out.
public enum PolicyCatalogue {
    /// The statement called `name`, if APIM has one.
    public static func statement(_ name: String) -> StatementSpec? {
        statementsByName[name]
    }

    /// Every statement, in name order.
    public static let statements: [StatementSpec] =
        (accessStatements + validationStatements + routingAndCachingStatements
            + transformationStatements + integrationStatements + flowStatements)
        .sorted { $0.name < $1.name }.map { $0.givingValues(attributeValues) }

    /// Every statement name, in name order: the candidates for "did you mean".
    public static let statementNames: [String] = statements.map(\.name)

    /// Every element and attribute name of APIM's policies, the document's own (`policies`,
    /// the sections, `base`) included: names a message may repeat from a document that
    /// cannot be read, since they tell nothing of what its author wrote.
    static let knownNames: Set<String> = {
        var names: Set<String> = ["policies", "base", "id"]
        names.formUnion(PolicySection.allCases.map(\.rawValue))
        func add(_ element: ElementSpec) {
            names.insert(element.name)
            names.formUnion(element.attributes.map(\.name))
            if case .elements(let children) = element.content { children.forEach(add) }
        }
        statements.forEach { add($0.element) }
        return names
    }()

    private static let statementsByName: [String: StatementSpec] = Dictionary(
        uniqueKeysWithValues: statements.map { ($0.name, $0) })
}
