import PortcullisModel
import PortcullisPolicyXML

/// Raw policy XML that changed between two versions. The diff does not judge raw
/// statements (an `ip-filter`, a `rate-limit`, a dropped `<base />` can each widen or
/// narrow access), so it names every document whose meaning changed for a reviewer to read;
/// white space, attribute order and escapes do not count.
extension AccessDiff {
    /// One raw document with what the diff reports about it.
    private struct Written {
        var subject: AccessChange.Subject
        /// "route 'orders/get-order'", "the gateway".
        var owner: String
        var document: PolicyXMLDocument
    }

    static func rawPolicyChanges(base: Side, head: Side) -> [AccessChange] {
        let before = Dictionary(written(base.project).map { ($0.owner, $0) }) { first, _ in first }
        let after = Dictionary(written(head.project).map { ($0.owner, $0) }) { first, _ in first }
        var changes: [AccessChange] = []
        for (owner, new) in after {
            let place = head.location(new.document.range(new.document.root.nameSpan))
            guard let old = before[owner] else {
                changes.append(AccessChange(
                    category: .other, subject: new.subject, message: "\(owner) now has a raw policy; review its statements", place: place))
                continue
            }
            if PolicyXMLCanonical.form(of: old.document) != PolicyXMLCanonical.form(of: new.document) {
                changes.append(AccessChange(
                    category: .other, subject: new.subject,
                    message: "the raw policy of \(owner) changed; the diff does not judge raw statements, so review them", place: place))
            }
        }
        for (owner, old) in before where after[owner] == nil {
            changes.append(AccessChange(
                category: .other, subject: old.subject, message: "\(owner) no longer has a raw policy",
                place: base.location(old.document.range(old.document.root.nameSpan))))
        }
        return changes
    }

    /// Every raw document of a project that was read, by what it belongs to.
    private static func written(_ project: ResolvedProject) -> [Written] {
        var found: [Written] = []
        if let document = project.gateway?.policy?.document {
            found.append(Written(subject: AccessChange.Subject(kind: .gateway, name: "policy"), owner: "the gateway", document: document))
        }
        for product in project.products {
            guard let document = product.policy?.document else { continue }
            let name = product.name.value
            found.append(Written(subject: AccessChange.Subject(kind: .product, name: name), owner: "product '\(name)'", document: document))
        }
        for api in project.apis {
            let name = api.name.value
            if let document = api.policy?.document {
                found.append(Written(subject: AccessChange.Subject(kind: .api, name: name), owner: "API '\(name)'", document: document))
            }
            for route in api.routes {
                guard let document = route.policy?.document else { continue }
                let key = "\(name)/\(route.id.value)"
                found.append(Written(subject: .route(key), owner: "route \(subject(key))", document: document))
            }
        }
        for fragment in project.fragments {
            guard let document = fragment.policy.document else { continue }
            let name = fragment.name.value
            found.append(Written(subject: AccessChange.Subject(kind: .fragment, name: name), owner: "fragment '\(name)'", document: document))
        }
        return found
    }
}
