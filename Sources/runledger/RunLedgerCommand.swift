import ArgumentParser

@main
struct RunLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runledger",
        abstract: "Event-sourced simulation and replay of LangGraph-style run queues."
    )
}
