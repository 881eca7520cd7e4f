import PortcullisDiagnostics
import PortcullisChecker
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// Changes of raw policy XML between two versions. Portcullis does not know everything a
/// raw statement does, but it knows which statements decide who gets in, how much, and
/// what is cached: adding or removing one of those is weighed like the same change made
/// in the definitions; any other change to a raw document is listed for review.
enum RawPolicyDiff {
    /// The refusals of `document` (``PolicyXMLElement/refusalStatus``) by what decides them:
    /// the section and the conditions of the `when`s around each, named values put in and
    /// spacing aside; any status of 400 or more refuses. Those of the fragments it includes
    /// (`refusing`: the fragments that hold one) count where each include is (audit V117:
    /// a fragment's refusal no longer included was "other"; one moved into a fragment
    /// stays). A refusal in `on-error` answers errors only. Each is kept with the statement
    /// of `document` that holds it.
    private static func refusals(
        in document: PolicyXMLDocument?, refusing: [String: PolicyXMLDocument], _ values: GatewayComparison.Substitution
    ) -> [String: [PolicyXMLElement]] {
        guard let document,
            document.allElements.contains(where: { $0.refusalStatus != nil })
                || !refusing.isEmpty && !includes(in: document).allSatisfy({ refusing[$0.id] == nil })
        else { return [:] }
        var found: [String: [PolicyXMLElement]] = [:]
        func condition(_ branch: PolicyXMLElement) -> String {
            branch.attribute("condition").map { PolicyCode.normalized(values.value($0.value.resolved)) } ?? ""
        }
        // Each refusal and fragment include among `elements`, with the conditions it runs
        // under. Bounded by the documents' nesting, which the reader limits.
        func walk(_ elements: [PolicyXMLElement], under conditions: [String], _ visit: (PolicyXMLElement, [String]) -> Void) {
            for element in elements {
                if element.refusalStatus != nil || element.name == "include-fragment" {
                    visit(element, conditions)
                } else if element.name == "choose" {
                    var earlier: [String] = []
                    for branch in element.elements {
                        let decided = branch.name == "when" ? "when " + condition(branch) : "otherwise"
                        walk(branch.elements, under: conditions + earlier.map { "not " + $0 } + [decided], visit)
                        if branch.name == "when" { earlier.append(condition(branch)) }
                    }
                } else {
                    walk(element.elements, under: conditions, visit)
                }
            }
        }
        // A fragment's refusals, with their conditions inside it, read once however many
        // times it is included (audit V119: a second include was not read).
        var fragmentRefusals: [String: [[String]]] = [:]
        func refusals(of id: String) -> [[String]] {
            if let known = fragmentRefusals[id] { return known }
            var list: [[String]] = []
            if let fragment = refusing[id] {
                walk(fragment.rootElements, under: []) { element, conditions in
                    if element.refusalStatus != nil { list.append(conditions) }
                }
            }
            fragmentRefusals[id] = list
            return list
        }
        let visit = { (element: PolicyXMLElement, conditions: [String]) in
            if element.refusalStatus != nil {
                found[conditions.joined(separator: "\u{0}"), default: []].append(element)
            } else if case .text(let id)? = element.attribute("fragment-id")?.value {
                for inside in refusals(of: id) { found[(conditions + inside).joined(separator: "\u{0}"), default: []].append(element) }
            }
        }
        if document.root.name == "fragment" {
            walk(document.rootElements, under: [], visit)
        } else {
            for section in document.rootElements where section.name != "on-error" {
                walk(section.elements, under: [section.name], visit)
            }
        }
        return found
    }

    /// What adding and removing a statement means for access.
    static let weights: [String: (added: AccessChange.Category, removed: AccessChange.Category)] = [
        "validate-jwt": (.privilegeDecrease, .privilegeIncrease),
        "validate-azure-ad-token": (.privilegeDecrease, .privilegeIncrease),
        "validate-client-certificate": (.privilegeDecrease, .privilegeIncrease),
        "check-header": (.privilegeDecrease, .privilegeIncrease),
        "ip-filter": (.privilegeDecrease, .privilegeIncrease),
        "rate-limit": (.stricterLimit, .looserLimit),
        "rate-limit-by-key": (.stricterLimit, .looserLimit),
        "quota": (.stricterLimit, .looserLimit),
        "quota-by-key": (.stricterLimit, .looserLimit),
        // A language model's tokens, per minute or over a quota's period.
        "llm-token-limit": (.stricterLimit, .looserLimit),
        "azure-openai-token-limit": (.stricterLimit, .looserLimit),
        // Requests at once: past 'max-count' APIM answers 429 instead of running what it holds.
        "limit-concurrency": (.stricterLimit, .looserLimit),
        "cache-lookup": (.cacheWidened, .other),
        "cache-lookup-value": (.cacheWidened, .other),
        // A completion served for a prompt like another's, partitioned by 'vary-by' alone.
        "llm-semantic-cache-lookup": (.cacheWidened, .other),
        "azure-openai-semantic-cache-lookup": (.cacheWidened, .other),
        // The backend gets a token of the gateway's identity, which may hold any role.
        "authentication-managed-identity": (.privilegeIncrease, .privilegeDecrease),
        // The backend gets the gateway's client certificate (audit V113: "other").
        "authentication-certificate": (.privilegeIncrease, .privilegeDecrease),
    ]

