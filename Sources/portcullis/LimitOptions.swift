import ArgumentParser
import PortcullisSyntax

/// The resource limits that protect against hostile input, each adjustable.
struct LimitOptions: ParsableArguments {
    @Option(help: "The largest input file accepted, in bytes.")
    var maxFileSize: Int = InputLimits().maxFileSize

    @Option(help: "The deepest nesting of YAML collections, counting what aliases expand to.")
    var maxDepth: Int = InputLimits().maxDepth

    @Option(help: "How many nodes alias expansion may produce in one document.")
    var maxAliasNodes: Int = InputLimits().maxAliasNodes

    @Option(help: "How many documents one file may hold.")
    var maxDocuments: Int = InputLimits().maxDocuments

    func validate() throws {
        for (name, value) in [
            ("--max-file-size", maxFileSize), ("--max-depth", maxDepth), ("--max-alias-nodes", maxAliasNodes),
            ("--max-documents", maxDocuments),
        ] where value < 1 {
            throw ValidationError("'\(name)' must be at least 1, not \(value)")
        }
        if maxFileSize > Int(Int32.max) { throw ValidationError("'--max-file-size' must be at most \(Int32.max)") }
    }

    var limits: InputLimits {
        InputLimits(maxFileSize: maxFileSize, maxDepth: maxDepth, maxAliasNodes: maxAliasNodes, maxDocuments: maxDocuments)
    }
}
