import ArgumentParser

/// Commands for the project's own tests and benchmarks; hidden from the help.
struct DevelopmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Tools for RunLedger's own tests and benchmarks.",
        shouldDisplay: false,
        subcommands: [
            CrashWriterCommand.self,
            BenchLogCommand.self,
            BenchCheckerCommand.self,
            SoakCommand.self,
            DevReplayInputCommand.self,
            DevReplayBenchCommand.self,
        ]
    )
}