    /// A resource renamed (`renames`) keeps its policy: BASE's is compared with HEAD's under
    /// the new name.
    ///
    /// A check of a place a policy sets before it judges the policy's value, and is weighed
    /// as one that lets callers through, so that a setter added before it is a privilege
    /// increase. Where that reading is only a maybe (a variable copied before its header is
    /// replaced, which the gate does not read in order; a header a secret names), the check
    /// may still judge the caller: the policies are weighed a second time with every such
    /// check taken for the check it is, and the privilege increases of that reading are
    /// added (audit V11 found such a check widened and removed as `other`; audit V12 found a
    /// reading that counted such checks apart let a check moved behind a setter through).
    static func compare(base: AccessDiff.Side, head: AccessDiff.Side, renames: Renames) -> [AccessChange] {
        let before = documents(base.project, renames: renames)
        let after = documents(head.project, renames: nil)
        let (oldMethods, newMethods) = (MethodsSeen(base.project, renames: renames), MethodsSeen(head.project, renames: nil))
        let (oldValues, newValues) = (GatewayComparison.Substitution(base.project.gateway), GatewayComparison.Substitution(head.project.gateway))
        // Each API numbered by its name, as HEAD names it, alike on both sides: the variables
        // an API's policies set are its requests' alone, and are compared API by API.
        let apiNames = Set(before.values.compactMap(\.api) + after.values.compactMap(\.api)).sorted()
        let apiNumbers = Dictionary(uniqueKeysWithValues: zip(apiNames, apiNames.indices))
        let numbered = { (documents: [String: RawDocument]) in documents.values.map { ($0.document, $0.api.flatMap { apiNumbers[$0] }) } }
        let oldCallerControlled = CallerControlledVariables(numbered(before), fragments: base.project.fragments, values: oldValues.values, askedByConditions: true)
        let newCallerControlled = CallerControlledVariables(numbered(after), fragments: head.project.fragments, values: newValues.values, askedByConditions: true)
        // An included fragment is read as BASE has it, on both sides, so including another
        // one is weighed by what each holds, while a change inside a fragment is the
        // fragment's own, reported once.
        let fragments = head.project.fragments.documentsByName.merging(base.project.fragments.documentsByName) { _, base in base }
        // The fragments that may answer, and those that may write a cross-origin header:
        // only those are read where a policy includes them, each judged once here (2,000
        // changed policies each including 50 fragments took over 20 s when each read all).
        let answering = fragments.filter { $0.value.allElements.contains(where: \.answersSomeRequests) }
        let refusing = fragments.filter { $0.value.allElements.contains { $0.refusalStatus != nil } }
        let granting = fragments.filter { Self.mayWriteCrossOriginHeaders($0.value) }
        let caching = fragments.filter { Self.mayWriteCacheControl($0.value) }
        // Each HEAD policy including a fragment, by the fragment's id.
        var includers: [String: [String]] = [:]
        for (key, document) in after where document.subject.kind != .fragment {
            for id in Set(includes(in: document.document).map(\.id)) { includers[id, default: []].append(key) }
        }
        // The request's places the `when`s of each fragment read, by id, found once each.
        var conditionPlacesFound: [String: Set<String>] = [:]
        func conditionPlaces(of id: String) -> Set<String> {
            if let known = conditionPlacesFound[id] { return known }
            var read = Set<String>()
            for branch in fragments[id]?.elements(named: ["when"]) ?? [] {
                guard let condition = branch.attribute("condition")?.value, condition.isExpression else { continue }
                read.formUnion(SetPlaces.names(CallerControlledVariables.placesRead(by: condition.resolved)))
            }
            conditionPlacesFound[id] = read
            return read
        }
        // The places the checks of each side's documents read, by key: what other policies
        // set matters for those alone, and no other is kept (audit V99: every place set
        // before each of 3,000 includes was, 42 s and 4.3 GB for a 3 MB estate; V102: read
        // from HEAD alone, a check BASE has alone lost its setters).
        func placesChecked(_ documents: [String: RawDocument], _ values: GatewayComparison.Substitution, _ callerControlled: CallerControlledVariables) -> [String: Set<String>] {
            documents.compactMapValues { raw in raw.document.has(anyOf: Self.checks) ? Self.placesChecked(in: raw.document, values, callerControlled) : nil }
        }
        let checkedPlaces = placesChecked(after, newValues, newCallerControlled)
        let checkedBefore = placesChecked(before, oldValues, oldCallerControlled)
        let checked = PlacesSetElsewhere.Checked((before, checkedBefore), (after, checkedPlaces))
        let oldElsewhere = PlacesSetElsewhere(base.project, renames: renames, oldValues, bearingOn: checked)
        let newElsewhere = PlacesSetElsewhere(head.project, renames: nil, newValues, bearingOn: checked)
        // The changes, and whether a check was taken for judging a place set before it; the
        // documents, values and variables read above serve both readings.
        func weigh(judgingPlacesSetBefore: Bool) -> (changes: [AccessChange], judgedAPlaceSetBefore: Bool) {
            var changes: [AccessChange] = []
            var judgedAPlaceSetBefore = false
            var compared: [Compared] = []
            for key in Set(before.keys).union(after.keys).sorted() {
                let old = before[key]
                let new = after[key]
                let subject = new?.subject ?? old!.subject
                // The same text reads other values where a named value it references changed:
                // APIM puts them in before the policy runs. It is weighed as any change, with
                // the new values: a check, filter or limit the language would keep out of
                // environments must not move through a named value unseen.
                // So does a check comparing a token with a variable another policy now lets the
                // caller write.
                var throughValues = ""
                if let old, let new {
                    let form = PolicyXMLCanonical.form(of: old.document)
                    if form == PolicyXMLCanonical.form(of: new.document) {
                        if oldValues.value(form) != newValues.value(form) {
                            throughValues = " through named values that changed"
                        } else if oldCallerControlled != newCallerControlled {
                            throughValues = Self.throughVariables
                        } else if let read = checkedPlaces[key], oldElsewhere[key].bearing(on: read) != newElsewhere[key].bearing(on: read)
                        {
                            throughValues = Self.throughHeaders
                        } else {
                            continue
                        }
                    }
                }
                // Fragments included alike on both sides count alike: only the others are read.
                let (oldIncludes, newIncludes) = (includes(in: old?.document), includes(in: new?.document))
                var expanded = oldIncludes.symmetricDifference(newIncludes)
                // But where the policy's variables are set otherwise, a fragment's `when`s that
                // read them decide otherwise: such fragments are read in place on both sides
                // (audit V82: a check's condition read a variable the policy now set from a
                // header, and passed as "other").
                if let old, let new {
                    let deciding = oldIncludes.intersection(newIncludes).filter { fragments[$0.id]?.has(anyOf: Self.choose) == true }
                    // The policy's own setters: a fragment's are its own change, weighed once. A
                    // header or query parameter the policy no longer replaces is the caller's
                    // again (audit V88).
                    // Only replacements of what those fragments' conditions read count: any
                    // header set otherwise expanded 50 fragments of 200 conditions into 2,000
                    // policies (a hostile input's 20 s).
                    if !deciding.isEmpty,
                        Self.setters(in: old.document, fragments: [:], oldValues).mapValues(\.digest)
                            != Self.setters(in: new.document, fragments: [:], newValues).mapValues(\.digest)
                            || {
                                let read = deciding.reduce(into: Set<String>()) { $0.formUnion(conditionPlaces(of: $1.id)) }
                                return Self.replacements(in: old.document, oldValues, bearingOn: read) != Self.replacements(in: new.document, newValues, bearingOn: read)
                            }()
                    {
                        expanded.formUnion(deciding)
                    }
                }
                // A fragment added, removed or renamed acts only through the policies that
                // include it, which are weighed with what they include; one no policy of HEAD
                // includes does nothing, whatever it did in BASE, where the policies that
                // included it are weighed with BASE's text (the audits found an unused
                // fragment's removal, a rename, and a fragment emptied once inlined failing CI
                // as privilege increases). A fragment changed in place is weighed once, as its
                // own, where a policy of HEAD includes it.
                if subject.kind == .fragment, old == nil || new == nil || !newMethods.runs(subject.name) {
                    changes.append(fragmentListed(key, old: old?.document, new: new?.document, base: base, head: head, subject: subject))
                    continue
                }
                compared.append(Compared(
                    key: key, subject: subject, old: old?.document, new: new?.document, throughValues: throughValues,
                    oldCounts: counts(
                        old?.document, fragments: fragments, expanding: expanded, oldValues, oldCallerControlled, api: old?.api.flatMap { apiNumbers[$0] },
                        methods: old.flatMap { oldMethods.methods(of: $0.subject) }, setElsewhere: oldElsewhere[key],
                        judgingPlacesSetBefore: judgingPlacesSetBefore, judged: &judgedAPlaceSetBefore),
                    newCounts: counts(
                        new?.document, fragments: fragments, expanding: expanded, newValues, newCallerControlled, api: new?.api.flatMap { apiNumbers[$0] },
                        methods: new.flatMap { newMethods.methods(of: $0.subject) }, setElsewhere: newElsewhere[key],
                        judgingPlacesSetBefore: judgingPlacesSetBefore, judged: &judgedAPlaceSetBefore)))
            }
            let relocations = Relocations(compared, head: head.project)
            for entry in compared {
                let (key, subject, throughValues, oldCounts, newCounts) = (entry.key, entry.subject, entry.throughValues, entry.oldCounts, entry.newCounts)
                let (old, new) = (entry.old, entry.new)
                var weighed = false
                // No policy runs the broader ones as '<base />' does.
                let inherits = { (document: PolicyXMLDocument?) in subject.kind == .gateway || (document?.keepsInboundBase ?? true) }
                var inheritance: (category: AccessChange.Category, message: String, place: AccessChange.Place)?
                if let new, inherits(old), !inherits(new) {
                    inheritance = (
                        .privilegeIncrease,
                        old == nil
                            ? "\(key) now has a raw policy without '<base />' in 'inbound': the broader scopes' checks and limits are skipped"
                            : "the raw policy of \(key) no longer runs the broader scopes' inbound policies ('<base />' was removed): their checks and limits are skipped",
                        head.location(new.range(new.root.nameSpan)))
                } else if let old, !inherits(old), inherits(new) {
                    inheritance = (
                        .privilegeDecrease,
                        new == nil
                            ? "\(key) no longer has a raw policy, so the broader scopes' inbound policies run again"
                            : "the raw policy of \(key) now runs the broader scopes' inbound policies ('<base />')",
                        new.map { head.location($0.range($0.root.nameSpan)) } ?? base.location(old.range(old.root.nameSpan)))
                }
                // A statement before '<base />' that may answer skips them for the requests it
                // answers (audit V45).
                let answerFirst = { (document: PolicyXMLDocument?, values: GatewayComparison.Substitution) in
                    subject.kind == .gateway ? nil : document?.answerBeforeBase(fragments: fragments, answering: answering, values: values.values)
                }
                if inheritance == nil, let new, inherits(new), let (statement, answer) = answerFirst(new, newValues), answerFirst(old, oldValues) == nil {
                    inheritance = (.privilegeIncrease, "the raw policy of \(key) \(Self.answering(answer, in: statement))", head.location(new.range(statement.nameSpan)))
                }
                if let inheritance {
                    weighed = true
                    changes.append(AccessChange(category: inheritance.category, subject: subject, message: inheritance.message, place: inheritance.place))
                }
                for (name, weight) in weights.sorted(by: { $0.key < $1.key }) {
                    // Filters on both sides are compared by what they admit together; a filter
                    // paired with one alike in number is described by the pair below.
                    if name == "ip-filter", let oldFilters = oldCounts[name], let newFilters = newCounts[name],
                        let before = admittedByFilters(oldCounts, oldValues), let after = admittedByFilters(newCounts, newValues)
                    {
                        let (letIn, keptOut) = (after.subtracting(before), before.subtracting(after))
                        // Pairs alike in number describe a widening, unless none of them reads as
                        // one (a forbid list turned into an allow list of more: an audit).
                        if letIn.ranges.isEmpty || oldFilters.count != newFilters.count || widenedFilter(oldFilters, newFilters, oldValues, newValues) == nil {
                            if !letIn.ranges.isEmpty || !keptOut.ranges.isEmpty {
                                weighed = true
                                changes.append(AccessChange(
                                    category: letIn.ranges.isEmpty ? .privilegeDecrease : .privilegeIncrease, subject: subject,
                                    message: letIn.ranges.isEmpty
                                        ? "the raw policy of \(key) admits fewer addresses past its IP filters: it no longer admits \(RouteComparison.describe(keptOut))\(throughValues)"
                                        : "the raw policy of \(key) lets more addresses past its IP filters: it now admits \(RouteComparison.describe(letIn))\(throughValues)",
                                    place: head.location(newFilters.last!.range)))
                            }
                            continue
                        }
                    }
                    var difference = (newCounts[name]?.count ?? 0) - (oldCounts[name]?.count ?? 0)
                    if let move = relocations.moves[key]?[name] {
                        difference -= move.offset
                        weighed = true
                        if let message = move.message {
                            changes.append(AccessChange(
                                category: .other, subject: subject, message: "\(key) \(message)",
                                place: base.location(move.before.last!.range)))
                        }
                        if let change = widenedInPlace(
                            name, move.before, move.after, oldValues, newValues, (oldCallerControlled, newCallerControlled), sameCount: move.before.count == move.after.count)
                        {
                            changes.append(AccessChange(
                                category: change.category, subject: subject,
                                message: move.upward
                                    ? "\(key) moves '\(name)' into \(move.broader) raw policy, which \(change.message)\(throughValues)"
                                    : "the raw policy of \(key), where \(move.broader) '\(name)' moved, \(change.message)\(throughValues)",
                                place: head.location(change.found.range)))
                        }
                    }
                    // A check turned into one that lets callers through or checks only some
                    // requests, or back, is weighed as that, not as a check removed or added.
                    let count = { (counts: [String: [Found]], key: String) in counts[key]?.count ?? 0 }
                    let conditionally = count(newCounts, Self.conditional(name)) - count(oldCounts, Self.conditional(name))
                    let opened = count(newCounts, Self.letting(name)) - count(oldCounts, Self.letting(name)) + conditionally
                    let turnsSome = opened != 0 && difference != 0 && (opened > 0) != (difference > 0)
                    if turnsSome {
                        let turned = min(abs(opened), abs(difference))
                        difference += difference > 0 ? -turned : turned
                        weighed = true
                        let element = opened > 0 ? (newCounts[Self.letting(name)] ?? newCounts[Self.conditional(name)]!).last! : newCounts[name]!.last!
                        let times = turned > 1 ? " (\(turned) times)" : ""
                        let limit = Self.limits.contains(name)
                        changes.append(AccessChange(
                            category: opened > 0 ? weight.removed : weight.added, subject: subject,
                            message: opened > 0
                                ? "the raw policy of \(key) turns '\(name)' into \(limit ? "one that counts nothing or only some requests" : "a check that lets callers through or checks only some requests")\(times)\(throughValues)"
                                : "the raw policy of \(key) makes '\(name)' \(limit ? "count" : "check") every request again\(times)\(throughValues)",
                            place: head.location(element.range)))
                    }
                    // One turned into one that lets callers through beside another one added, which
                    // the counts cannot tell from one added that lets callers through (audit V13: a
                    // header set before a check, with another check added, passed as `other`): told
                    // by what it guards (``guarded(_:_:_:)``), on fewer checks of every request than
                    // in BASE, so that a copy added for some requests beside one kept is no turn
                    // (audit V14: telling it by its text let a changed error message through).
                    let everyRequest = { (counts: [String: [Found]], values: GatewayComparison.Substitution, callerControlled: CallerControlledVariables, what: String) in
                        (counts[name] ?? []).count { Self.guarded($0.element, values, callerControlled) == what }
                    }
                    let turnedBeside = ((newCounts[Self.letting(name)] ?? []) + (newCounts[Self.conditional(name)] ?? [])).first { turned in
                        let what = Self.guarded(turned.element, newValues, newCallerControlled)
                        return everyRequest(oldCounts, oldValues, oldCallerControlled, what) > everyRequest(newCounts, newValues, newCallerControlled, what)
                    }
                    if !turnsSome, opened > 0, difference >= 0, let turnedBeside {
                        weighed = true
                        changes.append(AccessChange(
                            category: weight.removed, subject: subject,
                            message: "the raw policy of \(key) turns '\(name)' into \(Self.limits.contains(name) ? "one that counts nothing or only some requests" : "a check that lets callers through or checks only some requests")\(throughValues)",
                            place: head.location(turnedBeside.range)))
                    }
                    // One that checked or counted some requests, removed, added, or turned into one
                    // that lets callers through (the audits of diff found each listed for review
                    // only).
                    let does = Self.limits.contains(name) ? "counts" : "checks"
                    if !turnsSome, difference == 0, conditionally != 0 {
                        weighed = true
                        let letting = count(newCounts, Self.letting(name)) - count(oldCounts, Self.letting(name))
                        let times = abs(conditionally) > 1 ? " (\(abs(conditionally)) times)" : ""
                        if conditionally > 0 {
                            changes.append(AccessChange(
                                category: weight.added, subject: subject, message: "the raw policy of \(key) adds a '\(name)' that \(does) some requests\(times)\(throughValues)",
                                place: head.location(newCounts[Self.conditional(name)]!.last!.range)))
                        } else if letting > 0 {
                            changes.append(AccessChange(
                                category: weight.removed, subject: subject,
                                message: "the raw policy of \(key) turns a '\(name)' that \(does) some requests into \(Self.limits.contains(name) ? "one that counts nothing" : "a check that lets callers through")\(times)\(throughValues)",
                                place: head.location(newCounts[Self.letting(name)]!.last!.range)))
                        } else {
                            changes.append(AccessChange(
                                category: weight.removed, subject: subject, message: "the raw policy of \(key) removes a '\(name)' that \(does) some requests\(times)\(throughValues)",
                                place: base.location(oldCounts[Self.conditional(name)]!.last!.range)))
                        }
                    }
                    // One for some requests whose `when`s changed, with named values put in:
                    // it may now run for none, or for those the caller picks (audit V56: a
                    // condition turned off in an environment's file passed as "other").
                    // Any such statement of BASE whose conditions HEAD has for none is one
                    // (audit V58: with a second one added, the change read as an addition).
                    let conditions = { (counts: [String: [Found]]) in Dictionary((counts[Self.conditional(name)] ?? []).map { ($0.conditions, 1) }, uniquingKeysWith: +) }
                    let (had, has) = (conditions(oldCounts), conditions(newCounts))
                    let unmatched = had.reduce(0) { $0 + max(0, $1.value - has[$1.key, default: 0]) }
                    if let changed = newCounts[Self.conditional(name)]?.last, unmatched > max(0, -conditionally) {
                        weighed = true
                        changes.append(AccessChange(
                            category: weight.removed, subject: subject,
                            message: "the raw policy of \(key) changes the conditions under which '\(name)' \(does) requests, so it may \(does == "counts" ? "count" : "check") fewer\(throughValues)",
                            place: head.location(changed.range)))
                    } else if conditionally == 0,
                        case let picked = { (counts: [String: [Found]]) in (counts[Self.conditional(name)] ?? []).filter(\.pickedByTheCaller) },
                        picked(newCounts).count > picked(oldCounts).count, let chosen = picked(newCounts).last
                    {
                        // One the caller may now skip: the same conditions, read otherwise
                        // (audit V88: a variable set from a header in another policy; a header
                        // no longer replaced). One it no longer decides is no increase (V94).
                        weighed = true
                        changes.append(AccessChange(
                            category: weight.removed, subject: subject,
                            message: "the raw policy of \(key) lets callers decide whether '\(name)' \(does) their requests: a condition around it reads what they send\(throughValues)",
                            place: head.location(chosen.range)))
                    }
                    // One for some requests loosened in place, as one for every request is.
                    if conditionally == 0,
                        let change = widenedInPlace(
                            name, oldCounts[Self.conditional(name)], newCounts[Self.conditional(name)], oldValues, newValues,
                            (oldCallerControlled, newCallerControlled), sameCount: true)
                    {
                        weighed = true
                        changes.append(AccessChange(
                            category: change.category, subject: subject,
                            message: "the raw policy of \(key) \(change.message), where it \(does) some requests only\(throughValues)",
                            place: head.location(change.found.range)))
                    }
                    if opened == 0,
                        let change = widenedInPlace(
                            name, oldCounts[name], newCounts[name], oldValues, newValues, (oldCallerControlled, newCallerControlled), sameCount: difference == 0)
                    {
                        weighed = true
                        changes.append(AccessChange(
                            category: change.category, subject: subject, message: "the raw policy of \(key) \(change.message)\(throughValues)",
                            place: head.location(change.found.range)))
                    }
                    guard difference != 0 else { continue }
                    weighed = true
                    // A filter or limit added beside one changed in place: the change is weighed
                    // as one that may let more through, since the pairs cannot be told apart.
                    if difference > 0, opened == 0, name == "ip-filter" || Self.limits.contains(name),
                        let changed = Self.changedBesideAdded(oldCounts[name] ?? [], newCounts[name] ?? [], oldValues, newValues)
                    {
                        changes.append(AccessChange(
                            category: weight.removed, subject: subject,
                            message: "the raw policy of \(key) changes a '\(name)' beside adding another; review what the changed one lets through",
                            place: head.location(changed.range)))
                    }
                    let (category, verb, side, element) =
                        difference > 0
                        ? (weight.added, "adds", head, newCounts[name]!.last!)
                        : (weight.removed, "removes", base, oldCounts[name]!.last!)
                    changes.append(AccessChange(
                        category: category, subject: subject,
                        message: "the raw policy of \(key) \(verb) '\(name)'" + (abs(difference) > 1 ? " (\(abs(difference)) times)" : ""),
                        place: side.location(element.range)))
                }
                // What a raw 'cors' lets browsers do, named values put in, is weighed as the
                // gateway's 'cors' is.
                let corsChanges = Self.corsChanges(
                    oldCounts["cors"] ?? [], newCounts["cors"] ?? [], oldValues, newValues, sides: (base, head), subject: subject, key: key)
                if !corsChanges.isEmpty {
                    weighed = true
                    changes += corsChanges
                }
                // A refusal written by hand (a `choose` answering 401 where a key is wrong) is
                // a check as lint reads it: one gone, or one whose conditions changed, may let
                // through those it refused (audit V113: "other").
                let (oldRefusals, newRefusals) = (
                    Self.refusals(in: old, refusing: refusing, oldValues), Self.refusals(in: new, refusing: refusing, newValues)
                )
                for (form, refused) in oldRefusals.sorted(by: { $0.key < $1.key }) where refused.count > newRefusals[form]?.count ?? 0 {
                    guard let old, let last = refused.last else { continue }
                    let status = last.refusalStatus.map { " with \($0)" } ?? ""
                    weighed = true
                    changes.append(AccessChange(
                        category: .privilegeIncrease, subject: subject,
                        message: "the raw policy of \(key) no longer refuses\(status) where it did: the refusal, or a condition it runs under, changed\(throughValues)",
                        place: base.location(old.range(last.nameSpan))))
                }
                // Response headers a 'cors' policy writes, set by hand, let other sites' pages
                // read the answers in a browser (audit V46).
                if let new, let grant = GatewayComparison.CrossOriginGrant.widening(crossOriginGrants(in: new, newValues, granting), over: crossOriginGrants(in: old, oldValues, granting)).first {
                    weighed = true
                    changes.append(AccessChange(
                        category: .privilegeIncrease, subject: subject,
                        message: "the raw policy of \(key) \(grant.granting)",
                        place: head.location(new.range(new.root.nameSpan))))
                }
                // A `Cache-Control` on the answers that no longer keeps shared caches out, or
                // now lets them keep the answers, named values put in (audit V87: "other", where
                // the definitions' own response headers were weighed).
                if let new, Self.mayWriteCacheControl(new) || (old.map(Self.mayWriteCacheControl) ?? false) || !caching.isEmpty {
                    let (was, now) = (Self.cacheControl(in: old, oldValues, caching), Self.cacheControl(in: new, newValues, caching))
                    if (PublicCacheControl.keepsSharedCachesOut(was) && !PublicCacheControl.keepsSharedCachesOut(now))
                        || (!PublicCacheControl.opensSharedCaches(was) && PublicCacheControl.opensSharedCaches(now))
                    {
                        weighed = true
                        changes.append(AccessChange(
                            category: .cacheWidened, subject: subject,
                            message: "the raw policy of \(key) no longer tells caches on the way not to keep its answers ('Cache-Control')",
                            place: head.location(new.range(new.root.nameSpan))))
                    }
                }
                // A fragment changed in place acts through the policies that include it, which
                // are read with BASE's text of it: each is weighed with HEAD's too (audit V47).
                if subject.kind == .fragment, old != nil, let new {
                    func with(_ read: [String: PolicyXMLDocument], holding: Bool) -> [String: PolicyXMLDocument] {
                        var read = read
                        read[subject.name] = holding ? new : nil
                        return read
                    }
                    let changedFragments = with(fragments, holding: true)
                    let (answeringNow, grantingNow) = (
                        with(answering, holding: new.allElements.contains(where: \.answersSomeRequests)), with(granting, holding: Self.mayWriteCrossOriginHeaders(new))
                    )
                    for includerKey in (includers[subject.name] ?? []).sorted() {
                        guard let includer = after[includerKey] else { continue }
                        if includer.subject.kind != .gateway,
                            let (statement, answer) = includer.document.answerBeforeBase(fragments: changedFragments, answering: answeringNow, values: newValues.values),
                            includer.document.answerBeforeBase(fragments: fragments, answering: answering, values: newValues.values) == nil
                        {
                            weighed = true
                            changes.append(AccessChange(
                                category: .privilegeIncrease, subject: subject,
                                message: "\(key), as \(includerKey) includes it, \(Self.answering(answer, in: statement))",
                                place: head.location(new.range(new.root.nameSpan))))
                        }
                        let before = crossOriginGrants(in: includer.document, newValues, granting)
                        if let grant = GatewayComparison.CrossOriginGrant.widening(crossOriginGrants(in: includer.document, newValues, grantingNow), over: before).first {
                            weighed = true
                            changes.append(AccessChange(
                                category: .privilegeIncrease, subject: subject,
                                message: "\(key), as \(includerKey) includes it, \(grant.granting)",
                                place: head.location(new.range(new.root.nameSpan))))
                        }
                    }
                }
                // The same text beside another policy's variables is weighed, or is no change.
                guard !weighed, throughValues != Self.throughVariables, throughValues != Self.throughHeaders else { continue }
                let message: String
                let place: AccessChange.Place
                if let new, !throughValues.isEmpty {
                    message = "the raw policy of \(key) reads named values that changed; review what it does with them"
                    place = head.location(new.range(new.root.nameSpan))
                } else if let new {
                    message = old == nil ? "\(key) now has a raw policy; review what it does" : "the raw policy of \(key) changed; review what it does"
                    place = head.location(new.range(new.root.nameSpan))
                } else if let old {
                    message = "\(key) no longer has a raw policy"
                    place = base.location(old.range(old.root.nameSpan))
                } else {
                    continue
                }
                changes.append(AccessChange(category: .other, subject: subject, message: message, place: place))
            }
            return (changes, judgedAPlaceSetBefore)
        }
        let weighed = weigh(judgingPlacesSetBefore: true)
        guard weighed.judgedAPlaceSetBefore else { return weighed.changes }
        let asChecks = weigh(judgingPlacesSetBefore: false).changes
        return weighed.changes + asChecks.filter { change in change.category == .privilegeIncrease && !weighed.changes.contains { $0.message == change.message } }
    }

