// Parsers for recorded trace formats: bytes or lines in, requests out. This module never opens
// files itself; the command line hands it bytes (`TraceLineSplitter`) or lines (`TraceImporter`).

/// Namespace for the trace formats RunLedger reads.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// The JSON lines the LangGraph API server writes with `LOG_JSON=true`.
    case langgraphLog = "langgraph-log"
    /// RunLedger's own request trace: what a client did and saw, as JSON lines.
    case runledgerTrace = "runledger-trace"
}
