import Foundation
import PortcullisChecker

/// A project of the rule examples' gateway and one API, `orders`: what the tests that run
/// the executable on a route or two start from.
enum ExampleProject {
    /// Writes `gateway.yaml` and `orders.yaml` (`routes`, and `rawInbound` after `<base />`
    /// in the API's policy when given) into `folder`, made if missing; returns `folder`.
    @discardableResult
    static func write(to folder: URL, routes: String, rawInbound: String? = nil) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = rawInbound.map { RuleExample.api(rawInbound: $0, routes: routes) } ?? RuleExample.api(routes: routes)
        try api.text.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        return folder
    }
}