    /// How messages name a raw document's owner, which keys the documents of both sides.
    private enum Key {
        static let gateway = "the gateway"
        static func api(_ name: String) -> String { "API '\(name)'" }
        /// `written`: `API/route`.
        static func route(_ written: String) -> String { "route \(AccessDiff.subject(written))" }
        static func product(_ name: String) -> String { "product '\(name)'" }
        static func fragment(_ name: String) -> String { "fragment '\(name)'" }
    }

    /// A raw document changed between the sides, and what each side's holds.
    private struct Compared {
        var key: String
        var subject: AccessChange.Subject
        var old: PolicyXMLDocument?
        var new: PolicyXMLDocument?
        var throughValues: String
        var oldCounts: [String: [Found]]
        var newCounts: [String: [Found]]
    }

    /// Checks, filters, limits and lookups moved between an API's raw policy and those of
    /// its routes, or between the gateway's and every API's, which run on the same requests
    /// as before: weighed as moved, not as removed from one and added to the others (an
    /// API's token check moved into each of its routes failed CI as a removal, and a route's
    /// moved into its API as one per route: the audits of `diff`). What each route or API
    /// now meets is compared with what it met before.
    private struct Relocations {
        struct Move {
            /// How many statements of the name the document's change moves rather than adds
            /// (positive) or removes (negative).
            var offset: Int
            /// Said of the document the statements left.
            var message: String? = nil
            /// How messages name the broader policy: "its API's", "the gateway's".
            var broader: String
            /// Whether they moved into the broader policy.
            var upward: Bool
            /// What the narrower document met before the move, and meets after it.
            var before: [Found]
            var after: [Found]
        }

        /// By document key and statement name.
        private(set) var moves: [String: [String: Move]] = [:]

        init(_ compared: [Compared], head: ResolvedProject) {
            let byKey = Dictionary(compared.map { ($0.key, $0) }) { first, _ in first }
            for api in head.apis where !api.routes.isEmpty {
                relocate(
                    byKey[Key.api(api.name.value)], api.routes.map { byKey[Key.route("\(api.name.value)/\($0.id.value)")] },
                    narrower: "each of its routes", broader: "its API's")
            }
            // A product's policy without '<base />' runs instead of the gateway's.
            if !head.apis.isEmpty, head.products.allSatisfy({ $0.policy?.document?.keepsInboundBase ?? true }) {
                relocate(byKey[Key.gateway], head.apis.map { byKey[Key.api($0.name.value)] }, narrower: "each API", broader: "the gateway's")
            }
        }

        /// The moves between `policy` and `narrower`, the documents (nil: unchanged) of
        /// every scope whose requests run it. Only a whole move is one: every statement of
        /// the name leaves one side, which held none of the other's, and the other gains as
        /// many, so each is compared with the one it replaced. Anything else is weighed as
        /// removals and additions (the audit of the change found statements beside those
        /// moved compared with the wrong ones), and a document's statements count in one
        /// move only (a route's check moved into its API counted as the gateway's moved).
        private mutating func relocate(_ policy: Compared?, _ narrower: [Compared?], narrower each: String, broader: String) {
            guard let policy else { return }
            let count = { (counts: [String: [Found]], name: String) in counts[name]?.count ?? 0 }
            for name in weights.keys where moves[policy.key]?[name] == nil {
                let (had, has) = (count(policy.oldCounts, name), count(policy.newCounts, name))
                guard had != has, had == 0 || has == 0 else { continue }
                let scopes = narrower.compactMap { $0 }
                guard scopes.count == narrower.count, scopes.allSatisfy({ moves[$0.key]?[name] == nil }) else { continue }
                if has == 0 {
                    // Into every narrower policy, which held none.
                    guard scopes.allSatisfy({ count($0.oldCounts, name) == 0 && count($0.newCounts, name) == had }) else { continue }
                    moves[policy.key, default: [:]][name] = Move(
                        offset: -had, message: "moves '\(name)' into the raw policy of \(each)", broader: broader, upward: false,
                        before: policy.oldCounts[name]!, after: [])
                    for scope in scopes {
                        moves[scope.key, default: [:]][name] = Move(offset: had, broader: broader, upward: false, before: policy.oldCounts[name]!, after: scope.newCounts[name]!)
                    }
                } else {
                    // From every narrower policy, each running the broader one, which held none.
                    guard scopes.allSatisfy({ ($0.new?.keepsInboundBase ?? true) && count($0.oldCounts, name) == has && count($0.newCounts, name) == 0 }) else { continue }
                    moves[policy.key, default: [:]][name] = Move(offset: has, broader: broader, upward: true, before: [], after: [])
                    for scope in scopes {
                        moves[scope.key, default: [:]][name] = Move(
                            offset: -has, message: "moves '\(name)' into \(broader) raw policy", broader: broader, upward: true,
                            before: scope.oldCounts[name]!, after: policy.newCounts[name]!)
                    }
                }
            }
        }
    }

    /// A fragment's change listed for review, not weighed: one added, removed, or included
    /// by no policy.
    private static func fragmentListed(
        _ key: String, old: PolicyXMLDocument?, new: PolicyXMLDocument?, base: AccessDiff.Side, head: AccessDiff.Side, subject: AccessChange.Subject
    ) -> AccessChange {
        if let new {
            let message = old == nil ? "\(key) was added; it acts where a policy includes it" : "the raw policy of \(key) changed; no policy includes it"
            return AccessChange(category: .other, subject: subject, message: message, place: head.location(new.range(new.root.nameSpan)))
        }
        let old = old!
        return AccessChange(
            category: .other, subject: subject, message: "\(key) was removed; it acted only where a policy included it",
            place: base.location(old.range(old.root.nameSpan)))
    }

    /// A raw document, with what it belongs to and, for an API's or a route's, the API's
    /// name in lower case, as HEAD names it.
    fileprivate typealias RawDocument = (subject: AccessChange.Subject, document: PolicyXMLDocument, api: String?)

    /// Every raw document of a project, by how messages name its owner.
    /// The raw policies of `project` by what they belong to, named as HEAD names it: BASE's
    /// are given to a resource renamed under its new name (`renames`, for BASE only).
    private static func documents(_ project: ResolvedProject, renames: Renames?) -> [String: RawDocument] {
        var found: [String: RawDocument] = [:]
        if let gateway = project.gateway, let document = gateway.policy?.document {
            found[Key.gateway] = (AccessChange.Subject(kind: .gateway, name: "policy"), document, nil)
        }
        for product in project.products {
            if let document = product.policy?.document {
                let name = renames?.product(product.name.value) ?? product.name.value
                found[Key.product(name)] = (AccessChange.Subject(kind: .product, name: name), document, nil)
            }
        }
        for api in project.apis {
            let apiName = renames?.api(api.name.value) ?? api.name.value
            if let document = api.policy?.document {
                found[Key.api(apiName)] = (AccessChange.Subject(kind: .api, name: apiName), document, apiName.lowercased())
            }
            for route in api.routes {
                guard let document = route.policy?.document else { continue }
                let written = "\(api.name.value)/\(route.id.value)"
                let key = renames?.route(written) ?? written
                found[Key.route(key)] = (.route(key), document, apiName.lowercased())
            }
        }
        for fragment in project.fragments {
            if let document = fragment.policy.document {
                found[Key.fragment(fragment.name.value)] = (AccessChange.Subject(kind: .fragment, name: fragment.name.value), document, nil)
            }
        }
        return found
    }

    /// The elements of a document by name, in document order, with those of the fragments
    /// it includes (each once). A check or limit that decides nothing about every caller is
    /// filed under ``letting(_:)`` instead: a token or certificate check that lets callers
    /// through or judges a token the policy gives it, a limit that counts nothing, and
    /// either inside a `choose`, which runs it only for some requests, but for a branch
    /// every request of the routes the document runs for takes, judged by their `methods`
    /// as lint judges them (a check in the `otherwise` of a `when` for `OPTIONS` checks every
    /// `GET`; it was reported as checking only some requests: an audit), and for the same
    /// statement (the same text, as ``PolicyXMLCanonical`` compares it) written at the top
    /// of every branch a request may take of a `choose` one branch of which every request
    /// takes: that is one statement on every request, as lint reads it. Branches that hold
    /// different statements are not read as one: what a request meets then depends on the
    /// branch, which the statements' counts cannot say (the audit of the change found a
    /// check swapped for another in one branch passing). A limit's key is read with the
    /// variables that the policies of the API numbered `api` (nil: of any API) may set.
    /// A check of a place set before it is filed as letting callers through where
    /// `judgingPlacesSetBefore` (``compare(base:head:renames:)``), and `judged` is set.
    private static func counts(
        _ document: PolicyXMLDocument?, fragments: [String: PolicyXMLDocument], expanding: Set<Include>, _ values: GatewayComparison.Substitution,
        _ callerControlled: CallerControlledVariables, api: Int?, methods: Set<HTTPMethod>?, setElsewhere: PlacesSetElsewhere.Sets,
        judgingPlacesSetBefore: Bool, judged: inout Bool
    ) -> [String: [Found]] {
        guard let document else { return [:] }
        var found: [String: [Found]] = [:]
        var included = Set<String>()
        // The request places set so far, in the order of the text (a branch's too), without
        // case, and how deep the walk is in what sets another message's headers: other
        // policies' and the definitions' first, the broader policies' where `<base />` runs them.
        var placesSet = setElsewhere.before
        // Those of the walk's statements that replace what the caller sent, whatever it
        // sent: a condition reading one of them reads the gateway's value.
        var placesReplaced = Set<String>()
        var inAnotherMessage = 0
        // A variable holding the caller's token is weighed by every place its setters read,
        // whatever their order: a setter the walk does not meet (in a fragment alike on both
        // sides, in a broader policy) may copy after a place is set (audit V10 found a gate
        // that followed the setters it met let such a change through).
        func replaces(_ read: (places: Set<String>, variables: Set<String>)) -> Bool {
            read.places.contains { SetPlaces.holds(placesSet, $0) }
                || read.variables.contains { PolicyXMLElement.named(callerControlled.tokenPlaces(heldBy: $0)).contains { SetPlaces.holds(placesSet, $0) } }
        }
        /// The request places `element` sets, as the walk meets it: at `<base />` what the
        /// broader policies set, through a fragment included alike on both sides (which is
        /// not read here) what it sets.
        func placesWritten(by element: PolicyXMLElement) -> Set<String> {
            var set = SetPlaces.set(by: element, values)
            if element.name == "base" { set.formUnion(setElsewhere.atBase) }
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value {
                set.formUnion(setElsewhere.viaFragments[id] ?? [])
            }
            return set
        }
        /// ``placesWritten(by:)`` of `element` and of what it holds, in the fragments it
        /// includes too, but for what it sets on another message (audit V14: a header set
        /// inside a nested `choose` or a `retry` was missed).
        func placesWrittenAtAnyDepth(by element: PolicyXMLElement) -> Set<String> {
            var set = Set<String>()
            var visited = Set<String>()
            element.forEachElement(expanding: fragments, visited: &visited, skipping: { Self.otherMessages.contains($0.name) }) { set.formUnion(placesWritten(by: $0)) }
            return set
        }
        /// Whether `element`, a check or limit, decides something about every caller it
        /// runs for; any other weighed statement does what it does. A check of a header a
        /// policy set before it judges the policy's value, whatever the caller sends (a
        /// `set-header` added before a `check-header` passed for `other`: an audit).
        func decides(_ element: PolicyXMLElement) -> Bool {
            if checks.contains(element.name) {
                if judgingPlacesSetBefore, replaces(element.placesChecked(values, callerControlled)) {
                    judged = true
                    return false
                }
                return !(element.letsCallersThrough(values.values, callerControlled) || element.checksAGivenToken(values.values, callerControlled))
            }
            if element.name == "limit-concurrency", !Self.limitsACall(element) { return false }
            return !limits.contains(element.name) || element.countsRequests(values.values, callerControlled, api: api)
        }
        // `shownAt`: the element of `document` that brought a fragment's in, as the fragment
        // read may be BASE's, whose places are not this side's.
        // `source`: the document whose text holds `elements`, a fragment's for its own.
        // `filedAsOne`: the places in `elements` of statements already filed as one on
        // every request with the same statements of the other branches of their `choose`.
        // What a `when`'s condition decides by: its code, named values put in, spacing
        // aside (audit V58: a condition respaced was taken for another), with the values
        // the `set-variable`s of the policy and the fragments it includes give each
        // variable it reads, and those their values read in turn (audit V59: a copy of a
        // copy changed, and fragments no policy includes were read for every route). Each
        // variable's setters are kept as one digest and each condition is judged once: the
        // setters' text was joined into every condition's form, time as their product.
        var setters: [String: (digest: Int, reads: Set<String>?)]?
        var judgedConditions: [String: Int] = [:]
        func decidingForm(of condition: PolicyXMLValue) -> Int {
            let code = PolicyCode.normalized(values.value(condition.resolved))
            if let known = judgedConditions[code] { return known }
            var form = Hasher()
            form.combine(code)
            // The variables it reads, through the values their setters copy.
            let read = condition.isExpression ? PolicyCode.variablesDecidingBy(code) : []
            if read?.isEmpty != true {
                if setters == nil { setters = Self.setters(in: document, fragments: fragments, values) }
                let known = setters ?? [:]
                var pending = read.map { Array($0) } ?? Array(known.keys)
                var seen = Set(pending)
                var reached: [(name: String, digest: Int)] = []
                while let name = pending.popLast() {
                    reached.append((name, known[name]?.digest ?? 0))
                    let next = known[name].map { $0.reads.map(Array.init) ?? Array(known.keys) } ?? []
                    for variable in next where seen.insert(variable).inserted { pending.append(variable) }
                }
                for (name, digest) in reached.sorted(by: { $0.name < $1.name }) {
                    form.combine(name)
                    form.combine(digest)
                }
            }
            let digest = form.finalize()
            judgedConditions[code] = digest
            return digest
        }
        /// Whether the caller may decide `condition`, as the walk has met the statements
        /// before it (``CallerControlledVariables/picksTheCondition(_:replaced:)``).
        func callerPicks(_ condition: PolicyXMLValue) -> Bool {
            guard condition.isExpression || condition.written.holds("{{") else { return false }
            let code = values.value(condition.resolved)
            return PolicyText.isExpression(code)
                && callerControlled.picksTheCondition(code, in: api) { place in Self.SetPlaces.names([place]).contains { Self.SetPlaces.holds(placesReplaced, $0) } }
        }
        // `conditions`: what decides whether `elements` run, the `when`s around them
        // folded into one value (``Found/conditions``), in time linear in the branches.
        // `picked`: whether the caller may decide one of those `when`s (``callerPicks(_:)``).
        func add(
            _ elements: [PolicyXMLElement], of source: PolicyXMLDocument, shownAt include: PolicyXMLElement?, underCondition: Bool, filedAsOne: Set<Int> = [],
            conditions: Int = 0, picked: Bool = false
        ) {
            for element in elements {
                var key = element.name
                if filedAsOne.contains(element.span.lowerBound) { continue }
                if inAnotherMessage == 0 {
                    placesSet.formUnion(placesWritten(by: element))
                    // Replaced for every request, by a value the caller does not write (audit
                    // V94: one set in a branch, or to another header's value, was taken for
                    // the gateway's).
                    if !underCondition, !element.writesWhatTheCallerChooses(values, callerControlled) {
                        placesReplaced.formUnion(Self.SetPlaces.names(element.placesSet(.replaced, resolving: values.resolved)))
                    }
                }
                if checks.contains(element.name) || limits.contains(element.name) {
                    if !decides(element) {
                        key = letting(element.name)
                    } else if underCondition {
                        key = conditional(element.name)
                    }
                }
                found[key, default: []].append(
                    Found(element: element, source: source, shown: include ?? element, in: document, conditions: conditions, pickedByTheCaller: picked))
                if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value {
                    // Inside an expanded fragment every include is read; in the document,
                    // those included alike on both sides are not.
                    guard include != nil || expanding.contains(Include(id: id, underCondition: underCondition)),
                        let fragment = fragments[id], included.insert(id).inserted
                    else { continue }
                    add(fragment.rootElements, of: fragment, shownAt: include ?? element, underCondition: underCondition, conditions: conditions, picked: picked)
                } else if element.name == "choose" {
                    let branches = Branches(element, methods)
                    var filedAsOne = Set<Int>()
                    // Only where every branch holds a weighed statement: the branches' forms
                    // are not written for the `choose`s that route or shape requests.
                    if !underCondition, branches.oneIsTaken, branches.mayBeTaken.count > 1,
                        branches.mayBeTaken.allSatisfy({ $0.elements.contains { weights[$0.name] != nil } })
                    {
                        // The n-th statement of a name in each branch, where all are the same
                        // and so is everything before them in their branches but the weighed
                        // statements, which are counted apart (a header set before the check
                        // in one branch changes what it judges: an audit).
                        let forms = branches.mayBeTaken.map { branch in
                            branch.elements.map { weights[$0.name] == nil ? PolicyXMLCanonical.form(of: $0) : "" }
                        }
                        func before(_ branch: Int, _ place: Int) -> [String] { forms[branch][..<place].filter { !$0.isEmpty } }
                        for name in weights.keys.sorted() {
                            let each = branches.mayBeTaken.map { branch in branch.elements.indices.filter { branch.elements[$0].name == name } }
                            for index in 0..<(each.map(\.count).min() ?? 0) {
                                let places = each.map { $0[index] }
                                let statement = PolicyXMLCanonical.form(of: branches.mayBeTaken[0].elements[places[0]])
                                let prefix = before(0, places[0])
                                // Judged after what the statements before it in its branch set,
                                // the same in every branch (audit V13: a header set at the top
                                // of every branch before the check was not counted).
                                let setOutside = placesSet
                                for statement in branches.mayBeTaken[0].elements[..<places[0]] { placesSet.formUnion(placesWrittenAtAnyDepth(by: statement)) }
                                let decided = decides(branches.mayBeTaken[0].elements[places[0]])
                                placesSet = setOutside
                                guard decided,
                                    places.indices.allSatisfy({ PolicyXMLCanonical.form(of: branches.mayBeTaken[$0].elements[places[$0]]) == statement && before($0, places[$0]) == prefix })
                                else { break }
                                let element = branches.mayBeTaken[0].elements[places[0]]
                                found[name, default: []].append(Found(element: element, source: source, shown: include ?? element, in: document, conditions: conditions))
                                filedAsOne.formUnion(zip(branches.mayBeTaken, places).map { $0.0.elements[$0.1].span.lowerBound })
                            }
                        }
                    }
                    // A branch runs where its `when`'s condition holds and none of those
                    // before it do; an `otherwise` where none do.
                    var earlier = Hasher()
                    earlier.combine(conditions)
                    var pickedBefore = false
                    for branch in element.elements {
                        let everyRequest = branches.oneIsTaken && branches.mayBeTaken.count == 1 && branches.mayBeTaken[0].span == branch.span
                        let condition = branch.attribute("condition").map { decidingForm(of: $0.value) } ?? 0
                        // A branch the caller may pick, as it picks one before it.
                        pickedBefore = pickedBefore || branch.attribute("condition").map { callerPicks($0.value) } == true
                        var own = earlier
                        own.combine(branch.name)
                        own.combine(condition)
                        earlier.combine(condition)
                        add(
                            branch.elements, of: source, shownAt: include, underCondition: underCondition || !everyRequest, filedAsOne: filedAsOne,
                            conditions: own.finalize(), picked: picked || pickedBefore)
                    }
                } else {
                    let another = Self.otherMessages.contains(element.name)
                    if another { inAnotherMessage += 1 }
                    add(element.elements, of: source, shownAt: include, underCondition: underCondition, conditions: conditions, picked: picked)
                    if another { inAnotherMessage -= 1 }
                }
            }
        }
        add([document.root], of: document, shownAt: nil, underCondition: false)
        return found
    }

