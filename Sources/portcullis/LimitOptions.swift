import ArgumentParser
import PortcullisSyntax

/// The resource limits that protect against hostile input, each adjustable.
struct LimitOptions: ParsableArguments {
    @Option(help: "The largest input file accepted, in bytes (at most \(InputLimits.maximum.maxFileSize)).")
    var maxFileSize: Int = InputLimits().maxFileSize

    @Option(help: "The deepest nesting of YAML collections, counting what aliases expand to (at most \(InputLimits.maximum.maxDepth)).")
    var maxDepth: Int = InputLimits().maxDepth

    @Option(help: "How many nodes alias expansion may produce in one document, a text counting one per 4 KiB (at most \(InputLimits.maximum.maxAliasNodes)).")
    var maxAliasNodes: Int = InputLimits().maxAliasNodes

    @Option(help: "How many documents one file may hold (at most \(InputLimits.maximum.maxDocuments)).")
    var maxDocuments: Int = InputLimits().maxDocuments

    /// Enough for any estate one fixes by reading its report, and as many results as GitHub's
    /// code scanning keeps of one run.
    @Option(help: "How many findings a report shows; one more says how many were left out (at most \(Int(Int32.max))).")
    var maxFindings: Int = 25_000

    func validate() throws {
        let maximum = InputLimits.maximum
        for (name, value, most) in [
            ("--max-file-size", maxFileSize, maximum.maxFileSize), ("--max-depth", maxDepth, maximum.maxDepth),
            ("--max-alias-nodes", maxAliasNodes, maximum.maxAliasNodes),
            ("--max-documents", maxDocuments, maximum.maxDocuments), ("--max-findings", maxFindings, Int(Int32.max)),
        ] {
            if value < 1 { throw ValidationError("'\(name)' must be at least 1, not \(value)") }
            if value > most { throw ValidationError("'\(name)' must be at most \(most), not \(value)") }
        }
    }

    var limits: InputLimits {
        InputLimits(maxFileSize: maxFileSize, maxDepth: maxDepth, maxAliasNodes: maxAliasNodes, maxDocuments: maxDocuments)
    }
}
