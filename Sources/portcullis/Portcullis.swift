import ArgumentParser

@main
struct Portcullis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portcullis",
        abstract: "Compile and check Azure API Management policies written as declarative YAML.",
        version: "0.1.0",
        subcommands: [Lint.self, Build.self, Rules.self, Explain.self]
    )
}