    /// What the `set-variable`s of `document` and the fragments it includes, at any depth,
    /// give each variable: their values, named values put in and spacing aside, as one
    /// digest, and the variables those values read (nil: any).
    private static func setters(
        in document: PolicyXMLDocument, fragments: [String: PolicyXMLDocument], _ values: GatewayComparison.Substitution
    ) -> [String: (digest: Int, reads: Set<String>?)] {
        var given: [String: (hasher: Hasher, reads: Set<String>?)] = [:]
        var documents = [document]
        var reached = Set<String>()
        while let next = documents.popLast() {
            for element in next.allElements {
                if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, reached.insert(id).inserted,
                    let fragment = fragments[id]
                {
                    documents.append(fragment)
                }
                guard element.name == "set-variable", case .text(let name)? = element.attribute("name")?.value, let value = element.attribute("value")?.value
                else { continue }
                let form = PolicyCode.normalized(values.value(value.resolved))
                let reads = value.isExpression ? PolicyCode.variablesDecidingBy(form) : []
                var entry = given[name] ?? (Hasher(), [])
                entry.hasher.combine(form)
                if let known = entry.reads, let reads { entry.reads = known.union(reads) } else { entry.reads = nil }
                given[name] = entry
            }
        }
        return given.mapValues { ($0.hasher.finalize(), $0.reads) }
    }

    /// The branches of a `choose` that requests of `methods` (none: of any method) may take,
    /// in order, and whether each such request takes one: a `when` that tests only the
    /// method is taken or not for sure, and the branches after one taken for sure never run.
    private struct Branches {
        var mayBeTaken: [PolicyXMLElement] = []
        var oneIsTaken: Bool

        init(_ choose: PolicyXMLElement, _ methods: Set<HTTPMethod>?) {
            let candidates = choose.elements.filter { $0.name == "when" || $0.name == "otherwise" }
            let known = methods.map { $0.map(\.rawValue).sorted() } ?? []
            guard !known.isEmpty else {
                mayBeTaken = candidates
                oneIsTaken = candidates.contains { $0.name == "otherwise" }
                return
            }
            var taken = Set<Int>()
            oneIsTaken = true
            for method in known {
                var takenForSure = false
                for (index, candidate) in candidates.enumerated() {
                    let runs = candidate.name == "otherwise" ? true : candidate.runs(forMethod: method)
                    if runs != false { taken.insert(index) }
                    if runs == true {
                        takenForSure = true
                        break
                    }
                }
                if !takenForSure { oneIsTaken = false }
            }
            mayBeTaken = candidates.indices.filter(taken.contains).map { candidates[$0] }
        }
    }

    /// The methods of the routes each raw document runs for, which a `choose` on the method
    /// is judged by; none where one of them may carry another method: the route's own
    /// `rewrite` changes it, or a raw `set-method` in a policy its requests run (its own,
    /// its API's, a product's of its API, the gateway's, or a fragment one of those
    /// includes). A fragment runs for the routes of the policies that include it (the audit
    /// of the fixes found one judged by every route of the estate, and a `set-method` in a
    /// fragment nothing includes taken to change every route's method). Named as HEAD names
    /// them, as ``documents(_:renames:)`` names the documents.
    private struct MethodsSeen {
        /// By route, nil where the method may change.
        let byRoute: [String: HTTPMethod?]
        let byAPI: [String: [HTTPMethod?]]
        let byFragment: [String: [HTTPMethod?]]
        let products: [String: [String]]

        init(_ project: ResolvedProject, renames: Renames?) {
            let fragments = project.fragments.documentsByName
            // The fragments a document includes, through fragments too.
            func reached(_ document: PolicyXMLDocument?) -> Set<String> {
                var found = Set<String>()
                var waiting = includes(in: document).map(\.id)
                while let id = waiting.popLast() {
                    guard found.insert(id).inserted else { continue }
                    waiting += includes(in: fragments[id]).map(\.id)
                }
                return found
            }
            // A `set-method` of the request, as lint reads one: not a `send-request`'s (the
            // audit of the fixes found an audit call's method taken for the request's).
            let setsTheMethod = { (statements: [PolicyXMLElement]) in statements.contains { $0.setsTheRequestMethod(included: { _ in nil }) } }
            let settingFragments = Set(fragments.filter { setsTheMethod($0.value.rootElements) }.keys)
            let setsMethod = { (document: PolicyXMLDocument?, reaching: Set<String>) in
                setsTheMethod(document?.inboundStatements ?? []) || !reaching.isDisjoint(with: settingFragments)
            }
            let global = project.gateway?.policy?.document
            let globalReaches = reached(global)
            let productsByAPI = Dictionary(grouping: project.products.flatMap { product in product.apis.map { ($0.value, product.policy?.document) } }, by: \.0)
            var byRoute: [String: HTTPMethod?] = [:]
            var byAPI: [String: [HTTPMethod?]] = [:]
            var byFragment: [String: [HTTPMethod?]] = [:]
            for api in project.apis {
                let products = (productsByAPI[api.name.value] ?? []).map { ($0.1, reached($0.1)) }
                let apiReaches = reached(api.policy?.document)
                let broaderChanges =
                    setsMethod(global, globalReaches) || products.contains { setsMethod($0.0, $0.1) } || setsMethod(api.policy?.document, apiReaches)
                let broaderReach = products.reduce(globalReaches.union(apiReaches)) { $0.union($1.1) }
                for route in api.routes {
                    let written = "\(api.name.value)/\(route.id.value)"
                    let ownReaches = reached(route.policy?.document)
                    let changes = broaderChanges || route.shaping?.rewrite?.method != nil || setsMethod(route.policy?.document, ownReaches)
                    let method = changes ? nil : route.method.value
                    byRoute[renames?.route(written) ?? written] = method
                    byAPI[renames?.api(api.name.value) ?? api.name.value, default: []].append(method)
                    for id in broaderReach.union(ownReaches) { byFragment[id, default: []].append(method) }
                }
            }
            self.byRoute = byRoute
            self.byAPI = byAPI
            self.byFragment = byFragment
            self.products = Dictionary(
                project.products.map { product in
                    (renames?.product(product.name.value) ?? product.name.value, product.apis.map { renames?.api($0.value) ?? $0.value })
                }) { first, _ in first }
        }

        /// Whether the fragment `name` runs for some route: a policy its requests run
        /// includes it, directly or through fragments.
        func runs(_ name: String) -> Bool { byFragment[name] != nil }

        /// The methods of the routes the document of `subject` runs for, nil when one of
        /// them may carry another.
        func methods(of subject: AccessChange.Subject) -> Set<HTTPMethod>? {
            let methods: [HTTPMethod?]
            switch subject.kind {
            case .api: methods = byAPI[subject.name] ?? []
            case .route: methods = byRoute[subject.name].map { [$0] } ?? []
            case .product: methods = (products[subject.name] ?? []).flatMap { byAPI[$0] ?? [] }
            case .fragment: methods = byFragment[subject.name] ?? []
            default: methods = Array(byRoute.values)
            }
            guard methods.allSatisfy({ $0 != nil }) else { return nil }
            return Set(methods.compactMap { $0 })
        }
    }

    /// A fragment a document includes, and whether inside a `choose`.
    private struct Include: Hashable {
        var id: String
        var underCondition: Bool
    }

    /// The fragments a document includes itself (not through fragments).
    private static func includes(in document: PolicyXMLDocument?) -> Set<Include> {
        guard let document, document.has(anyOf: ["include-fragment"]) else { return [] }
        var found = Set<Include>()
        func walk(_ element: PolicyXMLElement, underCondition: Bool) {
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value {
                found.insert(Include(id: id, underCondition: underCondition))
            }
            for child in element.elements { walk(child, underCondition: underCondition || element.name == "choose") }
        }
        walk(document.root, underCondition: false)
        return found
    }

    /// The statements ``weights`` weighs as checks of the caller, and as limits.
    private static let checks = Set(weights.filter { $0.value.removed == .privilegeIncrease }.keys)
    static let limits = Set(weights.filter { $0.value.removed == .looserLimit }.keys)
    /// The checks whose acceptance ``acceptance(of:_:)`` reads.
    private static let acceptingChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token", "validate-client-certificate", "check-header"]

    /// A setting of a check that lets more through once it is off its safe value, which is
    /// also the value APIM takes when it is left out: the attribute, that value, and what
    /// the check then accepts.
    private struct StrictSetting {
        var attribute: String
        var safe: String
        var accepts: String
    }

    private static let strictSettings: [String: [StrictSetting]] = [
        "validate-jwt": [StrictSetting(attribute: "require-expiration-time", safe: "true", accepts: "tokens without an expiration time")],
        "validate-client-certificate": [
            StrictSetting(attribute: "validate-revocation", safe: "true", accepts: "revoked certificates"),
            StrictSetting(attribute: "validate-not-before", safe: "true", accepts: "certificates not valid yet"),
            StrictSetting(attribute: "validate-not-after", safe: "true", accepts: "expired certificates"),
        ],
        "check-header": [StrictSetting(attribute: "ignore-case", safe: "false", accepts: "its values in any letter case")],
    ]

    /// A check that accepts more in place: the checks of a name on both sides, compared by
    /// their audiences, issuers, keys, clients, tenant and required claims, a certificate's
    /// identities, a header's values, and the settings that bound them (expiry, clock skew,
    /// revocation, letter case) as APIM reads them (named values put in). A check that accepts just what one on the other
    /// side does is the same check, wherever it moved; the rest are paired in order, as far
    /// as both sides go, so a check widened beside one added is seen. An audience or issuer
    /// added, or the list dropped, admits more; so does a required claim dropped, a value
    /// added to one that needs any of its values, or one removed from one that needs all.
    private static func widenedCheck(
        _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution
    ) -> (found: Found, what: String)? {
        // Matched through a count of each acceptance, not each against each: a document may
        // hold thousands of checks.
        let oldAccepts = old.map { acceptance(of: $0.element, was) }
        var unmatched: [[String: Accepted]: Int] = [:]
        for accepts in oldAccepts { unmatched[accepts, default: 0] += 1 }
        var news: [(found: Found, accepts: [String: Accepted])] = []
        for found in new {
            let accepts = acceptance(of: found.element, now)
            if let count = unmatched[accepts], count > 0 { unmatched[accepts] = count - 1 } else { news.append((found, accepts)) }
        }
        var olds: [(found: Found, accepts: [String: Accepted])] = []
        for (found, accepts) in zip(old, oldAccepts) {
            if let count = unmatched[accepts], count > 0 {
                unmatched[accepts] = count - 1
                olds.append((found, accepts))
            }
        }
        for (before, after) in zip(olds, news) {
            let wider = widening(before.accepts, after.accepts, of: after.found.element)
            if !wider.isEmpty { return (after.found, DisplayText.list(wider)) }
        }
        return nil
    }

