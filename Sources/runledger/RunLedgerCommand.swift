import ArgumentParser
import Foundation

/// The `runledger` command. Exit status: 0 success; 1 an invariant was violated or a replay
/// diverged; 2 bad usage or bad input; 3 a log is corrupt or unreadable.
@main
struct RunLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runledger",
        abstract: "Event-sourced simulation and replay of LangGraph-style run queues.",
        subcommands: [
            SimulateCommand.self,
            VerifyCommand.self,
            LogCommand.self,
            TraceCommand.self,
            ReplayCommand.self,
            DemoCommand.self,
            DevelopmentCommand.self,
        ]
    )

    /// Runs the command and turns every failure into one line on stderr and the documented status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let failure as CommandFailure {
            Terminal.error(failure.message)
            Foundation.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Terminal.error(fullMessage(for: error))
            Foundation.exit(ExitStatus.badInput.rawValue)
        }
    }
}
