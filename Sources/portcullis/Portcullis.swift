import ArgumentParser
import PortcullisSupport

@main
struct Portcullis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Compile and check Azure API Management policies written as declarative YAML.",
        version: ToolInfo.version,
        subcommands: [Lint.self, Build.self, Diff.self, Rules.self, Explain.self]
    )
}