    /// What a check (`after`, accepting `has`) accepts that one accepting `had` does not,
    /// both read by ``acceptance(of:_:)``: every way it is wider, so that a change of keys
    /// and issuer is not shown as its audience alone; empty for none.
    private static func widening(_ had: [String: Accepted], _ has: [String: Accepted], of after: PolicyXMLElement) -> [String] {
        var wider: [String] = []
        for setting in strictSettings[after.name] ?? [] {
            let key = "setting:" + setting.attribute
            if had[key]?.values == [setting.safe], has[key]?.values != [setting.safe] { wider.append(setting.accepts) }
        }
        // A token a while past its expiry; a skew not known here may be any.
        if let was = had["setting:clock-skew"]?.values.first, let skew = has["setting:clock-skew"]?.values.first, skew != was {
            if let seconds = Int(skew) {
                if seconds > Int(was) ?? Int.max { wider.append("tokens up to \(seconds) seconds past their expiry") }
            } else {
                wider.append("tokens past their expiry by a clock skew not known here")
            }
        }
        for (list, values) in had.sorted(by: { $0.key < $1.key }) where !list.hasPrefix("claim:") && !list.hasPrefix("setting:") {
            let label = Self.listLabels[list] ?? list
            guard let now = has[list], !now.values.isEmpty || values.values.isEmpty else {
                wider.append("any \(label) (the list was removed or emptied)")
                continue
            }
            if let added = now.values.subtracting(values.values).sorted().first {
                // A header check's values are what callers must send, a key or a token as
                // often as not, under any name: they are not quoted.
                if list == "value" {
                    wider.append("another value of header '\(after.attribute("name")?.value.written ?? "")'")
                } else {
                    wider.append(list == "issuer-signing-keys" ? "a new signing key" : "\(label) \(GatewayComparison.shown(added))")
                }
            }
        }
        // Keys, and configurations to take keys from, where there were none: more signers.
        for list in ["issuer-signing-keys", "openid-config"] where had[list] == nil {
            guard let added = has[list]?.values.sorted().first else { continue }
            wider.append(list == "issuer-signing-keys" ? "a new signing key" : "signing keys of \(GatewayComparison.shown(added))")
        }
        for (claim, required) in had.sorted(by: { $0.key < $1.key }) where claim.hasPrefix("claim:") {
            let name = claim.dropFirst(6).prefix { $0 != "#" }
            guard let now = has[claim], !now.values.isEmpty else {
                wider.append("tokens without claim '\(name)'")
                continue
            }
            let widened = (now.any && !required.any && required.values.count > 1)
                || (now.any ? !now.values.isSubset(of: required.values) : !required.values.isSubset(of: now.values))
                || (now.separated && !required.separated)
            if widened { wider.append("more values of claim '\(name)'") }
        }
        return wider
    }

    /// What a check accepts of one kind: values of which any one passes (`any`), or all of
    /// which are needed; for a claim, whether a `separator` splits it into several.
    private struct Accepted: Hashable {
        var any: Bool
        var separated = false
        var values: Set<String>
    }

    /// How messages name what a check accepts any one of.
    private static let listLabels = [
        "audiences": "audience", "issuers": "issuer", "openid-config": "signing keys of", "client-application-ids": "client application",
        "backend-application-ids": "backend application", "tenant-id": "tenant", "identities": "certificate identity", "value": "header value",
    ]

    /// What a token check accepts any one of (its audiences, issuers, signing keys, the
    /// OpenID configurations it takes keys from, client applications, tenant), and each
    /// required claim's values with whether any one is enough (`match="any"`) and whether a
    /// `separator` splits a claim into several, keyed `claim:NAME` (`#2` and on for a name
    /// met again). A list written twice is read as one.
    private static func acceptance(
        of check: PolicyXMLElement, _ values: GatewayComparison.Substitution
    ) -> [String: Accepted] {
        var found: [String: Accepted] = [:]
        func value(_ written: String) -> String { values.value(written.trimmingWhitespace) }
        // A value is an element's text, or its attributes (a key given by certificate id).
        func texts(_ element: PolicyXMLElement) -> Set<String> {
            Set(element.elements.map { child in
                child.textValue.map { value($0.written) } ?? child.attributes.map { "\($0.name)=\(value($0.value.written))" }.joined(separator: " ")
            })
        }
        func add(_ list: String, _ more: Set<String>) { found[list, default: Accepted(any: true, values: [])].values.formUnion(more) }
        if let tenant = check.attribute("tenant-id") { add("tenant-id", [value(tenant.value.written)]) }
        for setting in strictSettings[check.name] ?? [] {
            // A boolean as XML Schema reads it: `1` is `true` (audit V91).
            let written = check.attribute(setting.attribute).map { value($0.value.written) }
            add("setting:" + setting.attribute, [written.map { AttributeValue.boolean($0).map(String.init) ?? $0.lowercased() } ?? setting.safe])
        }
        if check.name != "validate-client-certificate", check.name != "check-header" {
            add("setting:clock-skew", [check.attribute("clock-skew").map { value($0.value.written) } ?? "0"])
        }
        // Any one of a header check's values passes; none listed, any value.
        if check.name == "check-header" { add("value", Set(check.elements.filter { $0.name == "value" }.map { $0.textValue.map { value($0.written) } ?? "" })) }
        for element in check.elements {
            switch element.name {
            case "audiences", "issuers", "client-application-ids", "backend-application-ids", "issuer-signing-keys": add(element.name, texts(element))
            // Thumbprints are hexadecimal, and names in certificates compared without case.
            case "identities": add(element.name, Set(texts(element).map { $0.lowercased() }))
            case "openid-config": add("openid-config", Set([element.attribute("url").map { value($0.value.written) } ?? ""]))
            case "required-claims":
                var seen: [String: Int] = [:]
                for claim in element.elements where claim.name == "claim" {
                    // Named values put in: one changed to name another claim drops this one.
                    guard let name = claim.claimName(values.values) else { continue }
                    let any = claim.attribute("match").map { value($0.value.written).lowercased() != "all" } ?? false
                    seen[name, default: 0] += 1
                    let key = "claim:" + name + (seen[name]! > 1 ? "#\(seen[name]!)" : "")
                    found[key] = Accepted(any: any, separated: claim.attribute("separator") != nil, values: texts(claim))
                }
            default: continue
            }
        }
        return found
    }

    /// A statement named `name` that lets more through in place, on both sides as APIM
    /// reads them: a limit's budget raised, an IP filter's addresses widened, a token check
    /// accepting more.
    private static func widenedInPlace(
        _ name: String, _ old: [Found]?, _ new: [Found]?, _ was: GatewayComparison.Substitution,
        _ now: GatewayComparison.Substitution, _ callerControlled: (was: CallerControlledVariables, now: CallerControlledVariables), sameCount: Bool
    ) -> (category: AccessChange.Category, message: String, found: Found)? {
        guard let old, let new else { return nil }
        if sameCount, limits.contains(name), let (found, raised) = loosenedLimit(name, old, new, was, now, callerControlled) {
            return (.looserLimit, raised, found)
        }
        if sameCount, name == "ip-filter", let (found, widened) = widenedFilter(old, new, was, now) {
            return (.privilegeIncrease, widened, found)
        }
        if acceptingChecks.contains(name), let (found, widened) = widenedCheck(old, new, was, now) {
            return (.privilegeIncrease, "lets '\(name)' accept \(widened)", found)
        }
        if sameCount, name == "authentication-managed-identity", let (found, moved) = movedIdentity(old, new, was, now) {
            return (.privilegeIncrease, moved, found)
        }
        if sameCount, responseLookups.contains(name), let (found, widened) = widenedLookup(name, old, new, was, now) {
            return (.cacheWidened, widened, found)
        }
        return nil
    }

    /// The lookups that answer with a cached response: `cache-lookup`, and the semantic
    /// caches' of completions.
    private static let responseLookups: Set<String> = ["cache-lookup", "llm-semantic-cache-lookup", "azure-openai-semantic-cache-lookup"]

    /// A cache lookup named `name` that serves an entry to more requests in place, the pairs
    /// in order as APIM reads them (named values put in): one that no longer varies on a
    /// header, a query parameter, a `vary-by` value (a semantic cache's partition, compared
    /// as written), the developer or their groups, or that now serves private responses.
    private static func widenedLookup(
        _ name: String, _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution
    ) -> (found: Found, message: String)? {
        let labels = ["vary-by-header": "header ", "vary-by-query-parameter": "query parameter ", "vary-by": ""]
        func varies(_ found: Found, _ values: GatewayComparison.Substitution) -> Set<String> {
            Set(found.element.elements.compactMap { element -> String? in
                guard let label = labels[element.name] else { return nil }
                let text = element.textValue.map { values.value($0.written).trimmingWhitespace } ?? ""
                return label + GatewayComparison.shown(element.name == "vary-by-header" ? text.lowercased() : text)
            })
        }
        func setting(_ found: Found, _ attribute: String, _ values: GatewayComparison.Substitution) -> String {
            found.element.attribute(attribute).map { values.value($0.value.written).trimmingWhitespace.lowercased() } ?? "false"
        }
        for (before, after) in zip(old, new) {
            if let dropped = varies(before, was).subtracting(varies(after, now)).sorted().first {
                return (after, "makes '\(name)' no longer vary on \(dropped): requests that differ in it share cached answers")
            }
            // A setting changed to anything but "true" (an expression, say) may be off; one
            // changed to anything but "false" may be on.
            for (attribute, label) in [("vary-by-developer", "the developer"), ("vary-by-developer-groups", "the developer's groups")] {
                let (had, has) = (setting(before, attribute, was), setting(after, attribute, now))
                if had != has, had != "false", has != "true" {
                    return (after, "makes '\(name)' no longer vary on \(label): requests that differ in it share cached answers")
                }
            }
            let (had, has) = (setting(before, "allow-private-response-caching", was), setting(after, "allow-private-response-caching", now))
            if had != has, had != "true", has != "false" { return (after, "makes '\(name)' serve responses marked private") }
            // 'public' lets proxies between the gateway and its callers keep an answer and
            // hand it to other callers; 'private' (the caller's own browser) and 'none' do not.
            // Anything else (an expression, say) may be 'public'.
            func shared(_ found: Found, _ values: GatewayComparison.Substitution) -> Bool {
                let written = found.element.attribute("downstream-caching-type").map { values.value($0.value.written).trimmingWhitespace.lowercased() } ?? "none"
                return written != "none" && written != "private"
            }
            if shared(after, now), !shared(before, was) {
                return (after, "makes '\(name)' let proxies keep its answers for other callers (downstream-caching-type 'public')")
            }
        }
        return nil
    }

    /// Whether a document may set a header a `cors` policy writes: it names one, in any
    /// case, or a named value may.
    private static func mayWriteCrossOriginHeaders(_ document: PolicyXMLDocument) -> Bool {
        guard document.has(anyOf: ["set-header"]) else { return false }
        return document.allElements.contains { element in
            guard element.name == "set-header", let name = element.attribute("name")?.value.written else { return false }
            let trimmed = name.trimmingWhitespace
            return name.holds("{{") || trimmed.hasPrefix("@") || trimmed.lowercased().hasPrefix("access-control-allow-")
        }
    }

    /// Whether a document may set `Cache-Control`: it names it, in any case, or a named
    /// value or an expression may.
    private static func mayWriteCacheControl(_ document: PolicyXMLDocument) -> Bool {
        guard document.has(anyOf: ["set-header"]) else { return false }
        return document.allElements.contains { element in
            guard element.name == "set-header", let name = element.attribute("name")?.value.written else { return false }
            let trimmed = name.trimmingWhitespace
            return name.holds("{{") || trimmed.hasPrefix("@") || trimmed.lowercased() == "cache-control"
        }
    }

    /// The `Cache-Control` a document's raw `set-header`s put on responses, the values
    /// joined as HTTP joins them: named values put in, an expression of strings read as its
    /// text, another as nothing.
    private static func cacheControl(in document: PolicyXMLDocument?, _ values: GatewayComparison.Substitution, _ fragments: [String: PolicyXMLDocument]) -> String {
        var written: [String] = []
        forEachResponseHeaderSet(in: document, fragments) { element in
            guard let name = element.attribute("name")?.value.written,
                values.value(name).trimmingWhitespace.lowercased() == "cache-control" || ExpressionExtent.constantText(in: values.value(name))?.lowercased() == "cache-control"
            else { return }
            let action = element.attribute("exists-action")?.value.written.trimmingWhitespace.lowercased()
            if action == "delete" || action == "override" || action == nil { written = [] }
            guard action != "delete" else { return }
            for value in element.elements where value.name == "value" {
                let text = values.value(value.textValue?.written ?? "")
                written.append(PolicyText.isExpression(text) ? ExpressionExtent.constantText(in: text) ?? "" : text)
            }
        }
        return written.joined(separator: ",")
    }

    /// What a document's raw `set-header`s put on responses among the headers a `cors`
    /// policy writes (``GatewayComparison/CrossOriginGrant``); named values put in.
    private static func crossOriginGrants(
        in document: PolicyXMLDocument?, _ values: GatewayComparison.Substitution, _ fragments: [String: PolicyXMLDocument]
    ) -> Set<GatewayComparison.CrossOriginGrant> {
        var grants = Set<GatewayComparison.CrossOriginGrant>()
        forEachResponseHeaderSet(in: document, fragments) { element in
            guard element.attribute("exists-action")?.value.written.trimmingWhitespace.lowercased() != "delete",
                let written = element.attribute("name")?.value.written
            else { return }
            // APIM takes an expression for the name (Microsoft's `set-header` page): one
            // whose text is not written out may name the origin header (a hostile pull
            // request's `name="@(…)"` passed the round's first form).
            let name = values.value(written)
            let header = PolicyText.isExpression(name) ? ExpressionExtent.constantText(in: name) ?? "Access-Control-Allow-Origin" : name
            let texts = element.elements.filter { $0.name == "value" }.map { $0.textValue?.written ?? "" }
            for value in texts.isEmpty ? [""] : texts {
                if let grant = GatewayComparison.CrossOriginGrant(name: header, value: values.value(value)) { grants.insert(grant) }
            }
        }
        return grants
    }

    /// Calls `body` with each `set-header` of a document that writes a response: in
    /// `outbound` and `on-error`, and in an answer anywhere, in order, with the fragments'
    /// statements where they are included (audit V47), a fragment read once on the request
    /// and once on the response: an include on the request does not stand for one on the
    /// response (audit V48).
    private static func forEachResponseHeaderSet(
        in document: PolicyXMLDocument?, _ fragments: [String: PolicyXMLDocument], _ body: (PolicyXMLElement) -> Void
    ) {
        guard let document, document.has(anyOf: ["set-header", "include-fragment"]) else { return }
        var visited = Set<String>()
        func read(_ element: PolicyXMLElement, onResponse: Bool) {
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragments[id],
                visited.insert((onResponse ? "response " : "request ") + id).inserted
            {
                for root in fragment.rootElements { read(root, onResponse: onResponse) }
                return
            }
            let onResponse = onResponse || ["outbound", "on-error", "return-response", "mock-response"].contains(element.name)
            if onResponse, element.name == "set-header" { body(element) }
            for child in element.elements { read(child, onResponse: onResponse) }
        }
        read(document.root, onResponse: false)
    }

    /// How a message says that `answer` (held by `statement` at the top of `inbound`, or in
    /// `on-error`) skips the broader scopes' checks.
    private static func answering(_ answer: String, in statement: PolicyXMLElement) -> String {
        statement.name == "on-error"
            ? "may serve requests with '\(answer)' in 'on-error', which an error before '<base />' leads to: the broader scopes' checks and limits are skipped for them"
            : "may answer requests with '\(answer)' before '<base />' in 'inbound': the broader scopes' checks and limits are skipped for them"
    }

