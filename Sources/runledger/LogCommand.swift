import ArgumentParser

/// `runledger log stat|cat|verify`: inspect an event log.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Inspect an event log: sizes, records, integrity.",
        subcommands: [LogStatCommand.self, LogCatCommand.self, LogVerifyCommand.self]
    )
}
