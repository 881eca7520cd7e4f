import PortcullisModel
import PortcullisPolicyXML
import Synchronization

/// A run of inbound statements that the requests of many routes meet in the same place:
/// the gateway's policy, or an API's with its products' and the gateway's in place of its
/// `<base />`. A route's inbound order holds it as one entry, and what a rule asks of it is
/// found once for every route that reaches it in the same state. Walked again for each
/// route, a gateway policy of thousands of statements (or fragments of them) over
/// thousands of routes took seconds.
final class InboundRun: Sendable {
    /// One place in an inbound order.
    enum Entry: Sendable {
        /// A raw statement, with the policy it is in.
        case statement(owner: Owner, PolicyXMLElement)
        /// The statements Portcullis generates for the route; only in a route's own order.
        case generated
        case run(InboundRun)
    }

    /// The policy a statement of an inbound order is in.
    struct Owner: Sendable {
        /// How messages name it: "product 'partners'", "fragment 'audit'".
        let name: String
        /// Whether only a product's subscribers run it: a product's policy, or a fragment
        /// one includes. Its statements do not stand for every request's.
        let isAProducts: Bool
    }

    /// What a rule asks of a run, with all that the answer depends on besides the run.
    enum Question: Hashable, Sendable {
        /// The first statement of the kind at any depth, on a request of the method (nil:
        /// of any method).
        case first(RawEnforcement.Kind, method: HTTPMethod?)
        /// A call before a raw limit that counts every request of the API at `api` (the
        /// gateway's run is every API's, and a limit's key may read an API's variables).
        case callBeforeRawLimit(method: HTTPMethod?, api: Int)
        /// A statement of the kind met before the token check: `met` tells whether a check
        /// came before the run (nil when none did) and whether it read `Authorization`
        /// alone; `readLater`, the places token checks read after the run.
        case beforeTokenCheck(
            RawEnforcement.Kind, method: HTTPMethod?, searchesPastCheck: Bool, met: Bool?, readLater: TokenReads)
    }

    enum Outcome: Sendable {
        case found(owner: String, name: String, afterATokenCheck: Bool)
        /// The statements generated for the route set `place`, as `setter` says
        /// (``RawEnforcement/credentialsPlacedBeforeTokenCheck(on:)``); never inside a run.
        case setByDefinitions(setter: String, place: CredentialPlace)
        /// The question's walk ends inside the run, and found nothing.
        case stopped
        /// Nothing found; the walk goes on after the run.
        case passed

        /// The statement found, with how messages name the policy it is in.
        var statement: (owner: String, name: String)? {
            if case .found(let owner, let name, _) = self { (owner, name) } else { nil }
        }
    }

    let entries: [Entry]
    /// The first statement of the run that is a token check on every request passing it.
    let tokenCheck: PolicyXMLElement?
    /// Whether a statement of the run may change the request's method.
    let setsMethod: Bool
    /// Where the run has no ``tokenCheck``, its first statement that is a token check on
    /// every request of a method passing it, by method: one in the branch of that method
    /// (``RawEnforcement``'s `tokenCheck(of:for:)`), found once for every route.
    let tokenChecksByMethod = Lazy<[HTTPMethod: PolicyXMLElement]>()
    /// What token checks read from the run on, by the variables read after it
    /// (``RawEnforcement``'s `tokenReads`): found once for every set of variables, not
    /// again for every route, as the places read after it only add to it.
    let readsOn = Memo<Set<String>, TokenReads>()
    /// The credential places whose caller's value the run's statements replace
    /// (``RawEnforcement/credentialPlacesReplaced(onTheWayOf:runningOneOf:)``).
    let placesReplaced = Lazy<[CredentialPlace]>()
    /// Whether the run meets a token check that reads the caller's `Authorization` alone
    /// (true) or a write of it (false) first, nil for neither
    /// (``RawEnforcement/CallersCredentials/requiresTheCallersAuthorization``).
    let requiresTheCallersAuthorization = Lazy<Bool?>()
    /// The run's rewrites of what the backend is asked for (``RawEnforcement/requestRewrites(on:)``).
    let requestRewrites = Lazy<[RequestRewrite]>()
    /// The answers to what rules ask of the run.
    let answers = Memo<Question, Outcome>()

    init(entries: [Entry], tokenCheck: PolicyXMLElement?, setsMethod: Bool) {
        self.entries = entries
        self.tokenCheck = tokenCheck
        self.setsMethod = setsMethod
    }
}

/// Values found when first asked for, one for each key, by whichever thread asks first.
/// Rules ask from every core; `find` runs outside the lock, as it may ask other memos, or
/// this one of another key.
final class Memo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let found = Mutex<[Key: Value]>([:])

    func value(for key: Key, _ find: () -> Value) -> Value {
        if let known = found.withLock({ $0[key] }) { return known }
        let value = find()
        found.withLock { $0[key] = value }
        return value
    }
}

/// A value found when first asked for, by whichever thread asks first.
final class Lazy<Value: Sendable>: Sendable {
    private let memo = Memo<Bool, Value>()

    func value(_ find: () -> Value) -> Value {
        memo.value(for: true, find)
    }
}

/// The runs of an estate, made when a route first reaches them.
final class InboundRuns: Sendable {
    enum Scope: Hashable {
        case gateway
        /// An API's policy (by index) with the policies of the products (by index) in place
        /// of its `<base />`: one product's for its subscribers, none for other callers, or
        /// all of the API's for what any request may meet; each `<base />` on some paths
        /// only read as `through` says (its `route` unread).
        case api(Int, products: [Int], through: PartialBases)
    }

    private let runs = Mutex<[Scope: InboundRun]>([:])

    /// The run of `scope`, made by `make` (outside the lock: the API's run holds the
    /// gateway's) the first time.
    func run(_ scope: Scope, _ make: () -> InboundRun) -> InboundRun {
        if let found = runs.withLock({ $0[scope] }) { return found }
        let made = make()
        return runs.withLock { runs in
            if let found = runs[scope] { return found }
            runs[scope] = made
            return made
        }
    }
}