    /// The raw `cors` statements of a document on both sides, paired in order, compared as
    /// the gateway's `cors` is (``GatewayComparison/compareCORS(_:_:subject:named:)``): one
    /// that admits any origin, more origins or credentials is a privilege increase, one
    /// without a pair was added or removed.
    private static func corsChanges(
        _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution,
        sides: (base: AccessDiff.Side, head: AccessDiff.Side), subject: AccessChange.Subject, key: String
    ) -> [AccessChange] {
        (0..<max(old.count, new.count)).flatMap { index in
            GatewayComparison.compareCORS(
                old.indices.contains(index) ? corsReading(old[index], was, on: sides.base) : nil,
                new.indices.contains(index) ? corsReading(new[index], now, on: sides.head) : nil,
                subject: subject, named: "'cors' in the raw policy of \(key)")
        }
    }

    /// What a raw `cors` statement lets browsers do, as APIM reads it (named values put in):
    /// credentials are allowed unless `allow-credentials` is left out or written `false`,
    /// since an expression may allow them.
    private static func corsReading(_ found: Found, _ values: GatewayComparison.Substitution, on side: AccessDiff.Side) -> GatewayComparison.CORSReading {
        let cors = found.element
        func listed(_ list: String, _ item: String) -> [(value: String, place: AccessChange.Place)] {
            cors.elements.filter { $0.name == list }.flatMap { $0.elements.filter { $0.name == item } }.map { element in
                (values.value(element.textValue?.written ?? "").trimmingWhitespace, side.location(found.range(of: element.nameSpan)))
            }
        }
        let credentials = cors.attribute("allow-credentials")
        let maxAge = cors.elements.first { $0.name == "allowed-methods" }?.attribute("preflight-result-max-age")
        return GatewayComparison.CORSReading(
            origins: listed("allowed-origins", "origin"),
            allowsCredentials: credentials.map { values.value($0.value.written).trimmingWhitespace.lowercased() != "false" } ?? false,
            credentialsPlace: side.location(found.range(of: credentials?.nameSpan ?? cors.nameSpan)),
            methods: listed("allowed-methods", "method").map(\.value), headers: listed("allowed-headers", "header").map(\.value),
            exposeHeaders: listed("expose-headers", "header").map(\.value),
            preflightMaxAge: maxAge.flatMap { Int(values.value($0.value.written).trimmingWhitespace) }, place: side.location(found.range))
    }

    /// A raw managed identity whose token is for another resource, or is another identity's
    /// (`client-id`, in any letter case), as APIM reads them (named values put in): the
    /// pairs in order. Either hands the receiver a token that may open what the old did not.
    private static func movedIdentity(
        _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution
    ) -> (found: Found, message: String)? {
        func read(_ found: Found, _ attribute: String, _ values: GatewayComparison.Substitution) -> String {
            values.value(found.element.attribute(attribute)?.value.written ?? "").trimmingWhitespace
        }
        for (before, after) in zip(old, new) {
            let (resource, previous) = (read(after, "resource", now), read(before, "resource", was))
            if resource != previous {
                return (after, "sends a managed identity's token for \(GatewayComparison.shown(resource)), not \(GatewayComparison.shown(previous))")
            }
            if read(after, "client-id", now).lowercased() != read(before, "client-id", was).lowercased() {
                return (after, "sends the token of another managed identity ('client-id' changed)")
            }
        }
        return nil
    }

    /// An IP filter that lets in addresses it did not: the filters on both sides, paired
    /// by their action and the addresses and ranges they list as APIM reads them (named
    /// values put in): those alike on both sides first, whatever their order, then the rest
    /// in order, by the addresses each admits. Where one lists something other than IPv4
    /// written out (an IPv6 address, an expression), addresses are compared as written, so
    /// a range narrowed by rewriting it is taken for a new one: the review it asks for is
    /// the safer mistake.
    private static func widenedFilter(
        _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution
    ) -> (found: Found, message: String)? {
        // Filters alike on both sides are the same filter wherever they stand: only the
        // others are paired, in order (two filters swapped are no change).
        var olds = old.map { ($0, FilterReading($0.element, was)) }
        var news: [(Found, FilterReading)] = []
        for after in new {
            let reading = FilterReading(after.element, now)
            if let same = olds.firstIndex(where: { $0.1 == reading }) { olds.remove(at: same) } else { news.append((after, reading)) }
        }
        for ((_, b), (after, a)) in zip(olds, news) {
            // An action not known here may be 'forbid', letting any other address in (an
            // audit found '@("allow")' read as forbidding what it allowed); one that was not
            // known may have refused what the filter now admits.
            guard let allowed = b.allows, let allows = a.allows else {
                if a.allows == nil { return (after, "gives an 'ip-filter' an action not read here, which may let any address past it") }
                if let admits = a.admitted, admits.ranges.isEmpty { continue }
                return (after, "lets more addresses past an 'ip-filter' whose action was not read here: it may have refused those it now admits")
            }
            // Forbidding what it allowed lets every other address in; the other way narrows.
            if allowed != allows {
                if allowed { return (after, "turns an 'ip-filter' that allowed only the addresses it lists into one that forbids them") }
                continue
            }
            if let before = b.admitted, let now = a.admitted {
                let letIn = now.subtracting(before)
                guard !letIn.ranges.isEmpty else { continue }
                return (after, "lets more addresses past 'ip-filter': it now admits \(RouteComparison.describe(letIn))")
            }
            let letIn = allows ? a.addresses.subtracting(b.addresses) : b.addresses.subtracting(a.addresses)
            if let first = letIn.sorted().first {
                return (after, "lets more addresses past 'ip-filter': it \(allows ? "now allows" : "no longer forbids") \(GatewayComparison.shown(first))" + (letIn.count > 1 ? " and \(letIn.count - 1) more" : ""))
            }
        }
        return nil
    }

    /// What an `ip-filter` lists as APIM reads it (named values put in).
    private struct FilterReading: Equatable {
        /// Nil where the action is neither `allow` nor `forbid` once named values are put
        /// in (an expression APIM works out, a named value not known here): what the filter
        /// admits is then not known.
        var allows: Bool?
        /// The action as read, which tells two actions not known here apart.
        var action: String
        var addresses: Set<String>

        init(_ filter: PolicyXMLElement, _ values: GatewayComparison.Substitution) {
            var addresses = Set<String>()
            for element in filter.elements {
                switch element.name {
                case "address": addresses.insert(values.value(element.textValue?.written ?? "").trimmingWhitespace.lowercased())
                case "address-range":
                    let bound = { (name: String) in values.value(element.attribute(name)?.value.written ?? "").trimmingWhitespace.lowercased() }
                    addresses.insert(bound("from") + "-" + bound("to"))
                default: continue
                }
            }
            self.addresses = addresses
            let written = filter.attribute("action")?.value
            action = written?.name(resolving: values.resolved) ?? values.value(written?.written ?? "")
            allows = ["allow": true, "forbid": false][action]
        }

        /// The addresses the filter admits, where every one it lists is an IPv4 address,
        /// range or block written out: filters are then compared by what they admit,
        /// whatever their form (an audit found a range narrowed or split, and a forbid list
        /// grown, reported as letting more in). Nil where the action is not known.
        var admitted: IPv4Set? {
            guard let allows else { return nil }
            var ranges: [IPv4Range] = []
            for text in addresses {
                guard let range = IPv4Range(written: text) else { return nil }
                ranges.append(range)
            }
            return allows ? IPv4Set(ranges) : IPv4Set(ranges).complement
        }
    }

    /// What a document's IP filters admit together, each on every request (a request must
    /// pass them all): compared whole, filters merged, split or shuffled between statements
    /// admit what they did (the audit of the fixes found such changes reported as filters
    /// removed or widened). Nil where one is not read so: it lists something other than
    /// IPv4 written out, its action is not known, or it runs for some requests only or
    /// lets callers through.
    private static func admittedByFilters(_ counts: [String: [Found]], _ values: GatewayComparison.Substitution) -> IPv4Set? {
        guard counts[conditional("ip-filter")] == nil, counts[letting("ip-filter")] == nil else { return nil }
        return admitted(by: (counts["ip-filter"] ?? []).map(\.element), values)
    }

    /// What `filters` admit together, nil where one lists something other than IPv4
    /// written out or its action is not known.
    private static func admitted(by filters: [PolicyXMLElement], _ values: GatewayComparison.Substitution) -> IPv4Set? {
        var admitted = IPv4Set.everything
        for filter in filters {
            guard let reading = FilterReading(filter, values).admitted else { return nil }
            admitted = admitted.subtracting(reading.complement)
        }
        return admitted
    }

    /// Whether `gate` reads a request place that a statement on its route's way sets before
    /// it (``RawGate/setBefore``), or, `forSure`, overrides on every request whatever the
    /// caller sent (``RawGate/replacedBefore``): it then judges the gateway's value.
    private static func judgesWhatItsWaySets(_ gate: RawGate, _ values: GatewayComparison.Substitution, forSure: Bool = false) -> Bool {
        let places = gate.check.placesNamedAsChecked(resolving: values.resolved)
        return (forSure ? gate.replacedBefore : gate.setBefore).contains { set in places.contains(where: set.mayBe) }
    }

    /// The statement that holds each gate (the gate itself where it stands at the top of
    /// `inbound`) as APIM reads it, named values put in: a guard's check is met by the same.
    static func forms(of gates: [RawGate], _ values: GatewayComparison.Substitution) -> [String] {
        gates.map { values.value(PolicyXMLCanonical.form(of: $0.holder ?? $0.check)) }
    }

    /// What a route added in front of a guarded backend operation lets through that the raw
    /// checks every request of its guard meets refuse, as messages (an audit found a filter
    /// that forbids one address, another provider's token check, and no header check at all
    /// passing for the guard's): addresses the guard's IP filters refuse, a token check of
    /// the guard's kind accepting an issuer, audience, key or claim the guard's does not, or
    /// none, a check of the guard's header accepting other values, or none. A check of the
    /// route's counts where it stands at the top of `inbound` (another branch may hold
    /// another), or where the statement holding it reads as one holding the guard's; the
    /// route's own `ipFilter` admits `admitted`. A check of a header the route sets
    /// itself first counts for none, but for the same statement of a guard that sets it
    /// too. Filters and token checks are not compared where `filters` or `tokens` is false:
    /// the route has none at all, said elsewhere.
    static func unmetGuardChecks(
        _ guarding: RouteComparison.RawStatements, _ route: RouteComparison.RawStatements, admitted: IPv4Set?, filters: Bool, tokens: Bool
    ) -> [String] {
        let routeGates = zip(route.gates, route.forms).map { (gate: $0, form: $1, setFirst: judgesWhatItsWaySets($0, route.values)) }
        let routeForms = Set(routeGates.filter { !$0.setFirst }.map(\.form))
        let setFirstForms = Set(routeGates.filter(\.setFirst).map(\.form))
        let unmetGates = zip(guarding.gates, guarding.forms).filter { gate, form in
            !routeForms.contains(form) && !(setFirstForms.contains(form) && judgesWhatItsWaySets(gate, guarding.values, forSure: true))
        }
        let unmet = unmetGates.map(\.0.check)
        let own = routeGates.filter { $0.gate.holder == nil && !$0.setFirst }.map(\.gate.check)
        var messages: [String] = []
        // A request passes every filter: what the guard's admit together is compared with
        // what the route's do, one not read here admitting anything.
        let guardFilters = unmet.filter { $0.name == "ip-filter" }
        if filters, !guardFilters.isEmpty {
            if let guardAdmits = Self.admitted(by: guardFilters, guarding.values) {
                let admits = own.filter { $0.name == "ip-filter" }.compactMap { FilterReading($0, route.values).admitted }
                    .reduce(admitted ?? .everything) { $0.subtracting($1.complement) }
                let letIn = admits.subtracting(guardAdmits)
                if !letIn.isEmpty { messages.append("admits addresses the raw IP filter its guard's policies run refuses: \(RouteComparison.describe(letIn))") }
            } else {
                messages.append("does not pass the raw IP filter its guard's policies run, whose addresses or action are not read here")
            }
        }
        for (gate, form) in unmetGates where gate.check.name == "check-header" || (tokens && gate.check.name != "ip-filter") {
            let check = gate.check
            let header = check.placesNamedAsChecked(resolving: guarding.values.resolved)
            let candidates = own.filter { $0.name == check.name && (check.name != "check-header" || $0.placesNamedAsChecked(resolving: route.values.resolved) == header) }
            let accepts = acceptance(of: check, guarding.values)
            let widenings = candidates.compactMap { candidate in
                let wider = widening(accepts, acceptance(of: candidate, route.values), of: candidate)
                return wider.isEmpty ? nil : DisplayText.list(wider)
            }
            // Met where one of the route's checks accepts nothing more.
            guard widenings.count == candidates.count else { continue }
            if let widened = widenings.first {
                messages.append("does not pass the raw '\(check.name)' its guard's policies run: its own accepts \(widened)")
            } else {
                // The route's own check of the header, or the same statement, reads what it set.
                let setFirst = routeGates.contains { found in
                    found.setFirst
                        && (found.form == form || found.gate.holder == nil && found.gate.check.name == check.name && found.gate.check.placesNamedAsChecked(resolving: route.values.resolved) == header)
                }
                // Named as written: a token check reads a query parameter where it names one.
                let parameter = check.attribute("query-parameter-name")?.value.written
                let place: (kind: String, name: String)? =
                    check.name == "check-header" ? check.attribute("name").map { ("header", $0.value.written) }
                    : !setFirst ? nil
                    : parameter.map { ("query parameter", $0) } ?? ("header", check.attribute("header-name")?.value.written ?? "Authorization")
                let of = place.map { " of \($0.kind) '\($0.name)'" } ?? ""
                messages.append("does not pass the raw '\(check.name)'\(of) its guard's policies run" + (setFirst ? ": it sets the \(place?.kind ?? "header") itself first" : ""))
            }
        }
        return messages
    }

    /// A statement of HEAD that is none of BASE's as APIM reads them (named values put in,
    /// white space aside), where each of BASE's is no longer found as it was: one of them
    /// changed while another was added.
    private static func changedBesideAdded(
        _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution
    ) -> Found? {
        let read = { (found: Found, values: GatewayComparison.Substitution) in
            values.value(found.source.source(found.element.span)).filter { !$0.isWhitespace }
        }
        let kept = Set(new.map { read($0, now) })
        guard old.contains(where: { !kept.contains(read($0, was)) }) else { return nil }
        let before = Set(old.map { read($0, was) })
        return new.first { !before.contains(read($0, now)) }
    }

