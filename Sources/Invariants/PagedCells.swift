// A small value per id, for every id ever seen (what became of a run; what is left of a thread
// the checker stopped holding), in memory that follows how much those values vary rather than
// how many ids there are: ids are grouped in pages of 4,096, and a page whose cells are all
// final and equal shrinks to that one value. A fresh-thread simulation that succeeds every run
// thus keeps a few bytes per 4,096 runs; a page of mixed fates keeps one cell per id.

/// Cells of type `Cell` for ids below ``denseLimit`` (0 until written), in pages that collapse
/// to a single value once every cell holds the same final value; ids above go to a dictionary.
struct PagedCells<Cell: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    private struct Page: Sendable {
        /// Empty while the page is uniform.
        var cells: [Cell] = []
        var uniform: Cell = 0
        /// Cells holding a final value: once all are, the page may collapse.
        var finalCount = 0
    }

    static var pageBits: Int { 12 }
    static var pageSize: Int { 1 << pageBits }
    /// Ids from here on go to the dictionary, so one huge id cannot allocate a huge directory.
    static var denseLimit: UInt32 { 1 << 24 }

    private var pages: [Page] = []
    private var sparse: [UInt32: Cell] = [:]
    /// The one non-zero value that is not final (a run still tracked): a page holding it
    /// cannot collapse yet.
    private let provisional: Cell

    init(provisional: Cell) {
        self.provisional = provisional
    }

    subscript(id: UInt32) -> Cell {
        get {
            guard id < Self.denseLimit else { return sparse[id] ?? 0 }
            let pageIndex = Int(id) >> Self.pageBits
            guard pageIndex < pages.count else { return 0 }
            return pages[pageIndex].cells.isEmpty ? pages[pageIndex].uniform : pages[pageIndex].cells[Int(id) & (Self.pageSize - 1)]
        }
        set {
            guard id < Self.denseLimit else {
                sparse[id] = newValue == 0 ? nil : newValue
                return
            }
            let pageIndex = Int(id) >> Self.pageBits
            if pageIndex >= pages.count {
                if newValue == 0 { return }
                pages.append(contentsOf: repeatElement(Page(), count: pageIndex + 1 - pages.count))
            }
            Self.write(newValue, at: Int(id) & (Self.pageSize - 1), in: &pages[pageIndex], provisional: provisional)
        }
    }

    /// Static, so that writing into one page does not copy `self` (and with it the directory).
    private static func write(_ value: Cell, at offset: Int, in page: inout Page, provisional: Cell) {
        func isFinal(_ cell: Cell) -> Bool { cell != 0 && cell != provisional }
        if page.cells.isEmpty {
            if page.uniform == value { return }
            page.cells = Array(repeating: page.uniform, count: Self.pageSize)
        }
        let old = page.cells[offset]
        if old == value { return }
        page.cells[offset] = value
        let wasFull = page.finalCount == Self.pageSize
        page.finalCount += (isFinal(value) ? 1 : 0) - (isFinal(old) ? 1 : 0)
        // Try to collapse only when the page becomes full, so a full page of mixed values is
        // not rescanned on every later write.
        if page.finalCount == Self.pageSize && !wasFull, let first = page.cells.first, page.cells.allSatisfy({ $0 == first }) {
            page.uniform = first
            page.cells = []
        }
    }

    /// Cells stored one per id (uncollapsed pages and the dictionary), for the memory bound.
    var storedCellCount: Int { pages.reduce(0) { $0 + $1.cells.count } + sparse.count }
}