    /// A limit that lets more through in place: the limits of `name` on both sides, paired
    /// in order when each side has as many, as APIM reads them (named values put in). Each
    /// budget, the statement's own, those of the `api` and `operation` elements in it and a
    /// token limit's quota, is compared by calls, kilobytes and a language model's tokens
    /// per second, and requests at once, each with its own kind only: one raised, dropped,
    /// or made one not known here (an expression) lets more through; so does a counter
    /// keyed on what the caller sends, through a variable too, where it was not.
    private static func loosenedLimit(
        _ name: String, _ old: [Found], _ new: [Found], _ was: GatewayComparison.Substitution, _ now: GatewayComparison.Substitution,
        _ callerControlled: (was: CallerControlledVariables, now: CallerControlledVariables)
    ) -> (found: Found, message: String)? {
        guard old.count == new.count else { return nil }
        // The same statements on both sides as APIM reads them (named values put in, the
        // variables the caller writes alike), wherever they stand, are paired first: two
        // limits swapped were one raised (the audit of the round's change).
        var unmatched: [String: Int] = [:]
        let alike = callerControlled.was == callerControlled.now
        if alike { for found in old { unmatched[was.value(PolicyXMLCanonical.form(of: found.element)), default: 0] += 1 } }
        let news = new.filter { found in
            let form = now.value(PolicyXMLCanonical.form(of: found.element))
            guard alike, let count = unmatched[form], count > 0 else { return true }
            unmatched[form] = count - 1
            return false
        }
        let olds = old.filter { found in
            let form = was.value(PolicyXMLCanonical.form(of: found.element))
            guard alike, let count = unmatched[form], count > 0 else { return !alike }
            unmatched[form] = count - 1
            return true
        }
        for (before, after) in zip(olds, news) {
            let (had, has) = (budgets(of: before.element, was), budgets(of: after.element, now))
            for (place, budget) in had.sorted(by: { $0.key < $1.key }) {
                let label = place.isEmpty ? "'\(name)'" : "'\(name)' for \(place)"
                guard let current = has[place] else { return (after, "drops the budget of \(label)") }
                for (measure, unit) in [("calls", "calls"), ("bandwidth", "KB"), ("tokens", "tokens"), ("concurrency", "requests at once")] {
                    guard let amount = budget.amounts[measure] else { continue }
                    guard let raised = current.amounts[measure] else { return (after, "no longer bounds the \(measure) of \(label)") }
                    // A budget not known here on BASE's side says nothing of HEAD's.
                    guard let b = amount, let bs = budget.seconds else { continue }
                    guard let a = raised, let seconds = current.seconds else { return (after, "makes the \(measure) budget of \(label) one not known here") }
                    if Limit.letsMoreThrough(calls: a, per: seconds, thanCalls: b, per: bs) {
                        if measure == "concurrency" { return (after, "raises \(label) to \(a) \(unit) from \(b)") }
                        let what = measure == "bandwidth" ? "the bandwidth" : "the budget"
                        let per = { (seconds: Int) in seconds == Int.max ? "never renewed" : "per \(seconds)s" }
                        return (after, "raises \(what) of \(label) to \(a) \(unit) \(per(seconds)) from \(b) \(per(bs))")
                    }
                }
            }
            // A limit that counted every request and now has a condition counts only the
            // requests it selects (successful ones, say): the others go uncounted. A condition
            // changed into another may select fewer (audit V67: `StatusCode >= 100` made
            // `== 599` passed as "other"); only a respelling is not looser.
            let condition = { (found: Found, values: GatewayComparison.Substitution) -> String? in
                guard let written = found.element.attribute("increment-condition")?.value else { return nil }
                let code = values.value(written.resolved)
                return PolicyXMLElement.writtenTruth(code) == true ? nil : PolicyCode.normalized(code)
            }
            switch (condition(before, was), condition(after, now)) {
            case (nil, _?):
                return (after, "makes '\(name)' count only the requests its new 'increment-condition' selects")
            case (let counted?, let counting?) where counted != counting:
                return (after, "changes the 'increment-condition' of '\(name)', so it may count fewer requests")
            default:
                break
            }
            // A key the caller writes (a header, say) lets each caller count anew as often as
            // it likes, one it picks among values written out lets it pick its counter;
            // another key callers do not choose is a choice of the policy's.
            let key = { (found: Found, values: GatewayComparison.Substitution) in
                found.element.attribute(found.element.keyAttribute).map { values.value($0.value.resolved) }
            }
            if let counted = key(before, was), let counting = key(after, now), counted != counting, callerControlled.now.choosesTheValue(of: counting),
                !callerControlled.was.choosesTheValue(of: counted)
            {
                let what = callerControlled.now.writesTheValue(of: counting) ? "each may count anew as often as it likes" : "each may pick the counter it is counted on"
                return (after, "counts '\(name)' by a key callers choose, so \(what)")
            }
            // A key that tells callers apart more finely gives each a budget of its own; any
            // key that reads something, where one counter was every caller's (audit V41).
            if let counted = key(before, was), let counting = key(after, now), PolicyCode.normalized(counted) != PolicyCode.normalized(counting) {
                let (had, has) = (RawCounterKey.countersPerCaller(counted), RawCounterKey.countersPerCaller(counting))
                if let had, has.map({ $0 > had }) ?? (had == RawCounterKey.sharedByAll) {
                    return (after, "counts '\(name)' with \(RawCounterKey.counting(has)) instead of \(RawCounterKey.counting(had)), so a caller may make more calls")
                }
                // APIM keeps one counter per key value for every statement that counts by it:
                // another key of the same kind may leave a counter other routes share, each
                // then spending a budget of its own (audit V55: `"create:" + Subscription.Id`
                // passed as "other"). Only a key known to count more coarsely is not looser.
                if had == nil || has == nil || has == had {
                    return (after, "counts '\(name)' by another key, which may leave a counter other statements share or tell callers apart more finely, so a caller may make more calls")
                }
            }
        }
        return nil
    }

    /// A limit's budgets by where they apply: "" for the statement's own, "api 'NAME'" and
    /// "operation 'NAME' of api 'NAME'" for those inside it, and "its token quota" for a
    /// token limit's quota over its `token-quota-period` (its `tokens-per-minute` is the
    /// statement's own, as is a `limit-concurrency`'s `max-count`). A measure not written is
    /// absent; one not known here (an expression, a named value not known) is nil.
    private static func budgets(of limit: PolicyXMLElement, _ values: GatewayComparison.Substitution) -> [String: Budget] {
        // Written out, or computed from numbers written out (`@(100 * 1000)`), as lint reads
        // them (audit V96: a budget raised a thousandfold so written was "other").
        func number(_ attribute: String, of element: PolicyXMLElement) -> Int?? {
            guard let written = element.attribute(attribute)?.value else { return .none }
            let number =
                switch written {
                case .text(let text): Int(values.value(text).trimmingWhitespace)
                case .expression: ExpressionExtent.integerValue(of: values.value(written.resolved))
                }
            guard let number, number >= 0 else { return .some(nil) }
            return .some(number)
        }
        func budget(of element: PolicyXMLElement) -> Budget {
            var amounts: [String: Int?] = [:]
            for measure in ["calls", "bandwidth"] {
                if let amount = number(measure, of: element) { amounts[measure] = amount }
            }
            // Each request adds its `increment-count` to the counter (1 when left out): the
            // calls let through are the budget divided by it, and a count lowered lets more
            // through (audit V67: 100 calls counted by 10 made 1 passed as "other").
            if let calls = amounts["calls"], let count = number("increment-count", of: element) {
                if let calls, let count, count > 0 { amounts["calls"] = .some(calls / count) } else { amounts["calls"] = .some(nil) }
            }
            // A quota of period 0 never renews (Microsoft Learn, quota-by-key): its window is
            // the longest (audit V31: one made so read as a budget not known here).
            let renewal = number("renewal-period", of: element).flatMap { $0 }
            let seconds = renewal == 0 && limit.name.hasPrefix("quota") ? Int.max : renewal.flatMap { $0 > 0 ? $0 : nil }
            return Budget(amounts: amounts, seconds: seconds)
        }
        var found = ["": budget(of: limit)]
        if let tokens = number("tokens-per-minute", of: limit) {
            found[""]?.amounts["tokens"] = tokens
            found[""]?.seconds = 60
        }
        // Requests at once, in no window: one second on both sides compares the counts alone.
        if let most = number("max-count", of: limit) {
            found[""]?.amounts["concurrency"] = most
            found[""]?.seconds = 1
        }
        if let quota = number("token-quota", of: limit) {
            let period = limit.attribute("token-quota-period").flatMap { Self.quotaPeriods[values.value($0.value.written).trimmingWhitespace.lowercased()] }
            found["its token quota"] = Budget(amounts: ["tokens": quota], seconds: period)
        }
        for api in limit.elements where api.name == "api" {
            // APIM names resources without case.
            let place = "api \(GatewayComparison.shown(values.value(api.attribute("name")?.value.written ?? api.attribute("id")?.value.written ?? "").lowercased()))"
            found[place] = budget(of: api)
            for operation in api.elements where operation.name == "operation" {
                let name = values.value(operation.attribute("name")?.value.written ?? operation.attribute("id")?.value.written ?? "").lowercased()
                found["operation \(GatewayComparison.shown(name)) of \(place)"] = budget(of: operation)
            }
        }
        return found
    }

    /// The seconds of a token quota's period, as Microsoft's page names them: a month taken
    /// as 30 days, a year as 365.
    private static let quotaPeriods = ["hourly": 3600, "daily": 86_400, "weekly": 604_800, "monthly": 2_592_000, "yearly": 31_536_000]

    /// A budget's amounts by measure (`calls`, `bandwidth`, `tokens`, `concurrency`), nil
    /// where not known here, over its window in seconds.
    private struct Budget {
        var amounts: [String: Int?]
        var seconds: Int?
    }

    /// Where a counted element is shown: itself, or the `include-fragment` that brought it.
    private struct Found {
        var element: PolicyXMLElement
        /// The document whose text holds `element`: a fragment's, for one it brought in.
        var source: PolicyXMLDocument
        /// Where the element is shown: itself, or the include that brought it in.
        var shown: PolicyXMLElement
        /// The document `shown` is in.
        var `in`: PolicyXMLDocument
        /// What decides whether it runs: the conditions of the `when`s around it and of
        /// those before its branch, folded into one value (0 for none), comparable within
        /// a run.
        var conditions = 0
        /// Whether the caller may decide one of those conditions (``CallerControlledVariables/picksTheCondition(_:in:replaced:)``).
        var pickedByTheCaller = false

        var range: SourceRange { self.in.range(shown.nameSpan) }

        /// Where a part of the element, at `span` of its text, is shown: there, or at the
        /// include that brought a fragment's element in.
        func range(of span: Range<Int>) -> SourceRange { source === self.in ? self.in.range(span) : range }
    }

    private static let throughVariables = " through variables set in another policy"
    private static let throughHeaders = " through request headers or query parameters another policy or the definitions set before it"

    /// The key ``counts(_:fragments:expanding:_:_:api:methods:setElsewhere:judgingPlacesSetBefore:judged:)`` files checks named `name` under when they let callers through.
    private static func letting(_ name: String) -> String { name + " letting callers through" }

    /// What a check or limit guards, for telling one turned into one that lets callers
    /// through beside another added: the request's places a check reads, a limit's counter
    /// key; its whole text where neither is read (a check of a certificate).
    private static func guarded(_ element: PolicyXMLElement, _ values: GatewayComparison.Substitution, _ callerControlled: CallerControlledVariables) -> String {
        if checks.contains(element.name) {
            let read = element.placesChecked(values, callerControlled)
            if !read.places.isEmpty || !read.variables.isEmpty { return element.name + " " + (read.places.sorted() + read.variables.sorted().map { "$" + $0 }).joined(separator: " ") }
        } else if let key = element.attribute("counter-key") ?? element.attribute("key") {
            return element.name + " " + values.value(key.value.resolved)
        }
        return PolicyXMLCanonical.form(of: element)
    }

    /// Whether a `limit-concurrency` holds the call to the backend on every request it runs
    /// for (in it, or in a `retry` or `wait` in it), or a fragment that may: one that does not
    /// bounds nothing the backend sees (audits found the call moved out of one, or into a
    /// branch, or beside a call to another service left in, passing for the limit kept).
    private static func limitsACall(_ element: PolicyXMLElement) -> Bool {
        element.elements.contains { Self.calls.contains($0.name) || Self.holders.contains($0.name) && limitsACall($0) }
    }

    private static let calls: Set<String> = ["forward-request", "include-fragment"]
    private static let holders: Set<String> = ["retry", "wait"]

    /// The request's headers and query parameters a policy or the definitions set, as
    /// `diff` weighs the checks that read them: a check of a place set before it judges the
    /// gateway's value, whatever the caller sends. A header by its name, lowercased; a
    /// query parameter by `?` and its name; ``anyHeader`` and ``anyQuery`` where the name
    /// is not known here (an expression, a secret).
    enum SetPlaces {
        static let anyHeader = "*"
        static let anyQuery = "?*"

        /// `places` as they are kept here.
        static func names(_ places: some Sequence<CredentialPlace>) -> Set<String> {
            Set(places.flatMap { place -> [String] in
                switch place {
                case .header(let name): [name]
                case .query(let name): ["?" + name]
                case .anyHeader: [anyHeader]
                case .anyQuery: [anyQuery]
                case .anyName: [anyHeader, anyQuery]
                }
            })
        }

        /// The places `element` sets on the message it stands in
        /// (``PolicyXMLElement/placesSet(_:resolving:)``, as lint reads them).
        static func set(by element: PolicyXMLElement, _ values: GatewayComparison.Substitution) -> Set<String> {
            names(element.placesSet(resolving: values.resolved))
        }

        /// The places the definitions set on a route's requests (``RequestShaping/placesSet(resolving:)``),
        /// and the query a route's `rewrite` writes (``Rewrite/placesSet(resolving:)``), as lint reads them.
        static func declared(_ shaping: RequestShaping?, rewrite: Rewrite? = nil, _ values: GatewayComparison.Substitution) -> Set<String> {
            names((shaping?.placesSet(resolving: values.resolved) ?? []).union(rewrite?.placesSet(resolving: values.resolved) ?? []))
        }

        /// Whether `place`, a check reads it, may be among `set`: a place of the same kind
        /// whose name is not known stands for any.
        static func holds(_ set: Set<String>, _ place: String) -> Bool {
            let any = place.hasPrefix("?") ? anyQuery : anyHeader
            guard place != any else { return set.contains { $0.hasPrefix("?") == place.hasPrefix("?") } }
            return set.contains(place) || set.contains(any)
        }
    }

    /// The request's places (``SetPlaces``) that other policies, and the definitions, set on
    /// the requests a raw document runs for, before its statements or where its `<base />`
    /// runs the broader policies, by the document's key as ``documents(_:renames:)`` names
    /// it, with what each fragment it includes sets. A check of such a place judges the
    /// gateway's value: an API policy's `set-header` running at a route's `<base />`, before
    /// the route's `check-header`, passed for a change of the API's policy alone (the audit
    /// of the fixes), and so did a fragment's text changed under an include alike on both
    /// sides (the audit of that fix). Read without the order of statements within each
    /// broader policy, and with each product of an API (a request runs its subscription's),
    /// so that a place set anywhere a request may meet it first counts: an alarm raised,
    /// never a bypass missed. Each side reads its own fragments.
    struct PlacesSetElsewhere {
        struct Sets: Equatable {
            /// Set before the document's first statement: by a narrower policy's statements
            /// before its `<base />`; for a route's policy without `<base />`, by the
            /// definitions (`request.headers`), generated first; for a fragment, before one
            /// of its includes.
            var before: Set<String> = []
            /// Set where the document has `<base />`: by the broader policies, and for a
            /// route's policy by the definitions, generated after them.
            var atBase: Set<String> = []
            /// Set by each fragment the document includes (with those it includes), by id.
            var viaFragments: [String: Set<String>] = [:]

            /// Those of `places` (a place whose name is not known here among them): what a
            /// document's checks of `places` may meet.
            func bearing(on places: Set<String>) -> Sets {
                let bears = { (place: String) in places.contains { SetPlaces.holds([place], $0) } }
                return Sets(before: before.filter(bears), atBase: atBase.filter(bears), viaFragments: viaFragments.mapValues { $0.filter(bears) })
            }
        }

        private var byKey: [String: Sets] = [:]

        subscript(key: String) -> Sets { byKey[key] ?? Sets() }

        /// The places checks read: any document's, and each fragment's own, on either side.
        struct Checked {
            var all: Set<String> = []
            var byFragment: [String: Set<String>] = [:]

            /// Each side's documents and what their checks read, by key.
            fileprivate init(_ sides: (documents: [String: RawDocument], read: [String: Set<String>])...) {
                for side in sides {
                    for (key, places) in side.read {
                        all.formUnion(places)
                        if let subject = side.documents[key]?.subject, subject.kind == .fragment { byFragment[subject.name, default: []].formUnion(places) }
                    }
                }
            }
        }

        /// What of the places set matters to checks that read `read`.
        private struct Bearing {
            let read: Set<String>
            let header: Bool
            let query: Bool

            init(_ read: Set<String>) {
                self.read = read
                (header, query) = (read.contains { !$0.hasPrefix("?") }, read.contains { $0.hasPrefix("?") })
            }

            /// What of `places` a check reading `read` can tell apart: the places read by
            /// name, a place set under a name not known here, and, for a check of a place
            /// whose name is not known, only that some place of its kind is set (a marker no
            /// name can spell): ``SetPlaces/holds(_:_:)`` answers alike of both for every place
            /// read, and the set stays as small as what is read (audit V103: every place set
            /// before every fragment that checks a header a secret names was kept).
            func kept(_ places: Set<String>) -> Set<String> {
                guard !read.isEmpty, !places.isEmpty else { return [] }
                var kept = read.intersection(places)
                if header, places.contains(SetPlaces.anyHeader) { kept.insert(SetPlaces.anyHeader) }
                if query, places.contains(SetPlaces.anyQuery) { kept.insert(SetPlaces.anyQuery) }
                if read.contains(SetPlaces.anyHeader), places.contains(where: { !$0.hasPrefix("?") }) { kept.insert(Self.someHeader) }
                if read.contains(SetPlaces.anyQuery), places.contains(where: { $0.hasPrefix("?") }) { kept.insert(Self.someQuery) }
                return kept
            }

            /// Some header, or query parameter, is set: names no request can have.
            static let someHeader = "\u{1}some"
            static let someQuery = "?\u{1}some"
        }

        /// Only the places a check among `checked` may read are kept (``Sets/bearing(on:)``),
        /// and before a fragment only those its checks, or those of the fragments it
        /// includes, read (audit V102: a check of a header no name is known for kept every
        /// place set before every include, quadratic again).
        init(_ project: ResolvedProject, renames: Renames?, _ values: GatewayComparison.Substitution, bearingOn checked: Checked) {
            guard !checked.all.isEmpty else { return }
            let fragments = project.fragments.documentsByName
            let anyCheck = Bearing(checked.all)
            func declaredBearing(_ shaping: RequestShaping?, rewrite: Rewrite? = nil) -> Set<String> {
                anyCheck.kept(SetPlaces.declared(shaping, rewrite: rewrite, values))
            }
            // What statements set themselves, and the fragments they include.
            func read(_ statements: some Sequence<PolicyXMLElement>) -> (places: Set<String>, includes: [String]) {
                var found = Set<String>()
                var includes: [String] = []
                for statement in statements {
                    let read = statement.placesSetAtAnyDepth(resolving: values.resolved)
                    found.formUnion(anyCheck.kept(SetPlaces.names(read.places)))
                    includes += read.includes
                }
                return (found, includes)
            }
            // What each fragment sets itself, and the fragments it includes, read once.
            var ownReads: [String: (places: Set<String>, includes: [String])] = [:]
            func ownRead(_ id: String) -> (places: Set<String>, includes: [String])? {
                if let known = ownReads[id] { return known }
                guard let fragment = fragments[id] else { return nil }
                let found = read(fragment.rootElements)
                ownReads[id] = found
                return found
            }
            // A fragment's `own` places joined with those of the fragments it includes, at
            // any depth, each read once however many policies include it, children first on
            // a stack of its own (a chain of thousands of fragments would overflow the call
            // stack); a fragment that includes itself ends there.
            func gathered(_ root: String, into memo: inout [String: Set<String>], own: (String) -> Set<String>) -> Set<String> {
                var stack: [(id: String, childrenDone: Bool)] = [(root, false)]
                while let (id, childrenDone) = stack.popLast() {
                    if childrenDone, let read = ownRead(id) {
                        memo[id] = read.includes.reduce(into: own(id)) { $0.formUnion(memo[$1] ?? []) }
                        continue
                    }
                    guard memo[id] == nil, let read = ownRead(id) else { continue }
                    memo[id] = []
                    stack.append((id, true))
                    stack += read.includes.map { ($0, false) }
                }
                return memo[root] ?? []
            }
            // What each fragment sets, with those it includes.
            var setByFragment: [String: Set<String>] = [:]
            func set(byFragment root: String) -> Set<String> {
                gathered(root, into: &setByFragment) { ownRead($0)?.places ?? [] }
            }
            // What the checks of each fragment, and of those it includes, read.
            var readByFragment: [String: Set<String>] = [:]
            var bearingByFragment: [String: Bearing] = [:]
            func bearing(before id: String) -> Bearing {
                if let known = bearingByFragment[id] { return known }
                let found = Bearing(gathered(id, into: &readByFragment) { checked.byFragment[$0] ?? [] })
                bearingByFragment[id] = found
                return found
            }
            // What a document sets in `inbound`, before its `<base />` and anywhere, and
            // what each fragment it includes sets.
            func sets(_ document: PolicyXMLDocument?) -> (beforeBase: Set<String>, all: Set<String>, viaFragments: [String: Set<String>]) {
                guard let document else { return ([], [], [:]) }
                let statements = document.inboundStatements
                let own = read(statements)
                let viaFragments = Dictionary(own.includes.map { ($0, set(byFragment: $0)) }) { first, _ in first }
                let all = viaFragments.values.reduce(into: own.places) { $0.formUnion($1) }
                guard let base = document.inboundBaseStatement else { return (all, all, viaFragments) }
                let first = read(statements[...base])
                return (first.includes.reduce(into: first.places) { $0.formUnion(viaFragments[$1] ?? []) }, all, viaFragments)
            }
            let gateway = sets(project.gateway?.policy?.document)
            byKey[Key.gateway] = Sets(viaFragments: gateway.viaFragments)
            // The documents that may include fragments, by key.
            var including: [(key: String, document: PolicyXMLDocument)] = project.gateway?.policy?.document.map { [(Key.gateway, $0)] } ?? []
            var products: [String: (name: String, sets: (beforeBase: Set<String>, all: Set<String>, viaFragments: [String: Set<String>]))] = [:]
            var productsOfAPI: [String: [String]] = [:]
            for product in project.products {
                let name = renames?.product(product.name.value) ?? product.name.value
                products[product.name.value] = (name, sets(product.policy?.document))
                if let document = product.policy?.document { including.append((Key.product(name), document)) }
                for api in product.apis { productsOfAPI[api.value, default: []].append(product.name.value) }
            }
            // What the narrower policies and the definitions set first, for the broader
            // ones, and anywhere, for the fragments.
            var narrowerFirst: [String: Set<String>] = [:]
            var everyNarrowerFirst = Set<String>()
            var anywhere = products.values.reduce(into: gateway.all) { $0.formUnion($1.sets.all) }
            for api in project.apis {
                let apiName = renames?.api(api.name.value) ?? api.name.value
                let own = sets(api.policy?.document)
                let ownProducts = (productsOfAPI[api.name.value] ?? []).compactMap { products[$0] }
                let broader = ownProducts.reduce(into: gateway.all) { $0.formUnion($1.sets.all) }
                let apiDeclared = declaredBearing(api.request)
                let atRoutesBase = own.all.union(broader)
                var routesFirst = Set<String>()
                for route in api.routes {
                    let written = "\(api.name.value)/\(route.id.value)"
                    let declared = apiDeclared.union(declaredBearing(route.request, rewrite: route.answer == nil ? route.rewrite : nil))
                    let routeSets = sets(route.policy?.document)
                    // The definitions' changes are generated after a `<base />` written directly
                    // in the route's `inbound`, so after the broader policies, or first where
                    // there is none (one inside a `choose` runs after them): a check before them
                    // judges the caller's (audits: a check before `<base />`, or in the API's
                    // policy, was called weakened; one before a `choose` running `<base />` was
                    // let through).
                    let hasBase = route.policy?.document?.generatedInboundFollowsBase ?? true
                    let key = Key.route(renames?.route(written) ?? written)
                    byKey[key] = Sets(
                        before: hasBase ? [] : declared, atBase: hasBase ? atRoutesBase.union(declared) : atRoutesBase, viaFragments: routeSets.viaFragments)
                    if let document = route.policy?.document { including.append((key, document)) }
                    routesFirst.formUnion(routeSets.beforeBase)
                    anywhere.formUnion(declared.union(routeSets.all))
                }
                byKey[Key.api(apiName)] = Sets(before: routesFirst, atBase: broader, viaFragments: own.viaFragments)
                if let document = api.policy?.document { including.append((Key.api(apiName), document)) }
                let first = routesFirst.union(own.beforeBase)
                for product in productsOfAPI[api.name.value] ?? [] { narrowerFirst[product, default: []].formUnion(first) }
                everyNarrowerFirst.formUnion(first)
                anywhere.formUnion(own.all)
            }
            // A request runs one product's policy, its subscription's.
            for (written, product) in products {
                byKey[Key.product(product.name)] = Sets(before: narrowerFirst[written] ?? [], atBase: gateway.all, viaFragments: product.sets.viaFragments)
            }
            byKey[Key.gateway]?.before = products.values.reduce(into: everyNarrowerFirst) { $0.formUnion($1.sets.beforeBase) }
            // The fragments `roots` include, each with what is set before it: `first`, then
            // what the statements before it set in the order of the text (the broader
            // policies', `atBase`, where `<base />` runs them; a fragment's, where one is
            // included); anything set anywhere for one in what sets another message.
            func includes(in roots: [PolicyXMLElement], after first: Set<String>, atBase: Set<String>) -> [(id: String, before: Set<String>)] {
                var found: [(id: String, before: Set<String>)] = []
                var placesSet = first
                var waiting = roots.reversed().map { (element: $0, inAnotherMessage: false) }
                while let (element, outside) = waiting.popLast() {
                    let inAnotherMessage = outside || RawPolicyDiff.otherMessages.contains(element.name)
                    if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value {
                        // Only what bears on the checks the fragment runs (no copy of all set).
                        let bearing = bearing(before: id)
                        if !bearing.read.isEmpty { found.append((id, bearing.kept(inAnotherMessage ? anywhere : placesSet))) }
                        if !inAnotherMessage { placesSet.formUnion(set(byFragment: id)) }
                    } else if !inAnotherMessage {
                        placesSet.formUnion(anyCheck.kept(SetPlaces.set(by: element, values)))
                        if element.name == "base" { placesSet.formUnion(atBase) }
                    }
                    waiting += element.elements.reversed().map { (element: $0, inAnotherMessage: inAnotherMessage) }
                }
                return found
            }
            // A fragment runs wherever a policy includes it: what is set before it is what is
            // set before one of its includes, through the fragments that include it too (a
            // header set after a fragment's check, or in a fragment only after its include,
            // was taken for one set first: audit N4), read until nothing more is found.
            var fragmentFirst: [String: Set<String>] = [:]
            var reached: [String] = []
            func reach(_ id: String, after places: Set<String>) {
                if let known = fragmentFirst[id], places.isSubset(of: known) { return }
                fragmentFirst[id, default: []].formUnion(places)
                reached.append(id)
            }
            for (key, document) in including {
                let sets = byKey[key] ?? Sets()
                for include in includes(in: [document.root], after: sets.before, atBase: sets.atBase) { reach(include.id, after: include.before) }
            }
            let inFragments = fragments.mapValues { includes(in: $0.rootElements, after: [], atBase: []) }
            while let id = reached.popLast() {
                let first = fragmentFirst[id] ?? []
                for include in inFragments[id] ?? [] { reach(include.id, after: bearing(before: include.id).kept(first).union(include.before)) }
            }
            for fragment in project.fragments {
                byKey[Key.fragment(fragment.name.value)] = Sets(before: fragmentFirst[fragment.name.value] ?? [], viaFragments: sets(fragment.policy.document).viaFragments)
            }
        }
    }

    /// The statements of `document` that set a request's place among `read` (what included
    /// fragments' conditions read), and the fragments it includes, in the order they run,
    /// each with its value and whether a `when` decides it: where that changes, a fragment's
    /// conditions may read what the caller sent in the place of the gateway's value (audit
    /// V94: a replacement moved after the include, or into a branch, passed).
    private static func replacements(in document: PolicyXMLDocument, _ values: GatewayComparison.Substitution, bearingOn read: Set<String>) -> [String] {
        guard !read.isEmpty else { return [] }
        var found: [String] = []
        func walk(_ element: PolicyXMLElement, underCondition: Bool) {
            if otherMessages.contains(element.name) { return }
            if element.name == "include-fragment" {
                found.append("include " + ((element.attribute("fragment-id")?.value.written).map { values.value($0) } ?? ""))
            } else if case let places = SetPlaces.names(element.placesSet(.given, resolving: values.resolved)),
                places.contains(where: { place in read.contains { SetPlaces.holds([place], $0) || SetPlaces.holds(read, place) } })
            {
                found.append((underCondition ? "? " : "") + PolicyXMLCanonical.form(of: element))
            }
            for child in element.elements { walk(child, underCondition: underCondition || element.name == "choose") }
        }
        walk(document.root, underCondition: false)
        return found
    }

    /// The request's places the checks of `document` read (``PolicyXMLElement/placesChecked(_:_:)``).
    private static func placesChecked(
        in document: PolicyXMLDocument, _ values: GatewayComparison.Substitution, _ callerControlled: CallerControlledVariables
    ) -> Set<String> {
        document.elements(named: checks).reduce(into: []) { places, check in
            let read = check.placesChecked(values, callerControlled)
            places.formUnion(read.places)
            for variable in read.variables { places.formUnion(PolicyXMLElement.named(callerControlled.tokenPlaces(heldBy: variable))) }
        }
    }

    /// What sets the headers of another message than the request the checks judge: the
    /// answer, a call's request, the request sent on from `backend`.
    private static let choose: Set<String> = ["choose"]
    private static let otherMessages: Set<String> = ["backend", "outbound", "on-error", "return-response", "send-request", "send-one-way-request"]

    /// The key ``counts(_:fragments:expanding:_:_:api:methods:setElsewhere:judgingPlacesSetBefore:judged:)`` files checks and limits named
    /// `name` under when they run for some requests only, inside a `choose`.
    private static func conditional(_ name: String) -> String { name + " for some requests" }
}

extension PolicyXMLElement {
    /// The request's places a check reads: those it names (``placesNamedAsChecked(resolving:)``), or for a token given by an
    /// expression (`token-value`) the headers and query parameters it reads by name, with
    /// apart the variables holding the caller's token it reads, as lint reads them
    /// (``CallerControlledVariables/tokenReads(of:)``): a policy that now sets one makes
    /// the check judge the gateway's value (audits: only `other` was reported), any header
    /// or query parameter where a secret names it (audit V9). One that reads them all
    /// reads none here, as before.
    fileprivate func placesChecked(_ values: GatewayComparison.Substitution, _ callerControlled: CallerControlledVariables) -> (places: Set<String>, variables: Set<String>) {
        guard name == "validate-jwt" || name == "validate-azure-ad-token", let given = attribute("token-value")?.value else {
            return (RawPolicyDiff.SetPlaces.names(placesNamedAsChecked(resolving: values.resolved)), [])
        }
        guard given.isExpression else { return ([], []) }
        let read = callerControlled.tokenReads(of: values.value(given.resolved))
        return (Self.named(read.places), read.variables)
    }

    /// Whether a `set-header` or `set-query-parameter` gives a value the caller writes or
    /// picks (another header's, say), named values put in: what it replaces is the
    /// caller's still.
    fileprivate func writesWhatTheCallerChooses(_ values: GatewayComparison.Substitution, _ callerControlled: CallerControlledVariables) -> Bool {
        guard name == "set-header" || name == "set-query-parameter" else { return false }
        return callerControlled.setsWhatTheCallerChooses(self) { text in
            let code = values.value(text.resolved)
            return PolicyText.isExpression(code) ? code : nil
        }
    }

    /// The headers and query parameters among `places` read by name, or by a name not
    /// known here (``RawPolicyDiff/SetPlaces``).
    fileprivate static func named(_ places: some Sequence<CredentialPlace>) -> Set<String> {
        RawPolicyDiff.SetPlaces.names(places.filter { $0 != .anyName })
    }
}
